// seccomp (kernel/seccomp.c): the per-thread mode and filter stack, attaching filters (with
// thread sync), and secure_computing() — the system-call entry work that runs every filter of
// the stack over seccomp_data and acts on the result that takes precedence.
//
// Filters form a tree linked by `prev`, as in Linux: a task points at its newest filter, fork
// copies the pointer (children share their parent's filters and add their own on top), and a
// filter never changes once attached.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { type BpfProg, runProgram } from './bpf.js';
import { forceSig, fatalSignalPending, SIG_DFL } from '../signal/send.js';
import { SIGSYS, SIGKILL } from '../signal/signals.js';
import { SYS_SECCOMP, type SigInfo } from '../signal/siginfo.js';
import { SYSCALL_WORK_SECCOMP } from '../entry/thread-info.js';
import { doExit } from '../process/exit.js';
import { ENOSYS, ENOMEM, ESRCH } from '../errno.js';
import type { SyscallWorkHook } from '../entry/common.js';
import { PT_REGS_SIZE } from '../entry/ptregs.js';
import { inIa32Syscall } from '../entry/syscall32.js';

// Modes (include/linux/seccomp.h, uapi/linux/seccomp.h).
export const SECCOMP_MODE_DISABLED = 0, SECCOMP_MODE_STRICT = 1, SECCOMP_MODE_FILTER = 2;
/** A task whose filter said kill: it must never run another system call (Linux's SECCOMP_MODE_DEAD). */
export const SECCOMP_MODE_DEAD = 3;

// Filter return values: action in the high 16 bits, data in the low 16 (uapi/linux/seccomp.h).
export const SECCOMP_RET_KILL_PROCESS = 0x80000000, SECCOMP_RET_KILL_THREAD = 0x00000000,
  SECCOMP_RET_TRAP = 0x00030000, SECCOMP_RET_ERRNO = 0x00050000, SECCOMP_RET_USER_NOTIF = 0x7fc00000,
  SECCOMP_RET_TRACE = 0x7ff00000, SECCOMP_RET_LOG = 0x7ffc0000, SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000, SECCOMP_RET_DATA = 0x0000ffff;

/** AUDIT_ARCH_X86_64 (uapi/linux/audit.h: EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE). */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
/** AUDIT_ARCH_I386: a call made through a 32-bit entry (in_ia32_syscall), whatever the program's bitness. */
export const AUDIT_ARCH_I386 = 0x40000003;
/** MAX_ERRNO: an ERRNO action's data is capped here (include/linux/err.h). */
const MAX_ERRNO = 4095;
/** MAX_INSNS_PER_PATH: 256 KiB of sock_filter along any path of the tree. */
export const MAX_INSNS_PER_PATH = (1 << 18) / 8;

/** Strict mode (mode 1) allows read, write, exit and rt_sigreturn (mode1_syscalls, x86-64 numbers). */
const MODE1_SYSCALLS = [0, 1, 60, 15];
/** The same four through a 32-bit entry: read, write, exit, sigreturn (mode1_syscalls_32). */
const MODE1_SYSCALLS_32 = [3, 4, 1, 119];

export class SeccompFilter {
  constructor(
    readonly prog: BpfProg,
    /** The filter below this one (older, or inherited), or null. */
    readonly prev: SeccompFilter | null,
    /** SECCOMP_FILTER_FLAG_LOG: every action but ALLOW is logged. */
    readonly log: boolean,
  ) {}
}

/**
 * ptrace's side of SECCOMP_RET_TRACE (set by src/kernel/ptrace). If the task has a tracer that
 * set PTRACE_O_TRACESECCOMP, it stops the task with PTRACE_EVENT_SECCOMP (`data` as the event
 * message), returns true, and calls `resume()` once the tracer lets the task go; seccomp then
 * reads the (possibly changed) call from pt_regs orig_ax (-1: skipped, ax as the tracer left
 * it) and runs the filters again. It returns false when there is no such tracer: the call then
 * fails with ENOSYS, as Linux does.
 */
export type SeccompTraceHook = (k: Kernel, t: Task, data: number, resume: () => void) => boolean;
export let seccompTraceHook: SeccompTraceHook | null = null;
export function setSeccompTraceHook(h: SeccompTraceHook | null): void {
  seccompTraceHook = h;
}

