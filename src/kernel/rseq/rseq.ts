// User-space restartable sequences: the rseq(2) system call and the fix-up on the way back to
// user mode (Linux's kernel/rseq.c before the 6.19 rewrite, whose ABI the rewrite kept;
// linux-entry-facts.md §9).
//
// A thread registers a struct rseq (32-byte aligned): the kernel keeps cpu_id_start, cpu_id,
// node_id and mm_cid in it current, and when the thread was preempted, or gets a signal, while
// its IP lies inside the critical section that rseq->rseq_cs describes, the kernel moves the IP
// to the section's abort handler before the thread runs again - after checking that the four
// bytes before abort_ip hold the signature given at registration, so that rseq cannot be used
// to jump to arbitrary code. Anything wrong with the descriptor is a SIGSEGV.
//
// When: events (preemption at a context switch, signal delivery, migration) set a bit in the
// task's event mask and TIF_NOTIFY_RESUME; the exit-to-user loop's notify-resume work
// (Kernel.resumeUserModeWork) then runs rseqHandleNotifyResume on the task's user pt_regs.
// Signal delivery runs it itself, before the frame is built, so that the frame saves abort_ip.
//
// One CPU: cpu_id is 0, node_id 0, and mm_cid 0 for every thread - Linux's concurrency ids are
// compact per mm and bounded by the CPUs the mm can use at once, which is one here. Migration
// therefore never happens (there is no other CPU to move to); RSEQ_EVENT_MIGRATE exists only
// so that the event mask reads as Linux's.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { defineSyscall } from '../syscalls/registry.js';
import { EINVAL, EPERM, EBUSY, EFAULT } from '../errno.js';
import { TIF_NOTIFY_RESUME } from '../entry/thread-info.js';
import { PtRegs, PT_REGS_SIZE } from '../entry/ptregs.js';
import { TASK_SIZE_MAX } from '../arch/layout.js';
import { forceSig } from '../signal/send.js';
import { SIGSEGV } from '../signal/signals.js';
import { SI_KERNEL } from '../signal/siginfo.js';

/** sizeof(struct rseq) as first released (4.18): the registration length glibc 2.35-2.39 uses. */
export const ORIG_RSEQ_SIZE = 32;
/** offsetof(struct rseq, end): the fields this kernel writes (AT_RSEQ_FEATURE_SIZE). */
export const RSEQ_FEATURE_SIZE = 28;
/** __alignof__(struct rseq) (AT_RSEQ_ALIGN). */
export const RSEQ_ALIGN = 32;
export const RSEQ_FLAG_UNREGISTER = 1;
export const RSEQ_CPU_ID_UNINITIALIZED = -1;

/** struct rseq field offsets (include/uapi/linux/rseq.h). */
const RSEQ_CPU_ID_START = 0, RSEQ_CPU_ID = 4, RSEQ_CS = 8, RSEQ_FLAGS = 16, RSEQ_NODE_ID = 20, RSEQ_MM_CID = 24;
/** struct rseq_cs: version u32, flags u32, start_ip u64, post_commit_offset u64, abort_ip u64. */
const RSEQ_CS_SIZE = 32;

/** enum rseq_event_mask_bits. */
export const RSEQ_EVENT_PREEMPT = 1, RSEQ_EVENT_SIGNAL = 2, RSEQ_EVENT_MIGRATE = 4;

const TWO32 = 4294967296;

/** A thread's registration (task_struct's rseq, rseq_len, rseq_sig, rseq_event_mask). */
export interface RseqRegistration {
  addr: number;
  len: number;
  sig: number;
  events: number;
}

/** Kept beside the Task rather than in it: only this file reads or writes it. */
const registrations = new WeakMap<Task, RseqRegistration>();

/** Counters for tests and benches (per kernel). */
export class RseqCounters {
  registrations = 0;
  aborts = 0;
  cpuIdUpdates = 0;
  /** rseq_cs found set outside its section and cleared (the lazy clear). */
  lazyClears = 0;
  segv = 0;
}
const counters = new WeakMap<Kernel, RseqCounters>();

