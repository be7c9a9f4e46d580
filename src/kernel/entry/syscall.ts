// do_syscall_64 (Linux's arch/x86/entry/syscall_64.c): called by entry_SYSCALL_64 with
// rdi = &pt_regs and rsi = the system call number (the low 32 bits of rax, sign-extended).
// Dispatches through the table generated from syscall_64.tbl, stores the result in
// pt_regs->ax, and returns in al whether the opportunistic SYSRET may be used.

import type { Kernel } from '../kernel.js';
import type { PtRegs } from './ptregs.js';
import { RAX, RDI, RSI, RF, TF } from '../../cpu/regs.js';
import { ENOSYS, ERESTARTSYS } from '../errno.js';
import { signalPending, fatalSignalPending } from '../signal/send.js';
import { __USER_CS, __USER_DS, TASK_SIZE_MAX } from '../arch/layout.js';
import { SYSCALL_64, NR_syscalls_64 } from '../syscalls/generated/syscall_64.js';
import { syscallHandler, KEEP_AX, type SyscallFn } from '../syscalls/registry.js';
import { formatCall, formatResult, DECODE_AT_ENTRY } from '../../trace/syscall-format.js';
import { traceCall, traceKilledCall, traceMode64, traceSyscallEntered, traceSyscallDone } from '../../trace/strace-log.js';
import { BLOCKED, type Sleep } from '../sched/wait.js';
import { exitToUserMode, syscallEnterWork, syscallExitWork } from './common.js';
import { PT_REGS_SIZE } from './ptregs.js';
import type { Task } from '../process/task.js';
import { Stats } from '../../trace/stats.js';

/** The conditions under which SYSRET restores exactly what IRET would (DESIGN.md, facts). */
export interface SysretChecks {
  /** 'never' models a kernel without the opportunistic SYSRET: every return uses IRET. */
  mode?: 'opportunistic' | 'never';
  /** Refuse when ip is not below TASK_SIZE_MAX (covers non-canonical ip: Intel #GP at CPL 0). */
  ipRange: boolean;
  /** Refuse when RF or TF is set in the saved flags. */
  rfTf: boolean;
  /** 2015's test instead of ipRange: refuse only a non-canonical ip (sign extension from bit 47). */
  canonical2015?: boolean;
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
  syscallSlowPath(k, true);
}

/**
 * The split-tables slow path (2015's do_syscall_64 called from entry_SYSCALL64_slow_path):
 * the same work, but the SYSRET decision is the assembly's (return_from_SYSCALL_64).
 */
export function doSyscall64Slowpath(k: Kernel): void {
  k.slowPathCalls++;
  syscallSlowPath(k, false);
}

function syscallSlowPath(k: Kernel, decide: boolean): void {
  if (!tableBuilt) buildTable();
  const cpu = k.cpu;
  const t = k.current!;
  const regs = k.regs;
  regs.base = cpu.getRegNum(RDI);
  // Today's entry passes nr in rsi (movslq %eax, %rsi); 2015's slow path read regs->orig_ax.
  const nr = decide ? cpu.lo[RSI] : regs.lo('orig_rax');
  // enter_from_user_mode(): context tracking first, then the system call proper.
  k.contextTracking.userExit(t);
  k.charge('do_syscall_64');
  // strace sees the call at its syscall-entry stop, before seccomp: a task that dies in the entry
  // work (a seccomp kill) still gets its "name(args) = ?" line (written by doExit).
  if (k.opts.traceSyscalls) traceSyscallEntered(t, syscallName(nr), [regs.num('rdi'), regs.num('rsi'), regs.num('rdx'), regs.num('r10'), regs.num('r8'), regs.num('r9')]);
  // syscall_enter_from_user_mode_work(): tracing hooks may change or skip the call, and the
  // arguments (they live in pt_regs, so they are read after the hooks ran).
  syscallEnterWork(k, t, nr, (work) => {
    if (t.state === 'zombie' || t.state === 'dead') return; // killed while stopped at entry
    regs.base = t.kstackTop - PT_REGS_SIZE;
    const args = [regs.num('rdi'), regs.num('rsi'), regs.num('rdx'), regs.num('r10'), regs.num('r8'), regs.num('r9')];
    // strace decodes some calls as they are entered (execve's memory is replaced, exit never returns).
    const entry = k.opts.traceSyscalls ? traceEntry(k, t, work === -1 ? nr : work, args) : null;
    const ret = work === -1 ? null : dispatch(k, t, work, args);
    if (ret === BLOCKED) { sleepInSyscall(k, t, (r) => completeSyscall(k, t, work, args, r, decide, entry)); return; }
    completeSyscall(k, t, work === -1 ? nr : work, args, ret === KEEP_AX ? null : ret, decide, entry);
  });
}

