// Process identity and lifetime: exit, exit_group, the get*id family, set_tid_address,
// set_robust_list, arch_prctl (FS/GS bases), uname, prlimit64, sched_getaffinity, and the
// signal calls that a static C library makes at start-up (recorded; delivery comes later).

import { defineSyscall } from '../syscalls/registry.js';
import { seccompPrctl } from '../seccomp/syscalls.js';
import { EINVAL, EFAULT, EPERM, ESRCH } from '../errno.js';
import { FS, GS } from '../../cpu/regs.js';
import { SIGKILL, SIGSTOP } from '../signal/signals.js';
import { TIF_SIGPENDING } from '../entry/thread-info.js';

const TWO32 = 4294967296;


defineSyscall('sys_getpid', (_k, t) => t.tgid);
defineSyscall('sys_gettid', (_k, t) => t.pid);
defineSyscall('sys_getppid', (_k, t) => t.ppid);
defineSyscall('sys_getuid', (_k, t) => t.creds.uid);
defineSyscall('sys_geteuid', (_k, t) => t.creds.euid);
defineSyscall('sys_getgid', (_k, t) => t.creds.gid);
defineSyscall('sys_getegid', (_k, t) => t.creds.egid);
defineSyscall('sys_getpgrp', (_k, t) => t.pgid);
defineSyscall('sys_getpgid', (k, t, pid) => {
  const p = pid === 0 ? t : k.tasks.get(pid | 0);
  return p ? p.pgid : -ESRCH;
});
defineSyscall('sys_getsid', (k, t, pid) => {
  const p = pid === 0 ? t : k.tasks.get(pid | 0);
  return p ? p.sid : -ESRCH;
});
// setpgid: a process may move itself or a child (that has not exec'd: not tracked) into a
// group of the same session (kernel/sys.c).
defineSyscall('sys_setpgid', (k, t, pid, pgid) => {
  pid = pid | 0; pgid = pgid | 0;
  if (pgid < 0) return -EINVAL;
  const p = pid === 0 ? t : k.tasks.get(pid);
  if (!p || (p !== t && p.parent !== t)) return -ESRCH;
  if (p.sid !== t.sid) return -EPERM;
  if (p.pid === p.sid) return -EPERM; // a session leader cannot change group
  const target = pgid === 0 ? p.tgid : pgid;
  if (target !== p.tgid && ![...k.tasks.values()].some((q) => q.pgid === target && q.sid === t.sid)) return -EPERM;
  for (const m of p.group) m.pgid = target;
  return 0;
});
defineSyscall('sys_setsid', (k, t) => {
  if ([...k.tasks.values()].some((q) => q.pgid === t.tgid)) {
    if (t.pgid === t.tgid) return -EPERM; // already a group leader
  }
  for (const m of t.group) { m.sid = t.tgid; m.pgid = t.tgid; }
  return t.tgid;
});
defineSyscall('sys_getresuid', (_k, t, r, e, s) => (t.um.writeU32(r, t.creds.uid) && t.um.writeU32(e, t.creds.euid) && t.um.writeU32(s, t.creds.suid) ? 0 : -EFAULT));
defineSyscall('sys_getresgid', (_k, t, r, e, s) => (t.um.writeU32(r, t.creds.gid) && t.um.writeU32(e, t.creds.egid) && t.um.writeU32(s, t.creds.sgid) ? 0 : -EFAULT));
defineSyscall('sys_getgroups', (_k, _t) => 0);

defineSyscall('sys_set_tid_address', (_k, t, addr) => { t.clearChildTid = addr; return t.pid; });
defineSyscall('sys_set_robust_list', (_k, t, head, len) => {
  if (len !== 24) return -EINVAL; // sizeof(struct robust_list_head)
  t.robustList = head;
  t.robustListLen = len;
  return 0;
});

// arch_prctl (arch/x86/kernel/process_64.c do_arch_prctl_64). The bases must be canonical user
// addresses; the running task's FS/GS bases live in the CPU (GS's in KERNEL_GS_BASE while the
// kernel runs, since entry did SWAPGS).
const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
defineSyscall('sys_arch_prctl', (k, t, code, addr) => {
  const cpu = k.cpu;
  switch (code) {
    case ARCH_SET_FS:
      if (!(addr >= 0 && addr < 0x7ffffffff000)) return -EPERM;
      cpu.segBaseLo[FS] = addr | 0;
      cpu.segBaseHi[FS] = Math.floor(addr / TWO32) | 0;
      t.fsBase = addr;
      return 0;
    case ARCH_SET_GS:
      if (!(addr >= 0 && addr < 0x7ffffffff000)) return -EPERM;
      cpu.kernelGsBaseLo = addr | 0;
      cpu.kernelGsBaseHi = Math.floor(addr / TWO32) | 0;
      t.gsBase = addr;
      return 0;
    case ARCH_GET_FS:
      return t.um.writeU64(addr, BigInt(cpu.segBaseHi[FS] >>> 0) << 32n | BigInt(cpu.segBaseLo[FS] >>> 0)) ? 0 : -EFAULT;
    case ARCH_GET_GS:
      return t.um.writeU64(addr, BigInt(cpu.kernelGsBaseHi >>> 0) << 32n | BigInt(cpu.kernelGsBaseLo >>> 0)) ? 0 : -EFAULT;
    default:
      return -EINVAL;
  }
});
void GS;

