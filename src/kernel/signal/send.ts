// Sending signals (kernel/signal.c): prepare_signal's job-control side effects, the pending
// sets and their siginfo queues (a thread's own, and the group's shared one), the choice of the
// thread that will take a group signal, waking it, and the shortcut that turns a fatal signal
// into a group exit at once. Taking a signal on the way to user mode is deliver.ts.

import type { Kernel } from '../kernel.js';
import type { Task, SigPending } from '../process/task.js';
import { TIF_SIGPENDING } from '../entry/thread-info.js';
import {
  SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIGKILL, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGQUIT, SIGILL, SIGTRAP,
  SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS, SIGRTMIN,
} from './signals.js';
import { SI_USER, SI_KERNEL, CLD_CONTINUED, CLD_STOPPED, type SigInfo } from './siginfo.js';
import { WaitQueue } from '../sched/wait.js';

/** Woken whenever a signal is queued: signalfd readers (signalfd.ts) look again at their mask. */
export const signalfdWait = new WaitQueue();

export const SIG_DFL = 0, SIG_IGN = 1;
// sa_flags (arch/x86/include/uapi/asm/signal.h, include/uapi/asm-generic/signal-defs.h).
export const SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_UNSUPPORTED = 0x400, SA_EXPOSE_TAGBITS = 0x800;
export const SA_RESTORER = 0x04000000, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000;
export const SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;

const DEFAULT_IGNORE = new Set([SIGCHLD, SIGURG, SIGWINCH, SIGCONT]);
export const DEFAULT_STOP = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);
/** Signals whose default action dumps core (status bit 0x80 only if a core was written: never here). */
export const DEFAULT_CORE = new Set([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS]);
/** Signals the kernel raises for a fault: taken before any other (SYNCHRONOUS_MASK). */
const SYNCHRONOUS = bit(SIGSEGV) | bit(SIGBUS) | bit(SIGILL) | bit(SIGTRAP) | bit(SIGFPE) | bit(SIGSYS);
const STOP_MASK = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);
/** SIGKILL and SIGSTOP: no mask can hold them (sig_kernel_only). */
export const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

export function bit(sig: number): bigint {
  return 1n << BigInt(sig - 1);
}

export function handlerOf(t: Task, sig: number): number {
  return t.sigactions.get(sig)?.handler ?? SIG_DFL;
}

/** The default action of a signal. */
export function defaultAction(sig: number): 'ignore' | 'stop' | 'core' | 'term' {
  if (DEFAULT_IGNORE.has(sig)) return 'ignore';
  if (DEFAULT_STOP.has(sig)) return 'stop';
  return DEFAULT_CORE.has(sig) ? 'core' : 'term';
}

/**
 * sig_task_ignored + sig_ignored: dropped on sending unless blocked (its handler may change) or
 * traced (the tracer sees every signal; --trace=syscall shows them as strace, a tracer, would).
 */
function ignored(k: Kernel, t: Task, sig: number): boolean {
  if (sig === SIGKILL || sig === SIGSTOP) return false;
  if (((t.sigmask | t.realBlocked) & bit(sig)) !== 0n) return false;
  if (t.tracer !== null || k.opts.traceSyscalls) return false;
  const h = handlerOf(t, sig);
  return h === SIG_IGN || (h === SIG_DFL && defaultAction(sig) === 'ignore');
}

/** sig_fatal(): acted on now, would this signal kill the task? */
export function sigFatal(t: Task, sig: number): boolean {
  if (sig === SIGKILL) return true;
  const a = defaultAction(sig);
  return handlerOf(t, sig) === SIG_DFL && (a === 'term' || a === 'core');
}

/** The siginfo of kill() from the current task (SEND_SIG_NOINFO: si_code SI_USER). */
export function userInfo(k: Kernel, sig: number, code = SI_USER): SigInfo {
  const cur = k.current;
  return { signo: sig, errno: 0, code, pid: cur ? cur.tgid : 0, uid: cur ? cur.creds.uid : 0 };
}

/** The siginfo of a signal the kernel raises for itself (SEND_SIG_PRIV: si_code SI_KERNEL). */
export function kernelInfo(sig: number): SigInfo {
  return { signo: sig, errno: 0, code: SI_KERNEL, pid: 0, uid: 0 };
}

/**
 * send_signal(): queue `info` on a task (group = false: that thread) or on its thread group
 * (group = true: any thread that does not block it takes it). Returns 0 or a negative errno.
 */
