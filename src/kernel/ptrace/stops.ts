// ptrace stops (kernel/signal.c ptrace_stop / ptrace_signal / do_jobctl_trap, kernel/entry/
// syscall-common.c report_syscall, include/linux/ptrace.h ptrace_event): the tracee parks, the
// tracer hears (SIGCHLD with CLD_TRAPPED, or CLD_STOPPED for a group stop, and a wake-up of its
// wait()), and a resuming request (requests.ts) lets it go on from where it stopped.
//
// Two ways to park, as the code that stops can or cannot hand over a continuation:
//   - syscall-entry/exit stops, signal-delivery-stops, group stops and traps stop with
//     k.sched.stopCurrent (state 'stopped');
//   - PTRACE_EVENT stops inside a system call (fork, exec, exit) sleep killably on the tracee's
//     ptrace wait queue (the system call returns BLOCKED, as any sleeping call does).
// Either way t.ptraceStopped is set and PtraceState.exitCode holds what wait() reports.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { SyscallWorkHook } from '../entry/common.js';
import { SYSCALL_WORK_SYSCALL_TRACE, SYSCALL_WORK_SYSCALL_EXIT_TRAP, TIF_SIGPENDING, TIF_NEED_RESCHED } from '../entry/thread-info.js';
import { userRegs } from '../entry/ptregs.js';
import { ptraceHooks } from '../signal/ptrace-hooks.js';
import {
  sendSigInfo, kernelInfo, userInfo, fatalSignalPending, recalcSigpending, forceSig, bit, SA_NOCLDSTOP,
} from '../signal/send.js';
import { SIGTRAP, SIGCHLD } from '../signal/signals.js';
import { CLD_TRAPPED, CLD_STOPPED, SI_USER, TRAP_BRKPT, SIGINFO_SIZE, type SigInfo } from '../signal/siginfo.js';
import { BLOCKED } from '../sched/wait.js';
import { PT_REGS_SIZE } from '../entry/ptregs.js';
import { setSeccompTraceHook, type SeccompTraceHook } from '../seccomp/filter.js';
import { disableStep } from './attach.js';
import {
  ptraceState, eventEnabled, PTRACE_O_TRACESYSGOOD, PTRACE_EVENT_STOP, PTRACE_EVENT_EXEC,
  PTRACE_EVENTMSG_SYSCALL_ENTRY, PTRACE_EVENTMSG_SYSCALL_EXIT, PTRACE_EVENT_SECCOMP, PTRACE_EVENT_EXIT, type StopKind,
} from './state.js';

/** ptrace_do_notify()'s siginfo: SIGTRAP, si_code = the stop's code, si_pid/si_uid of the tracee. */
export function notifyInfo(t: Task, code: number): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, code & 0x7f, true);
  dv.setInt32(8, code, true);
  dv.setInt32(16, t.pid, true);
  dv.setInt32(20, t.creds.uid, true);
  return b;
}

/** do_notify_parent_cldstop(for_ptrace): SIGCHLD to the tracer unless it set SA_NOCLDSTOP, and wake its wait(). */
function notifyTracer(k: Kernel, t: Task, why: number, code: number): void {
  const tracer = t.tracer;
  if (!tracer) return;
  for (const m of tracer.group.size ? tracer.group : [tracer]) m.childWait.wake();
  if ((tracer.sigactions.get(SIGCHLD)?.flags ?? 0) & SA_NOCLDSTOP) return;
  sendSigInfo(k, tracer, { signo: SIGCHLD, errno: 0, code: why, pid: t.tgid, uid: t.creds.uid, status: code & 0x7f, utime: 0, stime: 0 }, true);
}

/** Enter a ptrace stop: what wait() and GETSIGINFO will see. The caller parks the task. */
function enterStop(k: Kernel, t: Task, code: number, kind: StopKind, info: SigInfo | null, raw: Uint8Array | null): void {
  const st = ptraceState(t);
  st.exitCode = code;
  st.kind = kind;
  st.info = info;
  st.infoRaw = raw;
  st.resumed = false;
  st.resumeSig = 0;
  // ptrace_stop(exit_code, why, message, info) sets ptrace_message for every stop: the
  // signal-delivery stop, group stops and traps pass 0 (GETEVENTMSG then reads 0).
  if (kind === 'signal' || kind === 'group' || kind === 'trap') st.eventMsg = 0;
  t.ptraceStopped = true;
  // Not a line strace prints: it belongs with the kernel-side events of --trace=entry.
  if (k.opts.traceEntries) k.opts.log(`[ptrace] pid ${t.pid} ${kind}-stop (status 0x${((code << 8) | 0x7f).toString(16)})`);
  // do_jobctl_trap() reports PTRACE_EVENT_STOP with CLD_STOPPED, and do_notify_parent_cldstop
  // then puts signal->group_exit_code in si_status: the stop signal while a group stop is
  // under way, else 0.
  const jobctlTrap = kind === 'trap' && (code >> 8) === PTRACE_EVENT_STOP;
  notifyTracer(k, t, kind === 'group' || jobctlTrap ? CLD_STOPPED : CLD_TRAPPED, jobctlTrap ? (t.jobctlStop ? t.stopSig : 0) : code);
}

