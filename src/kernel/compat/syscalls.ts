// The compat system calls: what a 64-bit kernel runs for a 32-bit caller where the i386 ABI
// differs from the 64-bit one (Linux: the compat_sys_* and __ia32_sys_* entry points named in
// syscall_32.tbl, kernel/compat.c, fs/stat.c cp_compat_stat64, arch/x86/kernel/sys_ia32.c).
// Rows without a compat entry run the native handler with zero-extended arguments; the ones
// here translate layouts (32-bit longs and pointers), split 64-bit arguments passed in two
// registers, or sign-extend int arguments.
//
// Most translations let the native handler do the work on a bounce buffer: the handler writes
// its 64-bit structure into kernel memory instead of user memory, and the compat wrapper
// converts it (the old set_fs(KERNEL_DS) idea, kept to one helper: withBounce).

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { UserMemory } from '../mm/uaccess.js';
import { defineSyscall, syscallHandler, KEEP_AX, type SyscallFn } from '../syscalls/registry.js';
import { restoreFrameIa32, restoreRtFrameIa32, SA_IA32_ABI } from './signal32.js';
import { userRegs } from '../entry/ptregs.js';
import { forceSig, kernelInfo, recalcSigpending } from '../signal/send.js';
import { mmap } from '../mm/syscalls.js';
import { statAt } from '../fs/stat.js';
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW } from '../fs/namei.js';
import { doExecve } from '../process/exec.js';
import { resolvePath } from '../fs/syscalls.js';
import { CLONE_SETTLS } from '../process/fork.js';
import { setThreadArea, compatThread } from './tls.js';
import { DS, ES, FS, GS } from '../../cpu/regs.js';
import { GDT_ENTRY_TLS_MIN } from '../arch/layout.js';
import type { HostStat } from '../host.js';
import { EBADF, EFAULT, EINVAL, E2BIG, ENOENT } from '../errno.js';
import { BLOCKED } from '../sched/wait.js';
import { siginfo64To32, decodeSigInfo32 } from './siginfo32.js';
import { encodeSigInfo } from '../signal/siginfo.js';

const TWO32 = 4294967296;

/** The native handler for an entry point (resolved on first use: registration order does not matter). */
function native(entry: string): SyscallFn {
  let fn: SyscallFn | undefined;
  return (k, t, a0, a1, a2, a3, a4, a5) => {
    fn ??= syscallHandler(entry);
    if (!fn) throw new Error(`compat: no native handler ${entry}`);
    return fn(k, t, a0, a1, a2, a3, a4, a5);
  };
}

// --- The bounce buffer. Addresses at BOUNCE and above are not user addresses of any program
// (they are beyond 47 bits), so a handler given one reaches only this buffer.
const BOUNCE = 0xfffe00000000; // above USER_END (2^47): UserMemory refuses it, the bounce takes it

class BounceMemory extends UserMemory {
  constructor(readonly real: UserMemory, readonly buf: Uint8Array) { super(real.mm, real.mmu); }
  override phys(addr: number, write: boolean): number {
    return addr >= BOUNCE ? -1 : this.real.phys(addr, write);
  }
  override read(addr: number, len: number): Uint8Array | null {
    if (addr < BOUNCE) return this.real.read(addr, len);
    const off = addr - BOUNCE;
    return off + len <= this.buf.length ? this.buf.slice(off, off + len) : null;
  }
  override write(addr: number, data: Uint8Array): boolean {
    if (addr < BOUNCE) return this.real.write(addr, data);
    const off = addr - BOUNCE;
    if (off + data.length > this.buf.length) return false;
    this.buf.set(data, off);
    return true;
  }
}

/**
 * Run `fn` with user accesses at [BOUNCE, BOUNCE + buf.length) going to `buf`, then `post` on its
 * result. A call that sleeps keeps the bounce buffer: each retry (wait.ts) runs with it again,
 * and `post` runs when the call completes.
 */
function withBounce(t: Task, buf: Uint8Array, fn: (addr: number) => number, post?: (r: number) => number): number {
  const real = t.um;
  const bounce = new BounceMemory(real, buf);
  const inBounce = (g: () => number): number => {
    const save = t.um;
    t.um = bounce;
    try { return g(); } finally { t.um = save; }
  };
  const settle = (r: number): number => {
    if (r !== BLOCKED) return post ? post(r) : r;
    const s = t.sleep;
    if (!s) return r;
    const retry = s.retry;
    s.retry = () => settle(inBounce(retry));
    return BLOCKED;
  };
  return settle(inBounce(() => fn(BOUNCE)));
}

const dvOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const s64 = (dv: DataView, o: number) => Number(dv.getBigInt64(o, true));

// --- File offsets and sizes split or truncated to 32 bits.

defineSyscall('compat_sys_lseek', (k, t, fd, off, whence) => native('sys_lseek')(k, t, fd, off | 0, whence, 0, 0, 0));
defineSyscall('compat_sys_open', (k, t, path, flags, mode) => native('sys_open')(k, t, path, flags, mode, 0, 0, 0));
defineSyscall('compat_sys_openat', (k, t, dfd, path, flags, mode) => native('sys_openat')(k, t, dfd | 0, path, flags, mode, 0, 0));

/** _llseek(fd, offset_high, offset_low, loff_t *result, whence): the 64-bit offset in two registers. */
defineSyscall('sys_llseek', (k, t, fd, hi, lo, result, whence) => {
  const r = native('sys_lseek')(k, t, fd, (hi | 0) * TWO32 + lo, whence, 0, 0, 0);
  if (r < 0) return r;
  return t.um.writeU64(result, BigInt(r)) ? 0 : -EFAULT;
});

/** sys_ia32_pread64/pwrite64: the position arrives as two 32-bit halves (low first). */
defineSyscall('sys_ia32_pread64', (k, t, fd, buf, count, lo, hi) => native('sys_pread64')(k, t, fd, buf, count, (hi | 0) * TWO32 + lo, 0, 0));
defineSyscall('sys_ia32_pwrite64', (k, t, fd, buf, count, lo, hi) => native('sys_pwrite64')(k, t, fd, buf, count, (hi | 0) * TWO32 + lo, 0, 0));
defineSyscall('sys_ia32_ftruncate64', (k, t, fd, lo, hi) => native('sys_ftruncate')(k, t, fd, (hi | 0) * TWO32 + lo, 0, 0, 0, 0));
defineSyscall('sys_ia32_truncate64', (k, t, path, lo, hi) => native('sys_truncate')(k, t, path, (hi | 0) * TWO32 + lo, 0, 0, 0, 0));

/** mmap2: the offset is in 4096-byte units, so 32-bit programs reach files beyond 4 GiB. */
defineSyscall('sys_mmap_pgoff', (k, t, addr, len, prot, flags, fd, pgoff) => mmap(k, t, addr, len, prot, flags, fd | 0, pgoff * 4096));

/** The old mmap (nr 90): its six arguments in a struct mmap_arg_struct32 of u32s. */
defineSyscall('compat_sys_ia32_mmap', (k, t, argp) => {
  const b = t.um.read(argp, 24);
  if (!b) return -EFAULT;
  const dv = dvOf(b);
  const u = (j: number) => dv.getUint32(4 * j, true);
  if (u(5) & 0xfff) return -EINVAL;
  return mmap(k, t, u(0), u(1), u(2), u(3), u(4) | 0, u(5));
});

// --- iovec arrays: struct compat_iovec { u32 base; u32 len; }. Rewritten as 64-bit iovecs in
// the bounce buffer; the data itself stays in user memory.
function iovCompat(name: string): SyscallFn {
  return (k, t, fd, iov, cnt, a3, a4, a5) => {
    const n = cnt | 0;
    if (n < 0 || n > 1024) return -EINVAL;
    const src = t.um.read(iov, 8 * n);
    if (!src) return -EFAULT;
    const sv = dvOf(src);
    const out = new Uint8Array(16 * n);
    const ov = dvOf(out);
    for (let j = 0; j < n; j++) {
      ov.setBigUint64(16 * j, BigInt(sv.getUint32(8 * j, true)), true);
      ov.setBigInt64(16 * j + 8, BigInt(sv.getInt32(8 * j + 4, true)), true);
    }
    return withBounce(t, out, (a) => native(name)(k, t, fd, a, n, a3, a4, a5));
  };
}
defineSyscall('__ia32_sys_readv', iovCompat('sys_readv'));
defineSyscall('__ia32_sys_writev', iovCompat('sys_writev'));