// uname: struct new_utsname, six 65-byte fields.
defineSyscall('sys_newuname', (k, t, buf) => {
  const fields = ['Linux', k.host.identity().hostname, '6.19.0-ringside', '#1 SMP PREEMPT_DYNAMIC ringside', 'x86_64', '(none)'];
  const out = new Uint8Array(65 * 6);
  const enc = new TextEncoder();
  fields.forEach((f, i) => out.set(enc.encode(f).subarray(0, 64), i * 65));
  return t.um.write(buf, out) ? 0 : -EFAULT;
});

// Resource limits (struct rlimit64: cur, max as u64). Values as a Linux shell gets them.
const RLIM_INFINITY = 0xffffffffffffffffn;
const RLIMITS: [bigint, bigint][] = [
  [RLIM_INFINITY, RLIM_INFINITY], // CPU
  [RLIM_INFINITY, RLIM_INFINITY], // FSIZE
  [RLIM_INFINITY, RLIM_INFINITY], // DATA
  [8388608n, RLIM_INFINITY],      // STACK
  [0n, RLIM_INFINITY],            // CORE
  [RLIM_INFINITY, RLIM_INFINITY], // RSS
  [63704n, 63704n],               // NPROC
  [1024n, 1048576n],              // NOFILE
  [8388608n, 8388608n],           // MEMLOCK
  [RLIM_INFINITY, RLIM_INFINITY], // AS
  [RLIM_INFINITY, RLIM_INFINITY], // LOCKS
  [63704n, 63704n],               // SIGPENDING
  [819200n, 819200n],             // MSGQUEUE
  [0n, 0n],                       // NICE
  [0n, 0n],                       // RTPRIO
  [RLIM_INFINITY, RLIM_INFINITY], // RTTIME
];
defineSyscall('sys_prlimit64', (_k, t, pid, resource, newLimit, oldLimit) => {
  if (pid !== 0 && pid !== t.tgid) return -ESRCH;
  if (resource < 0 || resource >= RLIMITS.length) return -EINVAL;
  if (oldLimit) {
    const [cur, max] = RLIMITS[resource];
    if (!t.um.writeU64(oldLimit, cur) || !t.um.writeU64(oldLimit + 8, max)) return -EFAULT;
  }
  if (newLimit) {
    const cur = t.um.readU64(newLimit), max = t.um.readU64(newLimit + 8);
    if (cur === null || max === null) return -EFAULT;
    if (cur > max) return -EINVAL;
    RLIMITS[resource] = [cur, max];
  }
  return 0;
});
defineSyscall('sys_getrlimit', (_k, t, resource, addr) => {
  if (resource < 0 || resource >= RLIMITS.length) return -EINVAL;
  const [cur, max] = RLIMITS[resource];
  return t.um.writeU64(addr, cur) && t.um.writeU64(addr + 8, max) ? 0 : -EFAULT;
});

// One CPU: the affinity mask has bit 0 set; the return value is the mask size the kernel uses.
defineSyscall('sys_sched_getaffinity', (_k, t, pid, len, mask) => {
  if (pid !== 0 && pid !== t.pid) return -ESRCH;
  if (len < 8 || (len & 7) !== 0) return -EINVAL;
  const b = new Uint8Array(8);
  b[0] = 1;
  return t.um.write(mask, b) ? 8 : -EFAULT;
});
defineSyscall('sys_sched_yield', (k) => { k.sched.yieldCurrent(() => {}); return 0; });

// rseq(2) and getcpu(2): src/kernel/rseq/rseq.ts.

// prctl: only the name (PR_SET_NAME 15, PR_GET_NAME 16) for now.
defineSyscall('sys_prctl', (k, t, option, arg2, arg3, arg4, arg5) => {
  // Seccomp and no_new_privs options (src/kernel/seccomp/syscalls.ts).
  const sc = seccompPrctl(k, t, option | 0, arg2, arg3, arg4, arg5);
  if (sc !== null) return sc;
  if (option === 15) {
    const s = t.um.readCString(arg2, 16);
    if (s === null) return -EFAULT;
    t.comm = s.slice(0, 15);
    return 0;
  }
  if (option === 16) {
    const b = new Uint8Array(16);
    b.set(new TextEncoder().encode(t.comm).subarray(0, 15));
    return t.um.write(arg2, b) ? 0 : -EFAULT;
  }
  return -EINVAL;
});

// times(2): process and children CPU time in clock ticks (USER_HZ = 100), from the cycle counter.
defineSyscall('sys_times', (k, t, buf) => {
  const ticks = Math.floor(k.clock.uptimeNs() / 1e7);
  if (buf) {
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(ticks), true); // tms_utime: all of it, as one CPU runs everything
    if (!t.um.write(buf, b)) return -EFAULT;
  }
  return ticks;
});

// getrusage(2): struct rusage with the user time filled in; the rest zero, as an idle system's.
defineSyscall('sys_getrusage', (k, t, who, buf) => {
  if (who !== 0 && who !== -1 && (who | 0) !== -1 && who !== 1) return -EINVAL;
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  if (who === 0 || who === 1) {
    const us = Math.floor(k.clock.uptimeNs() / 1000);
    dv.setBigInt64(0, BigInt(Math.floor(us / 1e6)), true);
    dv.setBigInt64(8, BigInt(us % 1e6), true);
  }
  return t.um.write(buf, b) ? 0 : -EFAULT;
});

// One CPU: affinity masks must include CPU 0.
defineSyscall('sys_sched_setaffinity', (k, t, pid, len, mask) => {
  if (pid !== 0 && !k.tasks.get(pid | 0)) return -ESRCH;
  const b = t.um.read(mask, Math.min(len, 128));
  if (!b) return -EFAULT;
  return (b[0] & 1) ? 0 : -EINVAL;
});