function dispatch(k: Kernel, t: Task, nr: number, a: number[]): number | null {
  const testFn = k.testSyscalls.size > 0 ? k.testSyscalls.get(nr) : undefined;
  if (testFn !== undefined) return testFn(k, t, a[0], a[1], a[2], a[3], a[4], a[5]);
  if ((nr >>> 0) < NR_syscalls_64) {
    const fn = TABLE[nr];
    if (k.opts.stats) Stats.bump(k.stats.syscalls, NAMES[nr] || `syscall_${nr}`);
    if (fn === null && k.opts.traceSyscalls) k.opts.log(`[syscall] ${NAMES[nr] || `syscall_${nr}`}: not implemented (${ENTRY[nr] ?? 'reserved'}) = -ENOSYS`);
    return fn !== null ? fn(k, t, a[0], a[1], a[2], a[3], a[4], a[5]) : -ENOSYS;
  }
  if (k.opts.stats) Stats.bump(k.stats.syscalls, `unknown (${nr})`);
  // nr == -1 reaches no table: ax keeps the -ENOSYS the entry code stored (or a tracer's value).
  return nr === -1 ? null : -ENOSYS;
}

/**
 * The handler went to sleep (wait.ts): park the task and finish the call when it is woken — or
 * at once, if a signal that ends this kind of sleep is already pending (the check Linux makes
 * before schedule()). Woken, the handler's retry runs first: a call whose condition came true
 * completes even if a signal arrived too; otherwise the signal ends it with the sleep's result
 * (-ERESTARTSYS unless the call chose another), which the exit work turns into a restart or EINTR.
 */
export function sleepInSyscall(k: Kernel, t: Task, finish: (r: number) => void): void {
  const s = t.sleep!;
  if (interrupted(t, s)) { finish(signalResult(t, s)); return; }
  k.sched.sleepCurrent(s, () => {
    const r = s.retry();
    if (r !== BLOCKED) { finish(r); return; }
    sleepInSyscall(k, t, finish);
  });
}

function interrupted(t: Task, s: Sleep): boolean {
  return s.onSignal === 'killable' ? fatalSignalPending(t) : signalPending(t);
}

function signalResult(t: Task, s: Sleep): number {
  t.sleep = null;
  const on = s.onSignal;
  return on === undefined || on === 'killable' ? -ERESTARTSYS : typeof on === 'number' ? on : on();
}

function syscallName(nr: number): string {
  return (nr >>> 0) < NR_syscalls_64 ? NAMES[nr] || `syscall_${nr}` : `syscall_${nr}`;
}

/** The call text of a call decoded at entry (DECODE_AT_ENTRY); exit and exit_group are logged now. */
function traceEntry(k: Kernel, t: Task, nr: number, args: number[]): string | null {
  const name = syscallName(nr);
  if (!DECODE_AT_ENTRY.has(name)) return null;
  const call = formatCall(name, args, 0, t, k.regs.num('rsp'));
  if (name === 'exit' || name === 'exit_group') { traceSyscallDone(t); traceCall(k, t, call, '?'); }
  return call;
}

/** Store the result, run the exit work, and decide between SYSRET and IRET. */
function completeSyscall(k: Kernel, t: Task, nr: number, a: number[], ret: number | null, decide: boolean, entry: string | null = null): void {
  if (t.state === 'zombie' || t.state === 'dead') return; // exit() does not return
  const regs = k.regs;
  regs.base = t.kstackTop - PT_REGS_SIZE;
  if (ret !== null) regs.set('rax', ret | 0, Math.floor(ret / TWO32) | 0);
  if (k.opts.traceSyscalls) {
    traceSyscallDone(t);
    const name = syscallName(nr);
    const r = ret ?? regs.num('rax');
    const call = entry ?? formatCall(name, a, r, t);
    traceMode64(k, t);
    // A fatal signal ends the task before its syscall-exit stop: strace never sees the result.
    if (fatalSignalPending(t)) traceKilledCall(k, t, call);
    else traceCall(k, t, call, formatResult(name, r, a, t));
  }
  // The handler ran with interrupts enabled (syscall_enter_from_user_mode turns them on): a
  // tick that came due meanwhile is taken now, before syscall_exit_to_user_mode disables them.
  k.irqWindow();
  syscallExitWork(k, t, nr, () => exitToUserMode(k, t, () => {
    regs.base = t.kstackTop - PT_REGS_SIZE;
    // The checks cost what Linux's test sequence does; a kernel without them pays nothing.
    // Split tables: the assembly decides (and pays in instructions); the same conditions, with
    // 2015's canonical test, name the reason in the trace.
    if (decide && k.opts.sysretChecks.mode !== 'never') k.charge('sysret_checks');
    let reason = decide ? sysretRefusal(regs, k.opts.sysretChecks) : sysretRefusal(regs, { ipRange: false, rfTf: true, canonical2015: true });
    if (t.forceIret !== null) { reason ??= t.forceIret; t.forceIret = null; }
    if (k.entries.current) k.entries.current.iretReason = reason;
    if (reason !== null && k.opts.stats) Stats.bump(k.stats.iretReasons, reason);
    if (decide) {
      k.cpu.lo[RAX] = reason === null ? 1 : 0;
      k.cpu.hi[RAX] = 0;
    }
  }));
}