// --- struct stat64 (arch/x86/include/uapi/asm/stat.h, i386): 96 bytes, long long aligned to 4.
function encodeStat64(st: HostStat): Uint8Array {
  const b = new Uint8Array(96);
  const dv = dvOf(b);
  const u64 = (o: number, v: number) => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), true);
  const u32 = (o: number, v: number) => dv.setUint32(o, Math.max(0, Math.floor(v)) >>> 0, true);
  u64(0, st.dev);
  u32(12, st.ino);          // __st_ino: the low bits, for old programs
  u32(16, st.mode);
  u32(20, st.nlink);
  u32(24, st.uid);
  u32(28, st.gid);
  u64(32, st.rdev);
  u64(44, st.size);
  u32(52, st.blksize);
  u64(56, st.blocks);
  const ts = (o: number, ns: number) => { u32(o, Math.floor(ns / 1e9)); u32(o + 4, ns % 1e9); };
  ts(64, st.atimeNs);
  ts(72, st.mtimeNs);
  ts(80, st.ctimeNs);
  u64(88, st.ino);
  return b;
}
function putStat64(t: Task, st: HostStat | number, addr: number): number {
  if (typeof st === 'number') return st;
  return t.um.write(addr, encodeStat64(st)) ? 0 : -EFAULT;
}
defineSyscall('compat_sys_ia32_stat64', (k, t, path, addr) => putStat64(t, statAt(k, t, AT_FDCWD, path, 0), addr));
defineSyscall('compat_sys_ia32_lstat64', (k, t, path, addr) => putStat64(t, statAt(k, t, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW), addr));
defineSyscall('compat_sys_ia32_fstat64', (_k, t, fd, addr) => {
  const f = t.files.get(fd | 0);
  return f ? putStat64(t, f.stat(), addr) : -EBADF;
});
defineSyscall('compat_sys_ia32_fstatat64', (k, t, dfd, path, addr, flags) => putStat64(t, statAt(k, t, dfd | 0, path, flags), addr));

// --- Times: 32-bit time_t and long.

defineSyscall('sys_time32', (k, t, tloc) => {
  const r = native('sys_time')(k, t, 0, 0, 0, 0, 0, 0);
  if (r >= 0 && tloc && !t.um.writeU32(tloc, r)) return -EFAULT;
  return r;
});

/** timespec/timeval pairs of 64-bit longs (16 bytes) → two 32-bit ones (8 bytes). */
function narrowPairs(b: Uint8Array, pairs: number): Uint8Array {
  const out = new Uint8Array(8 * pairs);
  const iv = dvOf(b), ov = dvOf(out);
  for (let j = 0; j < 2 * pairs; j++) ov.setInt32(4 * j, s64(iv, 8 * j) | 0, true);
  return out;
}
function widenPairs(t: Task, addr: number, pairs: number): Uint8Array | null {
  const b = t.um.read(addr, 8 * pairs);
  if (!b) return null;
  const out = new Uint8Array(16 * pairs);
  const iv = dvOf(b), ov = dvOf(out);
  for (let j = 0; j < 2 * pairs; j++) ov.setBigInt64(8 * j, BigInt(iv.getInt32(4 * j, true)), true);
  return out;
}

defineSyscall('sys_clock_gettime32', (k, t, id, tp) => {
  const buf = new Uint8Array(16);
  const r = withBounce(t, buf, (a) => native('sys_clock_gettime')(k, t, id | 0, a, 0, 0, 0, 0));
  if (r < 0) return r;
  return t.um.write(tp, narrowPairs(buf, 1)) ? 0 : -EFAULT;
});
defineSyscall('sys_clock_getres_time32', (k, t, id, tp) => {
  const buf = new Uint8Array(16);
  const r = withBounce(t, buf, (a) => native('sys_clock_getres')(k, t, id | 0, a, 0, 0, 0, 0));
  if (r < 0 || !tp) return r;
  return t.um.write(tp, narrowPairs(buf, 1)) ? 0 : -EFAULT;
});
defineSyscall('compat_sys_gettimeofday', (k, t, tv, tz) => {
  const buf = new Uint8Array(16);
  const r = withBounce(t, buf, (a) => native('sys_gettimeofday')(k, t, tv ? a : 0, tz, 0, 0, 0, 0));
  if (r < 0 || !tv) return r;
  return t.um.write(tv, narrowPairs(buf, 1)) ? 0 : -EFAULT;
});

