// nanosleep and clock_nanosleep (kernel/time/hrtimer.c): sleep on the guest clock; when every
// task sleeps, guest time jumps to the earliest wake-up (scheduler idle).

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { EFAULT, EINVAL, ERESTART_RESTARTBLOCK } from '../errno.js';
import { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME } from './clock.js';

const TIMER_ABSTIME = 1;

/** A relative struct timespec in nanoseconds; null if unreadable, -1 if out of range. */
export function readTs(t: Task, addr: number): number | null {
  const b = t.um.read(addr, 16);
  if (!b) return null;
  const dv = new DataView(b.buffer);
  const s = Number(dv.getBigInt64(0, true)), ns = Number(dv.getBigInt64(8, true));
  if (s < 0 || ns < 0 || ns >= 1e9) return -1;
  return s * 1e9 + ns;
}

/**
 * Sleep to a monotonic deadline. A signal ends the sleep with -ERESTART_RESTARTBLOCK: with no
 * handler, restart_syscall sleeps on to the same deadline; with one, the call fails with EINTR
 * and `rem` (if any) gets the time that was left (hrtimer_nanosleep_restart, nanosleep_copyout).
 */
function sleepUntil(k: Kernel, t: Task, deadlineMono: number, rem = 0): number {
  const interrupted = (): number => {
    const left = Math.max(0, deadlineMono - k.clock.read(CLOCK_MONOTONIC)!);
    if (rem) {
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigInt64(0, BigInt(Math.floor(left / 1e9)), true);
      dv.setBigInt64(8, BigInt(Math.floor(left % 1e9)), true);
      if (!t.um.write(rem, b)) return -EFAULT;
    }
    t.restartFn = () => sleepUntil(k, t, deadlineMono, rem);
    return -ERESTART_RESTARTBLOCK;
  };
  const check = (): number => (k.clock.read(CLOCK_MONOTONIC)! >= deadlineMono ? 0 : k.sleep(t, [], check, deadlineMono, interrupted));
  return check();
}

defineSyscall('sys_nanosleep', (k, t, req, rem) => {
  const ns = readTs(t, req);
  if (ns === null) return -EFAULT;
  if (ns < 0) return -EINVAL;
  return sleepUntil(k, t, k.clock.read(CLOCK_MONOTONIC)! + ns, rem);
});

defineSyscall('sys_clock_nanosleep', (k, t, id, flags, req, rem) => {
  if (id !== CLOCK_REALTIME && id !== CLOCK_MONOTONIC && id !== CLOCK_BOOTTIME) return -EINVAL;
  const ns = readTs(t, req);
  if (ns === null) return -EFAULT;
  if (ns < 0) return -EINVAL;
  const now = k.clock.read(CLOCK_MONOTONIC)!;
  let deadline = now + ns;
  if (flags & TIMER_ABSTIME) deadline = id === CLOCK_REALTIME ? now + (ns - k.clock.read(CLOCK_REALTIME)!) : ns;
  // An absolute sleep restarts as it is (ERESTARTNOHAND in Linux) and never reports a remainder.
  return sleepUntil(k, t, deadline, flags & TIMER_ABSTIME ? 0 : rem);
});
