// The 64-bit vDSO (src/kernel/vdso): glibc and musl static programs find it through
// AT_SYSINFO_EHDR and tell the time without entering the kernel, with the same answers the
// system calls give; --no-vdso and --host-time send every call back to the kernel. Also: the
// mapping ([vvar] below [vdso], shared pages that fork keeps), the exact agreement of the vDSO's
// arithmetic with the kernel's, and the 32-bit image's entry patching and unwind tables.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { runGuest, runNative } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX } from '../guest/guests.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { entryImage } from '../../src/kernel/arch/image.js';
import { NodeHost } from '../../src/cli/node-host.js';
import { Clock, CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI } from '../../src/kernel/time/clock.js';
import * as vvarTs from '../../src/kernel/vdso/vvar.js';
import { Vvar, VV_CYCLE_LAST, VV_MULT, VV_SHIFT, VV_BASE, VV_BASE_SIZE, VV_MAX_DELTA } from '../../src/kernel/vdso/vvar.js';
import { mapVdso } from '../../src/kernel/vdso/vdso.js';
import { Mm } from '../../src/kernel/mm/mm.js';
import { PtRegs, PT_REGS_SIZE } from '../../src/kernel/entry/ptregs.js';
import { PhysicalMemory } from '../../src/cpu/memory.js';
import { VDSO32_SYMBOLS } from '../../src/kernel/vdso/generated/vdso-image-32.js';
import { VDSO64_SYMBOLS } from '../../src/kernel/vdso/generated/vdso-image-64.js';
import type { Host } from '../../src/kernel/host.js';
import type { Cpu } from '../../src/cpu/cpu.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };
const BIN = 'tests/guest/bin';
/** Raw clock_gettime system calls vdso_clock makes itself: 200 + 200 + 50 interleaved, 1 bad clock. */
const RAW_CALLS = 451;

for (const libc of ['glibc', 'musl'] as const) {
  test(`vdso_clock.${libc}: the library's clocks come from the vDSO, agree with the system calls, print what the host prints`, native, () => {
    const bin = `${BIN}/vdso_clock.${libc}`;
    const host = runNative(bin);
    assert.equal(host.status, 0);
    const r = runGuest(bin, [], { stats: true });
    assert.equal(r.error, null);
    assert.equal(r.stdout, host.stdout);
    assert.equal(r.status, 0);
    const calls = r.kernel.stats.syscalls;
    // Only the program's own syscall(SYS_clock_gettime) calls (and the bad clock id, which the
    // vDSO hands to the kernel) entered the kernel.
    assert.equal(calls.get('clock_gettime'), RAW_CALLS);
    assert.equal(calls.get('gettimeofday'), undefined);
    assert.equal(calls.get('time'), undefined);
    // glibc calls getcpu through the vDSO; musl's sched_getcpu too.
    assert.equal(calls.get('getcpu'), undefined);

    const off = runGuest(bin, [], { stats: true, vdso: false });
    assert.equal(off.stdout, host.stdout);
    const offCalls = off.kernel.stats.syscalls;
    // Without the vDSO every clock read is a system call: the 451 raw ones and the library's
    // 450 interleaved plus its own handful.
    assert.ok(offCalls.get('clock_gettime')! > RAW_CALLS + 450, `${offCalls.get('clock_gettime')}`);
    if (libc === 'glibc') {
      assert.equal(offCalls.get('gettimeofday'), 1);
      assert.equal(offCalls.get('time'), 1);
      assert.equal(offCalls.get('getcpu'), 1);
    }
  });
}

test('--host-time: the TSC is not the guest clock, so the vDSO takes the system call (VCLOCK_NONE)', native, () => {
  const bin = `${BIN}/vdso_clock.glibc`;
  const host = runNative(bin);
  const r = runGuest(bin, [], { stats: true, hostTime: true });
  assert.equal(r.stdout, host.stdout);
  const calls = r.kernel.stats.syscalls;
  assert.ok(calls.get('clock_gettime')! > RAW_CALLS + 450);
  assert.equal(calls.get('gettimeofday'), 1);
  assert.equal(calls.get('time'), 1);
  // getcpu needs no clock: still served in user mode.
  assert.equal(calls.get('getcpu'), undefined);
});