/** The sleeps read their request once, at the call: it can come from the bounce buffer. */
function sleep32(name: string, reqArg: number): SyscallFn {
  return (k, t, a0, a1, a2, a3, a4, a5) => {
    const args = [a0, a1, a2, a3, a4, a5];
    const req = widenPairs(t, args[reqArg], 1);
    if (!req) return -EFAULT;
    args[reqArg + 1] = 0; // rem: not reported to 32-bit callers here (see the report)
    return withBounce(t, req, (a) => { args[reqArg] = a; return native(name)(k, t, args[0], args[1], args[2], args[3], args[4], args[5]); });
  };
}
defineSyscall('sys_nanosleep_time32', sleep32('sys_nanosleep', 0));
defineSyscall('sys_clock_nanosleep_time32', sleep32('sys_clock_nanosleep', 2));

// --- select and poll with 32-bit timevals/timespecs and the compat sigset argument. fd_set
// bitmaps of 32-bit longs have the bytes of 64-bit ones (little-endian).
defineSyscall('compat_sys_select', (k, t, n, inp, outp, exp, tvp) => {
  if (!tvp) return native('sys_select')(k, t, n, inp, outp, exp, 0, 0);
  const tv = widenPairs(t, tvp, 1);
  if (!tv) return -EFAULT;
  return withBounce(t, tv, (a) => native('sys_select')(k, t, n, inp, outp, exp, a, 0), (r) => {
    if (r >= 0 && !t.um.write(tvp, narrowPairs(tv, 1))) return -EFAULT;
    return r;
  });
});
/** The old select (nr 82): its five arguments in a struct sel_arg_struct of u32s. */
defineSyscall('compat_sys_old_select', (k, t, argp) => {
  const b = t.um.read(argp, 20);
  if (!b) return -EFAULT;
  const dv = dvOf(b);
  const u = (j: number) => dv.getUint32(4 * j, true);
  return syscallHandler('compat_sys_select')!(k, t, u(0), u(1), u(2), u(3), u(4), 0);
});
/** pselect6's sixth argument: struct { compat_uptr_t ss; compat_size_t ss_len; } → 64-bit. */
function widenSigArg(t: Task, sig: number): Uint8Array | null {
  const b = t.um.read(sig, 8);
  if (!b) return null;
  const out = new Uint8Array(16);
  dvOf(out).setBigUint64(0, BigInt(dvOf(b).getUint32(0, true)), true);
  dvOf(out).setBigUint64(8, BigInt(dvOf(b).getUint32(4, true)), true);
  return out;
}
function pselect32(timeWidth: 32 | 64): SyscallFn {
  return (k, t, n, inp, outp, exp, tsp, sig) => {
    const buf = new Uint8Array(32);
    if (sig) { const s = widenSigArg(t, sig); if (!s) return -EFAULT; buf.set(s, 0); }
    let ts = 0;
    if (tsp && timeWidth === 32) { const w = widenPairs(t, tsp, 1); if (!w) return -EFAULT; buf.set(w, 16); }
    return withBounce(t, buf, (a) => {
      ts = tsp ? (timeWidth === 32 ? a + 16 : tsp) : 0;
      return native('sys_pselect6')(k, t, n, inp, outp, exp, ts, sig ? a : 0);
    }, (r) => (r >= 0 && tsp && timeWidth === 32 && !t.um.write(tsp, narrowPairs(buf.subarray(16), 1)) ? -EFAULT : r));
  };
}
defineSyscall('compat_sys_pselect6_time64', pselect32(64));
defineSyscall('compat_sys_pselect6_time32', pselect32(32));
defineSyscall('compat_sys_ppoll_time64', native('sys_ppoll'));
defineSyscall('compat_sys_ppoll_time32', (k, t, ufds, nfds, tsp, sigmask, size) => {
  if (!tsp) return native('sys_ppoll')(k, t, ufds, nfds, 0, sigmask, size, 0);
  const ts = widenPairs(t, tsp, 1);
  if (!ts) return -EFAULT;
  return withBounce(t, ts, (a) => native('sys_ppoll')(k, t, ufds, nfds, a, sigmask, size, 0),
    (r) => (r >= 0 && !t.um.write(tsp, narrowPairs(ts, 1)) ? -EFAULT : r));
});

