// Per-task work flags in guest memory (Linux's thread_info.flags and syscall_work), at the
// bottom of the task's kernel stack, where both the TypeScript kernel and the entry assembly
// can reach them. The bit numbers are Linux's (arch/x86/include/asm/thread_info.h,
// include/linux/thread_info.h).

export const TI_flags = 0;          // unsigned long flags (TIF_*)
export const TI_syscall_work = 8;   // unsigned long syscall_work (SYSCALL_WORK_*)
export const TI_SIZE = 16;

export const TIF_NOTIFY_RESUME = 1;      // callback before returning to user (rseq, task work)
export const TIF_SIGPENDING = 2;         // a signal is pending
export const TIF_NEED_RESCHED = 3;       // rescheduling necessary
export const TIF_USER_RETURN_NOTIFY = 11; // notify kernel of user-mode return
export const TIF_UPROBE = 12;            // breakpointed or single-stepping
export const TIF_NOTIFY_SIGNAL = 17;     // signal notifications exist

/** Work the exit-to-user loop handles (EXIT_TO_USER_MODE_WORK). */
export const EXIT_TO_USER_MODE_WORK = (1 << TIF_SIGPENDING) | (1 << TIF_NOTIFY_RESUME) | (1 << TIF_UPROBE) |
  (1 << TIF_NEED_RESCHED) | (1 << TIF_NOTIFY_SIGNAL) | (1 << TIF_USER_RETURN_NOTIFY);

export const SYSCALL_WORK_SECCOMP = 0;
export const SYSCALL_WORK_SYSCALL_TRACEPOINT = 1;
export const SYSCALL_WORK_SYSCALL_TRACE = 2;
export const SYSCALL_WORK_SYSCALL_EMU = 3;
export const SYSCALL_WORK_SYSCALL_AUDIT = 4;
export const SYSCALL_WORK_SYSCALL_USER_DISPATCH = 5;
export const SYSCALL_WORK_SYSCALL_EXIT_TRAP = 6;
/**
 * Context tracking forced on (2015's TIF_NOHZ): every system call must take the slow path so
 * that user_exit/user_enter run — which is why the seed figure was measured on the slow path.
 */
export const SYSCALL_WORK_CONTEXT_TRACKING = 7;
/** Work that sends a system call down the slow path on entry (SYSCALL_WORK_ENTER). */
export const SYSCALL_WORK_ENTER = (1 << SYSCALL_WORK_SECCOMP) | (1 << SYSCALL_WORK_SYSCALL_TRACEPOINT) |
  (1 << SYSCALL_WORK_SYSCALL_TRACE) | (1 << SYSCALL_WORK_SYSCALL_EMU) | (1 << SYSCALL_WORK_SYSCALL_AUDIT) |
  (1 << SYSCALL_WORK_SYSCALL_USER_DISPATCH) | (1 << SYSCALL_WORK_CONTEXT_TRACKING);
