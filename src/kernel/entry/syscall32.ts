// The C half of the 32-bit system call entries (Linux's arch/x86/entry/syscall_32.c, 6.8+):
//
//   do_int80_emulation(regs)   INT 0x80 (asm_int80_emulation): always returns by IRET
//   do_SYSENTER_32(regs)       SYSENTER (Intel): the user ESP is in ebp, IF was cleared
//   do_fast_syscall_32(regs)   SYSCALL from compatibility mode (AMD), and SYSENTER after the above
//
// The fast entries point the saved IP at the vDSO's int80_landing_pad and fetch arg 6 (ebp)
// back from the user stack, where __kernel_vsyscall pushed it, then run exactly the INT 0x80
// path; at the end they say whether SYSRETL may return (entry_64_compat.S). The dispatch uses
// the i386 table generated from syscall_32.tbl: the compat entry point of a row when it has
// one, else the native entry point, with the arguments zero-extended from ebx, ecx, edx, esi,
// edi and ebp (the __ia32_sys_* stubs' convention). The generic work (entry hooks, the exit
// loop, sleeping in a call) is shared with do_syscall_64 (common.ts, syscall.ts).

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { Mm } from '../mm/mm.js';
import type { PtRegs } from './ptregs.js';
import { PT_REGS_SIZE } from './ptregs.js';
import { RAX, RDI, RF, TF, VM, IF } from '../../cpu/regs.js';
import { ENOSYS, EFAULT } from '../errno.js';
import { __USER32_CS, __USER_DS } from '../arch/layout.js';
import { SYSCALL_32, NR_syscalls_32 } from '../syscalls/generated/syscall_32.js';
import { syscallHandler, KEEP_AX, type SyscallFn } from '../syscalls/registry.js';
import { traceSyscall32 } from '../../trace/strace-log.js';
import { BLOCKED } from '../sched/wait.js';
import { exitToUserMode, syscallEnterWork, syscallExitWork } from './common.js';
import { sleepInSyscall } from './syscall.js';
import { Stats } from '../../trace/stats.js';
import { VDSO32_SYMBOLS } from '../vdso/generated/vdso-image-32.js';

const TWO32 = 4294967296;

/** The i386 table: handler, name and the entry point it stands for (for the trace). */
export const NAMES32: string[] = new Array(NR_syscalls_32).fill('');
const TABLE32: (SyscallFn | null)[] = new Array(NR_syscalls_32).fill(null);
const ENTRY32: (string | null)[] = new Array(NR_syscalls_32).fill(null);
let built = false;
function buildTable(): void {
  for (const e of SYSCALL_32) {
    const entry = e.compat ?? e.entry;
    NAMES32[e.nr] = e.name;
    ENTRY32[e.nr] = entry;
    // A native handler whose structures depend on in_compat_syscall() (iovecs …) has its i386
    // variant registered as __ia32_<entry>, the name of Linux's pt_regs stub for it.
    const fn = entry && entry !== 'sys_ni_syscall' ? syscallHandler(`__ia32_${entry}`) ?? syscallHandler(entry) : undefined;
    TABLE32[e.nr] = fn ?? null;
  }
  built = true;
}

/** The name of an i386 system call number (for traces). */
export function syscall32Name(nr: number): string {
  if (!built) buildTable();
  return (nr >>> 0) < NR_syscalls_32 && NAMES32[nr] ? NAMES32[nr] : `syscall32_${nr}`;
}

/**
 * TS_COMPAT (thread_info.status): the task is in a system call made through a 32-bit entry.
 * in_ia32_syscall() — what seccomp reports as AUDIT_ARCH_I386, and what picks the 32-bit
 * signal-frame ABI in rt_sigaction — keys on the entry, not on the program's bitness: INT 0x80
 * from 64-bit code is an i386 call too.
 */
const inCompat = new WeakSet<Task>();
export function inIa32Syscall(t: Task): boolean {
  return inCompat.has(t);
}

/**
 * The vDSO base of each 32-bit address space (mm->context.vdso), set by the ELF32 exec path.
 * The landing pad is that base plus the image's int80_landing_pad offset, as Linux computes it
 * (with no vDSO the base is 0 and a fast entry returns to a bad address, as there).
 */
