// Taking a signal on the way back to user mode (kernel/signal.c get_signal, arch/x86/kernel/
// signal.c arch_do_signal_or_restart / handle_signal): called by the exit-to-user loop when
// TIF_SIGPENDING is set, with the task's user pt_regs at the top of its kernel stack.
//
//   - a group stop under way, or a stop signal with the default action: the task stops here;
//   - a fatal signal: the whole group exits;
//   - a handler: the system call that was interrupted is restarted or fails with EINTR as its
//     -ERESTART* code and SA_RESTART say, the rt_sigframe is built (frame.ts) and the return to
//     user mode goes to the handler;
//   - no handler ran: an interrupted system call restarts (rip back over SYSCALL, rax = nr; or
//     restart_syscall for -ERESTART_RESTARTBLOCK) and a mask saved by sigsuspend comes back.

import type { Kernel } from '../kernel.js';
import type { Task, SigAction } from '../process/task.js';
import { userRegs, type PtRegs } from '../entry/ptregs.js';
import { ptraceHooks } from './ptrace-hooks.js';
import {
  dequeueSignal, defaultAction, recalcSigpending, fatalSignalPending, notifyParentJobctl, signalWakeUp, forceSig, restoreSavedSigmask, UNBLOCKABLE,
  kernelInfo, bit, SIG_DFL, SIG_IGN, SA_RESETHAND, SA_RESTART, SA_NODEFER,
} from './send.js';
import { SIGKILL, SIGSTOP, SIGSEGV, signalName } from './signals.js';
import { CLD_STOPPED, type SigInfo } from './siginfo.js';
import { setupRtFrame } from './frame.js';
import { setupFrameIa32, SA_IA32_ABI } from '../compat/signal32.js';
import { exitGroup } from '../process/exit.js';
import { EINTR, ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK } from '../errno.js';
import { __USER32_CS } from '../arch/layout.js';
import { fpuInitAll } from '../../cpu/exec/fxsave.js';
import { DF, RF, TF } from '../../cpu/regs.js';
import { traceLine } from '../../trace/strace-log.js';
import { formatSigInfo } from '../../trace/siginfo-format.js';

const NR_restart_syscall = 219, NR_ia32_restart_syscall = 0;

export function doSignal(k: Kernel, t: Task, resume: () => void): 'ok' | 'killed' | 'stopped' {
  const regs = userRegs(k, t);
  for (;;) {
    if (t.signal.groupExit !== null && fatalSignalPending(t)) {
      const sig = t.signal.groupExit;
      exitGroup(k, t, sig);
      return 'killed';
    }
    if (t.jobctlStop) { doSignalStop(k, t, t.stopSig || SIGSTOP, resume); return 'stopped'; }
    if (t.ptraceTrap && ptraceHooks.trap?.(k, t, resume)) return 'stopped';
    let info = dequeueSignal(t, t.sigmask);
    if (!info) break;
    if (t.tracer !== null && info.signo !== SIGKILL && !info.immutable && ptraceHooks.signal) {
      const r = ptraceHooks.signal(k, t, info, resume);
      if (r === 'stopped') return 'stopped';
      if (r === null) continue;
      info = r;
    }
    const sig = info.signo;
    if (k.opts.traceSyscalls && !info.immutable) traceLine(k, t, `--- ${signalName(sig)} ${formatSigInfo(info)} ---`);
    const act = t.sigactions.get(sig);
    const handler = act?.handler ?? SIG_DFL;
    if (handler === SIG_IGN) continue;
    if (handler !== SIG_DFL && act) {
      const ka = { ...act };
      if (act.flags & SA_RESETHAND) act.handler = SIG_DFL;
      handleSignal(k, t, regs, info, ka);
      recalcSigpending(k, t);
      return 'ok';
    }
    const what = defaultAction(sig);
    if (what === 'ignore') continue;
    if (what === 'stop') {
      // Stop the whole group: the other threads stop at their own next return to user mode.
      for (const p of t.group) if (p !== t) { p.jobctlStop = true; p.stopSig = sig; signalWakeUp(k, p, false); }
      doSignalStop(k, t, sig, resume);
      return 'stopped';
    }
    // No core file is ever written, so strace's "(core dumped)" never applies.
    // strace's "+++ killed by SIG +++" lines are written by doExit, one per thread.
    // do_exit()'s PTRACE_EVENT_EXIT: a tracer that asked sees the task stop before it dies.
    if (t.tracer !== null && ptraceHooks.exitEvent?.(k, t, sig, () => exitGroup(k, t, sig))) return 'stopped';
    exitGroup(k, t, sig);
    return 'killed';
  }
  restartWithoutHandler(regs);
  restoreSavedSigmask(t);
  recalcSigpending(k, t);
  return 'ok';
}

