// Sending signals (kernel/signal.c), with Linux's default actions. Handlers installed with
// rt_sigaction are recorded but not yet called (that arrives with the signals issue): such a
// signal stays pending and is not acted on. A default action of "terminate" or "core" kills the
// whole thread group at its next return to user mode; "ignore" drops the signal.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { defineSyscall } from '../syscalls/registry.js';
import { TIF_SIGPENDING } from '../entry/thread-info.js';
import { exitGroup } from '../process/exit.js';
import {
  SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIGKILL, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGQUIT, SIGILL, SIGTRAP,
  SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS,
} from './signals.js';
import { EINVAL, ESRCH } from '../errno.js';
import type { SigInfo } from './siginfo.js';

const SIG_DFL = 0, SIG_IGN = 1;
const DEFAULT_IGNORE = new Set([SIGCHLD, SIGURG, SIGWINCH, SIGCONT]);
const DEFAULT_STOP = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);
/** Signals whose default action dumps core (status bit 0x80 only if a core was written: never here). */
export const DEFAULT_CORE = new Set([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS]);

function bit(sig: number): bigint {
  return 1n << BigInt(sig - 1);
}

/**
 * send_signal(): queue `info` on a task (group = false: that thread) or on its thread group
 * (group = true: any thread that does not block it takes it). Returns 0 or a negative errno.
 */
export function sendSigInfo(k: Kernel, t: Task, info: SigInfo, group: boolean): number {
  void group;
  sendSignal(k, t, info.signo);
  return 0;
}

/**
 * force_sig_info(): a synchronous signal (a fault, seccomp's SIGSYS): if the task blocks or
 * ignores it, it is unblocked and its action reset to the default, so it cannot be lost.
 */
export function forceSig(k: Kernel, t: Task, info: SigInfo): void {
  sendSigInfo(k, t, info, false);
}

/** force_sig_fault(): a fault signal with si_addr. */
export function forceSigFault(k: Kernel, t: Task, sig: number, code: number, addr: number): void {
  forceSig(k, t, { signo: sig, errno: 0, code, addr });
}

export function sendSignal(k: Kernel, t: Task, sig: number): void {
  if (t.state === 'zombie' || t.state === 'dead') return;
  // Job control acts when the signal is sent (kernel/signal.c prepare_signal): SIGCONT discards
  // pending stops and resumes a stopped task, whatever its handler; a stop discards SIGCONT.
  if (sig === SIGCONT) {
    for (const s of DEFAULT_STOP) t.pending &= ~bit(s);
    if (t.state === 'stopped') {
      k.sched.continueTask(t);
      t.contReported = false;
      t.stopReported = true;
      if (t.parent) {
        t.parent.childWait.wake();
        if (!((t.parent.sigactions.get(SIGCHLD)?.flags ?? 0) & 1 /* SA_NOCLDSTOP */)) sendSignal(k, t.parent, SIGCHLD);
      }
    }
  } else if (DEFAULT_STOP.has(sig)) t.pending &= ~bit(SIGCONT);
  if (sig === SIGKILL && t.state === 'stopped') k.sched.continueTask(t);
  const act = t.sigactions.get(sig);
  const handler = act?.handler ?? SIG_DFL;
  if (sig !== SIGKILL && sig !== SIGSTOP) {
    if (handler === SIG_IGN) return;
    if (handler === SIG_DFL && DEFAULT_IGNORE.has(sig)) return;
  }
  t.pending |= bit(sig);
  if (sig === SIGKILL || (t.sigmask & bit(sig)) === 0n) {
    k.setTif(t, TIF_SIGPENDING);
    // A fatal signal ends a sleep: the system call gives up (sleepInSyscall checks) and the
    // task dies on its way out. A signal with a handler stays pending without interrupting
    // anything until handler delivery exists (then it becomes EINTR / restart as in Linux).
    if (t.state === 'sleeping' && (fatal(t, sig) || (DEFAULT_STOP.has(sig) && (act?.handler ?? SIG_DFL) === SIG_DFL))) k.sched.wake(t);
  }
}

