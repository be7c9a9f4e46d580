// nanosleep and clock_nanosleep (kernel/time/hrtimer.c): sleep on the guest clock; when every
// task sleeps, guest time jumps to the earliest wake-up (scheduler idle).

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { EFAULT, EINVAL } from '../errno.js';
import { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME } from './clock.js';

const TIMER_ABSTIME = 1;

function readTs(t: Task, addr: number): number | null {
  const b = t.um.read(addr, 16);
  if (!b) return null;
  const dv = new DataView(b.buffer);
  const s = Number(dv.getBigInt64(0, true)), ns = Number(dv.getBigInt64(8, true));
  if (s < 0 || ns < 0 || ns >= 1e9) return -1;
  return s * 1e9 + ns;
}

function sleepUntil(k: Kernel, t: Task, deadlineMono: number): number {
  const check = (): number => (k.clock.read(CLOCK_MONOTONIC)! >= deadlineMono ? 0 : k.sleep(t, [], check, deadlineMono));
  return check();
}

defineSyscall('sys_nanosleep', (k, t, req) => {
  const ns = readTs(t, req);
  if (ns === null) return -EFAULT;
  if (ns < 0) return -EINVAL;
  return sleepUntil(k, t, k.clock.read(CLOCK_MONOTONIC)! + ns);
});

defineSyscall('sys_clock_nanosleep', (k, t, id, flags, req) => {
  if (id !== CLOCK_REALTIME && id !== CLOCK_MONOTONIC && id !== CLOCK_BOOTTIME) return -EINVAL;
  const ns = readTs(t, req);
  if (ns === null) return -EFAULT;
  if (ns < 0) return -EINVAL;
  const now = k.clock.read(CLOCK_MONOTONIC)!;
  let deadline = now + ns;
  if (flags & TIMER_ABSTIME) deadline = id === CLOCK_REALTIME ? now + (ns - k.clock.read(CLOCK_REALTIME)!) : ns;
  return sleepUntil(k, t, deadline);
});
