// poll, ppoll, select and pselect6 (fs/select.c). Each file reports its readiness (File.poll);
// when nothing asked for is ready the task sleeps on the wait queues of the files that can
// change (pipes) with the timeout as its deadline (src/kernel/sched/wait.ts), and looks again
// when woken. Files that never block (regular files, the host terminal, /dev) are always ready.
// Timeouts are guest CLOCK_MONOTONIC; ppoll, select and pselect6 write the time left back, as
// Linux does. The signal masks of ppoll and pselect6 are checked for size and not applied yet.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { WaitQueue } from '../sched/wait.js';
import { defineSyscall } from '../syscalls/registry.js';
import { O_PATH, POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND, POLLWRNORM, POLLWRBAND } from './file.js';
import { CLOCK_MONOTONIC } from '../time/clock.js';
import { setSavedSigmask, restoreSavedSigmask } from '../signal/send.js';
import { EBADF, EFAULT, EINVAL, ERESTARTNOHAND, ERESTART_RESTARTBLOCK } from '../errno.js';

/**
 * ppoll/pselect's sigmask: in force while the call waits; put back when it returns normally,
 * or by the signal code after a handler ran (set_user_sigmask / restore_saved_sigmask_unless).
 */
function setSigmask(k: Kernel, t: Task, addr: number): number {
  if (addr === 0) return 0;
  const v = t.um.readU64(addr);
  if (v === null) return -EFAULT;
  setSavedSigmask(k, t, v);
  return 0;
}

const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET = POLLPRI;
const SIGSET_SIZE = 8;

function now(k: Kernel): number {
  return k.clock.read(CLOCK_MONOTONIC)!;
}

/** The readiness of fd for `events` (POLLERR and POLLHUP are always reported), and where to wait. */
function pollFd(t: Task, fd: number, events: number, queues: WaitQueue[]): number {
  const f = t.files.get(fd);
  if (!f || (f.flags & O_PATH)) return POLLNVAL;
  const mask = f.poll() & (events | POLLERR | POLLHUP);
  if (mask === 0) {
    if (events & (POLLIN | POLLRDNORM | POLLRDBAND | POLLPRI)) { const q = f.waitQueue(false); if (q && !queues.includes(q)) queues.push(q); }
    if (events & (POLLOUT | POLLWRNORM | POLLWRBAND)) { const q = f.waitQueue(true); if (q && !queues.includes(q)) queues.push(q); }
  }
  return mask;
}

/** Absolute deadline from a relative timeout in ns (Infinity: none). */
function deadlineOf(k: Kernel, ns: number): number {
  return ns === Infinity ? Infinity : now(k) + ns;
}

/** Read a struct timespec (or timeval, with micro) as ns; -EINVAL for a bad one. */
function readTime(t: Task, addr: number, micro: boolean): number {
  const b = t.um.read(addr, 16);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const sec = Number(dv.getBigInt64(0, true)), frac = Number(dv.getBigInt64(8, true));
  if (sec < 0 || frac < 0 || frac >= (micro ? 1e6 : 1e9)) return -EINVAL;
  return sec * 1e9 + frac * (micro ? 1000 : 1);
}

/** poll_select_finish: write the time left; a fault here is ignored, as Linux does. */
function writeLeft(k: Kernel, t: Task, addr: number, deadline: number, micro: boolean): void {
  if (addr === 0 || deadline === Infinity) return;
  const left = Math.max(0, deadline - now(k));
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(Math.floor(left / 1e9)), true);
  dv.setBigInt64(8, BigInt(micro ? Math.floor((left % 1e9) / 1000) : left % 1e9), true);
  t.um.write(addr, b);
}

/** do_sys_poll on an array of struct pollfd { int fd; short events; short revents; }. */
function doPoll(k: Kernel, t: Task, ufds: number, nfds: number, deadline: number, after: () => void, intr: number): number {
  if (nfds < 0 || nfds > t.files.limit) return -EINVAL;
  const raw = nfds === 0 ? new Uint8Array(0) : t.um.read(ufds, nfds * 8);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const attempt = (): number => {
    const queues: WaitQueue[] = [];
    let count = 0;
    for (let i = 0; i < nfds; i++) {
      const fd = dv.getInt32(i * 8, true);
      const events = dv.getUint16(i * 8 + 4, true);
      const rev = fd < 0 ? 0 : pollFd(t, fd, events, queues);
      dv.setUint16(i * 8 + 6, rev, true);
      if (rev) count++;
    }
    if (count === 0 && now(k) < deadline) return k.sleep(t, queues, attempt, deadline, () => { after(); return intr; });
    if (nfds > 0 && !t.um.write(ufds, raw)) return -EFAULT;
    after();
    restoreSavedSigmask(t);
    return count;
  };
  return attempt();
}

