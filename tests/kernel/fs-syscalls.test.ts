// File-system system calls called directly (fs-bench.ts): the getdents64 record layout and
// seek cookies against what the host lists, pipes sleeping and waking through the wait
// protocol (src/kernel/sched/wait.ts), poll timeouts as deadlines, the per-terminal termios
// copy, the /proc formats against the host's and against src/cpu/cpuid.ts, and the trace lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FsBench, tempDir } from './fs-bench.js';
import { CaptureHost } from '../harness/run-guest.js';
import { BLOCKED, WaitQueue } from '../../src/kernel/sched/wait.js';
import { PipeFile } from '../../src/kernel/fs/pipe.js';
import { maps } from '../../src/kernel/fs/procfs.js';
import { makedev } from '../../src/kernel/fs/devices.js';
import { FEATURES, cpuid } from '../../src/cpu/cpuid.js';
import { formatSyscall } from '../../src/trace/syscall-format.js';
import type { HostStat } from '../../src/kernel/host.js';
import { EAGAIN, EINVAL, ENOTTY, ESRCH, ENOTDIR, EPIPE, ENXIO } from '../../src/kernel/errno.js';

const AT_FDCWD = -100, O_RDONLY = 0, O_DIRECTORY = 0o200000, O_NONBLOCK = 0o4000;

/** Parse linux_dirent64 records. */
function dirents(bytes: Uint8Array): { ino: bigint; off: bigint; reclen: number; type: number; name: string }[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let at = 0; at < bytes.length;) {
    const reclen = dv.getUint16(at + 16, true);
    const end = bytes.indexOf(0, at + 19);
    out.push({ ino: dv.getBigUint64(at, true), off: dv.getBigInt64(at + 8, true), reclen, type: bytes[at + 18], name: new TextDecoder().decode(bytes.subarray(at + 19, end)) });
    at += reclen;
  }
  return out;
}

test('getdents64: ".", "..", then every host entry with its inode and type; d_off seeks back', () => {
  const dir = tempDir('dents');
  for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(dir, `file-${i}-${'x'.repeat(i)}`), '');
  fs.mkdirSync(path.join(dir, 'subdir'));
  fs.symlinkSync('nowhere', path.join(dir, 'link'));
  const b = new FsBench();
  const fd = b.call('sys_openat', AT_FDCWD, b.str(dir), O_RDONLY | O_DIRECTORY, 0);
  assert.ok(fd >= 0);
  const buf = b.buf(4096);
  // A small buffer: several calls, each ending on a whole record.
  const all: ReturnType<typeof dirents> = [];
  for (;;) {
    const n = b.call('sys_getdents64', fd, buf, 200);
    assert.ok(n >= 0);
    if (n === 0) break;
    assert.ok(n <= 200);
    all.push(...dirents(b.bytes(buf, n)));
  }
  for (const e of all) assert.equal(e.reclen % 8, 0, `${e.name}: reclen ${e.reclen} not 8-aligned`);
  assert.deepEqual(all.slice(0, 2).map((e) => e.name), ['.', '..']);
  const names = all.slice(2).map((e) => e.name).sort();
  assert.deepEqual(names, fs.readdirSync(dir).sort());
  for (const e of all.slice(2)) {
    const st = fs.lstatSync(path.join(dir, e.name), { bigint: true });
    assert.equal(e.ino, st.ino, e.name);
    assert.equal(e.type, st.isDirectory() ? 4 : st.isSymbolicLink() ? 10 : 8, e.name);
  }
  assert.equal(all[0].ino, fs.statSync(dir, { bigint: true }).ino);
  assert.equal(all[1].ino, fs.statSync(path.dirname(dir), { bigint: true }).ino);
  // Seeking to a record's d_off continues with the record after it.
  const k = 10;
  assert.equal(b.call('sys_lseek', fd, Number(all[k].off), 0), Number(all[k].off));
  const n = b.call('sys_getdents64', fd, buf, 4096);
  assert.equal(dirents(b.bytes(buf, n))[0].name, all[k + 1].name);
  // Too small for one record.
  b.call('sys_lseek', fd, 0, 0);
  assert.equal(b.call('sys_getdents64', fd, buf, 20), -EINVAL);
  const file = b.call('sys_openat', AT_FDCWD, b.str(path.join(dir, 'link')), O_RDONLY, 0);
  assert.ok(file < 0, 'a dangling link does not open');
  const reg = b.call('sys_openat', AT_FDCWD, b.str(path.join(dir, 'file-0-')), O_RDONLY, 0);
  assert.equal(b.call('sys_getdents64', reg, buf, 4096), -ENOTDIR);
});

