// Ending tasks and reaping them (kernel/exit.c): exit, exit_group, wait4, waitid, and the
// zombie state in between. Wait statuses are encoded as Linux encodes them: (code << 8) for an
// exit, the signal number (with 0x80 for a core dump) for a death by signal.

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from './task.js';
import { ECHILD, EFAULT, EINVAL } from '../errno.js';
import { SIGCHLD } from '../signal/signals.js';
import { sendSigInfo } from '../signal/send.js';
import { exitTimers } from '../signal/timers.js';
import { traceExit } from '../../trace/strace-log.js';
import { peekState, ptraceState, traceesOf, PTRACE_EVENT_EXIT } from '../ptrace/state.js';
import { exitPtrace } from '../ptrace/attach.js';
import { ptraceEvent } from '../ptrace/stops.js';

const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;
const P_ALL = 0, P_PID = 1, P_PGID = 2;
const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4;

/** do_exit(): the task becomes a zombie (or goes away at once if nobody will reap it). */
export function doExit(k: Kernel, t: Task, status: number): void {
  if (t.state === 'zombie' || t.state === 'dead') return;
  if (k.opts.traceSyscalls) traceExit(k, t, status);
  t.exitStatus = status;
  // exit_ptrace(): our tracees go free (or die, with PTRACE_O_EXITKILL).
  exitPtrace(k, t);
  // clear_child_tid: zero the word and wake a futex waiter on it (pthread_join relies on it).
  if (t.clearChildTid) {
    t.um.writeU32(t.clearChildTid, 0);
    k.futexWake(t, t.clearChildTid, 1);
  }
  if (--t.files.users === 0) t.files.closeAll();
  if (--t.mm.users === 0) t.mm.destroy((va) => k.cpu.mem.flushPage(va));
  t.group.delete(t);
  if (t.group.size === 0) exitTimers(k, t, false);
  if (t.vforkDone) { const q = t.vforkDone; t.vforkDone = null; q.wake(); }
  k.sched.remove(t);
  // Orphans go to a live thread of the same group, else to the first process (init), as
  // find_new_reaper() does in Linux.
  const init = k.tasks.get(1);
  const heir = t.group.values().next().value ?? (init && init !== t ? init : null);
  for (const c of t.children) {
    c.parent = heir;
    if (c.parent) c.parent.children.add(c);
    else if (c.state === 'zombie') release(k, c);
  }
  t.children.clear();
  t.state = 'zombie';
  // A group leader whose threads still run stays a zombie that nobody hears of (Linux's
  // delay_group_leader()): the parent is told, and wait() can reap it, once the last thread
  // has gone — so a process whose main thread called pthread_exit ends with its last thread.
  if (!(t.isLeader && t.group.size > 0)) notifyExit(k, t);
  if (!t.isLeader && t.group.size === 0) {
    const leader = k.tasks.get(t.tgid);
    if (leader && leader.state === 'zombie') notifyExit(k, leader);
  }
  if (k.initTgid === t.tgid && t.group.size === 0) {
    // The first process is gone: the run is over, with its status (as a shell reports it).
    const code = (status & 0x7f) !== 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
    k.finish(code);
  }
  if (k.current === t) k.sched.pending = true;
}

/**
 * exit_notify() for a traced task: its tracer hears first (SIGCHLD, and wait() reports the exit);
 * the real parent only once the tracer has reaped it or let it go (ptraceReleased).
 */
function notifyExit(k: Kernel, t: Task): void {
  const tracer = t.tracer;
  if (tracer === null || (t.isLeader && t.parent !== null && tracer.tgid === t.parent.tgid)) { notifyParent(k, t); return; }
  ptraceState(t).parentNotifyDeferred = true;
  for (const m of tracer.group.size ? tracer.group : [tracer]) m.childWait.wake();
  const st = t.exitStatus ?? 0;
  const sig = st & 0x7f;
  sendSigInfo(k, tracer, { signo: SIGCHLD, errno: 0, code: sig === 0 ? CLD_EXITED : CLD_KILLED, pid: t.tgid, uid: t.creds.uid, status: sig === 0 ? (st >> 8) & 0xff : sig, utime: 0, stime: 0 }, true);
}

/** The tracer reaped (or let go of) a traced zombie: now its parent hears, or it goes (a thread). */
export function ptraceReleased(k: Kernel, t: Task): void {
  if (!t.isLeader) release(k, t);
  else notifyParent(k, t);
}