test('1,000,000 clock_gettime calls enter the kernel zero times with the vDSO, once each without it', () => {
  const bin = `${BIN}/vdso_clock.glibc`;
  const n = 1_000_000;
  const r = runGuest(bin, ['loop', String(n)], { stats: true });
  assert.equal(r.stdout, 'loop: done\n');
  assert.equal(r.kernel.stats.syscalls.get('clock_gettime'), undefined);
  // The whole run, start-up and exit included, makes a handful of system calls.
  const entries = [...r.kernel.stats.syscalls.values()].reduce((a, b) => a + b, 0);
  assert.ok(entries < 30, `${entries} system calls`);
  // Without the vDSO (fewer calls, to keep the test short): exactly one system call per call.
  const m = 20_000;
  const off = runGuest(bin, ['loop', String(m)], { stats: true, vdso: false });
  assert.equal(off.stdout, 'loop: done\n');
  assert.equal(off.kernel.stats.syscalls.get('clock_gettime'), m);
});

/** A Clock on a fake CPU whose TSC the test sets. */
function clockAt(hz: number): { clock: Clock; cpu: { tsc: number } } {
  const cpu = { tsc: 0 };
  const host = { realtimeNs: () => 1_700_000_000_123_456_789, monotonicNs: () => 0 } as unknown as Host;
  return { clock: new Clock(host, cpu as unknown as Cpu, hz, false), cpu };
}

test('the vvar arithmetic (run as the C code runs it, in 64-bit integers) gives the kernel\'s exact time', () => {
  // The oracle is vclock_gettime.c's do_hres in BigInt: (snsec + (tsc - cycle_last) * mult) >> shift,
  // seconds carried; the kernel's answer is Clock.readTs at the same cycle count.
  for (const hz of [3.1e9, 2.4e9, 1e9, 3_333_333_333, 12_345_678]) {
    const { clock, cpu } = clockAt(hz);
    const phys = new PhysicalMemory(1 << 20);
    const vv = new Vvar(phys, 0x1000, clock, 4_000_000);
    const dv = phys.dv;
    const u64 = (o: number) => dv.getBigUint64(0x1000 + o, true);
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const ts = [0, 0];
    for (let round = 0; round < 40; round++) {
      // An update somewhere, then readings up to ~2 s of cycles after it.
      cpu.tsc = Math.floor(rnd() * 2 ** 45);
      clock.update();
      vv.update();
      const last = u64(VV_CYCLE_LAST), mult = u64(VV_MULT) & 0xffffffffn, shift = u64(VV_SHIFT) & 0xffffffffn;
      assert.ok(u64(VV_MAX_DELTA) * mult < 1n << 63n);
      for (let k = 0; k < 20; k++) {
        const c = cpu.tsc + Math.floor(rnd() * 2 * hz);
        for (const id of [CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI]) {
          const base = VV_BASE + id * VV_BASE_SIZE;
          let ns = (u64(base + 8) + (BigInt(c) - last) * mult) >> shift;
          const sec = u64(base) + ns / 1_000_000_000n;
          ns %= 1_000_000_000n;
          assert.ok(clock.readTs(id, ts, c));
          assert.deepEqual([BigInt(ts[0]), BigInt(ts[1])], [sec, ns], `hz ${hz} clock ${id} cycle ${c}`);
        }
      }
    }
  }
});

test('mult/shift time is monotonic and cyclesForMonotonic inverts it', () => {
  const { clock } = clockAt(3.1e9);
  let prev = -1;
  for (let c = 0; c < 5000; c += 7) {
    const ns = clock.nsAt(c);
    assert.ok(ns >= prev);
    prev = ns;
  }
  for (const ns of [1e9, 1e9 + 1, 1e9 + 12345, 5e9 + 3, 1e9 + 86400e9]) {
    const c = clock.cyclesForMonotonic(ns);
    assert.ok(clock.read(1) !== null);
    assert.ok(1e9 + clock.nsAt(c) >= ns && (c === 0 || 1e9 + clock.nsAt(c - 1) < ns), `ns ${ns}`);
  }
});

