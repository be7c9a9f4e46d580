// A task (Linux's task_struct, trimmed): identity, address space, open files, credentials,
// its kernel stack, and the bits of signal and thread state that system calls record.

import type { Mm } from '../mm/mm.js';
import type { UserMemory } from '../mm/uaccess.js';
import type { FdTable } from '../fs/file.js';
import { WaitQueue, type Sleep } from '../sched/wait.js';
import type { EntryInfo } from '../../trace/entry-trace.js';
import type { SigInfo } from '../signal/siginfo.js';
import type { ProcessTimers } from '../signal/timers.js';
import type { SeccompFilter } from '../seccomp/filter.js';

export type TaskState = 'runnable' | 'sleeping' | 'stopped' | 'zombie' | 'dead';

export interface Creds {
  uid: number;
  euid: number;
  suid: number;
  gid: number;
  egid: number;
  sgid: number;
}

export interface SigAction {
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

/** SS_ONSTACK / SS_DISABLE / SS_AUTODISARM (include/uapi/linux/signal.h). */
export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 1 << 31;

/** A set of pending signals and the siginfo queued with each (struct sigpending). */
export class SigPending {
  set = 0n;
  readonly queue: SigInfo[] = [];
}

/** What a thread group shares about signals (struct signal_struct, trimmed). */
export class SignalStruct {
  readonly shared = new SigPending();
  /** ITIMER_REAL/VIRTUAL/PROF and POSIX timers, made on first use (signal/timers.ts). */
  timers: ProcessTimers | null = null;
  /** Set once the group is dying from a signal (SIGNAL_GROUP_EXIT): its wait status. */
  groupExit: number | null = null;
}

export class Task {
  comm: string;
  /** Exit status once the task has exited: (code << 8) or the terminating signal, as wait() reports it. */
  exitStatus: number | null = null;
  /** User RIP and RSP to start at (set by exec). */
  clearChildTid = 0;
  robustList = 0;
  robustListLen = 0;
  /** Blocked signals (bit sig-1). */
  sigmask = 0n;
  /** Signals sent to this thread (t->pending). */
  pending = new SigPending();
  /** Signal state of the whole thread group (signal_struct): shared pending, timers. */
  signal = new SignalStruct();
  sigactions = new Map<number, SigAction>();
  /** rt_sigtimedwait's real mask while it sleeps with its set unblocked (real_blocked), or 0n. */
  realBlocked = 0n;
  /** The mask to restore on the way out of rt_sigsuspend/ppoll/pselect (TIF_RESTORE_SIGMASK), or null. */
  savedSigmask: bigint | null = null;
  /** sigaltstack(2): the alternate signal stack. */
  altstack = { sp: 0, size: 0, flags: SS_DISABLE };
  /** restart_block.fn: what restart_syscall(2) does after -ERESTART_RESTARTBLOCK. */
  restartFn: ((k: import('../kernel.js').Kernel, t: Task) => number) | null = null;
  /** The last fault's vector, error code and CR2 (thread.trap_nr, error_code, cr2: the sigcontext reports them). */
  trapNr = 0;
  errorCode = 0;
  faultAddr = 0;
  /** Set by a call that rewrote the whole user frame: its return must use IRET (the reason, for the trace). */
  forceIret: string | null = null;
  /** The FPU/SSE state (FXSAVE image) while the task is switched out; null until first saved. */
  fpu: Uint8Array | null = null;
  /** User FS/GS bases while the task is not running (the CPU holds them while it is). */
  fsBase = 0;
  gsBase = 0;
  umask = 0o022;
  /** The executable's path as given to execve (for /proc/self/exe and AT_EXECFN). */
  exePath = '';

  // --- Scheduling (src/kernel/sched/scheduler.ts).
  state: TaskState = 'runnable';
  /** Kernel RSP and callee-saved registers (rbx, rbp, r12-r15 as lo/hi) while switched out. */
  ksp = 0;
  readonly savedRegs = new Int32Array(12);
  /** What to finish when the task next runs (the rest of the native call it slept in). */
  resume: (() => void) | null = null;
  sleep: Sleep | null = null;
  /** Cycles left in the current time slice. */
  sliceLeft = 0;
  /** The entry trace record of the kernel entry this task is in (swapped at context switch). */
  traceEntry: EntryInfo | null = null;
  /** The task yielded: the next pick must prefer another runnable task. */
  forceSwitch = false;

  // --- Family (src/kernel/process/exit.ts).
  parent: Task | null = null;
  readonly children = new Set<Task>();
  /** Signal sent to the parent when this task exits (SIGCHLD for fork, 0 for threads). */
  exitSignal = 17;
  /** Woken when a child changes state (wait4 sleeps here). */
  readonly childWait = new WaitQueue();
  /** Woken when this vfork child execs or exits (the parent sleeps here). */
  vforkDone: WaitQueue | null = null;
  /** Threads of this task's group (shared set; the leader's). */
  group: Set<Task> = new Set();
  pgid = 0;
  sid = 0;
  /** Job control: the signal that stopped the task, and whether wait() has reported the stop or the continue yet. */
  stopSig = 0;
  stopReported = true;
  contReported = true;
  /** A stop of the whole group is under way: this thread stops at its next return to user mode (JOBCTL_STOP_PENDING). */
  jobctlStop = false;
  /** ptrace: the tracer, and whether the task sits in a ptrace stop (not a group stop). */
  tracer: Task | null = null;
  ptraceStopped = false;
  /** ptrace wants a trap before the next signal is taken (JOBCTL_TRAP_MASK: PTRACE_INTERRUPT, a step into a handler). */
  ptraceTrap = false;
  /** A kernel thread: no user half, never returns to user mode. */
  kernelThread = false;
  /** seccomp (src/kernel/seccomp): mode, newest filter of the stack, and PR_SET_NO_NEW_PRIVS. */
  seccompMode = 0;
  seccompFilter: SeccompFilter | null = null;
  noNewPrivs = false;

  constructor(
    readonly pid: number,
    public tgid: number,
    public ppid: number,
    public mm: Mm,
    public um: UserMemory,
    public files: FdTable,
    public cwd: string,
    public creds: Creds,
    /** Top of the task's kernel stack (TSS.sp0 while it runs). */
    readonly kstackTop: number,
  ) {
    this.comm = '';
    this.group.add(this);
    this.pgid = tgid;
    this.sid = tgid;
  }

  get isLeader(): boolean {
    return this.pid === this.tgid;
  }
}
