// Context tracking (kernel/context_tracking.c): with it forced on, every entry from user mode
// calls user_exit() and every return calls user_enter(), so that RCU and CPU-time accounting
// know which mode the CPU is in. It is the configuration under which the opportunistic-SYSRET
// figure (getpid from ~360 to ~280 ns) was measured; its cost is charged in modeled cycles.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';

export type ContextTrackingMode = 'off' | 'force';

export class ContextTracking {
  userExits = 0;
  userEnters = 0;
  /** The state each task is in, as context tracking sees it. */
  private readonly inUser = new WeakMap<Task, boolean>();
  constructor(readonly k: Kernel, readonly mode: ContextTrackingMode) {}

  userExit(t: Task): void {
    if (this.mode === 'off') return;
    this.userExits++;
    this.inUser.set(t, false);
    this.k.charge('context_tracking_user_exit');
  }

  userEnter(t: Task): void {
    if (this.mode === 'off') return;
    this.userEnters++;
    this.inUser.set(t, true);
    this.k.charge('context_tracking_user_enter');
  }
}