export function rseqCounters(k: Kernel): RseqCounters {
  let c = counters.get(k);
  if (!c) { c = new RseqCounters(); counters.set(k, c); }
  return c;
}

export function rseqRegistration(t: Task): RseqRegistration | null {
  return registrations.get(t) ?? null;
}

/** Connect rseq to the scheduler and to signal delivery (called once by the Kernel). */
export function rseqInit(k: Kernel): void {
  k.signalDeliverHooks.push((t) => rseqSignalDeliver(k, t));
  k.sched.switchOutHooks.push((t) => rseqPreempt(k, t));
}

function setNotifyResume(k: Kernel, t: Task): void {
  k.setTif(t, TIF_NOTIFY_RESUME);
}

/** rseq_preempt(): the task is leaving the CPU (a context switch, or the CPU going idle). */
export function rseqPreempt(k: Kernel, t: Task): void {
  const r = registrations.get(t);
  // An exiting task never returns to user mode, and its kernel stack (thread_info) may already
  // be another task's.
  if (!r || t.state === 'zombie' || t.state === 'dead') return;
  r.events |= RSEQ_EVENT_PREEMPT;
  setNotifyResume(k, t);
}

/** rseq_migrate(): never called with one CPU; here for the shape of the event mask. */
export function rseqMigrate(k: Kernel, t: Task): void {
  const r = registrations.get(t);
  if (!r) return;
  r.events |= RSEQ_EVENT_MIGRATE;
  setNotifyResume(k, t);
}

/** rseq_signal_deliver(): a handler is about to run; k.regs is the task's user pt_regs. */
function rseqSignalDeliver(k: Kernel, t: Task): void {
  const r = registrations.get(t);
  if (!r) return;
  r.events |= RSEQ_EVENT_SIGNAL;
  handleNotifyResume(k, t, r, k.regs);
}

let scratchRegs: PtRegs | null = null;

/**
 * __rseq_handle_notify_resume() from the exit-to-user loop: the IP fix-up on the task's user
 * pt_regs, then the CPU ids. `_sig` is the signal being delivered (0 here) for force_sigsegv.
 */
export function rseqHandleNotifyResume(k: Kernel, t: Task, _sig: number): void {
  const r = registrations.get(t);
  if (!r || t.kernelThread) return;
  if (!scratchRegs || scratchRegs.cpu !== k.cpu) scratchRegs = new PtRegs(k.cpu, 0);
  scratchRegs.base = t.kstackTop - PT_REGS_SIZE; // task_pt_regs(t)
  handleNotifyResume(k, t, r, scratchRegs);
}

function handleNotifyResume(k: Kernel, t: Task, r: RseqRegistration, regs: PtRegs): void {
  if (t.state === 'zombie' || t.state === 'dead') return; // PF_EXITING
  const err = ipFixup(k, t, r, regs);
  if (err === 0 && updateCpuNodeId(k, t, r)) return;
  // Any error - a fault on the user structures or a bad descriptor - is force_sigsegv().
  rseqCounters(k).segv++;
  if (k.opts.traceSyscalls || k.opts.traceEntries) k.opts.log(`--- rseq: bad rseq_cs or signature (pid ${t.pid}): SIGSEGV ---`);
  forceSig(k, t, { signo: SIGSEGV, errno: 0, code: SI_KERNEL, pid: 0, uid: 0 });
}

/** A u64 of user memory as a number: exact below 2^53, and anything larger is >= TASK_SIZE anyway. */
function readU64Num(t: Task, addr: number): number | null {
  const lo = t.um.readU32(addr);
  const hi = lo === null ? null : t.um.readU32(addr + 4);
  return hi === null || lo === null ? null : hi * TWO32 + lo;
}