const vdsoBase = new WeakMap<Mm, number>();
export function setCompatVdso(mm: Mm, base: number): void {
  vdsoBase.set(mm, base);
}
export function landingPad(mm: Mm): number {
  let base = vdsoBase.get(mm);
  if (base === undefined) {
    // A forked address space: the [vdso] mapping came along with the copy (dup_mm copies
    // mm->context.vdso with it).
    base = mm.vmas.find((v) => v.name === '[vdso]')?.start ?? 0;
    vdsoBase.set(mm, base);
  }
  return base + VDSO32_SYMBOLS.int80_landing_pad;
}

/** do_int80_emulation: called by asm_int80_emulation with rdi = &pt_regs. */
export function doInt80Emulation(k: Kernel): void {
  const regs = k.regs;
  regs.base = k.cpu.getRegNum(RDI);
  // The kernel never uses INT 0x80: from kernel mode it is a bug (Linux: BUG_ON(!user_mode)).
  if ((regs.lo('cs') & 3) !== 3) k.panic('INT 0x80 from kernel mode');
  const t = k.current!;
  k.contextTracking.userExit(t);
  k.charge('do_syscall_64');
  // The number is the low 32 bits of eax; ax holds -ENOSYS until a handler answers.
  regs.set('orig_rax', regs.lo('rax'), 0);
  regs.set('rax', -ENOSYS, -1);
  inCompat.add(t);
  run32(k, t, regs, false);
}

/** do_SYSENTER_32: SYSENTER saved neither ESP nor EFLAGS.IF; the vDSO left ESP in ebp. */
export function doSysenter32(k: Kernel): void {
  const regs = k.regs;
  regs.base = k.cpu.getRegNum(RDI);
  regs.set('rsp', regs.lo('rbp'), 0);
  // User mode always runs with IF set; SYSENTER cleared it before the flags were pushed.
  regs.set('eflags', regs.lo('eflags') | IF, regs.hi('eflags'));
  fastSyscall32(k, regs);
}

/** do_fast_syscall_32: called by entry_SYSCALL_compat with rdi = &pt_regs. */
export function doFastSyscall32(k: Kernel): void {
  const regs = k.regs;
  regs.base = k.cpu.getRegNum(RDI);
  fastSyscall32(k, regs);
}

function fastSyscall32(k: Kernel, regs: PtRegs): void {
  const t = k.current!;
  // SYSENTER lost EIP; for SYSCALL the landing pad also makes a restart's "ip -= 2" land on
  // the vDSO's int $0x80, which reruns the call with every register restored.
  regs.setNum('rip', landingPad(t.mm));
  inCompat.add(t);
  k.contextTracking.userExit(t);
  k.charge('do_syscall_64');
  // Arg 6 was pushed last by __kernel_vsyscall: fetch it before any tracer sees the registers.
  // A 32-bit load at the (truncated) user ESP, fault-safe: a bad stack makes the call fail
  // with -EFAULT and return by IRET, never a kernel fault.
  const bp = t.um.readU32(regs.lo('rsp') >>> 0);
  if (bp === null) {
    regs.set('rax', -EFAULT, -1);
    exitToUserMode(k, t, () => finishReturn(k, t, 'arg 6 not readable at the user ESP (-EFAULT)'));
    return;
  }
  regs.set('rbp', bp | 0, 0);
  run32(k, t, regs, true);
}

/** The INT 0x80 path proper: entry work, the i386 table, exit work. */
function run32(k: Kernel, t: Task, regs: PtRegs, fast: boolean): void {
  if (!built) buildTable();
  const nr = regs.lo('orig_rax');
  // (The entry work may stop the task — a ptrace syscall stop — so it continues in `next`.)
  syscallEnterWork(k, t, nr, (work) => {
    if (t.state === 'zombie' || t.state === 'dead') return;
    regs.base = t.kstackTop - PT_REGS_SIZE;
    // The arguments live in pt_regs: read them after the hooks, which may have changed them.
    const args = [regs.lo('rbx') >>> 0, regs.lo('rcx') >>> 0, regs.lo('rdx') >>> 0, regs.lo('rsi') >>> 0, regs.lo('rdi') >>> 0, regs.lo('rbp') >>> 0];
    const ret = work === -1 ? null : dispatch32(k, t, work, args);
    if (ret === BLOCKED) { sleepInSyscall(k, t, (r) => complete32(k, t, nr, args, r, fast)); return; }
    complete32(k, t, nr, args, ret === KEEP_AX ? null : ret, fast);
  });
}

