// The signal system calls (kernel/signal.c, arch/x86/kernel/signal_64.c): actions, masks,
// waiting for signals, sending them with and without siginfo, the alternate stack, and
// rt_sigreturn / restart_syscall, which finish what delivery began.

import { defineSyscall, KEEP_AX } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { SS_AUTODISARM } from '../process/task.js';
import { EAGAIN, EFAULT, EINTR, EINVAL, EPERM, ESRCH, ERESTARTNOHAND } from '../errno.js';
import { SIGKILL, SIGSTOP } from './signals.js';
import { SI_TKILL, decodeSigInfo, encodeSigInfo, SIGINFO_SIZE } from './siginfo.js';
import {
  sendSigInfo, userInfo, setSavedSigmask, UNBLOCKABLE, forceSig, kernelInfo, flushSignal, dequeueSignal, pendingSet, recalcSigpending,
  SIG_DFL, SIG_IGN, defaultAction, SA_NOCLDSTOP, SA_NOCLDWAIT, SA_SIGINFO, SA_ONSTACK,
  SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_EXPOSE_TAGBITS, SA_RESTORER,
} from './send.js';
import { restoreRtFrame, setAltstack, sasSsFlags } from './frame.js';
import { userRegs } from '../entry/ptregs.js';
import { CLOCK_MONOTONIC } from '../time/clock.js';
import { readTs } from '../time/sleep.js';

/** The sa_flags bits the kernel keeps (UAPI_SA_FLAGS); others read back as clear. */
const UAPI_SA_FLAGS = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND |
  SA_EXPOSE_TAGBITS | SA_RESTORER;
const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

function validSig(sig: number): boolean {
  return sig >= 1 && sig <= 64;
}

defineSyscall('sys_rt_sigaction', (_k, t, sig, act, oact, sigsetsize) => {
  sig = sig | 0;
  if (sigsetsize !== 8 || !validSig(sig)) return -EINVAL;
  if (act && (sig === SIGKILL || sig === SIGSTOP)) return -EINVAL;
  const old = t.sigactions.get(sig) ?? { handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n };
  let next = null;
  if (act) {
    const b = t.um.read(act, 32);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    next = {
      handler: Number(dv.getBigInt64(0, true)), flags: (Number(dv.getBigUint64(8, true) & 0xffffffffn) & UAPI_SA_FLAGS) >>> 0,
      restorer: Number(dv.getBigInt64(16, true)), mask: dv.getBigUint64(24, true) & ~UNBLOCKABLE,
    };
  }
  if (oact) {
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(old.handler), true);
    dv.setBigUint64(8, BigInt(old.flags >>> 0), true);
    dv.setBigInt64(16, BigInt(old.restorer), true);
    dv.setBigUint64(24, old.mask, true);
    if (!t.um.write(oact, b)) return -EFAULT;
  }
  if (next) {
    t.sigactions.set(sig, next);
    // POSIX: setting a signal to be ignored discards it where it is pending.
    if (next.handler === SIG_IGN || (next.handler === SIG_DFL && defaultAction(sig) === 'ignore')) flushSignal(t, sig);
  }
  return 0;
});

/** set_current_blocked() with rt_sigprocmask's three ways. */
defineSyscall('sys_rt_sigprocmask', (k, t, how, set, oset, sigsetsize) => {
  if (sigsetsize !== 8) return -EINVAL;
  const old = t.sigmask;
  if (set) {
    const v = t.um.readU64(set);
    if (v === null) return -EFAULT;
    if (how === SIG_BLOCK) t.sigmask = (old | v) & ~UNBLOCKABLE;
    else if (how === SIG_UNBLOCK) t.sigmask = old & ~v;
    else if (how === SIG_SETMASK) t.sigmask = v & ~UNBLOCKABLE;
    else return -EINVAL;
  }
  if (oset && !t.um.writeU64(oset, old)) return -EFAULT;
  recalcSigpending(k, t);
  return 0;
});