/** rseq_ip_fixup(): 0, or a negative errno (which becomes SIGSEGV). */
function ipFixup(k: Kernel, t: Task, r: RseqRegistration, regs: PtRegs): number {
  const ip = regs.num('rip');
  // rseq_get_rseq_cs(): read and validate the descriptor the thread points at.
  const ptr = readU64Num(t, r.addr + RSEQ_CS);
  if (ptr === null) return -EFAULT;
  if (ptr === 0) return 0; // no critical section; clearing a zero is a no-op
  if (ptr >= TASK_SIZE_MAX) return -EINVAL;
  const cs = t.um.read(ptr, RSEQ_CS_SIZE);
  if (!cs) return -EFAULT;
  const dv = new DataView(cs.buffer, cs.byteOffset, RSEQ_CS_SIZE);
  const version = dv.getUint32(0, true), csFlags = dv.getUint32(4, true);
  const u64 = (o: number) => dv.getUint32(o + 4, true) * TWO32 + dv.getUint32(o, true);
  const start = u64(8), postCommit = u64(16), abort = u64(24);
  if (start >= TASK_SIZE_MAX || start + postCommit >= TASK_SIZE_MAX || abort >= TASK_SIZE_MAX || version > 0) return -EINVAL;
  // abort_ip must lie outside [start_ip, start_ip + post_commit_offset) (unsigned compare).
  if (abort >= start && abort - start < postCommit) return -EINVAL;
  // The signature: the 4 bytes just before abort_ip ("Possible attack attempt" otherwise).
  const sig = t.um.readU32(abort - 4);
  if (sig === null) return -EFAULT;
  if (sig !== r.sig) {
    if (k.opts.traceEntries) k.opts.log(`[entry]   rseq: unexpected signature 0x${sig.toString(16)}, expecting 0x${r.sig.toString(16)} (pid ${t.pid}, abort_ip 0x${abort.toString(16)})`);
    return -EINVAL;
  }
  // in_rseq_cs(): not inside - the descriptor is stale; clear it (the lazy clear).
  if (!(ip >= start && ip - start < postCommit)) {
    rseqCounters(k).lazyClears++;
    return t.um.writeU64(r.addr + RSEQ_CS, 0n) ? 0 : -EFAULT;
  }
  // rseq_need_restart(): the NO_RESTART flags are deprecated; any flag is an error now.
  if (csFlags !== 0) return -EINVAL;
  const threadFlags = t.um.readU32(r.addr + RSEQ_FLAGS);
  if (threadFlags === null) return -EFAULT;
  if (threadFlags !== 0) return -EINVAL;
  const events = r.events;
  r.events = 0;
  if (events === 0) return 0;
  if (!t.um.writeU64(r.addr + RSEQ_CS, 0n)) return -EFAULT;
  regs.setNum('rip', abort);
  rseqCounters(k).aborts++;
  const why = [events & RSEQ_EVENT_PREEMPT ? 'preempt' : '', events & RSEQ_EVENT_SIGNAL ? 'signal' : '', events & RSEQ_EVENT_MIGRATE ? 'migrate' : '']
    .filter(Boolean).join('+');
  k.entries.onRestart(`user rseq_cs abort (${why})`, hex(ip), hex(abort));
  return 0;
}

function hex(v: number): string {
  return '0x' + v.toString(16);
}

/** rseq_update_cpu_node_id(): one CPU, one node, one concurrency id. */
function updateCpuNodeId(k: Kernel, t: Task, r: RseqRegistration): boolean {
  const ok = t.um.writeU32(r.addr + RSEQ_CPU_ID_START, 0) && t.um.writeU32(r.addr + RSEQ_CPU_ID, 0) &&
    t.um.writeU32(r.addr + RSEQ_NODE_ID, 0) && t.um.writeU32(r.addr + RSEQ_MM_CID, 0);
  if (ok) rseqCounters(k).cpuIdUpdates++;
  return ok;
}