/**
 * A handler called straight from the split-tables fast table (__x64_sys_*): the C convention
 * (rdi, rsi, rdx, rcx, r8, r9), result in rax, nothing else. It may sleep like any handler.
 */
export function fastSyscall(k: Kernel, entry: string): () => void {
  let fn: SyscallFn | undefined | null = null;
  const nameOf = entry.replace(/^sys_/, '');
  return () => {
    if (fn === null) fn = syscallHandler(entry);
    k.fastPathCalls++;
    const cpu = k.cpu;
    const t = k.current!;
    k.charge('fast_syscall');
    const args = [cpu.getRegNum(RDI), cpu.getRegNum(RSI), cpu.getRegNum(2), cpu.getRegNum(1), cpu.getRegNum(8), cpu.getRegNum(9)];
    if (k.opts.stats) Stats.bump(k.stats.syscalls, nameOf);
    const finish = (ret: number): void => {
      if (t.state === 'zombie' || t.state === 'dead') return;
      if (k.opts.traceSyscalls) traceCall(k, t, formatCall(nameOf, args, ret, t), formatResult(nameOf, ret, args, t));
      cpu.lo[RAX] = ret | 0;
      cpu.hi[RAX] = Math.floor(ret / TWO32) | 0;
    };
    const first = fn ? fn(k, t, args[0], args[1], args[2], args[3], args[4], args[5]) : -ENOSYS;
    if (first !== BLOCKED) { finish(first); return; }
    sleepInSyscall(k, t, finish);
  };
}

/** The split-tables exit after a fast call that found work pending: the exit work only. */
export function syscallReturnSlowpath(k: Kernel): void {
  const t = k.current!;
  exitToUserMode(k, t, () => {});
}

/**
 * Why SYSRET may not be used to return from this frame, or null if it may — each condition
 * in Linux's order, named for the trace. SYSRET loads RIP from RCX and RFLAGS from R11 and
 * fixed CS/SS values; anything it cannot reproduce forces IRET.
 */
export function sysretRefusal(regs: PtRegs, checks: SysretChecks): string | null {
  if (checks.mode === 'never') return '--sysret=never';
  if (regs.lo('rcx') !== regs.lo('rip') || regs.hi('rcx') !== regs.hi('rip')) return 'rcx != rip';
  if (regs.lo('r11') !== regs.lo('eflags') || regs.hi('r11') !== regs.hi('eflags')) return 'r11 != rflags';
  if (regs.lo('cs') !== __USER_CS || regs.hi('cs') !== 0 || regs.lo('ss') !== __USER_DS || regs.hi('ss') !== 0) return 'cs/ss not the SYSRET selectors';
  if (checks.ipRange) {
    // ip >= TASK_SIZE_MAX as an unsigned 64-bit compare: kernel and non-canonical addresses,
    // and the top user page, all refuse.
    const hi = regs.hi('rip') >>> 0, lo = regs.lo('rip') >>> 0;
    if (hi * TWO32 + lo >= TASK_SIZE_MAX) return 'rip >= TASK_SIZE_MAX (non-canonical or kernel address)';
  }
  if (checks.canonical2015) {
    const hi = regs.hi('rip');
    if (((hi << 16) >> 16) !== hi) return 'rip not canonical';
  }
  if (checks.rfTf && (regs.lo('eflags') & (RF | TF)) !== 0) return (regs.lo('eflags') & TF) ? 'TF set' : 'RF set';
  return null;
}