export function sendSigInfo(k: Kernel, t: Task, info: SigInfo, group: boolean): number {
  const sig = info.signo;
  if (t.state === 'zombie' || t.state === 'dead') return 0;
  if (!prepareSignal(k, t, sig)) return 0;
  const p = group ? t.signal.shared : t.pending;
  // legacy_queue(): a standard signal already pending is not queued twice; real-time ones are.
  if (sig < SIGRTMIN && (p.set & bit(sig)) !== 0n) return 0;
  p.set |= bit(sig);
  p.queue.push(info);
  completeSignal(k, t, sig, group);
  if (signalfdWait.waiters.size) signalfdWait.wake();
  return 0;
}

/**
 * force_sig_info(): a synchronous signal (a fault, seccomp's SIGSYS): if the task blocks or
 * ignores it, it is unblocked and its action reset to the default, so it cannot be lost.
 */
export function forceSig(k: Kernel, t: Task, info: SigInfo): void {
  const sig = info.signo;
  const act = t.sigactions.get(sig);
  const blocked = (t.sigmask & bit(sig)) !== 0n;
  if (act && (act.handler === SIG_IGN || blocked)) act.handler = SIG_DFL;
  if (blocked) t.sigmask &= ~bit(sig);
  sendSigInfo(k, t, info, false);
}

/** force_sig_fault(): a fault signal with si_addr. */
export function forceSigFault(k: Kernel, t: Task, sig: number, code: number, addr: number): void {
  forceSig(k, t, { signo: sig, errno: 0, code, addr });
}

/** send_sig(sig, task, 0): the kernel sends a signal on the current task's behalf (SIGPIPE, SIGXFSZ). */
export function sendSignal(k: Kernel, t: Task, sig: number): void {
  sendSigInfo(k, t, userInfo(k, sig), false);
}

/**
 * prepare_signal(): job control acts when the signal is sent — SIGCONT discards pending stops and
 * resumes the stopped group, whatever its handler; a stop signal discards a pending SIGCONT.
 * Returns false if the signal is to be dropped.
 */
function prepareSignal(k: Kernel, t: Task, sig: number): boolean {
  if (t.signal.groupExit !== null) return sig === SIGKILL;
  const threads = t.group.size ? [...t.group] : [t];
  if (sig === SIGCONT) {
    t.signal.shared.set &= ~STOP_MASK;
    let wasStopped = false;
    for (const p of threads) {
      p.pending.set &= ~STOP_MASK;
      p.jobctlStop = false;
      if (p.state === 'stopped' && !p.ptraceStopped) { wasStopped = true; k.sched.continueTask(p); }
    }
    if (wasStopped) {
      const leader = k.tasks.get(t.tgid) ?? t;
      leader.contReported = false;
      leader.stopReported = true;
      notifyParentJobctl(k, leader, CLD_CONTINUED);
    }
  } else if (DEFAULT_STOP.has(sig)) {
    for (const p of [t.signal.shared, ...threads.map((q) => q.pending)]) removeSignal(p, SIGCONT);
  }
  return !ignored(k, t, sig);
}

/** Tell the parent of a group that stopped or continued: SIGCHLD unless SA_NOCLDSTOP, and wake wait(). */
export function notifyParentJobctl(k: Kernel, t: Task, why: number): void {
  const parent = t.parent;
  if (!parent) return;
  parent.childWait.wake();
  if ((parent.sigactions.get(SIGCHLD)?.flags ?? 0) & SA_NOCLDSTOP) return;
  const status = why === CLD_STOPPED ? t.stopSig : SIGCONT;
  sendSigInfo(k, parent, { signo: SIGCHLD, errno: 0, code: why, pid: t.tgid, uid: t.creds.uid, status, utime: 0, stime: 0 }, true);
}

function removeSignal(p: SigPending, sig: number): void {
  if ((p.set & bit(sig)) === 0n) return;
  p.set &= ~bit(sig);
  for (let i = p.queue.length - 1; i >= 0; i--) if (p.queue[i].signo === sig) p.queue.splice(i, 1);
}

/** Flush every pending instance of `sig` from a group (sigaction to SIG_IGN, POSIX). */
export function flushSignal(t: Task, sig: number): void {
  removeSignal(t.signal.shared, sig);
  for (const p of t.group.size ? t.group : [t]) removeSignal(p.pending, sig);
}

/** wants_signal(): could this thread take the signal now? */
function wantsSignal(p: Task, sig: number): boolean {
  if ((p.sigmask & bit(sig)) !== 0n) return false;
  if (p.state === 'zombie' || p.state === 'dead') return false;
  if (sig === SIGKILL) return true;
  return p.state !== 'stopped';
}