/** futex with a struct old_timespec32 timeout (FUTEX_WAIT's relative or absolute time). */
defineSyscall('sys_futex_time32', (k, t, uaddr, op, val, utime, uaddr2, val3) => {
  const cmd = op & 0x7f;
  // FUTEX_WAIT, LOCK_PI, WAIT_BITSET, WAIT_REQUEUE_PI, LOCK_PI2 take a timespec; the others a count.
  const timed = utime !== 0 && (cmd === 0 || cmd === 6 || cmd === 9 || cmd === 11 || cmd === 13);
  if (!timed) return native('sys_futex')(k, t, uaddr, op, val, utime, uaddr2, val3);
  const ts = widenPairs(t, utime, 1);
  if (!ts) return -EFAULT;
  return withBounce(t, ts, (a) => native('sys_futex')(k, t, uaddr, op, val, a, uaddr2, val3));
});

defineSyscall('compat_sys_times', (k, t, buf) => {
  const b = new Uint8Array(32);
  const r = withBounce(t, b, (a) => native('sys_times')(k, t, buf ? a : 0, 0, 0, 0, 0, 0));
  if (r < 0 || !buf) return r;
  const out = new Uint8Array(16);
  for (let j = 0; j < 4; j++) dvOf(out).setUint32(4 * j, s64(dvOf(b), 8 * j) >>> 0, true);
  return t.um.write(buf, out) ? r : -EFAULT;
});

/** struct compat_rusage: two compat_timevals and fourteen 32-bit longs (72 bytes). */
function narrowRusage(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(72);
  for (let j = 0; j < 18; j++) dvOf(out).setInt32(4 * j, s64(dvOf(b), 8 * j) | 0, true);
  return out;
}
defineSyscall('compat_sys_getrusage', (k, t, who, ru) => {
  const b = new Uint8Array(144);
  const r = withBounce(t, b, (a) => native('sys_getrusage')(k, t, who | 0, a, 0, 0, 0, 0));
  if (r < 0) return r;
  return t.um.write(ru, narrowRusage(b)) ? 0 : -EFAULT;
});

// --- Resource limits: struct compat_rlimit of u32s, RLIM_INFINITY shown as 0xffffffff.
defineSyscall('compat_sys_getrlimit', (k, t, resource, addr) => {
  const b = new Uint8Array(16);
  const r = withBounce(t, b, (a) => native('sys_prlimit64')(k, t, 0, resource | 0, 0, a, 0, 0));
  if (r < 0) return r;
  const dv = dvOf(b);
  const clamp = (o: number) => { const v = dv.getBigUint64(o, true); return v >= 0xffffffffn ? 0xffffffff : Number(v); };
  const out = new Uint8Array(8);
  dvOf(out).setUint32(0, clamp(0), true);
  dvOf(out).setUint32(4, clamp(8), true);
  return t.um.write(addr, out) ? 0 : -EFAULT;
});

// --- Processes.

/** wait4 with a struct compat_rusage: the kernel reports none (zeros), as the native call does. */
defineSyscall('compat_sys_wait4', (k, t, pid, status, options, ru) => {
  if (ru && !t.um.write(ru, new Uint8Array(72))) return -EFAULT;
  return native('sys_wait4')(k, t, pid | 0, status, options, 0, 0, 0);
});
/**
 * Run `fn` on the result of a native call once it has one: now, or — if the call went to sleep —
 * when its retry completes (wait.ts's protocol: the retry runs again at each wake-up).
 */
function thenResult(t: Task, r: number, fn: (r: number) => number): number {
  if (r !== BLOCKED || !t.sleep) return r === BLOCKED ? r : fn(r);
  const s = t.sleep;
  const retry = s.retry;
  s.retry = () => thenResult(t, retry(), fn);
  return BLOCKED;
}

/** waitid with a compat_siginfo: the native call writes the 64-bit layout, converted in place. */
defineSyscall('compat_sys_waitid', (k, t, idtype, id, infop, options, ru) => {
  if (ru && !t.um.write(ru, new Uint8Array(72))) return -EFAULT;
  const r = native('sys_waitid')(k, t, idtype, id | 0, infop, options, 0, 0);
  return thenResult(t, r, (v) => {
    if (v < 0 || !infop) return v;
    const b = t.um.read(infop, 128);
    if (!b) return -EFAULT;
    return t.um.write(infop, siginfo64To32(b)) ? v : -EFAULT;
  });
});

