// A task (Linux's task_struct, trimmed): identity, address space, open files, credentials,
// its kernel stack, and the bits of signal and thread state that system calls record.

import type { Mm } from '../mm/mm.js';
import type { UserMemory } from '../mm/uaccess.js';
import type { FdTable } from '../fs/file.js';

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
  readonly sigactions = new Map<number, SigAction>();
  /** User FS/GS bases while the task is not running (the CPU holds them while it is). */
  fsBase = 0;
  gsBase = 0;
  umask = 0o022;
  /** The executable's path as given to execve (for /proc/self/exe and AT_EXECFN). */
  exePath = '';

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
  }
}