/** rseq_reset_rseq_cpu_node_id() at unregistration. */
function resetCpuNodeId(t: Task, r: RseqRegistration): boolean {
  return t.um.writeU32(r.addr + RSEQ_CPU_ID_START, 0) && t.um.writeU32(r.addr + RSEQ_CPU_ID, RSEQ_CPU_ID_UNINITIALIZED) &&
    t.um.writeU32(r.addr + RSEQ_NODE_ID, 0) && t.um.writeU32(r.addr + RSEQ_MM_CID, 0);
}

// rseq(struct rseq *rseq, u32 rseq_len, int flags, u32 sig): the checks and their order are
// Linux's, so that the same mistakes get the same errors.
defineSyscall('sys_rseq', (k, t, addr, lenArg, flagsArg, sigArg) => {
  const len = lenArg >>> 0, flags = flagsArg | 0, sig = sigArg >>> 0;
  const cur = registrations.get(t);
  if (flags & RSEQ_FLAG_UNREGISTER) {
    if (flags & ~RSEQ_FLAG_UNREGISTER) return -EINVAL;
    if (!cur || cur.addr !== addr) return -EINVAL;
    if (len !== cur.len) return -EINVAL;
    if (sig !== cur.sig) return -EPERM;
    if (!resetCpuNodeId(t, cur)) return -EFAULT;
    registrations.delete(t);
    return 0;
  }
  if (flags !== 0) return -EINVAL;
  if (cur) {
    // Registered already: the same area is EBUSY, another one EINVAL, another signature EPERM.
    if (cur.addr !== addr || len !== cur.len) return -EINVAL;
    if (sig !== cur.sig) return -EPERM;
    return -EBUSY;
  }
  // The original size needs the original 32-byte alignment; a longer area must cover the
  // feature size and have struct rseq's alignment (AT_RSEQ_FEATURE_SIZE / AT_RSEQ_ALIGN).
  if (len < ORIG_RSEQ_SIZE ||
      (len === ORIG_RSEQ_SIZE && addr % ORIG_RSEQ_SIZE !== 0) ||
      (len !== ORIG_RSEQ_SIZE && (addr % RSEQ_ALIGN !== 0 || len < RSEQ_FEATURE_SIZE))) return -EINVAL;
  // access_ok(): the area lies in the user half.
  if (addr <= 0 || addr + len > TASK_SIZE_MAX) return -EFAULT;
  const cs = readU64Num(t, addr + RSEQ_CS);
  if (cs === null) return -EFAULT;
  // A leftover rseq_cs (from before an exec, say) is cleared (linux-entry-facts.md §9).
  if (cs !== 0 && !t.um.writeU64(addr + RSEQ_CS, 0n)) return -EFAULT;
  registrations.set(t, { addr, len, sig, events: 0 });
  rseqCounters(k).registrations++;
  // The CPU ids are written before the thread returns to user mode.
  setNotifyResume(k, t);
  return 0;
});

/**
 * rseq_fork(): a thread (CLONE_VM) starts unregistered - its area would be the parent's; a
 * process copy keeps the registration, whose area exists at the same address in its copy.
 */
export function rseqFork(k: Kernel, parent: Task, child: Task, cloneVm: boolean): void {
  const r = registrations.get(parent);
  if (!r || cloneVm) return;
  registrations.set(child, { ...r });
  setNotifyResume(k, child);
}

/** rseq_execve(): the old image's area is gone. */
export function rseqExecve(t: Task): void {
  registrations.delete(t);
}

// getcpu(2): one CPU on one node. glibc falls back to it for sched_getcpu() when rseq is not
// registered (GLIBC_TUNABLES=glibc.pthread.rseq=0) and there is no vDSO getcpu.
defineSyscall('sys_getcpu', (_k, t, cpup, nodep) => {
  if (cpup && !t.um.writeU32(cpup, 0)) return -EFAULT;
  if (nodep && !t.um.writeU32(nodep, 0)) return -EFAULT;
  return 0;
});