/** The stop is over (resumed, detached, or ended by SIGKILL): the siginfo is gone (last_siginfo = NULL). */
function leaveStop(t: Task): SigInfo | null {
  const st = ptraceState(t);
  const info = st.info;
  t.ptraceStopped = false;
  st.exitCode = 0;
  st.kind = null;
  st.info = null;
  st.infoRaw = null;
  return info;
}

/** ptrace_stop() for code that can continue later: park with stopCurrent, then `cont` with the tracer's signal. */
function stopWith(k: Kernel, t: Task, code: number, kind: StopKind, info: SigInfo | null, raw: Uint8Array | null, cont: (sig: number, info: SigInfo | null) => void): void {
  enterStop(k, t, code, kind, info, raw);
  k.sched.stopCurrent(() => {
    const st = ptraceState(t);
    const sig = st.resumed ? st.resumeSig : 0;
    const last = leaveStop(t);
    st.resumeSig = 0;
    // Whoever runs the task next, its system call continues on its own frame.
    k.regs.base = t.kstackTop - PT_REGS_SIZE;
    cont(sig, last);
  });
}

/** ptrace_report_syscall(): the syscall-entry or -exit stop; a signal the tracer passed is sent (send_sig, priv). */
function reportSyscall(k: Kernel, t: Task, msg: number, next: () => void): void {
  const st = ptraceState(t);
  const code = SIGTRAP | ((st.options & PTRACE_O_TRACESYSGOOD) ? 0x80 : 0);
  st.eventMsg = msg;
  stopWith(k, t, code, 'syscall', { signo: SIGTRAP, errno: 0, code, pid: t.pid, uid: t.creds.uid }, notifyInfo(t, code), (sig) => {
    if (sig !== 0 && !fatalSignalPending(t)) sendSigInfo(k, t, kernelInfo(sig), false);
    next();
  });
}

/**
 * SYSCALL_WORK_SYSCALL_TRACE: syscall-entry and syscall-exit stops. After the entry stop the
 * number is read back from orig_rax (a tracer's -1 skips the call; rax keeps what the tracer
 * left there), and a fatal signal skips it (ptrace_report_syscall_entry's return).
 */
export const PTRACE_SYSCALL_HOOK: SyscallWorkHook = {
  bit: SYSCALL_WORK_SYSCALL_TRACE,
  enterStop(k, t, nr, next) {
    if (t.tracer === null) { next(nr); return; }
    reportSyscall(k, t, PTRACE_EVENTMSG_SYSCALL_ENTRY, () => {
      if (fatalSignalPending(t)) { next(-1, true); return; }
      // Seccomp still sees the call, even one the tracer turned into -1 (which then reaches no table).
      next(userRegs(k, t).lo('orig_rax'));
    });
  },
  exitStop(k, t, _nr, next) {
    // report_single_step(): a task single-stepping over SYSCALL gets the step trap instead.
    if (t.tracer === null || (k.syscallWork(t) & (1 << SYSCALL_WORK_SYSCALL_EXIT_TRAP)) !== 0) { next(); return; }
    reportSyscall(k, t, PTRACE_EVENTMSG_SYSCALL_EXIT, next);
  },
};

/**
 * SYSCALL_WORK_SYSCALL_EXIT_TRAP (set while single-stepping): SYSCALL cleared TF (FMASK), so no
 * #DB follows the instruction; Linux reports the step at the syscall's exit instead
 * (user_single_step_report → send_sigtrap(regs, 0, TRAP_BRKPT)), before any user instruction runs.
 */
export const PTRACE_STEP_HOOK: SyscallWorkHook = {
  bit: SYSCALL_WORK_SYSCALL_EXIT_TRAP,
  exit(k, t) {
    if (t.tracer === null) return;
    t.trapNr = 1;
    t.errorCode = 0;
    forceSig(k, t, { signo: SIGTRAP, errno: 0, code: TRAP_BRKPT, addr: userRegs(k, t).num('rip') });
  },
};