function dispatch32(k: Kernel, t: Task, nr: number, a: number[]): number | null {
  if ((nr >>> 0) < NR_syscalls_32) {
    const fn = TABLE32[nr];
    if (k.opts.stats) Stats.bump(k.stats.syscalls, `${NAMES32[nr] || `syscall_${nr}`} (i386)`);
    if (fn === null && k.opts.traceSyscalls) k.opts.log(`[syscall] ${NAMES32[nr] || `syscall_${nr}`} (i386): not implemented (${ENTRY32[nr] ?? 'reserved'}) = -ENOSYS`);
    return fn !== null ? fn(k, t, a[0], a[1], a[2], a[3], a[4], a[5]) : -ENOSYS;
  }
  if (k.opts.stats) Stats.bump(k.stats.syscalls, `unknown i386 (${nr})`);
  return nr === -1 ? null : -ENOSYS;
}

function complete32(k: Kernel, t: Task, nr: number, a: number[], ret: number | null, fast: boolean): void {
  if (t.state === 'zombie' || t.state === 'dead') return; // exit() does not return
  const regs = k.regs;
  regs.base = t.kstackTop - PT_REGS_SIZE;
  // The result, sign-extended to 64 bits as the ia32 stubs' long return value is.
  if (ret !== null) regs.set('rax', ret | 0, Math.floor(ret / TWO32) | 0);
  if (k.opts.traceSyscalls) traceSyscall32(k, t, syscall32Name(nr), a, ret ?? regs.num('rax'));
  k.irqWindow();
  syscallExitWork(k, t, nr, () => exitToUserMode(k, t, () => {
    regs.base = t.kstackTop - PT_REGS_SIZE;
    finishReturn(k, t, fast ? sysretlRefusal(k, t, regs) : 'INT 0x80 always returns by IRET');
  }));
}

/** The exit's last step: name the IRET reason for the trace, and tell the fast path's assembly. */
function finishReturn(k: Kernel, t: Task, reason: string | null): void {
  // arch_exit_to_user_mode_prepare() clears TS_COMPAT: the next call picks its ABI afresh.
  inCompat.delete(t);
  if (t.forceIret !== null) { reason ??= t.forceIret; t.forceIret = null; }
  if (k.entries.current) k.entries.current.iretReason = reason;
  if (reason !== null && k.opts.stats && !reason.startsWith('INT 0x80')) Stats.bump(k.stats.iretReasons, `SYSRETL: ${reason}`);
  k.cpu.lo[RAX] = reason === null ? 1 : 0;
  k.cpu.hi[RAX] = 0;
}

/**
 * Why SYSRETL may not return from this frame, or null (do_fast_syscall_32's final test): SYSRETL
 * loads EIP from ECX (the entry reloads it from pt_regs->ip), EFLAGS from R11 (from
 * pt_regs->flags) and fixed CS/SS. It cannot restore RF, must not return with TF (a trap at
 * the first user instruction) or VM, and returns only to the landing pad: a signal frame,
 * sigreturn or ptrace that moved ip needs IRET. No rcx == ip or r11 == flags test: ecx holds
 * arg 2 and r11 is reloaded from pt_regs.
 */
export function sysretlRefusal(k: Kernel, t: Task, regs: PtRegs): string | null {
  if (k.opts.sysretChecks.mode === 'never') return '--sysret=never';
  if (regs.hi('rip') !== 0 || (regs.lo('rip') >>> 0) !== landingPad(t.mm)) return 'ip is not the vDSO landing pad';
  if (regs.lo('cs') !== __USER32_CS || regs.hi('cs') !== 0 || regs.lo('ss') !== __USER_DS || regs.hi('ss') !== 0) return 'cs/ss not the SYSRETL selectors';
  const f = regs.lo('eflags');
  if (f & (RF | TF | VM)) return f & TF ? 'TF set' : f & RF ? 'RF set' : 'VM set';
  return null;
}