defineSyscall('sys_rt_sigpending', (_k, t, set, sigsetsize) => {
  if (sigsetsize > 8) return -EINVAL;
  const v = pendingSet(t) & t.sigmask;
  const b = new Uint8Array(sigsetsize);
  for (let i = 0; i < sigsetsize; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return t.um.write(set, b) ? 0 : -EFAULT;
});

/** rt_sigsuspend: wait with a temporary mask; the old one comes back on the way out (after any handler). */
defineSyscall('sys_rt_sigsuspend', (k, t, mask, sigsetsize) => {
  if (sigsetsize !== 8) return -EINVAL;
  const v = t.um.readU64(mask);
  if (v === null) return -EFAULT;
  setSavedSigmask(k, t, v);
  const wait = (): number => k.sleep(t, [], wait, Infinity, -ERESTARTNOHAND);
  return wait();
});

defineSyscall('sys_pause', (k, t) => {
  const wait = (): number => k.sleep(t, [], wait, Infinity, -ERESTARTNOHAND);
  return wait();
});


/** rt_sigtimedwait: take a signal of the set synchronously, sleeping with it unblocked meanwhile. */
defineSyscall('sys_rt_sigtimedwait', (k, t, uthese, uinfo, uts, sigsetsize) => {
  if (sigsetsize !== 8) return -EINVAL;
  const these0 = t.um.readU64(uthese);
  if (these0 === null) return -EFAULT;
  const these = these0 & ~UNBLOCKABLE;
  let deadline = Infinity;
  if (uts) {
    const ns = readTs(t, uts);
    if (ns === null) return -EFAULT;
    if (ns === -1) return -EINVAL;
    deadline = k.clock.read(CLOCK_MONOTONIC)! + ns;
  }
  const realBlocked = t.sigmask;
  const take = (): number | null => {
    const info = dequeueSignal(t, ~these);
    if (!info) return null;
    if (uinfo && !t.um.write(uinfo, encodeSigInfo(info))) return -EFAULT;
    return info.signo;
  };
  const first = take();
  if (first !== null) { recalcSigpending(k, t); return first; }
  if (deadline <= k.clock.read(CLOCK_MONOTONIC)!) return -EAGAIN;
  // Unblock the awaited signals while asleep so that their arrival wakes us.
  t.sigmask = realBlocked & ~these;
  t.realBlocked = realBlocked;
  const finish = (r: number): number => { t.sigmask = realBlocked; t.realBlocked = 0n; recalcSigpending(k, t); return r; };
  const retry = (): number => {
    const got = take();
    if (got !== null) return finish(got);
    if (k.clock.read(CLOCK_MONOTONIC)! >= deadline) return finish(-EAGAIN);
    return k.sleep(t, [], retry, deadline, () => finish(-EINTR));
  };
  return k.sleep(t, [], retry, deadline, () => finish(-EINTR));
});

/** The task a pid names for kill(): a thread group's leader. */
function groupTarget(k: Kernel, tgid: number): Task | null {
  const leader = k.tasks.get(tgid);
  return leader && leader.tgid === tgid && leader.state !== 'dead' ? leader : null;
}

function killTargets(k: Kernel, t: Task, pid: number): Task[] {
  if (pid > 0) { const p = groupTarget(k, pid); return p ? [p] : []; }
  const leaders = [...k.tasks.values()].filter((q) => q.isLeader && q.state !== 'dead' && !q.kernelThread);
  if (pid === 0) return leaders.filter((q) => q.pgid === t.pgid);
  // kill(-1): every process but init and the caller.
  if (pid === -1) return leaders.filter((q) => q.tgid !== 1 && q.tgid !== t.tgid);
  return leaders.filter((q) => q.pgid === -pid);
}

defineSyscall('sys_kill', (k, t, pid, sig) => {
  pid = pid | 0; sig = sig | 0;
  if (sig < 0 || sig > 64) return -EINVAL;
  const targets = killTargets(k, t, pid);
  if (targets.length === 0) return -ESRCH;
  if (sig === 0) return 0;
  for (const q of targets) sendSigInfo(k, q, userInfo(k, sig), true);
  return 0;
});

function threadKill(k: Kernel, tgid: number, tid: number, sig: number): number {
  const p = k.tasks.get(tid);
  if (!p || tid <= 0 || (tgid > 0 && p.tgid !== tgid) || p.state === 'dead') return -ESRCH;
  if (sig < 0 || sig > 64) return -EINVAL;
  if (sig) sendSigInfo(k, p, userInfo(k, sig, SI_TKILL), false);
  return 0;
}
defineSyscall('sys_tkill', (k, _t, tid, sig) => ((tid | 0) <= 0 ? -EINVAL : threadKill(k, 0, tid | 0, sig | 0)));
defineSyscall('sys_tgkill', (k, _t, tgid, tid, sig) => ((tgid | 0) <= 0 || (tid | 0) <= 0 ? -EINVAL : threadKill(k, tgid | 0, tid | 0, sig | 0)));

/** A siginfo from user space: only the caller itself may claim a kernel or kill() origin. */
function userSigInfo(t: Task, uinfo: number, sig: number, target: Task | null): ReturnType<typeof decodeSigInfo> | number {
  const b = t.um.read(uinfo, SIGINFO_SIZE);
  if (!b) return -EFAULT;
  const info = decodeSigInfo(b);
  if ((info.code >= 0 || info.code === SI_TKILL) && target !== t) return -EPERM;
  info.signo = sig;
  return info;
}

defineSyscall('sys_rt_sigqueueinfo', (k, t, tgid, sig, uinfo) => {
  sig = sig | 0;
  if (!validSig(sig)) return -EINVAL;
  const p = groupTarget(k, tgid | 0);
  const info = userSigInfo(t, uinfo, sig, p && p.tgid === t.tgid ? t : p);
  if (typeof info === 'number') return info;
  if (!p) return -ESRCH;
  return sendSigInfo(k, p, info, true);
});

defineSyscall('sys_rt_tgsigqueueinfo', (k, t, tgid, tid, sig, uinfo) => {
  sig = sig | 0;
  if ((tgid | 0) <= 0 || (tid | 0) <= 0 || !validSig(sig)) return -EINVAL;
  const p = k.tasks.get(tid | 0);
  const info = userSigInfo(t, uinfo, sig, p ?? null);
  if (typeof info === 'number') return info;
  if (!p || p.tgid !== (tgid | 0)) return -ESRCH;
  return sendSigInfo(k, p, info, false);
});

defineSyscall('sys_sigaltstack', (k, t, uss, uoss) => {
  const sp = userRegs(k, t).num('rsp');
  const old = { sp: t.altstack.sp, size: t.altstack.size, flags: sasSsFlags(t, sp) | (t.altstack.flags & SS_AUTODISARM) };
  if (uss) {
    const b = t.um.read(uss, 24);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    const r = setAltstack(t, { sp: Number(dv.getBigInt64(0, true)), flags: dv.getInt32(8, true), size: Number(dv.getBigUint64(16, true)) }, sp);
    if (r < 0) return r;
  }
  if (uoss) {
    const b = new Uint8Array(24);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(old.sp), true);
    dv.setInt32(8, old.flags | 0, true);
    dv.setBigUint64(16, BigInt(old.size), true);
    if (!t.um.write(uoss, b)) return -EFAULT;
  }
  return 0;
});

defineSyscall('sys_rt_sigreturn', (k, t) => {
  const regs = userRegs(k, t);
  if (!restoreRtFrame(k, t, regs)) {
    forceSig(k, t, kernelInfo(11));
    return 0;
  }
  recalcSigpending(k, t);
  // The whole frame came back, rcx and r11 included: the return must restore it exactly.
  t.forceIret = 'rt_sigreturn restores the full frame';
  return KEEP_AX;
});

defineSyscall('sys_restart_syscall', (k, t) => {
  const fn = t.restartFn;
  t.restartFn = null;
  return fn ? fn(k, t) : -EINTR;
});