/**
 * ptrace_signal(): a signal about to be delivered to a traced task stops it first; the tracer's
 * resuming request says which signal to deliver instead (0: none). A changed signal gets a
 * fresh SI_USER siginfo from the tracer; a blocked one is queued again.
 */
const signalHook: NonNullable<typeof ptraceHooks.signal> = (k, t, info, resume) => {
  const st = ptraceState(t);
  if (st.injected === info) { st.injected = null; return info; }
  stopWith(k, t, info.signo, 'signal', info, null, (sig, last) => {
    if (sig !== 0) {
      let ni = last ?? info;
      if (sig !== ni.signo) ni = { signo: sig, errno: 0, code: SI_USER, pid: t.tracer?.tgid ?? 0, uid: t.tracer?.creds.uid ?? 0 };
      if ((t.sigmask & bit(sig)) !== 0n || fatalSignalPending(t)) sendSigInfo(k, t, ni, false);
      else {
        // Delivered next, ahead of anything else pending, without another stop.
        st.injected = ni;
        t.pending.set |= bit(sig);
        t.pending.queue.unshift(ni);
      }
    }
    recalcSigpending(k, t);
    resume();
  });
  return 'stopped';
};

/**
 * A traced task that stops for a group stop (do_signal_stop → do_jobctl_trap) stays stopped for
 * the tracer: wait() reports the stop signal (or PTRACE_EVENT_STOP for a seized tracee), and
 * only a ptrace request resumes it. The task is already parked by the caller.
 */
const groupStopHook: NonNullable<typeof ptraceHooks.groupStop> = (k, t, sig) => {
  const st = ptraceState(t);
  if (st.seized) {
    const code = (PTRACE_EVENT_STOP << 8) | sig;
    enterStop(k, t, code, 'group', { signo: sig, errno: 0, code, pid: t.pid, uid: t.creds.uid }, null);
    st.infoRaw = notifyInfo(t, code);
    new DataView(st.infoRaw.buffer).setInt32(0, sig, true);
  } else enterStop(k, t, sig, 'group', null, null);
};

/**
 * Traps taken before dequeuing a signal (get_signal's JOBCTL_TRAP_MASK check): PTRACE_INTERRUPT's
 * PTRACE_EVENT_STOP, and the SIGTRAP that reports a single step into a signal handler.
 */
const trapHook: NonNullable<typeof ptraceHooks.trap> = (k, t, resume) => {
  const st = ptraceState(t);
  if (t.tracer === null) { st.trapStop = false; st.stepTrap = false; t.ptraceTrap = false; return false; }
  let code: number;
  if (st.stepTrap) { st.stepTrap = false; code = SIGTRAP; }
  else if (st.trapStop) { st.trapStop = false; code = (PTRACE_EVENT_STOP << 8) | SIGTRAP; }
  else { t.ptraceTrap = false; return false; }
  t.ptraceTrap = st.stepTrap || st.trapStop;
  stopWith(k, t, code, 'trap', { signo: SIGTRAP, errno: 0, code, pid: t.pid, uid: t.creds.uid }, notifyInfo(t, code), () => {
    recalcSigpending(k, t);
    resume();
  });
  return true;
};

/**
 * handle_signal(): "If TF is set due to a debugger (TIF_FORCED_TF), clear TF now so that register
 * information in the sigcontext is correct and then notify the tracer before entering the signal
 * handler" — the step ends here (else sigreturn would bring the forced TF back).
 */
let steppingIntoHandler = false;
const beforeHandlerSetupHook: NonNullable<typeof ptraceHooks.beforeHandlerSetup> = (k, t) => {
  steppingIntoHandler = ptraceState(t).stepping;
  if (steppingIntoHandler) disableStep(k, t);
};

/** signal_setup_done(stepping) → ptrace_notify(SIGTRAP): a task stepped into a handler reports there. */
const afterHandlerSetupHook: NonNullable<typeof ptraceHooks.afterHandlerSetup> = (k, t) => {
  if (t.tracer === null || !steppingIntoHandler) return;
  steppingIntoHandler = false;
  ptraceState(t).stepTrap = true;
  t.ptraceTrap = true;
  k.setTif(t, TIF_SIGPENDING);
};

/**
 * ptrace_event() inside a system call: stop with (event << 8) | SIGTRAP and `msg` as the event
 * message when the tracer asked for the event, then finish with `result`. Returns what the
 * system call returns (BLOCKED while stopped). Without the option, an exec by a task traced
 * the old way (not seized) gets the legacy SIGTRAP.
 */
