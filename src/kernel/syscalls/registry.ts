// System call handlers register here under their entry-point names from syscall_64.tbl
// (sys_read, sys_newfstat …). The dispatch table (kernel.ts) is built once from the generated
// table and this registry, so adding a call is one .tbl line plus one defineSyscall().

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';

/**
 * Arguments arrive as numbers: the signed value of each 64-bit register, exact for pointers
 * (canonical) and for sizes and offsets below 2^53. Handlers that need a 32-bit int take `| 0`
 * of it, as Linux's SYSCALL_DEFINE does with its int parameters. The result is the value for
 * rax: non-negative, or a negative errno.
 */
export type SyscallFn = (k: Kernel, t: Task, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number) => number;

/** A handler's result meaning "rax already holds the value to return" (rt_sigreturn restored it). */
export const KEEP_AX = -0x7fff_0002;

const HANDLERS = new Map<string, SyscallFn>();

export function defineSyscall(entry: string, fn: SyscallFn): void {
  if (HANDLERS.has(entry)) throw new Error(`system call ${entry} defined twice`);
  HANDLERS.set(entry, fn);
}

export function syscallHandler(entry: string): SyscallFn | undefined {
  return HANDLERS.get(entry);
}
