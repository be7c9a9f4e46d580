// futex (kernel/futex/): FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET, FUTEX_REQUEUE
// and FUTEX_CMP_REQUEUE, private and shared alike (one address space per key: the physical
// address of the word, so shared mappings between processes meet on the same key).

import { defineSyscall } from './syscalls/registry.js';
import type { Kernel } from './kernel.js';
import type { Task } from './process/task.js';
import { WaitQueue } from './sched/wait.js';
import { EAGAIN, EFAULT, EINVAL, ETIMEDOUT, ENOSYS } from './errno.js';
import { CLOCK_REALTIME } from './time/clock.js';

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5;
const FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_BITSET_MATCH_ANY = 0xffffffff;

interface Waiter { task: Task; bitset: number; queue: WaitQueue; key: number; woken: boolean }
const QUEUES = new WeakMap<Kernel, Map<number, Waiter[]>>();

function table(k: Kernel): Map<number, Waiter[]> {
  let m = QUEUES.get(k);
  if (!m) { m = new Map(); QUEUES.set(k, m); }
  return m;
}

function key(t: Task, addr: number): number {
  return t.um.phys(addr, false);
}

export function futexWake(k: Kernel, t: Task, addr: number, n: number, bitset = FUTEX_BITSET_MATCH_ANY): number {
  const kk = key(t, addr);
  if (kk < 0) return -EFAULT;
  const list = table(k).get(kk);
  if (!list) return 0;
  let woken = 0;
  for (const w of [...list]) {
    if (woken >= n) break;
    if ((w.bitset & bitset) === 0) continue;
    list.splice(list.indexOf(w), 1);
    // A waiter that died asleep (exit_group, a fatal signal) left its entry: it must not use up a wakeup.
    if (w.task.state === 'zombie' || w.task.state === 'dead') continue;
    w.woken = true;
    w.queue.wake();
    woken++;
  }
  if (list.length === 0) table(k).delete(kk);
  return woken;
}

function readTimeout(k: Kernel, t: Task, addr: number, absolute: boolean, realtime: boolean): number | null {
  if (!addr) return Infinity;
  const b = t.um.read(addr, 16);
  if (!b) return null;
  const dv = new DataView(b.buffer);
  const ns = Number(dv.getBigInt64(0, true)) * 1e9 + Number(dv.getBigInt64(8, true));
  const monoNow = k.clock.read(1)!;
  if (!absolute) return monoNow + ns;
  return realtime ? monoNow + (ns - k.clock.read(CLOCK_REALTIME)!) : ns;
}

function wait(k: Kernel, t: Task, addr: number, val: number, timeout: number, bitset: number): number {
  if (bitset === 0) return -EINVAL;
  const cur = t.um.readU32(addr);
  if (cur === null) return -EFAULT;
  if (cur !== (val >>> 0)) return -EAGAIN;
  const kk = key(t, addr);
  const w: Waiter = { task: t, bitset, queue: new WaitQueue(), key: kk, woken: false };
  let list = table(k).get(kk);
  if (!list) { list = []; table(k).set(kk, list); }
  list.push(w);
  const check = (): number => {
    if (w.woken) return 0;
    if (k.clock.read(1)! >= timeout) {
      const l = table(k).get(kk);
      if (l) { l.splice(l.indexOf(w), 1); if (l.length === 0) table(k).delete(kk); }
      return -ETIMEDOUT;
    }
    return k.sleep(t, [w.queue], check, timeout);
  };
  return k.sleep(t, [w.queue], check, timeout);
}

defineSyscall('sys_futex', (k, t, addr, op, val, utime, addr2, val3) => {
  const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const realtime = (op & FUTEX_CLOCK_REALTIME) !== 0;
  if ((addr & 3) !== 0) return -EINVAL;
  switch (cmd) {
    case FUTEX_WAIT: {
      const to = readTimeout(k, t, utime, false, false);
      if (to === null) return -EFAULT;
      return wait(k, t, addr, val, to, FUTEX_BITSET_MATCH_ANY);
    }
    case FUTEX_WAIT_BITSET: {
      const to = readTimeout(k, t, utime, true, realtime);
      if (to === null) return -EFAULT;
      return wait(k, t, addr, val, to, val3 >>> 0);
    }
    case FUTEX_WAKE: return futexWake(k, t, addr, val | 0);
    case FUTEX_WAKE_BITSET: return (val3 >>> 0) === 0 ? -EINVAL : futexWake(k, t, addr, val | 0, val3 >>> 0);
    case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: {
      if (cmd === FUTEX_CMP_REQUEUE) {
        const cur = t.um.readU32(addr);
        if (cur === null) return -EFAULT;
        if (cur !== (val3 >>> 0)) return -EAGAIN;
      }
      const woken = futexWake(k, t, addr, val | 0);
      // Move up to utime (nr_requeue) remaining waiters to addr2's queue.
      const from = table(k).get(key(t, addr));
      const to = key(t, addr2);
      if (to < 0) return -EFAULT;
      let moved = 0;
      while (from && from.length && moved < (utime | 0)) {
        const w = from.shift()!;
        w.key = to;
        let l = table(k).get(to);
        if (!l) { l = []; table(k).set(to, l); }
        l.push(w);
        moved++;
      }
      return woken + moved;
    }
    case FUTEX_WAKE_OP: return -ENOSYS;
    default: return -ENOSYS;
  }
});