function kernel(opts: ConstructorParameters<typeof Kernel>[2] = {}): Kernel {
  return new Kernel(new NodeHost(), entryImage(), { memoryMiB: 64, ...opts });
}

test('exec maps [vvar] then [vdso] read-only, announces the ELF image in AT_SYSINFO_EHDR; fork shares the pages', () => {
  const k = kernel();
  const bin = `${BIN}/vdso_clock.glibc`;
  const t = k.spawn(fs.readFileSync(bin), bin, [bin], []);
  const vmas = t.mm.vmas.filter((v) => v.name === '[vvar]' || v.name === '[vdso]');
  assert.deepEqual(vmas.map((v) => v.name), ['[vvar]', '[vdso]']);
  const [vvar, vdso] = vmas;
  assert.equal(vvar.end, vdso.start);
  assert.equal(vvar.prot, 1);  // PROT_READ
  assert.equal(vdso.prot, 5);  // PROT_READ | PROT_EXEC
  // The image at the base is the ELF shared object the C libraries parse.
  const head = t.um.read(vdso.start, 4)!;
  assert.deepEqual([...head], [0x7f, 0x45, 0x4c, 0x46]);
  // User mode cannot write either page.
  assert.equal(t.um.write(vvar.start, new Uint8Array(1)), false);
  assert.equal(t.um.write(vdso.start, new Uint8Array(1)), false);
  // AT_SYSINFO_EHDR (33) on the initial stack points at it.
  const sp = new PtRegs(k.cpu, t.kstackTop - PT_REGS_SIZE).num('rsp');
  const words: number[] = [];
  for (let a = sp; words.length < 400; a += 8) words.push(t.um.readPtr(a)!);
  const argc = words[0];
  let i = 1 + argc + 1;
  while (words[i] !== 0) i++;
  i++;
  const aux = new Map<number, number>();
  for (; words[i] !== 0; i += 2) aux.set(words[i], words[i + 1]);
  assert.equal(aux.get(33), vdso.start);
  // fork: the child's page tables point at the same frames (the vvar page must be the live one).
  const child = t.mm.clone((root) => k.ks.shareKernelHalf(root))!;
  for (const v of vmas) assert.equal(child.pt.lookup(v.start), t.mm.pt.lookup(v.start));
  child.destroy(() => {});
  assert.ok(t.mm.pt.lookup(vvar.start) >= 0);
  // --no-vdso: nothing mapped, no AT_SYSINFO_EHDR.
  const k2 = kernel({ vdso: false });
  const t2 = k2.spawn(fs.readFileSync(bin), bin, [bin], []);
  assert.equal(t2.mm.vmas.some((v) => v.name === '[vdso]' || v.name === '[vvar]'), false);
});

test('the 64-bit image exports the LINUX_2.6 functions with their unprefixed aliases', () => {
  for (const f of ['clock_gettime', 'gettimeofday', 'time', 'getcpu', 'clock_getres']) {
    assert.equal(VDSO64_SYMBOLS[f], VDSO64_SYMBOLS[`__vdso_${f}`], f);
  }
});

