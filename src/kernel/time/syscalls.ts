// Time and randomness: clock_gettime, clock_getres, gettimeofday, time, getrandom.

import { defineSyscall } from '../syscalls/registry.js';
import { EINVAL, EFAULT } from '../errno.js';
import { CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE } from './clock.js';

// Seconds and nanoseconds come from Clock.readTs as exact integers: the vDSO computes the same
// numbers in user mode (src/kernel/vdso), and the two must agree to the nanosecond.
const ts = [0, 0];

function timespec(sec: number, nsec: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(sec), true);
  dv.setBigInt64(8, BigInt(nsec), true);
  return b;
}

defineSyscall('sys_clock_gettime', (k, t, id, addr) => {
  if (!k.clock.readTs(id | 0, ts)) return -EINVAL;
  return t.um.write(addr, timespec(ts[0], ts[1])) ? 0 : -EFAULT;
});
defineSyscall('sys_clock_getres', (k, t, id, addr) => {
  if (!k.clock.readTs(id | 0, ts)) return -EINVAL;
  // The coarse clocks move once a tick (Linux: LOW_RES_NSEC); the others by the nanosecond.
  const coarse = (id | 0) === CLOCK_REALTIME_COARSE || (id | 0) === CLOCK_MONOTONIC_COARSE;
  if (addr && !t.um.write(addr, timespec(0, coarse ? Math.round(1e9 / k.opts.hz) : 1))) return -EFAULT;
  return 0;
});
defineSyscall('sys_gettimeofday', (k, t, tv, tz) => {
  k.clock.readTs(CLOCK_REALTIME, ts);
  if (tv && !t.um.write(tv, timespec(ts[0], Math.floor(ts[1] / 1000)))) return -EFAULT;
  if (tz && !t.um.write(tz, new Uint8Array(8))) return -EFAULT;
  return 0;
});
defineSyscall('sys_time', (k, t, addr) => {
  const s = k.clock.seconds();
  if (addr && !t.um.writeU64(addr, BigInt(s))) return -EFAULT;
  return s;
});

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
defineSyscall('sys_getrandom', (k, t, buf, len, flags) => {
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  const n = Math.min(len, 33554431);
  return t.um.write(buf, k.host.randomBytes(n)) ? n : -EFAULT;
});