/** waitpid(pid, status, options): wait4 without rusage (i386 only). */
defineSyscall('sys_waitpid', (k, t, pid, status, options) => native('sys_wait4')(k, t, pid | 0, status, options, 0, 0, 0));

/**
 * clone for i386 (CLONE_BACKWARDS: flags, newsp, parent_tidptr, tls, child_tidptr). The TLS
 * argument is a struct user_desc pointer for set_thread_area, not a base address.
 */
defineSyscall('compat_sys_ia32_clone', (k, t, flags, newsp, ptid, tls, ctid) => {
  const r = native('sys_clone')(k, t, flags & ~CLONE_SETTLS, newsp, ptid, ctid, 0, 0);
  return compatCloneChild(k, t, r, flags, tls);
});

/** clone3 from a 32-bit caller: struct clone_args is the same, but its tls is a user_desc pointer. */
defineSyscall('__ia32_sys_clone3', (k, t, argsAddr, size) => {
  if (size < 64 || size > 4096) return native('sys_clone3')(k, t, argsAddr, size, 0, 0, 0, 0);
  const b = t.um.read(argsAddr, size);
  if (!b) return -EFAULT;
  const dv = dvOf(b);
  const flags = Number(dv.getBigUint64(0, true) & 0xffffffffn);
  if (!(flags & CLONE_SETTLS)) return native('sys_clone3')(k, t, argsAddr, size, 0, 0, 0, 0);
  const tls = Number(dv.getBigUint64(56, true) & 0xffffffffn);
  dv.setBigUint64(0, dv.getBigUint64(0, true) & ~BigInt(CLONE_SETTLS), true);
  dv.setBigUint64(56, 0n, true);
  const r = withBounce(t, b, (a) => native('sys_clone3')(k, t, a, size, 0, 0, 0, 0));
  return compatCloneChild(k, t, r, flags, tls);
});

/**
 * The child of a 32-bit clone: it starts with the parent's TLS descriptors and its live user
 * selectors; with CLONE_SETTLS the user_desc at `tls` goes into its TLS array (Linux:
 * copy_thread → do_set_thread_area(p, -1, tls, 0)), and a GS already pointing at that entry
 * gets the new base when the child first runs.
 */
function compatCloneChild(k: Kernel, t: Task, r: number, flags: number, tls: number): number {
  if (r === BLOCKED || r < 0) return r;
  const child = k.tasks.get(r);
  if (!child) return r;
  const cpu = k.cpu;
  const cs = compatThread(child);
  cs.copyFrom(compatThread(t));
  [DS, ES, FS, GS].forEach((g, j) => { cs.sel[j] = cpu.sel[g]; cs.attr[j] = cpu.segAttr[g]; cs.limit[j] = cpu.segLimit[g]; });
  if (flags & CLONE_SETTLS) {
    const e = setThreadArea(k, child, tls, false);
    if (e < 0) return e;
    const idx = t.um.readU32(tls);
    if (idx !== null && cs.sel[3] === (((idx | 0) << 3) | 3)) {
      const j = (idx | 0) - GDT_ENTRY_TLS_MIN;
      const lo = cs.tls[2 * j], hi = cs.tls[2 * j + 1];
      child.gsBase = (((lo >>> 16) & 0xffff) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
    }
  }
  return r;
}

/** execve with arrays of 32-bit pointers (compat_sys_execve). */
function readStrings32(t: Task, addr: number): string[] | number {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; ; i++) {
    if (i >= 65536) return -E2BIG;
    const p = t.um.readU32(addr + 4 * i);
    if (p === null) return -EFAULT;
    if (p === 0) return out;
    const s = t.um.readCString(p, 131072);
    if (s === null) return -EFAULT;
    out.push(s);
  }
}
defineSyscall('compat_sys_execve', (k, t, pathAddr, argvAddr, envpAddr) => {
  const p = t.um.readCString(pathAddr, 4096);
  if (p === null) return -EFAULT;
  if (p === '') return -ENOENT;
  const argv = readStrings32(t, argvAddr);
  if (typeof argv === 'number') return argv;
  const envp = readStrings32(t, envpAddr);
  if (typeof envp === 'number') return envp;
  const path = resolvePath(t, AT_FDCWD, p);
  if (typeof path === 'number') return path;
  return doExecve(k, t, path, argv, envp);
});

