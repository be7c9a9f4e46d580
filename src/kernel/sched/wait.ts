// Sleeping in a system call (Linux's wait queues), and the protocol every blocking handler
// follows in ringside:
//
//   A handler that cannot complete now (an empty pipe, wait4 with no exited child, a futex, a
//   sleep) does no side effects, and returns `k.sleep(t, queues, retry)`: the task sleeps on
//   those queues and `retry` is what the handler does once woken. It may sleep again by
//   returning k.sleep(...) once more. The kernel parks the task inside do_syscall_64 (its
//   kernel stack keeps the frame and the return address, as a task sleeping in schedule()
//   does in Linux), switches to another runnable task, and when a queue wakes the task, calls
//   `retry` and finishes the system call, returning to user mode once.
//
//   Whoever makes the condition true calls `queue.wake()`.
//   `timeoutNs` (optional, guest monotonic nanoseconds) wakes the task when the time passes;
//   `retry` then runs and sees the timeout for itself.
//
// When every task sleeps and one waits for the host (a terminal read), the host read blocks;
// when all wait for timeouts, guest time jumps to the earliest one.

import type { Task } from '../process/task.js';

/** A syscall handler's "I am asleep" result; never reaches user space. */
export const BLOCKED = -0x7fff_0001;

export class WaitQueue {
  readonly waiters = new Set<Task>();
  /** Set by the scheduler: called to make a sleeping task runnable. */
  static onWake: (t: Task) => void = () => {};

  /** Wake every task sleeping here. */
  wake(): void {
    for (const t of [...this.waiters]) WaitQueue.onWake(t);
  }
}

export interface Sleep {
  queues: WaitQueue[];
  retry: () => number;
  /** Guest monotonic time (ns) at which to wake regardless, or Infinity. */
  deadline: number;
  /**
   * What a signal does to the sleep: the call's result when an unblocked signal arrives (a value,
   * or a function computing it, e.g. nanosleep storing the time left), or 'killable': only a
   * fatal signal ends it (TASK_KILLABLE). The default is -ERESTARTSYS.
   */
  onSignal?: number | (() => number) | 'killable';
}