/** seccompFilter's answer "stop for the tracer first" (the TRACE action with a tracer). */
const TRACE_STOP = -2;
/** The data of the TRACE result that asked for the stop. */
let traceData = 0;

/** struct seccomp_data as the filters read it: nr, arch, instruction_pointer, args[6] in 32-bit words. */
const sd = new Uint32Array(16);

const ARGS_64 = ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'] as const;
/** syscall_get_arguments() for a TS_COMPAT call: the i386 convention. */
const ARGS_32 = ['rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp'] as const;

/** syscall_get_arch(). */
function archOf(t: Task): number {
  return inIa32Syscall(t) ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
}

/** populate_seccomp_data(): from the task's pt_regs (k.regs during a system call). */
function populateData(k: Kernel, t: Task, nr: number): void {
  const r = k.regs;
  const compat = inIa32Syscall(t);
  const args = compat ? ARGS_32 : ARGS_64;
  sd[0] = nr;
  sd[1] = compat ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
  sd[2] = r.lo('rip'); sd[3] = r.hi('rip');
  for (let i = 0; i < 6; i++) { sd[4 + 2 * i] = r.lo(args[i]); sd[5 + 2 * i] = r.hi(args[i]); }
}

/** The filter that produced the winning result, or null for ALLOW (seccomp_run_filters' match). */
let match: SeccompFilter | null = null;

/**
 * seccomp_run_filters(): run every filter from the newest down; the result whose action is
 * lowest as a signed 32-bit number wins (KILL_PROCESS < KILL_THREAD < TRAP < ERRNO <
 * USER_NOTIF < TRACE < LOG < ALLOW), the first to reach it keeping its data.
 */
export function runFilters(top: SeccompFilter | null, data: Uint32Array): number {
  let ret = SECCOMP_RET_ALLOW;
  match = null;
  // An empty stack in filter mode cannot happen; fail closed as Linux's WARN_ON does.
  if (top === null) return SECCOMP_RET_KILL_PROCESS;
  for (let f: SeccompFilter | null = top; f !== null; f = f.prev) {
    const cur = runProgram(f.prog, data);
    if ((cur & SECCOMP_RET_ACTION_FULL) < (ret & SECCOMP_RET_ACTION_FULL)) {
      ret = cur >>> 0;
      match = f;
    }
  }
  return ret >>> 0;
}

/** Set a system call's return value in pt_regs (syscall_set_return_value). */
function setReturn(k: Kernel, v: number): void {
  k.regs.set('rax', v | 0, v < 0 ? -1 : 0);
}

/** force_sig_seccomp(): SIGSYS with SYS_SECCOMP; for a kill the handler is reset first (HANDLER_EXIT). */
function forceSigSeccomp(k: Kernel, t: Task, nr: number, data: number, kill: boolean): void {
  const info: SigInfo = {
    signo: SIGSYS, errno: data, code: SYS_SECCOMP,
    callAddr: k.regs.num('rip'), syscall: nr, arch: archOf(t),
  };
  if (kill) {
    const act = t.sigactions.get(SIGSYS);
    if (act) act.handler = SIG_DFL;
    info.immutable = true;
  }
  forceSig(k, t, info);
}

/** syscall_rollback(): show the handler (or the core dump) the registers of the call: ax = orig_ax. */
function rollback(k: Kernel): void {
  k.regs.set('rax', k.regs.lo('orig_rax'), k.regs.hi('orig_rax'));
}

/**
 * seccomp_log(): Linux sends these to the audit log (dmesg), not to strace; ringside shows them
 * with --trace=entry, next to the entry that took the seccomp work.
 */
function logAction(k: Kernel, t: Task, nr: number, what: string): void {
  if (k.opts.traceEntries) k.opts.log(`[entry]   (seccomp) pid ${t.pid} syscall ${nr}: ${what}`);
}

/**
 * __seccomp_filter(): act on the filters' verdict. Returns the number to run, or -1 to skip the
 * call (pt_regs ax then holds its result, or the task is dying).
 */