/** The task is a finished zombie: reap it at once (threads, orphans, SIGCHLD ignored) or tell its parent. */
function notifyParent(k: Kernel, t: Task): void {
  const autoReap = t.exitSignal === -1 || !t.parent || t.parent.state === 'zombie' || t.parent.state === 'dead' || ignoresChildren(t.parent);
  if (autoReap) release(k, t);
  else {
    t.parent!.childWait.wake();
    if (t.exitSignal > 0) {
      // do_notify_parent(): the siginfo says how the child ended (CLD_EXITED with the exit code,
      // CLD_KILLED/CLD_DUMPED with the signal).
      const st = t.exitStatus ?? 0;
      const sig = st & 0x7f;
      const code = sig === 0 ? CLD_EXITED : (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
      sendSigInfo(k, t.parent!, { signo: t.exitSignal, errno: 0, code, pid: t.tgid, uid: t.creds.uid, status: sig === 0 ? (st >> 8) & 0xff : sig, utime: 0, stime: 0 }, true);
    }
  }
}

/** wait() may reap a zombie, but not a group leader whose threads still run, nor one its tracer has not reaped. */
function reapable(c: Task): boolean {
  return c.state === 'zombie' && c.group.size === 0 && !peekState(c)?.parentNotifyDeferred;
}

function ignoresChildren(p: Task): boolean {
  const act = p.sigactions.get(SIGCHLD);
  return !!act && (act.handler === 1 /* SIG_IGN */ || (act.flags & 0x2) !== 0 /* SA_NOCLDWAIT */);
}

/** Forget a reaped task: its pid, its kernel stack. */
function release(k: Kernel, t: Task): void {
  t.state = 'dead';
  k.tasks.delete(t.pid);
  t.parent?.children.delete(t);
  k.retireStack(t.kstackTop);
}

// PTRACE_EVENT_EXIT: a tracer that asked sees the task stop before it exits, the status as the message.
defineSyscall('sys_exit', (k, t, code) => ptraceEvent(k, t, PTRACE_EVENT_EXIT, (code & 0xff) << 8, () => { doExit(k, t, (code & 0xff) << 8); return 0; }));
defineSyscall('sys_exit_group', (k, t, code) => ptraceEvent(k, t, PTRACE_EVENT_EXIT, (code & 0xff) << 8, () => { exitGroup(k, t, (code & 0xff) << 8); return 0; }));

/** Every thread of the group exits with the same status. */
export function exitGroup(k: Kernel, t: Task, status: number): void {
  // A leader that already left (pthread_exit) reports the group's exit code (signal->group_exit_code).
  const leader = k.tasks.get(t.tgid);
  if (leader && leader !== t && leader.state === 'zombie') leader.exitStatus = status;
  for (const other of [...t.group]) if (other !== t) doExit(k, other, status);
  doExit(k, t, status);
}

function matches(t: Task, c: Task, pid: number, options: number): boolean {
  if (pid > 0 && c.tgid !== pid) return false;
  if (pid === 0 && c.pgid !== t.pgid) return false;
  if (pid < -1 && c.pgid !== -pid) return false;
  // __WCLONE selects children whose exit signal is not SIGCHLD; __WALL takes both.
  if (!(options & __WALL) && ((options & __WCLONE) !== 0) !== (c.exitSignal !== SIGCHLD)) return false;
  return true;
}

/** Children of the whole thread group (wait() sees the group's children, not one thread's). */
function childrenOf(t: Task): Task[] {
  const out: Task[] = [];
  for (const m of t.group.size ? t.group : new Set([t])) for (const c of m.children) out.push(c);
  return out;
}

/** Tasks traced by any thread of t's group (each thread's ptraced list, as do_wait walks them). */
function tracedBy(k: Kernel, t: Task): Task[] {
  const out: Task[] = [];
  for (const m of t.group.size ? t.group : new Set([t])) out.push(...traceesOf(k, m));
  return out;
}

function tracedByUs(t: Task, c: Task): boolean {
  return c.tracer !== null && c.tracer.tgid === t.tgid;
}

/** eligible_pid() for a tracee: a pid names the thread itself. Tracees are waited for whatever __WCLONE/__WALL say. */
function tracedMatches(t: Task, c: Task, pid: number): boolean {
  if (pid > 0) return c.pid === pid;
  if (pid === 0) return c.pgid === t.pgid;
  if (pid < -1) return c.pgid === -pid;
  return true;
}

/**
 * wait_consider_task(ptrace = 1): a tracee's exit, or its ptrace stop not yet reported (any
 * stop: WUNTRACED is implied). Returns the wait status and what reporting it does, or null.
 */
function tracedEvent(k: Kernel, c: Task, consume: boolean): { status: number; exited: boolean } | null {
  if (c.state === 'zombie') {
    if (c.isLeader && c.group.size > 0) return null;
    const status = c.exitStatus!;
    if (consume) {
      const st = peekState(c);
      if (st?.parentNotifyDeferred) {
        // Reaped by a tracer that is not its parent: detached, and the parent hears now.
        st.parentNotifyDeferred = false;
        c.tracer = null;
        ptraceReleased(k, c);
      } else release(k, c);
    }
    return { status, exited: true };
  }
  const st = peekState(c);
  if (!c.ptraceStopped || !st || st.exitCode === 0) return null;
  const code = st.exitCode;
  if (consume) st.exitCode = 0;
  return { status: (code << 8) | 0x7f, exited: false };
}

defineSyscall('sys_wait4', (k, t, pid, statusAddr, options, rusage) => {
  pid = pid | 0;
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  const attempt = (): number => {
    const traced = tracedBy(k, t).filter((c) => tracedMatches(t, c, pid));
    const kids = childrenOf(t).filter((c) => matches(t, c, pid, options) && !tracedByUs(t, c));
    if (kids.length === 0 && traced.length === 0) return -ECHILD;
    for (const c of traced) {
      const ev = tracedEvent(k, c, false);
      if (!ev) continue;
      if (statusAddr && !t.um.writeU32(statusAddr, ev.status)) return -EFAULT;
      if (ev.exited && rusage && !t.um.write(rusage, new Uint8Array(144))) return -EFAULT;
      tracedEvent(k, c, true);
      return c.pid;
    }
    const z = kids.find(reapable);
    // Job control: a stop (WUNTRACED) or a continue (WCONTINUED) not yet reported.
    const jc = z ? undefined : kids.find((c) => ((options & WUNTRACED) && c.state === 'stopped' && !c.stopReported) || ((options & WCONTINUED) && !c.contReported));
    if (jc) {
      const stopped = (options & WUNTRACED) !== 0 && jc.state === 'stopped' && !jc.stopReported;
      if (statusAddr && !t.um.writeU32(statusAddr, stopped ? ((jc.stopSig << 8) | 0x7f) : 0xffff)) return -EFAULT;
      if (stopped) jc.stopReported = true; else jc.contReported = true;
      return jc.tgid;
    }
    if (z) {
      if (statusAddr && !t.um.writeU32(statusAddr, z.exitStatus!)) return -EFAULT;
      if (rusage && !t.um.write(rusage, new Uint8Array(144))) return -EFAULT;
      release(k, z);
      return z.tgid;
    }
    if (options & WNOHANG) return 0;
    return k.sleep(t, [t.childWait], attempt);
  };
  return attempt();
});

defineSyscall('sys_waitid', (k, t, idtype, id, infop, options) => {
  if (options & ~(WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return -EINVAL;
  let pid: number;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID) { if ((id | 0) <= 0) return -EINVAL; pid = id | 0; }
  else if (idtype === P_PGID) pid = (id | 0) === 0 ? 0 : -(id | 0);
  else return -EINVAL;
  const attempt = (): number => {
    const traced = tracedBy(k, t).filter((c) => tracedMatches(t, c, pid));
    const kids = childrenOf(t).filter((c) => matches(t, c, pid, options) && !tracedByUs(t, c));
    if (kids.length === 0 && traced.length === 0) return -ECHILD;
    for (const c of traced) {
      const ev = tracedEvent(k, c, false);
      if (!ev || (ev.exited && !(options & WEXITED))) continue;
      if (infop) {
        // A ptrace stop: CLD_TRAPPED with the whole stop code as si_status (wait_task_stopped).
        const b = new Uint8Array(128);
        const dv = new DataView(b.buffer);
        const st = ev.status;
        const killed = ev.exited && (st & 0x7f) !== 0;
        dv.setInt32(0, SIGCHLD, true);
        dv.setInt32(8, !ev.exited ? CLD_TRAPPED : killed ? ((st & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED, true);
        dv.setInt32(16, c.pid, true);
        dv.setUint32(20, c.creds.uid, true);
        dv.setInt32(24, !ev.exited ? st >> 8 : killed ? st & 0x7f : (st >> 8) & 0xff, true);
        if (!t.um.write(infop, b)) return -EFAULT;
      }
      if (!(options & WNOWAIT)) tracedEvent(k, c, true);
      return 0;
    }
    const z = (options & WEXITED) ? kids.find(reapable) : undefined;
    if (z) {
      if (infop) {
        // siginfo_t for SIGCHLD: si_signo, si_errno, si_code, then si_pid, si_uid, si_status.
        const b = new Uint8Array(128);
        const dv = new DataView(b.buffer);
        const st = z.exitStatus!;
        const killed = (st & 0x7f) !== 0;
        dv.setInt32(0, SIGCHLD, true);
        dv.setInt32(8, killed ? ((st & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED, true);
        dv.setInt32(16, z.tgid, true);
        dv.setUint32(20, z.creds.uid, true);
        dv.setInt32(24, killed ? st & 0x7f : (st >> 8) & 0xff, true);
        if (!t.um.write(infop, b)) return -EFAULT;
      }
      if (!(options & WNOWAIT)) release(k, z);
      return 0;
    }
    if (options & WNOHANG) {
      if (infop && !t.um.write(infop, new Uint8Array(128))) return -EFAULT;
      return 0;
    }
    return k.sleep(t, [t.childWait], attempt);
  };
  return attempt();
});

export { CLD_EXITED };
