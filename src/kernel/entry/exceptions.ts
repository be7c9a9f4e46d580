// The TypeScript halves of the exception and interrupt entries (Linux's exc_* handlers and
// common_interrupt, with irqentry_enter/exit folded in). Called from the idtentry stubs with
// rdi = &pt_regs, rsi = error code, rdx = vector.
//
// From user mode: a page fault inside a mapping is demand paging (map and retry); anything else
// becomes a synchronous signal with the siginfo Linux gives it (arch/x86/kernel/traps.c,
// arch/x86/mm/fault.c), forced so that it cannot be blocked or ignored, and taken on the way
// back to user mode. From kernel mode: a bug, reported as a kernel panic with the faulting
// address named — never an emulator crash.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { RDI, RSI, RDX, PFEC_W, PFEC_I, PFEC_P, IF } from '../../cpu/regs.js';
import { TIF_NEED_RESCHED } from './thread-info.js';
import { exitToUserMode } from './common.js';
import { forceSig } from '../signal/send.js';
import { itimerTick } from '../signal/timers.js';
import {
  SI_KERNEL, SEGV_MAPERR, SEGV_ACCERR, ILL_ILLOPN, FPE_INTDIV, FPE_FLTDIV, FPE_FLTOVF, FPE_FLTUND, FPE_FLTRES,
  FPE_FLTINV, TRAP_TRACE, BUS_ADRALN, BUS_ADRERR, type SigInfo,
} from '../signal/siginfo.js';
import { LOCAL_TIMER_VECTOR } from '../sched/scheduler.js';
import { INJECT_VECTOR } from '../debug/inject.js';
import { isVsyscallAddr, emulateVsyscall } from '../vdso/vsyscall.js';
import { krseqFixup, countPerCpuEvent } from './krseq.js';
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
    countPerCpuEvent(k);
    // An NMI can land inside a kernel restartable sequence like any interrupt (entry/krseq.ts).
    if ((regs.lo('cs') & 3) === 0) krseqFixup(k, regs, 'nmi');
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
    // A call into the vsyscall page (do_user_addr_fault checks it before any VMA lookup).
    if (isVsyscallAddr(addr) && emulateVsyscall(k, t, errorCode, addr)) {
      exitToUserMode(k, t, () => {});
      return;
    }
    if ((errorCode & PFEC_P) === 0 && t.mm.handleFault(addr, write, exec)) {
      exitToUserMode(k, t, () => {});
      return;
    }
  }
  // A file mapping's page past the end of the file: SIGBUS, not SIGSEGV (do_sigbus).
  const vma = vector === 14 && (errorCode & PFEC_P) === 0 ? t.mm.find(cpu.cr2) : null;
  const pastEof = vma !== null && t.mm.beyondFile(vma, cpu.cr2);
  const sig = pastEof ? SIGBUS : SIGNAL_FOR_VECTOR[vector] ?? SIGSEGV;
  // thread.trap_nr / error_code / cr2: the signal frame's sigcontext reports them.
  t.trapNr = vector;
  t.errorCode = errorCode >= 0 && (vector >= 10 && vector <= 14 || vector === 17 || vector === 8) ? errorCode : 0;
  if (vector === 14) t.faultAddr = cpu.cr2;
  if (k.opts.traceEntries) {
    k.opts.log(`--- ${signalName(sig)} (${k.describeVector(vector)} at 0x${BigInt.asUintN(64, BigInt(ip)).toString(16)}${vector === 14 ? `, addr 0x${BigInt.asUintN(64, BigInt(cpu.cr2)).toString(16)}` : ''}) ---`);
  }
  forceSig(k, t, pastEof ? { signo: SIGBUS, errno: 0, code: BUS_ADRERR, addr: cpu.cr2 } : faultInfo(k, t, vector, sig, ip, errorCode));
  exitToUserMode(k, t, () => {});
}

/** The siginfo Linux's trap handlers give each exception taken in user mode. */
function faultInfo(k: Kernel, t: Task, vector: number, sig: number, ip: number, errorCode: number): SigInfo {
  const info = (code: number, addr?: number): SigInfo => ({ signo: sig, errno: 0, code, addr, pid: 0, uid: 0 });
  switch (vector) {
    case 0: return info(FPE_INTDIV, ip);            // do_error_trap(..., FPE_INTDIV, error_get_trap_addr)
    case 1: return info(TRAP_TRACE, ip);            // exc_debug_user: DR6.BS → TRAP_TRACE, si_addr = ip
    case 6: return info(ILL_ILLOPN, ip);            // exc_invalid_op
    case 14: {
      // Inside a mapping the access was refused by its protection (access_error: SEGV_ACCERR);
      // outside every mapping it is SEGV_MAPERR (bad_area_nosemaphore).
      const addr = k.cpu.cr2;
      return info(t.mm.find(addr) ? SEGV_ACCERR : SEGV_MAPERR, addr);
    }
    case 16: return info(x87Code(k.cpu.fpSw, k.cpu.fpCw), ip);
    case 19: return info(simdCode(k.cpu.mxcsr), ip);
    case 17: return info(BUS_ADRALN, 0);
    default: return info(SI_KERNEL);                // force_sig(): #GP, #NP, #SS, #BR, #OF, INT3 (SIGTRAP)
  }
}

/** fpu__exception_code(): the first unmasked x87 exception, in Linux's order. */
function x87Code(sw: number, cw: number): number {
  const err = sw & ~cw & 0x3f;
  if (err & 0x01) return FPE_FLTINV;
  if (err & 0x04) return FPE_FLTDIV;
  if (err & 0x08) return FPE_FLTOVF;
  if (err & 0x12) return FPE_FLTUND;
  if (err & 0x20) return FPE_FLTRES;
  return 0;
}
function simdCode(mxcsr: number): number {
  return x87Code(mxcsr & 0x3f, (mxcsr >> 7) & 0x3f);
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
  if (vector === LOCAL_TIMER_VECTOR) {
    k.sched.tick();
    if (!t.kernelThread) itimerTick(k, t, fromUser, k.sched.tickCycles * 1e9 / k.opts.cpuHz);
  }
  else if (vector === INJECT_VECTOR) k.injectedIrqs++;
  countPerCpuEvent(k);
  if (fromUser) { exitToUserMode(k, t, () => {}); return; }
  // Restart an interrupted kernel restartable sequence before the preemption point below: the
  // task may be switched out here, and another could then update the same per-CPU state.
  krseqFixup(k, regs, 'irq');
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