/**
 * complete_signal(): pick the thread that takes the signal and wake it. A fatal signal nobody
 * handles starts the group's exit at once: every thread gets SIGKILL (the group's wait status
 * keeps the original signal), as Linux does so that no thread runs user code again.
 */
function completeSignal(k: Kernel, t: Task, sig: number, group: boolean): void {
  let target: Task | null = null;
  if (wantsSignal(t, sig)) target = t;
  else if (group) for (const p of t.group) if (wantsSignal(p, sig)) { target = p; break; }
  if (target === null) return;
  // Core-dumping signals go the long way (get_signal → do_coredump), as do signals to a traced
  // task; --trace=syscall behaves as a tracer here, so that the trace shows the signal as strace
  // would ("--- SIGTERM … ---" before "+++ killed by SIGTERM +++").
  const traced = target.tracer !== null || k.opts.traceSyscalls;
  // A signal that rt_sigtimedwait is waiting for is not fatal: it will be taken synchronously.
  const awaited = (target.realBlocked & bit(sig)) !== 0n;
  if (sigFatal(target, sig) && !awaited && t.signal.groupExit === null && (sig === SIGKILL || (!traced && defaultAction(sig) !== 'core'))) {
    t.signal.groupExit = sig;
    for (const p of t.group.size ? t.group : [t]) {
      p.pending.set |= bit(SIGKILL);
      signalWakeUp(k, p, true);
    }
    return;
  }
  signalWakeUp(k, target, sig === SIGKILL);
}

/**
 * signal_wake_up(): TIF_SIGPENDING, and the task leaves an interruptible sleep (a killable one
 * only for a fatal signal); SIGKILL also ends a stop.
 */
export function signalWakeUp(k: Kernel, p: Task, fatal: boolean): void {
  k.setTif(p, TIF_SIGPENDING);
  if (p.state === 'sleeping' && p.sleep && (fatal || p.sleep.onSignal !== 'killable')) k.sched.wake(p);
  else if (fatal && p.state === 'stopped') k.sched.continueTask(p);
}

/** signal_pending(): an unblocked signal waits for this thread (its own or its group's). */
export function signalPending(t: Task): boolean {
  return ((t.pending.set | t.signal.shared.set) & ~t.sigmask) !== 0n || t.jobctlStop || t.ptraceTrap;
}

/** fatal_signal_pending(): SIGKILL is pending (a group exit has begun). */
export function fatalSignalPending(t: Task): boolean {
  return (t.pending.set & bit(SIGKILL)) !== 0n;
}

/** recalc_sigpending(): TIF_SIGPENDING follows what is pending and unblocked. */
export function recalcSigpending(k: Kernel, t: Task): void {
  if (signalPending(t)) k.setTif(t, TIF_SIGPENDING);
  else k.clearTif(t, TIF_SIGPENDING);
}

/**
 * set_user_sigmask(): a temporary mask for the length of a call (rt_sigsuspend, ppoll, pselect);
 * the old one is kept to come back on the way out (restoreSavedSigmask), after any handler.
 */
export function setSavedSigmask(k: Kernel, t: Task, mask: bigint): void {
  t.savedSigmask = t.sigmask;
  t.sigmask = mask & ~UNBLOCKABLE;
  recalcSigpending(k, t);
}

/** restore_saved_sigmask(): put back a mask setSavedSigmask replaced, if one is waiting. */
export function restoreSavedSigmask(t: Task): void {
  if (t.savedSigmask !== null) { t.sigmask = t.savedSigmask; t.savedSigmask = null; }
}

/** next_signal(): the lowest pending unblocked signal, synchronous (fault) signals first. */
function nextSignal(set: bigint, mask: bigint): number {
  let x = set & ~mask;
  if (x === 0n) return 0;
  if ((x & SYNCHRONOUS) !== 0n) x &= SYNCHRONOUS;
  let sig = 1;
  while ((x & 1n) === 0n) { x >>= 1n; sig++; }
  return sig;
}

/** dequeue_signal(): take one pending signal (the thread's own first, then the group's) with its siginfo. */
export function dequeueSignal(t: Task, mask: bigint): SigInfo | null {
  for (const p of [t.pending, t.signal.shared]) {
    const sig = nextSignal(p.set, mask);
    if (sig === 0) continue;
    const i = p.queue.findIndex((q) => q.signo === sig);
    const info = i >= 0 ? p.queue.splice(i, 1)[0] : kernelInfo(sig);
    if (!p.queue.some((q) => q.signo === sig)) p.set &= ~bit(sig);
    return info;
  }
  return null;
}

/** The set of signals pending for a thread (rt_sigpending's answer before masking). */
export function pendingSet(t: Task): bigint {
  return t.pending.set | t.signal.shared.set;
}
