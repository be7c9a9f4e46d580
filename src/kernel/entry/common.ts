// The generic entry/exit work (Linux's kernel/entry/common.c and syscall-common.c): what runs
// on every entry from user mode and on every return to it.
//
//   enter_from_user_mode: context tracking's user_exit (with --context-tracking=force).
//   syscall entry work:   tracing hooks (ptrace, seccomp, audit arrive later) when
//                         thread_info.syscall_work has bits set.
//   exit_to_user_mode:    the loop over thread_info.flags, run "with interrupts off" and
//                         repeated until no work is left: reschedule, signals, notify-resume,
//                         user-return notifiers; then context tracking's user_enter.
//
// Interrupts: TypeScript runs between two instructions, so no interrupt can split it. Where
// Linux enables interrupts inside the loop, irqWindow() takes the interrupts that became due
// meanwhile (modeled time advances as the kernel works), so an interrupt that sets work during
// the loop is honoured before the return — the property the loop exists for.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import {
  EXIT_TO_USER_MODE_WORK, TIF_NEED_RESCHED, TIF_SIGPENDING, TIF_NOTIFY_RESUME, TIF_USER_RETURN_NOTIFY,
  TIF_NOTIFY_SIGNAL, TIF_UPROBE,
} from './thread-info.js';

/**
 * Run the exit-to-user work for the current task, then `done` (the rest of the native call).
 * If the task must give up the CPU, the remaining loop and `done` become its continuation.
 */
export function exitToUserMode(k: Kernel, t: Task, done: () => void): void {
  for (let rounds = 0; ; rounds++) {
    k.charge('exit_to_user_mode');
    let flags = k.tif(t);
    if ((flags & EXIT_TO_USER_MODE_WORK) === 0) break;
    k.workRounds++;
    const e = k.entries.current;
    if (e) e.exitWork = (e.exitWork ?? 0) | (flags & EXIT_TO_USER_MODE_WORK);
    // local_irq_enable_exit_to_user(): interrupts that came due may set more work.
    k.irqWindow();
    flags = k.tif(t);
    if (flags & (1 << TIF_NEED_RESCHED)) {
      k.clearTif(t, TIF_NEED_RESCHED);
      k.sched.yieldCurrent(() => exitToUserMode(k, t, done));
      return;
    }
    if (flags & ((1 << TIF_SIGPENDING) | (1 << TIF_NOTIFY_SIGNAL))) {
      k.clearTif(t, TIF_NOTIFY_SIGNAL);
      // arch_do_signal_or_restart(): signal delivery arrives with the signals issue; until then
      // a pending signal's default action is taken here.
      // A stop parks the task here; when continued, the loop goes on from the top.
      if (k.handleSignals(t, () => exitToUserMode(k, t, done)) !== 'ok') return;
    }
    if (flags & (1 << TIF_UPROBE)) k.clearTif(t, TIF_UPROBE);
    if (flags & (1 << TIF_NOTIFY_RESUME)) {
      k.clearTif(t, TIF_NOTIFY_RESUME);
      k.resumeUserModeWork(t);
    }
    if (flags & (1 << TIF_USER_RETURN_NOTIFY)) {
      k.clearTif(t, TIF_USER_RETURN_NOTIFY);
      for (const fn of k.userReturnNotifiers) fn(t);
    }
    if (rounds > 1000) k.panic('exit-to-user work never settles');
  }
  k.contextTracking.userEnter(t);
  done();
}

/**
 * A hook run on system-call entry or exit when its SYSCALL_WORK bit is set in the task's
 * thread_info (ptrace, seccomp and audit attach here), in the order of k.syscallWorkHooks
 * (Linux's: ptrace's entry stop, then seccomp). On entry it may return a replacement number:
 * -1 skips the call (ax keeps what the hook or the entry code stored).
 *
 * A hook that must stop the task (a ptrace syscall stop) uses the continuation forms instead:
 * it calls `next` exactly once, at once or when the task is continued (after parking it with
 * k.sched.stopCurrent(() => next(nr))); the system call goes on from there.
 */
export interface SyscallWorkHook {
  bit: number;
  enter?(k: Kernel, t: Task, nr: number): number;
  exit?(k: Kernel, t: Task, nr: number): void;
  /** `next(nr)` goes on to the later hooks with nr (even -1: ptrace's entry stop skips nothing itself); `next(-1, true)` skips the call. */
  enterStop?(k: Kernel, t: Task, nr: number, next: (nr: number, skip?: boolean) => void): void;
  exitStop?(k: Kernel, t: Task, nr: number, next: () => void): void;
}

/**
 * syscall_enter_from_user_mode_work(): run the entry hooks whose bits are set (each bit is read
 * again before its hook: an earlier hook may have changed them), then `next` with the number
 * to dispatch (-1: skip).
 */
export function syscallEnterWork(k: Kernel, t: Task, nr: number, next: (nr: number) => void): void {
  if (k.syscallWork(t) === 0) { next(nr); return; }
  const hooks = k.syscallWorkHooks;
  const from = (i: number, n: number): void => {
    for (; i < hooks.length; i++) {
      const h = hooks[i];
      if ((k.syscallWork(t) & (1 << h.bit)) === 0) continue;
      if (h.enterStop) {
        const at = i;
        h.enterStop(k, t, n, (m, skip) => (skip ? next(-1) : from(at + 1, m)));
        return;
      }
      if (h.enter) {
        n = h.enter(k, t, n);
        if (n === -1) { next(-1); return; }
      }
    }
    next(n);
  };
  from(0, nr);
}

/** syscall_exit_work(): the exit hooks, before the exit-to-user loop; then `next`. */
export function syscallExitWork(k: Kernel, t: Task, nr: number, next: () => void): void {
  if (k.syscallWork(t) === 0) { next(); return; }
  const hooks = k.syscallWorkHooks;
  const from = (i: number): void => {
    for (; i < hooks.length; i++) {
      const h = hooks[i];
      if ((k.syscallWork(t) & (1 << h.bit)) === 0) continue;
      if (h.exitStop) { const at = i; h.exitStop(k, t, nr, () => from(at + 1)); return; }
      h.exit?.(k, t, nr);
    }
    next();
  };
  from(0);
}