/** do_signal_stop(): park the thread; the parent hears once the whole group has stopped. */
function doSignalStop(k: Kernel, t: Task, sig: number, resume: () => void): void {
  t.jobctlStop = false;
  t.stopSig = sig;
  if (k.opts.traceSyscalls) traceLine(k, t, `--- stopped by ${signalName(sig)} ---`);
  k.sched.stopCurrent(resume);
  const leader = k.tasks.get(t.tgid) ?? t;
  if ([...t.group].every((p) => p.state === 'stopped')) {
    leader.stopSig = sig;
    leader.stopReported = false;
    leader.contReported = true;
    notifyParentJobctl(k, leader, CLD_STOPPED);
  }
  if (t.tracer !== null) ptraceHooks.groupStop?.(k, t, sig);
}

/** The system call this frame returns from, if any, and its result (as Linux's syscall_get_nr / ax). */
function interruptedSyscall(regs: PtRegs): number | null {
  if (regs.hi('orig_rax') < 0) return null;
  if (regs.hi('rax') !== -1) return null;
  const ax = regs.lo('rax');
  return ax === -ERESTARTSYS || ax === -ERESTARTNOINTR || ax === -ERESTARTNOHAND || ax === -ERESTART_RESTARTBLOCK ? ax : null;
}

function restartSyscall(regs: PtRegs, nr: number): void {
  regs.set('rax', nr, nr < 0 ? -1 : 0);
  // Back over the 2-byte SYSCALL (or INT 0x80) so that it runs again.
  regs.setNum('rip', regs.num('rip') - 2);
}

/** The no-handler case of arch_do_signal_or_restart(). */
function restartWithoutHandler(regs: PtRegs): void {
  const ax = interruptedSyscall(regs);
  if (ax === null) return;
  if (ax === -ERESTART_RESTARTBLOCK) {
    restartSyscall(regs, (regs.lo('cs') & 0xffff) === __USER32_CS ? NR_ia32_restart_syscall : NR_restart_syscall);
  } else restartSyscall(regs, regs.lo('orig_rax'));
}

/** handle_signal(): restart decision, the frame, and the handler's starting state. */
function handleSignal(k: Kernel, t: Task, regs: PtRegs, info: SigInfo, act: SigAction): void {
  const ax = interruptedSyscall(regs);
  if (ax !== null) {
    if (ax === -ERESTART_RESTARTBLOCK || ax === -ERESTARTNOHAND || (ax === -ERESTARTSYS && !(act.flags & SA_RESTART))) {
      regs.set('rax', -EINTR, -1);
    } else restartSyscall(regs, regs.lo('orig_rax'));
  }
  const savedRegs = k.regs.base;
  k.regs.base = regs.base;
  for (const h of k.signalDeliverHooks) h(t);
  k.regs.base = savedRegs;
  // The mask the handler's sigreturn restores: the one sigsuspend replaced, if it did.
  const oldmask = t.savedSigmask ?? t.sigmask;
  if (t.tracer !== null) ptraceHooks.beforeHandlerSetup?.(k, t);
  // A handler installed by a 32-bit caller gets the ia32 frame (Linux: is_ia32_frame(), SA_IA32_ABI).
  if (!(act.flags & SA_IA32_ABI ? setupFrameIa32(k, t, regs, info, act, oldmask) : setupRtFrame(k, t, regs, info, act, oldmask))) {
    forceSigsegv(k, t, info.signo);
    return;
  }
  t.savedSigmask = null;
  // The ABI wants DF clear at function entry; RF and TF would disturb the handler's first steps.
  regs.set('eflags', regs.lo('eflags') & ~(DF | RF | TF), regs.hi('eflags'));
  fpuInitAll(k.cpu);
  t.sigmask = (t.sigmask | act.mask | ((act.flags & SA_NODEFER) ? 0n : bit(info.signo))) & ~UNBLOCKABLE;
  k.signalsDelivered++;
  if (k.opts.traceEntries) {
    const hex = (v: number): string => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
    k.entries.onSignalDelivery(`${signalName(info.signo)} to handler ${hex(act.handler)}, rt_sigframe at ${hex(regs.num('rsp'))}${(act.flags & 0x08000000) ? ' (alternate stack)' : ''}`);
  }
  ptraceHooks.afterHandlerSetup?.(k, t);
}

/** force_sigsegv(): the frame could not be built; a SIGSEGV handler that caused it is not tried again. */
function forceSigsegv(k: Kernel, t: Task, sig: number): void {
  if (sig === SIGSEGV) {
    const a = t.sigactions.get(SIGSEGV);
    if (a) a.handler = SIG_DFL;
  }
  forceSig(k, t, kernelInfo(SIGSEGV));
}