/** set_robust_list with the compat head (12 bytes). The futex exit walk reads 64-bit lists only: not recorded. */
defineSyscall('compat_sys_set_robust_list', (_k, _t, _head, len) => (len === 12 ? 0 : -EINVAL));

defineSyscall('compat_sys_ioctl', (k, t, fd, cmd, arg) => native('sys_ioctl')(k, t, fd, cmd, arg, 0, 0, 0));
defineSyscall('compat_sys_fcntl64', (k, t, fd, cmd, arg) => native('sys_fcntl')(k, t, fd, cmd, arg, 0, 0, 0));
defineSyscall('sys_fcntl64', (k, t, fd, cmd, arg) => native('sys_fcntl')(k, t, fd, cmd, arg, 0, 0, 0));

// --- Signals: struct compat_sigaction { u32 handler, flags, restorer; compat_sigset_t mask (8 bytes) }.
defineSyscall('compat_sys_rt_sigaction', (k, t, sig, act, oact, size) => {
  const buf = new Uint8Array(64);
  if (act) {
    const b = t.um.read(act, 20);
    if (!b) return -EFAULT;
    const iv = dvOf(b), ov = dvOf(buf);
    ov.setBigUint64(0, BigInt(iv.getUint32(0, true)), true);
    ov.setBigUint64(8, BigInt(iv.getUint32(4, true)), true);
    ov.setBigUint64(16, BigInt(iv.getUint32(8, true)), true);
    ov.setBigUint64(24, iv.getBigUint64(12, true), true);
  }
  const r = withBounce(t, buf, (a) => native('sys_rt_sigaction')(k, t, sig | 0, act ? a : 0, oact ? a + 32 : 0, size, 0, 0));
  if (r < 0) return r;
  // The frame ABI follows the call that installed the handler (Linux's SA_IA32_ABI).
  const cur = t.sigactions.get(sig | 0);
  if (act && cur) cur.flags |= SA_IA32_ABI;
  if (oact) {
    const iv = dvOf(buf);
    const out = new Uint8Array(20);
    const ov = dvOf(out);
    ov.setUint32(0, Number(iv.getBigUint64(32, true) & 0xffffffffn), true);
    ov.setUint32(4, Number(iv.getBigUint64(40, true) & 0xffffffffn) & ~SA_IA32_ABI, true);
    ov.setUint32(8, Number(iv.getBigUint64(48, true) & 0xffffffffn), true);
    ov.setBigUint64(12, iv.getBigUint64(56, true), true);
    if (!t.um.write(oact, out)) return -EFAULT;
  }
  return 0;
});
// A compat_sigset_t is two u32s: the same bytes as a 64-bit sigset_t.
defineSyscall('compat_sys_rt_sigprocmask', native('sys_rt_sigprocmask'));
defineSyscall('compat_sys_rt_sigpending', native('sys_rt_sigpending'));
defineSyscall('compat_sys_rt_sigsuspend', native('sys_rt_sigsuspend'));

/** stack_t for i386: { u32 ss_sp; int ss_flags; u32 ss_size; } (12 bytes). */
defineSyscall('compat_sys_sigaltstack', (k, t, uss, uoss) => {
  const buf = new Uint8Array(48);
  if (uss) {
    const b = t.um.read(uss, 12);
    if (!b) return -EFAULT;
    const iv = dvOf(b), ov = dvOf(buf);
    ov.setBigUint64(0, BigInt(iv.getUint32(0, true)), true);
    ov.setInt32(8, iv.getInt32(4, true), true);
    ov.setBigUint64(16, BigInt(iv.getUint32(8, true)), true);
  }
  const r = withBounce(t, buf, (a) => native('sys_sigaltstack')(k, t, uss ? a : 0, uoss ? a + 24 : 0, 0, 0, 0, 0));
  if (r < 0) return r;
  if (uoss) {
    const iv = dvOf(buf);
    const out = new Uint8Array(12);
    const ov = dvOf(out);
    ov.setUint32(0, Number(iv.getBigUint64(24, true) & 0xffffffffn), true);
    ov.setInt32(4, iv.getInt32(32, true), true);
    ov.setUint32(8, Number(iv.getBigUint64(40, true) & 0xffffffffn), true);
    if (!t.um.write(uoss, out)) return -EFAULT;
  }
  return 0;
});