test('pipe: an empty blocking read sleeps on the pipe and finishes when a writer wakes it', () => {
  const b = new FsBench();
  const woken: unknown[] = [];
  const fds = b.buf(8);
  assert.equal(b.call('sys_pipe2', fds, 0), 0);
  const [r, w] = [b.i32(fds), b.i32(fds + 4)];
  const dst = b.buf(64);
  const ret = b.call('sys_read', r, dst, 64);
  assert.equal(ret, BLOCKED);
  const sleep = b.t.sleep!;
  const pipe = (b.t.files.get(r) as PipeFile).pipe;
  assert.deepEqual(sleep.queues, [pipe.rdWait]);
  assert.equal(sleep.deadline, Infinity);
  // What the scheduler does: park the task on the queue; a write must wake it.
  pipe.rdWait.waiters.add(b.t);
  const saved = WaitQueue.onWake;
  WaitQueue.onWake = (t) => woken.push(t);
  try {
    assert.equal(b.call('sys_write', w, b.str('ping'), 4), 4);
  } finally {
    WaitQueue.onWake = saved;
  }
  assert.deepEqual(woken, [b.t]);
  assert.equal(sleep.retry(), 4);
  assert.equal(new TextDecoder().decode(b.bytes(dst, 4)), 'ping');
  // O_NONBLOCK: no sleeping, EAGAIN.
  assert.equal(b.call('sys_fcntl', r, 4, O_NONBLOCK), 0);
  assert.equal(b.call('sys_read', r, dst, 64), -EAGAIN);
  // A blocking write bigger than the pipe fills it, sleeps, and goes on where it stopped.
  const big = b.buf(100_000);
  const wret = b.call('sys_write', w, big, 100_000);
  assert.equal(wret, BLOCKED);
  const wsleep = b.t.sleep!;
  assert.deepEqual(wsleep.queues, [pipe.wrWait]);
  assert.equal(pipe.bytes, 65536);
  assert.equal(b.call('sys_read', r, b.buf(65536), 65536), 65536);
  assert.equal(wsleep.retry(), 100_000);
  assert.equal(pipe.bytes, 100_000 - 65536);
  // The last reader gone: EPIPE.
  assert.equal(b.call('sys_close', r), 0);
  assert.equal(b.call('sys_write', w, b.str('x'), 1), -EPIPE);
});

test('poll: nothing ready sleeps until the timeout\'s deadline; the retry then reports 0', () => {
  const b = new FsBench();
  const fds = b.buf(8);
  b.call('sys_pipe', fds);
  const r = b.i32(fds);
  const pfd = b.buf(8);
  const dv = new DataView(new ArrayBuffer(8));
  dv.setInt32(0, r, true);
  dv.setUint16(4, 1, true);
  b.t.um.write(pfd, new Uint8Array(dv.buffer));
  const now = b.k.clock.read(1)!;
  assert.equal(b.call('sys_poll', pfd, 1, 250), BLOCKED);
  const s = b.t.sleep!;
  assert.equal(s.deadline, now + 250e6);
  assert.equal(s.queues.length, 1);
  // Not yet due: the retry sleeps again.
  assert.equal(s.retry(), BLOCKED);
  // Time passes (the scheduler's idle loop jumps the cycle counter to the deadline).
  b.k.cpu.tsc = b.k.clock.cyclesForMonotonic(s.deadline);
  assert.equal(b.t.sleep!.retry(), 0);
  // Zero timeout never sleeps.
  assert.equal(b.call('sys_poll', pfd, 1, 0), 0);
});

/** A host whose standard streams are one terminal (a pty, major 136). */
class TtyHost extends CaptureHost {
  override isatty(handle: number): boolean {
    return handle <= 2 || super.isatty(handle);
  }
  override fstat(handle: number): HostStat | number {
    if (handle > 2) return super.fstat(handle);
    return { dev: 22, ino: 3, mode: 0o20620, nlink: 1, uid: 0, gid: 5, rdev: makedev(136, 0), size: 0, blksize: 1024, blocks: 0, atimeNs: 0, mtimeNs: 0, ctimeNs: 0 };
  }
  override winsize(handle: number): { rows: number; cols: number } | null {
    return handle <= 2 ? { rows: 40, cols: 132 } : null;
  }
}