function seccompFilter(k: Kernel, t: Task, nr: number, recheckAfterTrace: boolean): number {
  populateData(k, t, nr);
  const ret = runFilters(t.seccompFilter, sd);
  const found = match;
  let data = ret & SECCOMP_RET_DATA;
  const action = (ret & SECCOMP_RET_ACTION_FULL) >>> 0;
  switch (action) {
    case SECCOMP_RET_ERRNO:
      if (data > MAX_ERRNO) data = MAX_ERRNO;
      setReturn(k, -data);
      if (found?.log) logAction(k, t, nr, `errno ${data}`);
      return -1;
    case SECCOMP_RET_TRAP:
      rollback(k);
      forceSigSeccomp(k, t, nr, data, false);
      if (found?.log) logAction(k, t, nr, 'trap');
      return -1;
    case SECCOMP_RET_TRACE:
      // Put in this state by the tracer already: the call goes ahead.
      if (recheckAfterTrace) return nr;
      traceData = data;
      return TRACE_STOP;
    case SECCOMP_RET_USER_NOTIF:
      // No filter of ringside has a listener (SECCOMP_FILTER_FLAG_NEW_LISTENER is refused), and
      // without one Linux fails the call with ENOSYS (seccomp_do_user_notification).
      setReturn(k, -ENOSYS);
      return -1;
    case SECCOMP_RET_LOG:
      logAction(k, t, nr, 'log');
      return nr;
    case SECCOMP_RET_ALLOW:
      return nr;
    default: {
      // KILL_THREAD, KILL_PROCESS and any unknown action: the task never runs user code again.
      t.seccompMode = SECCOMP_MODE_DEAD;
      logAction(k, t, nr, action === SECCOMP_RET_KILL_THREAD ? 'kill thread' : 'kill process');
      // Exited threads leave the group set, so its size is signal->live.
      if (action !== SECCOMP_RET_KILL_THREAD || t.group.size <= 1) {
        // The whole group dies of SIGSYS (a core-dumping signal), however SIGSYS was handled.
        rollback(k);
        forceSigSeccomp(k, t, nr, data, true);
      } else {
        doExit(k, t, SIGSYS);
      }
      return -1;
    }
  }
}

/**
 * The TRACE action (ptrace_event(PTRACE_EVENT_SECCOMP)): stop for the tracer, then go on with
 * the call as the tracer left it, or fail it with ENOSYS when no tracer asked for the event.
 */
function traceStop(k: Kernel, t: Task, next: (nr: number) => void): void {
  const hook = seccompTraceHook;
  const stopped = hook !== null && hook(k, t, traceData, () => {
    k.regs.base = t.kstackTop - PT_REGS_SIZE;
    // A fatal signal during the stop, or a tracer that cancelled the call: skip it.
    const nr = k.regs.lo('orig_rax');
    if (fatalSignalPending(t) || nr < 0) { next(-1); return; }
    // The tracer may have changed the call: the filters see the new registers.
    const r = seccompFilter(k, t, nr, true);
    next(r === TRACE_STOP ? nr : r);
  });
  if (!stopped) {
    setReturn(k, -ENOSYS);
    next(-1);
  }
}

/**
 * secure_computing(): strict mode allows its four calls and kills the thread for anything else
 * (do_exit(SIGKILL)); filter mode runs the filters. Returns the number to run or -1 to skip
 * (-2 from filter mode: stop for the tracer first, see traceStop).
 */
export function secureComputing(k: Kernel, t: Task, nr: number): number {
  switch (t.seccompMode) {
    case SECCOMP_MODE_DISABLED:
      return nr;
    case SECCOMP_MODE_STRICT:
      if ((inIa32Syscall(t) ? MODE1_SYSCALLS_32 : MODE1_SYSCALLS).includes(nr)) return nr;
      t.seccompMode = SECCOMP_MODE_DEAD;
      logAction(k, t, nr, 'strict mode: kill thread');
      doExit(k, t, SIGKILL);
      return -1;
    case SECCOMP_MODE_FILTER:
      return seccompFilter(k, t, nr, false);
    default:
      // Surviving a kill must be impossible (SECCOMP_MODE_DEAD): Linux WARNs and kills.
      doExit(k, t, SIGKILL);
      return -1;
  }
}

