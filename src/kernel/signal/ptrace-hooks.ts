// Where ptrace (src/kernel/ptrace/) plugs into signal delivery (deliver.ts): a leaf module, so
// that neither imports the other — the ptrace code sits below process exit, which delivery uses.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { SigInfo } from './siginfo.js';

/**
 * ptrace's say in signal delivery (ptrace_signal): set by ptrace to stop the task in a
 * signal-delivery-stop. It returns the signal to deliver (possibly changed, 0 to drop it) or
 * 'stopped' when the task has been parked (`resume` continues the exit work when it runs again).
 */
export interface PtraceSignalHook {
  (k: Kernel, t: Task, info: SigInfo, resume: () => void): SigInfo | null | 'stopped';
}
export const ptraceHooks: {
  signal: PtraceSignalHook | null;
  /** Before the frame is built: a debugger's single step ends, so the sigcontext holds the task's own TF. */
  beforeHandlerSetup: ((k: Kernel, t: Task) => void) | null;
  afterHandlerSetup: ((k: Kernel, t: Task) => void) | null;
  /** A traced task has just parked in a group stop: it stays stopped for its tracer (do_jobctl_trap). */
  groupStop: ((k: Kernel, t: Task, sig: number) => void) | null;
  /** A fatal signal's exit: true if ptrace stopped the task first (PTRACE_EVENT_EXIT); `exit` runs once it is resumed. */
  exitEvent: ((k: Kernel, t: Task, status: number, exit: () => void) => boolean) | null;
  /** get_signal's JOBCTL_TRAP_MASK check, before dequeuing: true if the task stopped (PTRACE_INTERRUPT, step traps). */
  trap: ((k: Kernel, t: Task, resume: () => void) => boolean) | null;
} = {
  signal: null,
  beforeHandlerSetup: null,
  afterHandlerSetup: null,
  groupStop: null,
  exitEvent: null,
  trap: null,
};

