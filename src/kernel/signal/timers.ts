// Timers that signal (kernel/time/itimer.c, posix-timers.c, alarm): ITIMER_REAL and alarm()
// send SIGALRM to the process; ITIMER_VIRTUAL and ITIMER_PROF count the process's user and total
// CPU time and send SIGVTALRM and SIGPROF; POSIX timers send their chosen signal with si_code
// SI_TIMER, counting overruns while the last signal is still pending. All run on the guest clock
// (src/kernel/time/clock.ts) at tick resolution (sched/scheduler.ts timers).

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { KTimer } from '../sched/scheduler.js';
import { EFAULT, EINVAL, EAGAIN } from '../errno.js';
import { SIGALRM, SIGVTALRM, SIGPROF } from './signals.js';
import { sendSigInfo, kernelInfo, bit } from './send.js';
import { SI_TIMER, type SigInfo } from './siginfo.js';
import { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME } from '../time/clock.js';

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
// SIGEV_THREAD (2) is glibc's, done in user space with SIGEV_THREAD_ID: the kernel refuses it.
const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;
const TIMER_ABSTIME = 1;

/** A process's timers (kept in its signal_struct, shared by its threads). */
export interface ProcessTimers {
  real: { timer: KTimer | null; interval: number };
  /** Time left (ns) and interval of ITIMER_VIRTUAL and ITIMER_PROF, counted down by ticks. */
  cpu: { value: number; interval: number }[];
  posix: Map<number, PosixTimer>;
  nextId: number;
}

interface PosixTimer {
  id: number;
  clock: number;
  notify: number;
  signo: number;
  value: bigint;
  target: Task;
  timer: KTimer | null;
  interval: number;
  overrun: number;
  /** Overruns as of the last signal delivered (timer_getoverrun). */
  lastOverrun: number;
  pending: SigInfo | null;
}

function timersOf(t: Task): ProcessTimers {
  t.signal.timers ??= { real: { timer: null, interval: 0 }, cpu: [{ value: 0, interval: 0 }, { value: 0, interval: 0 }], posix: new Map(), nextId: 0 };
  return t.signal.timers;
}

function mono(k: Kernel): number {
  return k.clock.read(CLOCK_MONOTONIC)!;
}

function leaderOf(k: Kernel, t: Task): Task {
  const l = k.tasks.get(t.tgid);
  return l && l.state !== 'dead' && l.state !== 'zombie' ? l : [...t.group][0] ?? t;
}

// --- struct timeval / itimerval (16 / 32 bytes) and timespec / itimerspec.
function readPair(t: Task, addr: number, unit: number): [number, number] | null | -1 {
  const b = t.um.read(addr, 32);
  if (!b) return null;
  const dv = new DataView(b.buffer);
  const f = [0, 8, 16, 24].map((o) => Number(dv.getBigInt64(o, true)));
  const limit = unit === 1000 ? 1e6 : 1e9;
  if (f[1] < 0 || f[1] >= limit || f[3] < 0 || f[3] >= limit || f[0] < 0 || f[2] < 0) return -1;
  return [f[0] * 1e9 + f[1] * unit, f[2] * 1e9 + f[3] * unit];
}
function writePair(t: Task, addr: number, interval: number, value: number, unit: number): boolean {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  const put = (o: number, ns: number): void => {
    // Round up to the unit so that a pending timer never reads as zero.
    const u = Math.ceil(ns / unit);
    const perSec = 1e9 / unit;
    dv.setBigInt64(o, BigInt(Math.floor(u / perSec)), true);
    dv.setBigInt64(o + 8, BigInt(u % perSec), true);
  };
  put(0, interval);
  put(16, value);
  return t.um.write(addr, b);
}

/** ITIMER_REAL: (re)arm; returns the old [interval, value]. */
function setReal(k: Kernel, t: Task, interval: number, value: number): [number, number] {
  const pt = timersOf(t);
  const old: [number, number] = [pt.real.interval, pt.real.timer ? Math.max(0, pt.real.timer.when - mono(k)) : 0];
  if (pt.real.timer) k.sched.timers.delete(pt.real.timer);
  pt.real = { timer: null, interval };
  if (value > 0) {
    const timer: KTimer = {
      when: mono(k) + value,
      fire: (now) => {
        // it_real_fn(): SIGALRM to the process (SEND_SIG_PRIV), then re-arm with the interval.
        sendSigInfo(k, leaderOf(k, t), kernelInfo(SIGALRM), true);
        if (pt.real.interval > 0) {
          while (timer.when <= now) timer.when += pt.real.interval;
          k.sched.timers.add(timer);
        } else pt.real.timer = null;
      },
    };
    pt.real.timer = timer;
    k.sched.timers.add(timer);
  }
  return old;
}