/** Would this signal, acted on now, kill the task (default action terminate or core)? */
function fatal(t: Task, sig: number): boolean {
  if (sig === SIGKILL) return true;
  const handler = t.sigactions.get(sig)?.handler ?? SIG_DFL;
  return handler === SIG_DFL && !DEFAULT_IGNORE.has(sig) && !DEFAULT_STOP.has(sig);
}

/** Is a signal pending that would interrupt a sleep (fatal_signal_pending, for now)? */
export function signalPending(t: Task): boolean {
  const live = t.pending & (~t.sigmask | bit(SIGKILL));
  if (live === 0n) return false;
  for (let sig = 1; sig <= 64; sig++) if ((live & bit(sig)) !== 0n && fatal(t, sig)) return true;
  return false;
}

/**
 * At the return to user mode: act on pending, unblocked signals whose action is the default.
 * Returns false if the task was killed.
 */
export function handleSignals(k: Kernel, t: Task, resume: () => void): 'ok' | 'killed' | 'stopped' {
  for (let sig = 1; sig <= 64; sig++) {
    const b = bit(sig);
    if ((t.pending & b) === 0n) continue;
    if (sig !== SIGKILL && (t.sigmask & b) !== 0n) continue;
    const handler = t.sigactions.get(sig)?.handler ?? SIG_DFL;
    if (handler !== SIG_DFL && sig !== SIGKILL) continue; // awaits handler delivery (signals issue)
    t.pending &= ~b;
    if (DEFAULT_IGNORE.has(sig)) continue;
    if (DEFAULT_STOP.has(sig)) {
      // do_signal_stop(): the task stops here, on its way to user mode, and the parent hears.
      if (k.opts.traceSyscalls) k.opts.log(`--- stopped by ${sigName(sig)} ---`);
      t.stopSig = sig;
      t.stopReported = false;
      t.contReported = true;
      if (t.parent) {
        t.parent.childWait.wake();
        if (!((t.parent.sigactions.get(SIGCHLD)?.flags ?? 0) & 1 /* SA_NOCLDSTOP */)) sendSignal(k, t.parent, SIGCHLD);
      }
      k.sched.stopCurrent(resume);
      return 'stopped';
    }
    if (k.opts.traceSyscalls) k.opts.log(`+++ killed by ${sigName(sig)} +++`);
    exitGroup(k, t, sig);
    return 'killed';
  }
  return 'ok';
}

function sigName(sig: number): string {
  if (sig >= 17 && sig <= 22) return ['SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU'][sig - 17];
  return ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
    'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM'][sig] ?? `signal ${sig}`;
}

function groupTarget(k: Kernel, tgid: number): Task | null {
  const leader = k.tasks.get(tgid);
  return leader && leader.tgid === tgid ? leader : null;
}

defineSyscall('sys_kill', (k, t, pid, sig) => {
  pid = pid | 0; sig = sig | 0;
  if (sig < 0 || sig > 64) return -EINVAL;
  let targets: Task[];
  if (pid > 0) { const p = groupTarget(k, pid); targets = p ? [p] : []; }
  else if (pid === 0) targets = [...k.tasks.values()].filter((q) => q.pgid === t.pgid && q.isLeader);
  else if (pid === -1) targets = [...k.tasks.values()].filter((q) => q.isLeader && q.tgid !== 1 && q !== t);
  else targets = [...k.tasks.values()].filter((q) => q.pgid === -pid && q.isLeader);
  if (targets.length === 0) return -ESRCH;
  if (sig === 0) return 0;
  for (const q of targets) sendSignal(k, q, sig);
  return 0;
});
defineSyscall('sys_tkill', (k, _t, tid, sig) => {
  const p = k.tasks.get(tid | 0);
  if (!p || (tid | 0) <= 0) return -ESRCH;
  if (sig < 0 || sig > 64) return -EINVAL;
  if (sig) sendSignal(k, p, sig);
  return 0;
});
defineSyscall('sys_tgkill', (k, _t, tgid, tid, sig) => {
  if ((tgid | 0) <= 0 || (tid | 0) <= 0) return -EINVAL;
  const p = k.tasks.get(tid | 0);
  if (!p || p.tgid !== (tgid | 0)) return -ESRCH;
  if (sig < 0 || sig > 64) return -EINVAL;
  if (sig) sendSignal(k, p, sig);
  return 0;
});


