// do_syscall_64 (Linux's arch/x86/entry/syscall_64.c): called by entry_SYSCALL_64 with
// rdi = &pt_regs and rsi = the system call number (the low 32 bits of rax, sign-extended).
// Dispatches through the table generated from syscall_64.tbl, stores the result in
// pt_regs->ax, and returns in al whether the opportunistic SYSRET may be used.

import type { Kernel } from '../kernel.js';
import type { PtRegs } from './ptregs.js';
import { RAX, RDI, RSI, RF, TF } from '../../cpu/regs.js';
import { ENOSYS } from '../errno.js';
import { __USER_CS, __USER_DS, TASK_SIZE_MAX } from '../arch/layout.js';
import { SYSCALL_64, NR_syscalls_64 } from '../syscalls/generated/syscall_64.js';
import { syscallHandler, type SyscallFn } from '../syscalls/registry.js';
import { formatSyscall } from '../../trace/syscall-format.js';
import { Stats } from '../../trace/stats.js';

/** The conditions under which SYSRET restores exactly what IRET would (DESIGN.md, facts). */
export interface SysretChecks {
  /** Refuse when ip is not below TASK_SIZE_MAX (covers non-canonical ip: Intel #GP at CPL 0). */
  ipRange: boolean;
  /** Refuse when RF or TF is set in the saved flags. */
  rfTf: boolean;
}
export const DEFAULT_SYSRET_CHECKS: SysretChecks = { ipRange: true, rfTf: true };

/** Dispatch table indexed by number: handler, name and entry point. */
export const NAMES: string[] = new Array(NR_syscalls_64).fill('');
const TABLE: (SyscallFn | null)[] = new Array(NR_syscalls_64).fill(null);
const ENTRY: (string | null)[] = new Array(NR_syscalls_64).fill(null);
let tableBuilt = false;
function buildTable(): void {
  for (const e of SYSCALL_64) {
    NAMES[e.nr] = e.name;
    ENTRY[e.nr] = e.entry;
    TABLE[e.nr] = e.entry ? syscallHandler(e.entry) ?? null : null;
  }
  tableBuilt = true;
}

const TWO32 = 4294967296;

export function doSyscall64(k: Kernel): void {
  if (!tableBuilt) buildTable();
  const cpu = k.cpu;
  const regs = k.regs;
  regs.base = cpu.getRegNum(RDI);
  const nr = cpu.lo[RSI];
  const t = k.current!;
  const a0 = regs.num('rdi'), a1 = regs.num('rsi'), a2 = regs.num('rdx');
  const a3 = regs.num('r10'), a4 = regs.num('r8'), a5 = regs.num('r9');
  let ret: number | null = null;
  const testFn = k.testSyscalls.size > 0 ? k.testSyscalls.get(nr) : undefined;
  if (testFn !== undefined) {
    ret = testFn(k, t, a0, a1, a2, a3, a4, a5);
  } else if ((nr >>> 0) < NR_syscalls_64) {
    const fn = TABLE[nr];
    if (k.opts.stats) Stats.bump(k.stats.syscalls, NAMES[nr] || `syscall_${nr}`);
    ret = fn !== null ? fn(k, t, a0, a1, a2, a3, a4, a5) : -ENOSYS;
    if (fn === null && k.opts.traceSyscalls) k.opts.log(`[syscall] ${NAMES[nr] || `syscall_${nr}`}: not implemented (${ENTRY[nr] ?? 'reserved'}) = -ENOSYS`);
  } else if (nr !== -1) {
    ret = -ENOSYS;
    if (k.opts.stats) Stats.bump(k.stats.syscalls, `unknown (${nr})`);
  }
  if (ret !== null && k.current === t) regs.set('rax', ret | 0, Math.floor(ret / TWO32) | 0);
  if (k.opts.traceSyscalls && (nr >>> 0) < NR_syscalls_64) {
    k.opts.log(formatSyscall(NAMES[nr] || `syscall_${nr}`, [a0, a1, a2, a3, a4, a5], ret ?? -ENOSYS, t));
  } else if (k.opts.traceSyscalls) k.opts.log(`syscall_${nr}(...) = -1 ENOSYS (unknown system call number)`);

  const reason = sysretRefusal(regs, k.opts.sysretChecks);
  if (k.entries.current) k.entries.current.iretReason = reason;
  if (reason !== null && k.opts.stats) Stats.bump(k.stats.iretReasons, reason);
  cpu.lo[RAX] = reason === null ? 1 : 0;
  cpu.hi[RAX] = 0;
}

/**
 * Why SYSRET may not be used to return from this frame, or null if it may — each condition
 * in Linux's order, named for the trace. SYSRET loads RIP from RCX and RFLAGS from R11 and
 * fixed CS/SS values; anything it cannot reproduce forces IRET.
 */
export function sysretRefusal(regs: PtRegs, checks: SysretChecks): string | null {
  if (regs.lo('rcx') !== regs.lo('rip') || regs.hi('rcx') !== regs.hi('rip')) return 'rcx != rip';
  if (regs.lo('r11') !== regs.lo('eflags') || regs.hi('r11') !== regs.hi('eflags')) return 'r11 != rflags';
  if (regs.lo('cs') !== __USER_CS || regs.hi('cs') !== 0 || regs.lo('ss') !== __USER_DS || regs.hi('ss') !== 0) return 'cs/ss not the SYSRET selectors';
  if (checks.ipRange) {
    // ip >= TASK_SIZE_MAX as an unsigned 64-bit compare: kernel and non-canonical addresses,
    // and the top user page, all refuse.
    const hi = regs.hi('rip') >>> 0, lo = regs.lo('rip') >>> 0;
    if (hi * TWO32 + lo >= TASK_SIZE_MAX) return 'rip >= TASK_SIZE_MAX (non-canonical or kernel address)';
  }
  if (checks.rfTf && (regs.lo('eflags') & (RF | TF)) !== 0) return (regs.lo('eflags') & TF) ? 'TF set' : 'RF set';
  return null;
}