/** Called on every timer tick for the task it interrupted: ITIMER_VIRTUAL and ITIMER_PROF count down. */
export function itimerTick(k: Kernel, t: Task, userMode: boolean, ns: number): void {
  const pt = t.signal.timers;
  if (!pt) return;
  const check = (which: number, sig: number): void => {
    const c = pt.cpu[which - 1];
    if (c.value <= 0) return;
    c.value -= ns;
    if (c.value <= 0) {
      sendSigInfo(k, leaderOf(k, t), kernelInfo(sig), true);
      c.value = c.interval > 0 ? c.value + c.interval : 0;
      if (c.value <= 0 && c.interval > 0) c.value = c.interval;
    }
  };
  if (userMode) check(ITIMER_VIRTUAL, SIGVTALRM);
  check(ITIMER_PROF, SIGPROF);
}

defineSyscall('sys_setitimer', (k, t, which, newp, oldp) => {
  which = which | 0;
  if (which < 0 || which > 2) return -EINVAL;
  let interval = 0, value = 0;
  if (newp) {
    const p = readPair(t, newp, 1000);
    if (p === null) return -EFAULT;
    if (p === -1) return -EINVAL;
    [interval, value] = p;
  }
  let old: [number, number];
  if (which === ITIMER_REAL) old = setReal(k, t, interval, value);
  else {
    const c = timersOf(t).cpu[which - 1];
    old = [c.interval, c.value];
    c.interval = interval;
    c.value = value;
  }
  if (oldp && !writePair(t, oldp, old[0], old[1], 1000)) return -EFAULT;
  return 0;
});

defineSyscall('sys_getitimer', (k, t, which, valp) => {
  which = which | 0;
  if (which < 0 || which > 2) return -EINVAL;
  const pt = timersOf(t);
  const [interval, value] = which === ITIMER_REAL
    ? [pt.real.interval, pt.real.timer ? Math.max(0, pt.real.timer.when - mono(k)) : 0]
    : [pt.cpu[which - 1].interval, Math.max(0, pt.cpu[which - 1].value)];
  return writePair(t, valp, interval, value, 1000) ? 0 : -EFAULT;
});

/** alarm(): ITIMER_REAL in whole seconds; returns the seconds left of the previous alarm, rounded. */
defineSyscall('sys_alarm', (k, t, seconds) => {
  const [, left] = setReal(k, t, 0, (seconds >>> 0) * 1e9);
  if (left <= 0) return 0;
  const usec = Math.ceil(left / 1000);
  let secs = Math.floor(usec / 1e6);
  if (usec % 1e6 >= 500000) secs++;
  return secs || 1;
});

// --- POSIX timers.

function clockOk(clock: number): boolean {
  return clock === CLOCK_REALTIME || clock === CLOCK_MONOTONIC || clock === CLOCK_BOOTTIME;
}

defineSyscall('sys_timer_create', (k, t, clock, sevp, idp) => {
  clock = clock | 0;
  if (!clockOk(clock)) return -EINVAL;
  const pt = timersOf(t);
  const id = pt.nextId;
  let notify = SIGEV_SIGNAL, signo = SIGALRM, value = BigInt(id), target = leaderOf(k, t);
  if (sevp) {
    const b = t.um.read(sevp, 64);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    value = dv.getBigUint64(0, true);
    signo = dv.getInt32(8, true);
    notify = dv.getInt32(12, true);
    if (notify === SIGEV_THREAD_ID || notify === (SIGEV_THREAD_ID | SIGEV_SIGNAL)) {
      const tid = dv.getInt32(16, true);
      const p = k.tasks.get(tid);
      if (!p || p.tgid !== t.tgid) return -EINVAL;
      target = p;
    } else if (notify !== SIGEV_SIGNAL && notify !== SIGEV_NONE) return -EINVAL;
    if (notify !== SIGEV_NONE && (signo < 1 || signo > 64)) return -EINVAL;
  }
  if (pt.posix.size >= 4096) return -EAGAIN;
  if (!t.um.writeU32(idp, id)) return -EFAULT;
  pt.nextId++;
  pt.posix.set(id, { id, clock, notify, signo, value, target, timer: null, interval: 0, overrun: 0, lastOverrun: 0, pending: null });
  return 0;
});