test('terminal ioctls keep a termios copy per terminal and never touch the host\'s', () => {
  const host = new TtyHost();
  const b = new FsBench({}, host);
  const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSF = 0x5404, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;
  const TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, FIONREAD = 0x541b;
  const tio = b.buf(36);
  assert.equal(b.call('sys_ioctl', 0, TCGETS, tio), 0);
  const dflt = b.bytes(tio, 36);
  const lflag = new DataView(dflt.buffer).getUint32(12, true);
  assert.ok(lflag & 0x2, 'ICANON in the default');
  assert.ok(lflag & 0x8, 'ECHO in the default');
  // Raw mode through stdout changes what stdin reports too: one terminal, one termios.
  const raw = dflt.slice();
  new DataView(raw.buffer).setUint32(12, lflag & ~(0x2 | 0x8), true);
  raw[17 + 6] = 1; // VMIN
  b.t.um.write(tio, raw);
  assert.equal(b.call('sys_ioctl', 1, TCSETSF, tio), 0);
  const back = b.buf(36);
  assert.equal(b.call('sys_ioctl', 0, TCGETS, back), 0);
  assert.deepEqual(b.bytes(back, 36), raw);
  assert.equal(b.call('sys_ioctl', 2, TCSETS, tio), 0);
  // Window size from the host, until the guest sets its own.
  const ws = b.buf(8);
  assert.equal(b.call('sys_ioctl', 1, TIOCGWINSZ, ws), 0);
  assert.deepEqual([...b.bytes(ws, 4)], [40, 0, 132, 0]);
  b.t.um.write(ws, new Uint8Array([24, 0, 80, 0, 0, 0, 0, 0]));
  assert.equal(b.call('sys_ioctl', 1, TIOCSWINSZ, ws), 0);
  const ws2 = b.buf(8);
  b.call('sys_ioctl', 0, TIOCGWINSZ, ws2);
  assert.deepEqual([...b.bytes(ws2, 4)], [24, 0, 80, 0]);
  // The foreground group: the session's at first; only existing groups of the session.
  const pg = b.buf(4);
  assert.equal(b.call('sys_ioctl', 0, TIOCGPGRP, pg), 0);
  assert.equal(b.i32(pg), b.t.sid);
  b.t.um.writeU32(pg, 999);
  assert.equal(b.call('sys_ioctl', 0, TIOCSPGRP, pg), -ESRCH);
  b.t.um.writeU32(pg, -5);
  assert.equal(b.call('sys_ioctl', 0, TIOCSPGRP, pg), -EINVAL);
  b.t.um.writeU32(pg, b.t.pgid);
  assert.equal(b.call('sys_ioctl', 0, TIOCSPGRP, pg), 0);
  const cnt = b.buf(4);
  assert.equal(b.call('sys_ioctl', 0, FIONREAD, cnt), 0);
  // A file is not a terminal.
  const fd = b.call('sys_openat', AT_FDCWD, b.str('/dev/null'), 2, 0);
  assert.equal(b.call('sys_ioctl', fd, TCGETS, tio), -ENOTTY);
  // /dev/tty is the terminal on the standard streams.
  const tty = b.call('sys_openat', AT_FDCWD, b.str('/dev/tty'), 2, 0);
  assert.ok(tty >= 0);
  assert.equal(b.call('sys_ioctl', tty, TCGETS, back), 0);
  assert.deepEqual(b.bytes(back, 36), raw);
  // Without a terminal, /dev/tty is ENXIO (tty_open with no controlling tty).
  const plain = new FsBench();
  assert.equal(plain.call('sys_openat', AT_FDCWD, plain.str('/dev/tty'), 2, 0), -ENXIO);
});

test('/proc/self/maps uses Linux\'s layout: the name starts where the host\'s maps put it', () => {
  const b = new FsBench();
  const ours = maps(b.t).trimEnd().split('\n');
  assert.equal(ours.length, b.t.mm.vmas.length);
  const re = /^([0-9a-f]{8,})-([0-9a-f]{8,}) ([r-][w-][x-][ps]) ([0-9a-f]{8}) ([0-9a-f]{2}:[0-9a-f]{2}) (\d+) */;
  for (const line of ours) assert.match(line, re);
  // The host (this Node process) as the oracle for the column of the name.
  const hostLine = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.endsWith('[stack]'))!;
  const ourLine = ours.find((l) => l.endsWith('[stack]'))!;
  // The prefix is padded to a fixed column whatever the address widths: the names line up.
  assert.equal(ourLine.indexOf('[stack]'), hostLine.indexOf('[stack]'));
  const [lo, hi] = re.exec(ourLine)!.slice(1, 3).map((h) => parseInt(h, 16));
  const stack = b.t.mm.vmas.find((v) => v.name === '[stack]')!;
  assert.deepEqual([lo, hi], [stack.start, stack.end]);
});