// --- sigreturn and rt_sigreturn of the 32-bit frames (compat/signal32.ts). The whole frame comes
// back, so the return goes by IRET (ip, eflags and every register may have changed).
function sigreturn32(restore: typeof restoreFrameIa32, why: string): SyscallFn {
  return (k, t) => {
    const regs = userRegs(k, t);
    if (!restore(k, t, regs)) {
      forceSig(k, t, kernelInfo(11));
      return 0;
    }
    recalcSigpending(k, t);
    t.forceIret = why;
    return KEEP_AX;
  };
}
defineSyscall('compat_sys_sigreturn', sigreturn32(restoreFrameIa32, 'sigreturn restores the full frame'));
defineSyscall('compat_sys_rt_sigreturn', sigreturn32(restoreRtFrameIa32, 'rt_sigreturn restores the full frame'));

// --- Interval timers: struct old_itimerval32 is two compat_timevals (16 bytes, not 32).
defineSyscall('compat_sys_getitimer', (k, t, which, valp) => {
  const buf = new Uint8Array(32);
  const r = withBounce(t, buf, (a) => native('sys_getitimer')(k, t, which | 0, a, 0, 0, 0, 0));
  if (r < 0) return r;
  return t.um.write(valp, narrowPairs(buf, 2)) ? 0 : -EFAULT;
});
defineSyscall('compat_sys_setitimer', (k, t, which, newp, oldp) => {
  const buf = new Uint8Array(64);
  if (newp) { const w = widenPairs(t, newp, 2); if (!w) return -EFAULT; buf.set(w, 0); }
  const r = withBounce(t, buf, (a) => native('sys_setitimer')(k, t, which | 0, newp ? a : 0, oldp ? a + 32 : 0, 0, 0, 0));
  if (r < 0 || !oldp) return r;
  return t.um.write(oldp, narrowPairs(buf.subarray(32), 2)) ? 0 : -EFAULT;
});

/** sigtimedwait: the siginfo it fills is the compat layout; the timeout a timespec of either width. */
function sigtimedwait32(timeWidth: 32 | 64): SyscallFn {
  return (k, t, uthese, uinfo, uts, size) => {
    const buf = new Uint8Array(128 + 16);
    if (uts && timeWidth === 32) { const w = widenPairs(t, uts, 1); if (!w) return -EFAULT; buf.set(w, 128); }
    return withBounce(t, buf, (a) => native('sys_rt_sigtimedwait')(k, t, uthese, uinfo ? a : 0, uts ? (timeWidth === 32 ? a + 128 : uts) : 0, size, 0, 0),
      (r) => (r > 0 && uinfo && !t.um.write(uinfo, siginfo64To32(buf.subarray(0, 128))) ? -EFAULT : r));
  };
}
defineSyscall('compat_sys_rt_sigtimedwait_time64', sigtimedwait32(64));
defineSyscall('compat_sys_rt_sigtimedwait_time32', sigtimedwait32(32));
// The affinity mask is an array of longs: the same bytes in 32-bit words on little-endian.
defineSyscall('compat_sys_sched_getaffinity', native('sys_sched_getaffinity'));

/** rt_sigqueueinfo / rt_tgsigqueueinfo with a compat siginfo: converted to the native layout. */
function queueinfo32(name: string, infoArg: number): SyscallFn {
  return (k, t, a0, a1, a2, a3) => {
    const args = [a0, a1, a2, a3];
    const b = t.um.read(args[infoArg], 128);
    if (!b) return -EFAULT;
    const buf = encodeSigInfo(decodeSigInfo32(b));
    return withBounce(t, buf, (a) => { args[infoArg] = a; return native(name)(k, t, args[0], args[1], args[2], args[3], 0, 0); });
  };
}
defineSyscall('compat_sys_rt_sigqueueinfo', queueinfo32('sys_rt_sigqueueinfo', 2));
defineSyscall('compat_sys_rt_tgsigqueueinfo', queueinfo32('sys_rt_tgsigqueueinfo', 3));