/**
 * The SYSCALL_WORK_SECCOMP entry hook. Linux's syscall_trace_enter() runs ptrace's entry stop
 * first and seccomp after it (a tracer may change or cancel the call before the filters see
 * it): ptrace's hook must stand before this one in k.syscallWorkHooks.
 */
export const SECCOMP_HOOK: SyscallWorkHook = {
  bit: SYSCALL_WORK_SECCOMP,
  // syscall_get_nr(): the number the filters see is pt_regs orig_ax, where a tracer's change lands.
  enterStop(k, t, _nr, next) {
    const r = secureComputing(k, t, k.regs.lo('orig_rax'));
    if (r === TRACE_STOP) traceStop(k, t, next); else next(r);
  },
};

/** seccomp_assign_mode(): set the mode and send the task's system calls through the entry work. */
export function assignMode(k: Kernel, t: Task, mode: number): void {
  t.seccompMode = mode;
  k.setSyscallWork(t, SYSCALL_WORK_SECCOMP, true);
}

function isAncestor(parent: SeccompFilter | null, child: SeccompFilter | null): boolean {
  if (parent === null) return true;
  for (let f = child; f !== null; f = f.prev) if (f === parent) return true;
  return false;
}

export const SECCOMP_FILTER_FLAG_TSYNC = 1, SECCOMP_FILTER_FLAG_LOG = 2, SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4,
  SECCOMP_FILTER_FLAG_NEW_LISTENER = 8, SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16, SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 32;

/**
 * seccomp_attach_filter() with seccomp_can_sync_threads()/seccomp_sync_threads(): the new
 * filter goes on top of the caller's stack; with TSYNC every other thread must be either
 * unfiltered or filtered by an ancestor of the caller's stack, and then takes the caller's
 * stack (and no_new_privs). Returns 0, -ENOMEM (too long a path), or the tid of a thread that
 * cannot be synchronised (-ESRCH with TSYNC_ESRCH).
 */
export function attachFilter(k: Kernel, t: Task, prog: BpfProg, flags: number): number {
  let total = prog.len;
  for (let f = t.seccompFilter; f !== null; f = f.prev) total += f.prog.len + 4; // 4-instruction penalty per filter
  if (total > MAX_INSNS_PER_PATH) return -ENOMEM;
  if (flags & SECCOMP_FILTER_FLAG_TSYNC) {
    for (const th of t.group) {
      if (th === t || th.state === 'zombie' || th.state === 'dead') continue;
      if (th.seccompMode === SECCOMP_MODE_DISABLED ||
        (th.seccompMode === SECCOMP_MODE_FILTER && isAncestor(th.seccompFilter, t.seccompFilter))) continue;
      return flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH ? -ESRCH : th.pid;
    }
  }
  t.seccompFilter = new SeccompFilter(prog, t.seccompFilter, (flags & SECCOMP_FILTER_FLAG_LOG) !== 0);
  if (flags & SECCOMP_FILTER_FLAG_TSYNC) {
    for (const th of t.group) {
      if (th === t || th.state === 'zombie' || th.state === 'dead') continue;
      th.seccompFilter = t.seccompFilter;
      // An unprivileged thread must not escape no_new_privs by having a sibling set up seccomp.
      if (t.noNewPrivs) th.noNewPrivs = true;
      if (th.seccompMode === SECCOMP_MODE_DISABLED) assignMode(k, th, SECCOMP_MODE_FILTER);
    }
  }
  return 0;
}

/** copy_seccomp() at fork/clone: the child shares the filter stack and keeps no_new_privs. */
export function copySeccomp(k: Kernel, parent: Task, child: Task): void {
  child.noNewPrivs = parent.noNewPrivs;
  child.seccompMode = parent.seccompMode;
  child.seccompFilter = parent.seccompFilter;
  if (child.seccompMode !== SECCOMP_MODE_DISABLED) k.setSyscallWork(child, SYSCALL_WORK_SECCOMP, true);
}

/** Number of filters on a task's stack (/proc/<pid>/status Seccomp_filters). */
export function filterCount(t: Task): number {
  let n = 0;
  for (let f = t.seccompFilter; f !== null; f = f.prev) n++;
  return n;
}