export function ptraceEvent(k: Kernel, t: Task, ev: number, msg: number, result: () => number): number {
  if (!eventEnabled(t, ev)) {
    if (ev === PTRACE_EVENT_EXEC && t.tracer !== null && !ptraceState(t).seized) sendSigInfo(k, t, userInfo(k, SIGTRAP), false);
    return result();
  }
  const st = ptraceState(t);
  const code = (ev << 8) | SIGTRAP;
  st.eventMsg = msg;
  enterStop(k, t, code, 'event', { signo: SIGTRAP, errno: 0, code, pid: t.pid, uid: t.creds.uid }, notifyInfo(t, code));
  const retry = (): number => {
    if (!st.resumed && t.ptraceStopped && !fatalSignalPending(t)) return BLOCKED;
    leaveStop(t);
    return result();
  };
  return k.sleep(t, [st.q], retry, Infinity, 'killable');
}

/**
 * Let a stopped tracee go (ptrace_resume's wake_up_state(child, __TASK_TRACED), ptrace_detach):
 * `sig` is the signal its stop delivers or sends, where that stop honours one.
 */
export function wakeTracee(k: Kernel, t: Task, sig: number): void {
  const st = ptraceState(t);
  st.resumeSig = sig;
  st.resumed = true;
  const kind = st.kind;
  t.ptraceStopped = false;
  st.exitCode = 0;
  // A group stop has no continuation of ours: it is over now. The others finish in their continuation.
  if (kind === 'group') leaveStop(t);
  if (t.state === 'stopped') k.sched.continueTask(t);
  else if (t.state === 'sleeping' && kind === 'event') k.sched.wake(t);
  else return;
  // Wakeup preemption (CFS check_preempt_wakeup): a tracee that sat in a stop has a small
  // vruntime, so on one CPU Linux switches to it on the resuming request's way out, as a
  // tracee on another CPU would run at once: it reaches its next stop before the tracer's
  // next call (and strace shows the tracer's SIGCHLD before its wait4).
  if (k.current && k.current !== t) k.setTif(k.current, TIF_NEED_RESCHED);
}

/** PTRACE_EVENT_EXIT for a death by signal (do_exit → ptrace_event), the status as the message. */
const exitEventHook: NonNullable<typeof ptraceHooks.exitEvent> = (k, t, status, exit) => {
  if (!eventEnabled(t, PTRACE_EVENT_EXIT)) return false;
  const code = (PTRACE_EVENT_EXIT << 8) | SIGTRAP;
  ptraceState(t).eventMsg = status;
  stopWith(k, t, code, 'event', { signo: SIGTRAP, errno: 0, code, pid: t.pid, uid: t.creds.uid }, notifyInfo(t, code), () => exit());
  return true;
};

/**
 * SECCOMP_RET_TRACE (__seccomp_filter): with PTRACE_O_TRACESECCOMP the task stops in
 * PTRACE_EVENT_SECCOMP, the filter's data as the event message; seccomp goes on (re-reading the
 * call from pt_regs) when the tracer resumes it. Without the option: false (the call gets ENOSYS).
 */
const seccompHook: SeccompTraceHook = (k, t, data, resume) => {
  if (!eventEnabled(t, PTRACE_EVENT_SECCOMP)) return false;
  const code = (PTRACE_EVENT_SECCOMP << 8) | SIGTRAP;
  ptraceState(t).eventMsg = data;
  stopWith(k, t, code, 'event', { signo: SIGTRAP, errno: 0, code, pid: t.pid, uid: t.creds.uid }, notifyInfo(t, code), () => resume());
  return true;
};

/**
 * Install ptrace's hooks into signal delivery (called once the module graph is loaded: deliver.ts
 * and this file import each other through exit.ts).
 */
export function installPtraceHooks(): void {
  ptraceHooks.signal = signalHook;
  ptraceHooks.groupStop = groupStopHook;
  ptraceHooks.trap = trapHook;
  ptraceHooks.exitEvent = exitEventHook;
  ptraceHooks.beforeHandlerSetup = beforeHandlerSetupHook;
  ptraceHooks.afterHandlerSetup = afterHandlerSetupHook;
  setSeccompTraceHook(seccompHook);
}

/**
 * Detached in a group stop (__ptrace_unlink with SIGNAL_STOP_STOPPED): the task stays stopped,
 * now as an ordinary job-control stop that SIGCONT ends.
 */
export function releaseToGroupStop(t: Task): void {
  leaveStop(t);
}