test('/proc/cpuinfo agrees with CPUID, /proc/meminfo with the memory size', () => {
  for (const vendor of ['intel', 'amd'] as const) {
    const b = new FsBench({ vendor, memoryMiB: 96 });
    const read = (p: string): string => {
      const fd = b.call('sys_openat', AT_FDCWD, b.str(p), O_RDONLY, 0);
      assert.ok(fd >= 0, p);
      const buf = b.buf(65536);
      const n = b.call('sys_read', fd, buf, 65536);
      return new TextDecoder().decode(b.bytes(buf, n));
    };
    const info = read('/proc/cpuinfo');
    const field = (name: string) => new RegExp(`^${name}\\s*: (.*)$`, 'm').exec(info)?.[1];
    assert.equal(field('vendor_id'), vendor === 'intel' ? 'GenuineIntel' : 'AuthenticAMD');
    const flags = field('flags')!.split(' ');
    assert.equal(flags.includes('sse2'), (FEATURES.leaf1Edx & (1 << 26)) !== 0);
    assert.equal(flags.includes('cx16'), (FEATURES.leaf1Ecx & (1 << 13)) !== 0);
    assert.equal(flags.includes('lm'), (FEATURES.ext1Edx & (1 << 29)) !== 0);
    assert.equal(flags.includes('ssse3'), (FEATURES.leaf1Ecx & (1 << 9)) !== 0);
    assert.equal(flags.includes('avx'), false);
    assert.equal(Number(field('cpuid level')), cpuid(vendor, 0, 0)[0]);
    assert.equal(Number(field('cpu family')), (cpuid(vendor, 1, 0)[0] >>> 8) & 0xf);
    const mem = read('/proc/meminfo');
    assert.match(mem, /^MemTotal: {7}\s*98304 kB$/m);
    const free = Number(/^MemFree:\s+(\d+) kB$/m.exec(mem)![1]);
    assert.ok(free > 0 && free < 98304);
    // The layouts are the host's: the same tabs before each cpuinfo colon, the same column
    // for the meminfo numbers (right-aligned to end at " kB").
    const hostInfo = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')[0].split('\n');
    const sep = (lines: string[]) => new Map(lines.map((l) => /^([^\t:]+)(\t*:)/.exec(l)).filter((m) => m !== null).map((m) => [m![1], m![2]]));
    const hostSep = sep(hostInfo), ourSep = sep(info.split('\n'));
    let compared = 0;
    for (const [key, s] of ourSep) if (hostSep.has(key)) { assert.equal(s, hostSep.get(key), `cpuinfo "${key}"`); compared++; }
    assert.ok(compared >= 15, `only ${compared} cpuinfo keys in common with the host`);
    const hostMem = fs.readFileSync('/proc/meminfo', 'utf8').split('\n')[0];
    if (/^MemTotal:\s+\d{1,8} kB$/.test(hostMem)) assert.equal(mem.split('\n')[0].indexOf(' kB'), hostMem.indexOf(' kB'));
  }
});

test('the trace shows the new calls with names for flags and the pipe\'s descriptors', () => {
  const b = new FsBench();
  const fds = b.buf(8);
  const flags = 0o2000000 | O_NONBLOCK;
  const r = b.call('sys_pipe2', fds, flags);
  assert.equal(formatSyscall('pipe2', [fds, flags], r, b.t), `pipe2([${b.i32(fds)}, ${b.i32(fds + 4)}], O_NONBLOCK|O_CLOEXEC) = 0`);
  const p = b.str('/nonexistent-dir/x');
  assert.equal(formatSyscall('mkdirat', [AT_FDCWD, p, 0o755], b.call('sys_mkdirat', AT_FDCWD, p, 0o755), b.t),
    'mkdirat(AT_FDCWD, "/nonexistent-dir/x", 0755) = -1 ENOENT (No such file or directory)');
  assert.equal(formatSyscall('unlinkat', [AT_FDCWD, p, 0x200], -2, b.t), 'unlinkat(AT_FDCWD, "/nonexistent-dir/x", AT_REMOVEDIR) = -1 ENOENT (No such file or directory)');
  // strace prints F_DUPFD_CLOEXEC's lowest descriptor in decimal.
  assert.equal(formatSyscall('fcntl', [3, 1030, 10], 11, b.t), 'fcntl(3, F_DUPFD_CLOEXEC, 10) = 11');
  assert.equal(formatSyscall('renameat2', [AT_FDCWD, p, AT_FDCWD, p, 1], -17, b.t),
    'renameat2(AT_FDCWD, "/nonexistent-dir/x", AT_FDCWD, "/nonexistent-dir/x", RENAME_NOREPLACE) = -1 EEXIST (File exists)');
  assert.equal(formatSyscall('access', [p, 6], -30, b.t), 'access("/nonexistent-dir/x", R_OK|W_OK) = -1 EROFS (Read-only file system)');
});
