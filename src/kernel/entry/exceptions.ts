// The TypeScript halves of the exception and interrupt entries (Linux's exc_* handlers and
// common_interrupt, with irqentry_enter/exit folded in). Called from the idtentry stubs with
// rdi = &pt_regs, rsi = error code, rdx = vector.
//
// From user mode: a page fault inside a mapping is demand paging (map and retry); anything else
// is a signal to the task. Until signal delivery exists the default action applies: the task is
// killed by the signal (status 128+sig, as a shell reports it). From kernel mode: a bug, reported
// as a kernel panic with the faulting address named — never an emulator crash.

import type { Kernel } from '../kernel.js';
import { RDI, RSI, RDX, PFEC_W, PFEC_I, PFEC_P, IF } from '../../cpu/regs.js';
import { TIF_NEED_RESCHED } from './thread-info.js';
import { exitToUserMode } from './common.js';
import { exitGroup } from '../process/exit.js';
import { LOCAL_TIMER_VECTOR } from '../sched/scheduler.js';
import { INJECT_VECTOR } from '../debug/inject.js';
import { SIGSEGV, SIGFPE, SIGILL, SIGTRAP, SIGBUS, signalName } from '../signal/signals.js';

const SIGNAL_FOR_VECTOR: Record<number, number> = {
  0: SIGFPE, 1: SIGTRAP, 3: SIGTRAP, 4: SIGSEGV, 5: SIGSEGV, 6: SIGILL, 7: SIGSEGV,
  10: SIGSEGV, 11: SIGBUS, 12: SIGBUS, 13: SIGSEGV, 14: SIGSEGV, 16: SIGFPE, 17: SIGBUS, 19: SIGFPE,
};

export function excHandler(k: Kernel, name: string): void {
  const cpu = k.cpu;
  const regsAddr = cpu.getRegNum(RDI);
  const errorCode = cpu.lo[RSI];
  const vector = cpu.lo[RDX];
  const regs = k.regs;
  regs.base = regsAddr;
  if (vector === 2) {
    // NMI (paranoid entry, NMI stack): counted; nothing to do, and no exit work on its way out.
    k.nmis++;
    return;
  }
  let fromUser = (regs.lo('cs') & 3) === 3;
  let ip = regs.num('rip');
  if (!fromUser && ip === k.ks.symbol('native_irq_return_iret')) {
    // The exit path's IRETQ faulted on the user frame it was restoring (a bad RIP, CS or SS):
    // the fault belongs to the user task, as Linux's fixup_bad_iret arranges (error_entry has
    // already swapped GS back). The user frame is the one IRETQ was popping: at the faulting
    // frame's RSP.
    fromUser = true;
    ip = k.regs.num('rsp');
  }
  if (!fromUser) {
    const sp = regs.num('rsp');
    const userStack = sp >= 0 ? ' (rsp is a user address: the kernel is running on a user-controlled stack)' : '';
    k.panic(`kernel fault: ${k.describeVector(vector)}${errorCode >= 0 && vector >= 10 ? `(0x${errorCode.toString(16)})` : ''} in ${name} at ${k.symbolize(ip)}, rsp=0x${BigInt.asUintN(64, BigInt(sp)).toString(16)}${userStack}`);
  }
  const t = k.current!;
  k.contextTracking.userExit(t);
  if (vector === 14) {
    const addr = cpu.cr2;
    const write = (errorCode & PFEC_W) !== 0;
    const exec = (errorCode & PFEC_I) !== 0;
    if ((errorCode & PFEC_P) === 0 && t.mm.handleFault(addr, write, exec)) {
      exitToUserMode(k, t, () => {});
      return;
    }
  }
  const sig = SIGNAL_FOR_VECTOR[vector] ?? SIGSEGV;
  if (k.opts.traceSyscalls || k.opts.traceEntries) {
    k.opts.log(`--- ${signalName(sig)} (${k.describeVector(vector)} at 0x${BigInt.asUintN(64, BigInt(ip)).toString(16)}${vector === 14 ? `, addr 0x${BigInt.asUintN(64, BigInt(cpu.cr2)).toString(16)}` : ''}) ---`);
    k.opts.log(`+++ killed by ${signalName(sig)} +++`);
  }
  exitGroup(k, t, sig);
}

/**
 * A device interrupt (rsi = vector): the local timer ticks the scheduler. Returning to user
 * mode runs the exit work, where a time slice that ran out becomes a context switch.
 */
export function commonInterrupt(k: Kernel): void {
  const cpu = k.cpu;
  const vector = cpu.lo[RSI];
  const regs = k.regs;
  regs.base = cpu.getRegNum(RDI);
  const fromUser = (regs.lo('cs') & 3) === 3;
  const t = k.current!;
  if (fromUser) k.contextTracking.userExit(t);
  if (vector === LOCAL_TIMER_VECTOR) k.sched.tick();
  else if (vector === INJECT_VECTOR) k.injectedIrqs++;
  if (fromUser) { exitToUserMode(k, t, () => {}); return; }
  // irqentry_exit() to kernel mode: preempt when nothing forbids it — preempt_count zero and
  // the interrupted code had interrupts enabled (preempt_schedule_irq). The interrupted frame
  // stays on this task's stack and is returned to by IRET when the task runs again.
  if ((regs.lo('eflags') & IF) !== 0 && k.preemptCount() === 0 && (k.tif(t) & (1 << TIF_NEED_RESCHED)) !== 0) {
    k.clearTif(t, TIF_NEED_RESCHED);
    k.kernelPreemptions++;
    k.sched.yieldCurrent(() => {});
  }
}

/** A kernel thread finished its work (rdi unused): it is gone; another task runs. */
export function kthreadExit(k: Kernel): void {
  const t = k.current!;
  t.state = 'dead';
  k.sched.remove(t);
  k.tasks.delete(t.pid);
  k.retireStack(t.kstackTop);
  k.sched.pending = true;
}

/**
 * A new task's first steps (ret_from_fork's TypeScript half): schedule_tail and the exit work
 * of the fork that created it. rdi = pt_regs.
 */
export function retFromForkWork(k: Kernel): void {
  const t = k.current!;
  exitToUserMode(k, t, () => {});
}
