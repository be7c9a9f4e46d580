// Becoming and ceasing to be a tracer (kernel/ptrace.c ptrace_traceme, ptrace_attach,
// ptrace_detach, exit_ptrace; include/linux/ptrace.h ptrace_init_task; arch/x86/kernel/step.c
// user_enable/disable_single_step).

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { userRegs } from '../entry/ptregs.js';
import { sendSigInfo, kernelInfo, bit, userInfo } from '../signal/send.js';
import { SIGSTOP, SIGKILL } from '../signal/signals.js';
import { SYSCALL_WORK_SYSCALL_TRACE, SYSCALL_WORK_SYSCALL_EXIT_TRAP, TIF_SIGPENDING } from '../entry/thread-info.js';
import { EPERM, EIO } from '../errno.js';
import { TF } from '../../cpu/regs.js';
import {
  ptraceState, peekState, traceesOf, eventEnabled, PTRACE_O_MASK, PTRACE_O_EXITKILL,
  PTRACE_EVENT_FORK, PTRACE_EVENT_VFORK, PTRACE_EVENT_CLONE,
} from './state.js';
import { wakeTracee, releaseToGroupStop } from './stops.js';
import { ptraceReleased } from '../process/exit.js';

const CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_UNTRACED = 0x800000;
const SIGCHLD = 17;

/** PTRACE_TRACEME: the parent becomes the tracer. */
export function traceMe(t: Task): number {
  if (t.tracer !== null || t.parent === null) return -EPERM;
  t.tracer = t.parent;
  const st = ptraceState(t);
  st.options = 0;
  st.seized = false;
  return 0;
}

/** PTRACE_ATTACH (SIGSTOP follows) and PTRACE_SEIZE (options in `flags`, no signal). */
export function attach(k: Kernel, tracer: Task, child: Task, seize: boolean, addr: number, flags: number): number {
  if (seize) {
    if (addr !== 0) return -EIO;
    if (flags & ~PTRACE_O_MASK) return -EIO;
  }
  if (child.kernelThread || child.tgid === tracer.tgid) return -EPERM;
  if (child.state === 'zombie' || child.state === 'dead') return -EPERM;
  if (child.tracer !== null) return -EPERM;
  // __ptrace_may_access(): same user (or root).
  if (tracer.creds.euid !== 0 && (tracer.creds.uid !== child.creds.uid || tracer.creds.uid !== child.creds.euid)) return -EPERM;
  child.tracer = tracer;
  const st = ptraceState(child);
  st.options = seize ? flags : 0;
  st.seized = seize;
  if (!seize) sendSigInfo(k, child, kernelInfo(SIGSTOP), false);
  return 0;
}

/** user_enable_single_step(): TF in the saved flags (remembered as ours if the task had not set it). */
export function enableStep(k: Kernel, t: Task): void {
  const st = ptraceState(t);
  const regs = userRegs(k, t);
  const f = regs.lo('eflags');
  st.stepping = true;
  k.setSyscallWork(t, SYSCALL_WORK_SYSCALL_EXIT_TRAP, true);
  if ((f & TF) === 0) {
    regs.set('eflags', f | TF, regs.hi('eflags'));
    st.forcedTf = true;
  }
}

/** user_disable_single_step(): TF goes only if ptrace set it. */
export function disableStep(k: Kernel, t: Task): void {
  const st = ptraceState(t);
  st.stepping = false;
  k.setSyscallWork(t, SYSCALL_WORK_SYSCALL_EXIT_TRAP, false);
  if (st.forcedTf) {
    const regs = userRegs(k, t);
    regs.set('eflags', regs.lo('eflags') & ~TF, regs.hi('eflags'));
    st.forcedTf = false;
  }
}

/** __ptrace_unlink + wake: the task is no longer traced; a stopped one resumes with `sig`. */
export function detach(k: Kernel, child: Task, sig: number): void {
  disableStep(k, child);
  k.setSyscallWork(child, SYSCALL_WORK_SYSCALL_TRACE, false);
  const st = ptraceState(child);
  st.options = 0;
  st.seized = false;
  st.trapStop = false;
  st.stepTrap = false;
  child.ptraceTrap = false;
  const wasStopped = child.ptraceStopped;
  if (child.state === 'zombie') {
    child.tracer = null;
    if (st.parentNotifyDeferred) { st.parentNotifyDeferred = false; ptraceReleased(k, child); }
    return;
  }
  if (wasStopped && st.kind === 'group') releaseToGroupStop(child);
  else if (wasStopped) wakeTracee(k, child, sig);
  child.tracer = null;
}

/** exit_ptrace(): a tracer that exits lets its tracees go (killing them with PTRACE_O_EXITKILL). */
export function exitPtrace(k: Kernel, tracer: Task): void {
  for (const c of traceesOf(k, tracer)) {
    if (c.state !== 'zombie' && ((peekState(c)?.options ?? 0) & PTRACE_O_EXITKILL)) {
      sendSigInfo(k, c, userInfo(k, SIGKILL), false);
    }
    detach(k, c, 0);
  }
}

/**
 * ptrace_init_task() for a new task, and the event its creation reports (kernel_clone): a child
 * of a traced task is traced too when the tracer asked for the event (or CLONE_PTRACE); it
 * starts with SIGSTOP pending (a seized one with a PTRACE_EVENT_STOP trap instead). Returns the
 * event to report, or 0.
 */
export function ptraceCloneChild(k: Kernel, parent: Task, child: Task, flags: number, exitSignal: number): number {
  if (parent.tracer === null) return 0;
  let ev = 0;
  if (!(flags & CLONE_UNTRACED)) {
    ev = flags & CLONE_VFORK ? PTRACE_EVENT_VFORK : exitSignal !== SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
    if (!eventEnabled(parent, ev)) ev = 0;
  }
  if (ev === 0 && !(flags & CLONE_PTRACE)) return 0;
  const ps = ptraceState(parent);
  child.tracer = parent.tracer;
  const cs = ptraceState(child);
  cs.options = ps.options;
  cs.seized = ps.seized;
  if (cs.seized) { cs.trapStop = true; child.ptraceTrap = true; }
  else child.pending.set |= bit(SIGSTOP);
  k.setTif(child, TIF_SIGPENDING);
  return ev;
}