test('the 32-bit vDSO: __kernel_vsyscall patched at boot for the vendor and --compat-entry; mapVdso(…, 32)', () => {
  const patchAt = VDSO32_SYMBOLS['vdso32_entry_patch'];
  assert.equal(VDSO32_SYMBOLS['int80_landing_pad'], patchAt + 6, 'int $0x80 (2 bytes) follows the 4-byte site');
  const cases: [Partial<ConstructorParameters<typeof Kernel>[2]>, number[]][] = [
    [{ vendor: 'intel' }, [0x89, 0xe5, 0x0f, 0x34]],               // movl %esp,%ebp; sysenter
    [{ vendor: 'amd' }, [0x89, 0xcd, 0x0f, 0x05]],                 // movl %ecx,%ebp; syscall
    [{ vendor: 'intel', compatEntry: 'int80' }, [0x0f, 0x1f, 0x40, 0x00]],
    [{ vendor: 'amd', compatEntry: 'sysenter' }, [0x89, 0xe5, 0x0f, 0x34]],
  ];
  for (const [opts, bytes] of cases) {
    const k = kernel(opts ?? {});
    const mm = new Mm(k.phys, k.frames, (root) => k.ks.shareKernelHalf(root));
    const m = mapVdso(k, mm, 32)!;
    assert.equal(m.base, m.vvar + 4096);
    assert.ok(m.base < 2 ** 32);
    const pa = mm.pt.lookup(m.base);
    const got = [...k.phys.bytes.subarray(pa + patchAt, pa + patchAt + 6)];
    assert.deepEqual(got, [...bytes, 0xcd, 0x80], JSON.stringify(opts));
    assert.equal(m.sym('__kernel_vsyscall'), m.base + VDSO32_SYMBOLS['__kernel_vsyscall']);
    assert.throws(() => m.sym('no_such_symbol'));
  }
});

test('the 32-bit vDSO has unwind tables: __kernel_vsyscall, and signal frames for the sigreturn trampolines', { skip: spawnSync('readelf', ['--version']).status === 0 ? false : 'needs readelf' }, () => {
  const out = spawnSync('readelf', ['--debug-dump=frames', 'src/kernel/vdso/generated/vdso32.so'], { encoding: 'utf8' }).stdout;
  const fdes = [...out.matchAll(/FDE cie=([0-9a-f]+) pc=([0-9a-f]+)\.\.([0-9a-f]+)/g)].map((m) => ({ cie: m[1], lo: parseInt(m[2], 16), hi: parseInt(m[3], 16) }));
  const covers = (a: number) => fdes.find((f) => f.lo <= a && a < f.hi);
  const vs = covers(VDSO32_SYMBOLS['__kernel_vsyscall']);
  assert.ok(vs && vs.hi > VDSO32_SYMBOLS['int80_landing_pad'], 'an FDE covers __kernel_vsyscall through its ret');
  for (const name of ['__kernel_sigreturn', '__kernel_rt_sigreturn']) {
    const f = covers(VDSO32_SYMBOLS[name] - 1);
    assert.ok(f, `an FDE starts at the NOP before ${name}`);
    assert.equal(f, covers(VDSO32_SYMBOLS[name]));
  }
  // The trampolines' CIE is a signal frame's ("S") and the CFA is the saved esp (an expression).
  assert.match(out, /Augmentation:\s+"zRS"/);
  assert.match(out, /DW_CFA_def_cfa_expression \(DW_OP_breg4 \(esp\): 188; DW_OP_deref\)/, 'rt: CFA = uc_mcontext.esp (160 + 28)');
  assert.match(out, /DW_CFA_expression: r8 \(eip\) \(DW_OP_breg4 \(esp\): 60\)/, 'sigreturn: eip at sc.eip (4 + 56)');
  const hdr = spawnSync('readelf', ['-lW', 'src/kernel/vdso/generated/vdso32.so'], { encoding: 'utf8' }).stdout;
  for (const p of ['LOAD', 'DYNAMIC', 'NOTE', 'GNU_EH_FRAME']) assert.match(hdr, new RegExp(`^\\s+${p}\\s`, 'm'), p);
});

test('the vvar offsets the kernel writes are the ones vvar.h asserts for the C code', () => {
  const h = fs.readFileSync('src/kernel/vdso/vvar.h', 'utf8');
  const asserts = [...h.matchAll(/offsetof\(struct vvar_data, (\w+)\) == (\d+), "vvar\.ts (\w+)"/g)];
  assert.ok(asserts.length >= 6);
  for (const [, field, off, name] of asserts) {
    assert.equal((vvarTs as unknown as Record<string, number>)[name], Number(off), `${field}: ${name}`);
  }
});
