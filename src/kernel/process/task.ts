// A task (Linux's task_struct, trimmed): identity, address space, open files, credentials,
// its kernel stack, and the bits of signal and thread state that system calls record.

import type { Mm } from '../mm/mm.js';
import type { UserMemory } from '../mm/uaccess.js';
import type { FdTable } from '../fs/file.js';
import { WaitQueue, type Sleep } from '../sched/wait.js';
import type { EntryInfo } from '../../trace/entry-trace.js';

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

export class Task {
  comm: string;
  /** Exit status once the task has exited: (code << 8) or the terminating signal, as wait() reports it. */
  exitStatus: number | null = null;
  /** User RIP and RSP to start at (set by exec). */
  clearChildTid = 0;
  robustList = 0;
  robustListLen = 0;
  sigmask = 0n;
  /** Pending signals (bit sig-1). */
  pending = 0n;
  sigactions = new Map<number, SigAction>();
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
  /** A kernel thread: no user half, never returns to user mode. */
  kernelThread = false;

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
