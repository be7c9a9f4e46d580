// What ptrace keeps per traced task (Linux's task->ptrace flags, exit_code, last_siginfo,
// ptrace_message, TIF_FORCED_TF / TIF_SINGLESTEP and the ptrace debug registers), and the
// request, option and event numbers of include/uapi/linux/ptrace.h.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { SigInfo } from '../signal/siginfo.js';
import { WaitQueue } from '../sched/wait.js';

export const PTRACE_TRACEME = 0, PTRACE_PEEKTEXT = 1, PTRACE_PEEKDATA = 2, PTRACE_PEEKUSR = 3, PTRACE_POKETEXT = 4,
  PTRACE_POKEDATA = 5, PTRACE_POKEUSR = 6, PTRACE_CONT = 7, PTRACE_KILL = 8, PTRACE_SINGLESTEP = 9,
  PTRACE_GETREGS = 12, PTRACE_SETREGS = 13, PTRACE_GETFPREGS = 14, PTRACE_SETFPREGS = 15, PTRACE_ATTACH = 16,
  PTRACE_DETACH = 17, PTRACE_SYSCALL = 24;
export const PTRACE_SETOPTIONS = 0x4200, PTRACE_GETEVENTMSG = 0x4201, PTRACE_GETSIGINFO = 0x4202,
  PTRACE_SETSIGINFO = 0x4203, PTRACE_GETREGSET = 0x4204, PTRACE_SETREGSET = 0x4205, PTRACE_SEIZE = 0x4206,
  PTRACE_INTERRUPT = 0x4207, PTRACE_LISTEN = 0x4208, PTRACE_GET_SYSCALL_INFO = 0x420e;

export const PTRACE_EVENT_FORK = 1, PTRACE_EVENT_VFORK = 2, PTRACE_EVENT_CLONE = 3, PTRACE_EVENT_EXEC = 4,
  PTRACE_EVENT_VFORK_DONE = 5, PTRACE_EVENT_EXIT = 6, PTRACE_EVENT_SECCOMP = 7, PTRACE_EVENT_STOP = 128;

export const PTRACE_O_TRACESYSGOOD = 1, PTRACE_O_TRACEFORK = 2, PTRACE_O_TRACEVFORK = 4, PTRACE_O_TRACECLONE = 8,
  PTRACE_O_TRACEEXEC = 0x10, PTRACE_O_TRACEVFORKDONE = 0x20, PTRACE_O_TRACEEXIT = 0x40, PTRACE_O_TRACESECCOMP = 0x80,
  PTRACE_O_EXITKILL = 0x100000, PTRACE_O_SUSPEND_SECCOMP = 0x200000;
export const PTRACE_O_MASK = 0xff | PTRACE_O_EXITKILL | PTRACE_O_SUSPEND_SECCOMP;

/** ptrace_message at syscall stops (PTRACE_EVENTMSG_SYSCALL_ENTRY/EXIT): GET_SYSCALL_INFO's op comes from it. */
export const PTRACE_EVENTMSG_SYSCALL_ENTRY = 1, PTRACE_EVENTMSG_SYSCALL_EXIT = 2;

export type StopKind = 'signal' | 'syscall' | 'event' | 'group' | 'trap';

export class PtraceState {
  options = 0;
  /** Attached by PTRACE_SEIZE (PT_SEIZED): group stops report as PTRACE_EVENT_STOP, INTERRUPT works. */
  seized = false;
  /** The stop's code as wait() reports it (status = code << 8 | 0x7f); 0 once reported. */
  exitCode = 0;
  kind: StopKind | null = null;
  /** last_siginfo: the siginfo of the stop (null in a group stop: GETSIGINFO fails there). */
  info: SigInfo | null = null;
  /** ptrace_notify()'s siginfo has si_pid/si_uid with a SIGTRAP code: kept as the 128 bytes Linux builds. */
  infoRaw: Uint8Array | null = null;
  /** ptrace_message: GETEVENTMSG's answer. */
  eventMsg = 0;
  /** The signal the resuming request passed (its `data`). */
  resumeSig = 0;
  /** Set by the resuming request: the stop is over. */
  resumed = false;
  /** TIF_FORCED_TF: ptrace set TF for a single step, so GETREGS hides it and CONT clears it. */
  forcedTf = false;
  /** TIF_SINGLESTEP. */
  stepping = false;
  /** JOBCTL_TRAP_STOP: PTRACE_INTERRUPT (or a seized new child) wants a PTRACE_EVENT_STOP trap. */
  trapStop = false;
  /** JOBCTL_TRAP_NOTIFY-like: stepping into a signal handler reports a SIGTRAP (signal_setup_done). */
  stepTrap = false;
  /** A signal the tracer injected at a signal-delivery-stop: delivered without another stop. */
  injected: SigInfo | null = null;
  /** The task exited while traced by someone other than its parent: the parent hears after the tracer reaped it. */
  parentNotifyDeferred = false;
  /** u_debugreg[0..7] as PEEKUSER reports them (no hardware breakpoints are modelled), lo/hi halves. */
  readonly debugreg = new Int32Array(16);
  /** Stops inside system calls (events) sleep here until resumed. */
  readonly q = new WaitQueue();
}

const STATE = new WeakMap<Task, PtraceState>();

export function ptraceState(t: Task): PtraceState {
  let s = STATE.get(t);
  if (!s) { s = new PtraceState(); STATE.set(t, s); }
  return s;
}

export function peekState(t: Task): PtraceState | undefined {
  return STATE.get(t);
}

/** The tasks `tracer` traces (its ptraced list). */
export function traceesOf(k: Kernel, tracer: Task): Task[] {
  const out: Task[] = [];
  for (const p of k.tasks.values()) if (p.tracer === tracer) out.push(p);
  return out;
}

/** Is `ev` reported to the tracer (ptrace_event_enabled)? */
export function eventEnabled(t: Task, ev: number): boolean {
  return t.tracer !== null && (ptraceState(t).options & (1 << ev)) !== 0;
}