defineSyscall('sys_poll', (k, t, ufds, nfds, timeout) => {
  const ms = timeout | 0;
  const deadline = deadlineOf(k, ms < 0 ? Infinity : ms * 1e6);
  // Interrupted, poll restarts through restart_syscall with the same deadline (do_restart_poll).
  const again = (): number => doPoll(k, t, ufds, nfds >>> 0, deadline, () => { t.restartFn = again; }, -ERESTART_RESTARTBLOCK);
  return again();
});

defineSyscall('sys_ppoll', (k, t, ufds, nfds, tsp, sigmask, sigsetsize) => {
  let ns = Infinity;
  if (tsp !== 0) {
    ns = readTime(t, tsp, false);
    if (ns < 0) return ns;
  }
  if (sigmask !== 0 && sigsetsize !== SIGSET_SIZE) return -EINVAL;
  const r = setSigmask(k, t, sigmask);
  if (r < 0) return r;
  const deadline = deadlineOf(k, ns);
  return doPoll(k, t, ufds, nfds >>> 0, deadline, () => writeLeft(k, t, tsp, deadline, false), -ERESTARTNOHAND);
});

/** core_sys_select over three fd_set bitmaps of n bits (unsigned longs, as Linux reads them). */
function doSelect(k: Kernel, t: Task, nArg: number, inp: number, outp: number, exp: number, deadline: number, after: () => void): number {
  const intr = -ERESTARTNOHAND;
  let n = nArg | 0;
  if (n < 0) return -EINVAL;
  n = Math.min(n, t.files.limit);
  const bytes = Math.ceil(n / 64) * 8;
  const read = (addr: number): Uint8Array | null | number => {
    if (addr === 0 || bytes === 0) return null;
    const b = t.um.read(addr, bytes);
    return b ?? -EFAULT;
  };
  const sets = [read(inp), read(outp), read(exp)];
  for (const s of sets) if (typeof s === 'number') return s;
  const [rin, rout, rex] = sets as (Uint8Array | null)[];
  const bit = (s: Uint8Array | null, fd: number): boolean => s !== null && (s[fd >>> 3] & (1 << (fd & 7))) !== 0;
  // Every descriptor named in any set must be open (EBADF otherwise), before any waiting.
  for (let fd = 0; fd < n; fd++) {
    if ((bit(rin, fd) || bit(rout, fd) || bit(rex, fd)) && (!t.files.get(fd) || (t.files.get(fd)!.flags & O_PATH))) return -EBADF;
  }
  const attempt = (): number => {
    const res = [rin ? new Uint8Array(bytes) : null, rout ? new Uint8Array(bytes) : null, rex ? new Uint8Array(bytes) : null];
    const queues: WaitQueue[] = [];
    let count = 0;
    for (let fd = 0; fd < n; fd++) {
      const wantIn = bit(rin, fd), wantOut = bit(rout, fd), wantEx = bit(rex, fd);
      if (!wantIn && !wantOut && !wantEx) continue;
      const events = (wantIn ? POLLIN_SET : 0) | (wantOut ? POLLOUT_SET : 0) | (wantEx ? POLLEX_SET : 0);
      const mask = pollFd(t, fd, events, queues);
      const set = (s: Uint8Array | null) => { s![fd >>> 3] |= 1 << (fd & 7); count++; };
      if (wantIn && (mask & POLLIN_SET)) set(res[0]);
      if (wantOut && (mask & POLLOUT_SET)) set(res[1]);
      if (wantEx && (mask & POLLEX_SET)) set(res[2]);
    }
    if (count === 0 && now(k) < deadline) return k.sleep(t, queues, attempt, deadline, () => { after(); return intr; });
    const addrs = [inp, outp, exp];
    for (let i = 0; i < 3; i++) if (res[i] && !t.um.write(addrs[i], res[i]!)) return -EFAULT;
    after();
    restoreSavedSigmask(t);
    return count;
  };
  return attempt();
}

defineSyscall('sys_select', (k, t, n, inp, outp, exp, tvp) => {
  let ns = Infinity;
  if (tvp !== 0) {
    ns = readTime(t, tvp, true);
    if (ns < 0) return ns;
  }
  const deadline = deadlineOf(k, ns);
  return doSelect(k, t, n, inp, outp, exp, deadline, () => writeLeft(k, t, tvp, deadline, true));
});

defineSyscall('sys_pselect6', (k, t, n, inp, outp, exp, tsp, sig) => {
  let ns = Infinity;
  if (tsp !== 0) {
    ns = readTime(t, tsp, false);
    if (ns < 0) return ns;
  }
  if (sig !== 0) {
    // struct { const sigset_t *ss; size_t ss_len; }
    const b = t.um.read(sig, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    const ss = dv.getBigUint64(0, true), len = dv.getBigUint64(8, true);
    if (ss !== 0n && len !== BigInt(SIGSET_SIZE)) return -EINVAL;
    const r = setSigmask(k, t, Number(BigInt.asIntN(64, ss)));
    if (r < 0) return r;
  }
  const deadline = deadlineOf(k, ns);
  return doSelect(k, t, n, inp, outp, exp, deadline, () => writeLeft(k, t, tsp, deadline, false));
});