function posixTimer(t: Task, id: number): PosixTimer | null {
  return timersOf(t).posix.get(id | 0) ?? null;
}

function left(k: Kernel, pt: PosixTimer): number {
  return pt.timer ? Math.max(1, pt.timer.when - mono(k)) : 0;
}

/** posix_timer_fn(): signal the timer's target, or count an overrun while the last signal is pending. */
function firePosix(k: Kernel, pt: PosixTimer, now: number): void {
  if (pt.interval > 0 && pt.timer) {
    while (pt.timer.when <= now) { pt.timer.when += pt.interval; pt.overrun++; }
    pt.overrun--; // the first expiry is the one being signalled
    k.sched.timers.add(pt.timer);
  } else pt.timer = null;
  if (pt.notify === SIGEV_NONE) return;
  const p = pt.target;
  const queued = pt.pending !== null && ((p.pending.set | p.signal.shared.set) & bit(pt.signo)) !== 0n &&
    (p.pending.queue.includes(pt.pending) || p.signal.shared.queue.includes(pt.pending));
  // Still pending: one more overrun, which the pending signal (and timer_getoverrun after it) reports.
  if (queued) { pt.overrun++; pt.pending!.overrun = pt.overrun; pt.lastOverrun = pt.overrun; return; }
  pt.lastOverrun = pt.overrun;
  pt.overrun = 0;
  const info: SigInfo = { signo: pt.signo, errno: 0, code: SI_TIMER, tid: pt.id, overrun: pt.lastOverrun, value: pt.value };
  pt.pending = info;
  sendSigInfo(k, p, info, p.isLeader && pt.notify === SIGEV_SIGNAL);
}

defineSyscall('sys_timer_settime', (k, t, id, flags, newp, oldp) => {
  const pt = posixTimer(t, id);
  if (!pt) return -EINVAL;
  const p = readPair(t, newp, 1);
  if (p === null) return -EFAULT;
  if (p === -1) return -EINVAL;
  const [interval, value] = p;
  if (oldp && !writePair(t, oldp, pt.interval, left(k, pt), 1)) return -EFAULT;
  if (pt.timer) k.sched.timers.delete(pt.timer);
  pt.timer = null;
  pt.interval = interval;
  pt.overrun = 0;
  if (value > 0) {
    let when = mono(k) + value;
    if (flags & TIMER_ABSTIME) when = pt.clock === CLOCK_REALTIME ? mono(k) + (value - k.clock.read(CLOCK_REALTIME)!) : value;
    const timer: KTimer = { when, fire: (now) => firePosix(k, pt, now) };
    pt.timer = timer;
    if (when <= mono(k)) firePosix(k, pt, mono(k));
    else k.sched.timers.add(timer);
  }
  return 0;
});

defineSyscall('sys_timer_gettime', (k, t, id, valp) => {
  const pt = posixTimer(t, id);
  if (!pt) return -EINVAL;
  return writePair(t, valp, pt.interval, left(k, pt), 1) ? 0 : -EFAULT;
});

defineSyscall('sys_timer_getoverrun', (_k, t, id) => {
  const pt = posixTimer(t, id);
  return pt ? Math.min(pt.lastOverrun, 0x7fffffff) : -EINVAL;
});

defineSyscall('sys_timer_delete', (k, t, id) => {
  const pt = posixTimer(t, id);
  if (!pt) return -EINVAL;
  if (pt.timer) k.sched.timers.delete(pt.timer);
  timersOf(t).posix.delete(pt.id);
  return 0;
});

/** exec and exit: a process's POSIX timers go; ITIMER_REAL survives exec (POSIX) but not exit. */
export function exitTimers(k: Kernel, t: Task, exec: boolean): void {
  const pt = t.signal.timers;
  if (!pt) return;
  for (const p of pt.posix.values()) if (p.timer) k.sched.timers.delete(p.timer);
  pt.posix.clear();
  if (!exec && pt.real.timer) { k.sched.timers.delete(pt.real.timer); pt.real.timer = null; }
}
