// Time and randomness: clock_gettime, clock_getres, gettimeofday, time, getrandom.

import { defineSyscall } from '../syscalls/registry.js';
import { EINVAL, EFAULT } from '../errno.js';
import { CLOCK_REALTIME } from './clock.js';

function timespec(ns: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
  dv.setBigInt64(8, BigInt(ns % 1e9), true);
  return b;
}

defineSyscall('sys_clock_gettime', (k, t, id, addr) => {
  const ns = k.clock.read(id | 0);
  if (ns === null) return -EINVAL;
  return t.um.write(addr, timespec(ns)) ? 0 : -EFAULT;
});
defineSyscall('sys_clock_getres', (k, t, id, addr) => {
  if (k.clock.read(id | 0) === null) return -EINVAL;
  if (addr && !t.um.write(addr, timespec(1))) return -EFAULT;
  return 0;
});
defineSyscall('sys_gettimeofday', (k, t, tv, tz) => {
  const ns = k.clock.read(CLOCK_REALTIME)!;
  if (tv) {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
    dv.setBigInt64(8, BigInt(Math.floor((ns % 1e9) / 1000)), true);
    if (!t.um.write(tv, b)) return -EFAULT;
  }
  if (tz && !t.um.write(tz, new Uint8Array(8))) return -EFAULT;
  return 0;
});
defineSyscall('sys_time', (k, t, addr) => {
  const s = Math.floor(k.clock.read(CLOCK_REALTIME)! / 1e9);
  if (addr && !t.um.writeU64(addr, BigInt(s))) return -EFAULT;
  return s;
});

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
defineSyscall('sys_getrandom', (k, t, buf, len, flags) => {
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  const n = Math.min(len, 33554431);
  return t.um.write(buf, k.host.randomBytes(n)) ? n : -EFAULT;
});
