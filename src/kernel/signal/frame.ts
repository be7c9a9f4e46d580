// The 64-bit signal frame (arch/x86/kernel/signal.c, signal_64.c; arch/x86/include/asm/sigframe.h,
// uapi/asm/sigcontext.h, uapi/asm-generic/ucontext.h) and rt_sigreturn, which undoes it.
//
// On the user stack at the handler's first instruction (rsp ≡ 8 mod 16, as after a CALL):
//
//   rsp → 0   pretcode      sa_restorer: the handler's `ret` goes there (it calls rt_sigreturn)
//         8   uc_flags      UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS (64-bit code interrupted)
//        16   uc_link       0
//        24   uc_stack      the sigaltstack settings at delivery (ss_sp, ss_flags, ss_size)
//        48   uc_mcontext   struct sigcontext: r8-r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip,
//                           eflags, cs/gs/fs/ss (u16 each; gs and fs written as 0), err, trapno,
//                           oldmask, cr2, fpstate (pointer), reserved[8]
//       304   uc_sigmask    the blocked mask to restore
//       312   info          siginfo_t (written only for SA_SIGINFO)
//       440   end; then padding up to the FP state, 64-byte aligned, above the frame: the FXSAVE
//             image with Linux's software bytes (FP_XSTATE_MAGIC1 …) at 464.
//
// This CPU has FXSR but not XSAVE (src/cpu/cpuid.ts), so the frame is what Linux builds on such a
// CPU: the 512-byte FXSAVE layout, no UC_FP_XSTATE, no FP_XSTATE_MAGIC2 after the state.

import type { Kernel } from '../kernel.js';
import type { Task, SigAction } from '../process/task.js';
import { SS_ONSTACK, SS_DISABLE, SS_AUTODISARM } from '../process/task.js';
import type { PtRegs, PtRegName } from '../entry/ptregs.js';
import { encodeSigInfo, type SigInfo } from './siginfo.js';
import { SA_ONSTACK, SA_RESTORER, SA_SIGINFO, UNBLOCKABLE } from './send.js';
import { EPERM, EINVAL, ENOMEM } from '../errno.js';
import { __USER_CS, __USER_DS } from '../arch/layout.js';
import { fpuSave, fpuRestore, fpuInitAll } from '../../cpu/exec/fxsave.js';
import { MXCSR_MASK } from '../../cpu/exec/sse-state.js';
import { CF, PF, AF, ZF, SF, TF, DF, OF, RF, AC } from '../../cpu/regs.js';

export const UC_FP_XSTATE = 1, UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
export const RT_SIGFRAME_SIZE = 440;
const UC = 8, UC_STACK = 24, MCONTEXT = 48, UC_SIGMASK = 304, INFO = 312;
const FPSTATE_SIZE = 512;
const FP_XSTATE_MAGIC1 = 0x46505853, FP_XSTATE_MAGIC2_SIZE = 4;
/** The flags a signal handler may change through sigreturn (FIX_EFLAGS). */
const FIX_EFLAGS = AC | OF | DF | TF | SF | ZF | AF | PF | CF | RF;
/** Red zone below the interrupted rsp that the frame must not touch (x86-64 ABI). */
const RED_ZONE = 128;
const TWO32 = 4294967296;

/** sigcontext's register slots in order, with their pt_regs names. */
const SC_REGS: PtRegName[] = ['r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rdi', 'rsi', 'rbp', 'rbx', 'rdx', 'rax', 'rcx', 'rsp', 'rip', 'eflags'];

/** on_sig_stack(): is sp on the task's alternate stack (which grows down from sp + size)? */
export function onSigStack(t: Task, sp: number): boolean {
  if (t.altstack.flags & SS_AUTODISARM) return false;
  return sp > t.altstack.sp && sp - t.altstack.sp <= t.altstack.size;
}

/** sas_ss_flags(): SS_DISABLE with no stack, SS_ONSTACK while on it, else 0. */
export function sasSsFlags(t: Task, sp: number): number {
  if (!t.altstack.size) return SS_DISABLE;
  return onSigStack(t, sp) ? SS_ONSTACK : 0;
}

/** Rounding down by a power of two, on the full 64-bit address held in a number. */
function roundDown(v: number, a: number): number {
  return v - (((v % a) + a) % a);
}

/**
 * x64_setup_rt_frame(): build the frame and point the registers at the handler. Returns false
 * when the frame cannot be written (no SA_RESTORER, a bad stack, altstack overflow): the caller
 * then forces SIGSEGV, as Linux's signal_setup_done does.
 */
export function setupRtFrame(k: Kernel, t: Task, regs: PtRegs, info: SigInfo, act: SigAction, oldmask: bigint): boolean {
  // 64-bit frames need a restorer: there is no vDSO fallback for them.
  if (!(act.flags & SA_RESTORER)) return false;
  const userSp = regs.num('rsp');
  // get_sigframe()
  let sp = userSp - RED_ZONE;
  const nested = onSigStack(t, userSp);
  let entering = false;
  if ((act.flags & SA_ONSTACK) && sasSsFlags(t, sp) === 0) {
    sp = t.altstack.sp + t.altstack.size;
    entering = true;
  }
  const fpstate = roundDown(sp - FPSTATE_SIZE, 64);
  sp = roundDown(fpstate - RT_SIGFRAME_SIZE, 16) - 8;
  if ((nested || entering) && !(sp > t.altstack.sp && sp - t.altstack.sp <= t.altstack.size)) return false;

  const frame = new Uint8Array(INFO);
  const dv = new DataView(frame.buffer);
  const q = (off: number, v: number): void => { dv.setInt32(off, v | 0, true); dv.setInt32(off + 4, Math.floor(v / TWO32) | 0, true); };
  q(0, act.restorer);
  const cs = regs.lo('cs') & 0xffff;
  q(UC, UC_SIGCONTEXT_SS | (cs === __USER_CS ? UC_STRICT_RESTORE_SS : 0));
  q(UC + 8, 0);
  // uc_stack: the settings as they are at delivery (raw flags, as __save_altstack stores them).
  q(UC_STACK, t.altstack.sp);
  dv.setInt32(UC_STACK + 8, t.altstack.flags | 0, true);
  q(UC_STACK + 16, t.altstack.size);
  SC_REGS.forEach((r, i) => {
    dv.setInt32(MCONTEXT + 8 * i, regs.lo(r), true);
    dv.setInt32(MCONTEXT + 8 * i + 4, regs.hi(r), true);
  });
  dv.setUint16(MCONTEXT + 144, cs, true);
  dv.setUint16(MCONTEXT + 146, 0, true); // gs
  dv.setUint16(MCONTEXT + 148, 0, true); // fs
  dv.setUint16(MCONTEXT + 150, regs.lo('ss') & 0xffff, true);
  q(MCONTEXT + 152, t.errorCode);
  q(MCONTEXT + 160, t.trapNr);
  dv.setBigUint64(MCONTEXT + 168, BigInt.asUintN(64, oldmask), true);
  q(MCONTEXT + 176, t.faultAddr);
  q(MCONTEXT + 184, fpstate);
  dv.setBigUint64(UC_SIGMASK, BigInt.asUintN(64, oldmask), true);

  const fp = fpuSave(k.cpu);
  const fdv = new DataView(fp.buffer);
  // save_sw_bytes(): the software-reserved bytes of the FXSAVE image describe the state.
  fdv.setUint32(464, FP_XSTATE_MAGIC1, true);
  fdv.setUint32(468, FPSTATE_SIZE + FP_XSTATE_MAGIC2_SIZE, true);
  fdv.setBigUint64(472, 3n, true); // xfeatures: x87 | SSE
  fdv.setUint32(480, FPSTATE_SIZE, true);
  if (!t.um.write(sp, frame)) return false;
  if ((act.flags & SA_SIGINFO) && !t.um.write(sp + INFO, encodeSigInfo(info))) return false;
  if (!t.um.write(fpstate, fp)) return false;

  if (t.altstack.flags & SS_AUTODISARM) t.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
  regs.setNum('rdi', info.signo);
  regs.set('rax', 0, 0);
  regs.setNum('rsi', sp + INFO);
  regs.setNum('rdx', sp + UC);
  regs.setNum('rip', act.handler);
  regs.setNum('rsp', sp);
  // Handlers run in 64-bit mode even if the interrupted code was 32-bit (Linux sets CS so).
  regs.set('cs', __USER_CS, 0);
  if ((regs.lo('ss') & 0xffff) !== __USER_DS) forceValidSs(regs);
  return true;
}

/** force_valid_ss(): keep SS only if it is a usable data segment for CPL 3; else the flat one. */
function forceValidSs(regs: PtRegs): void {
  // The only CPL-3 data segment in this GDT is __USER_DS (Linux's __USER32_DS is the same selector).
  if ((regs.lo('ss') & 0xffff) !== __USER_DS) regs.set('ss', __USER_DS, 0);
}

/**
 * rt_sigreturn(): the restorer has run; rsp points just above the popped pretcode. Restores the
 * registers, mask, alternate stack and FP state from the frame. Returns false for a bad frame
 * (the caller forces SIGSEGV).
 */
export function restoreRtFrame(k: Kernel, t: Task, regs: PtRegs): boolean {
  const frame = regs.num('rsp') - 8;
  const b = t.um.read(frame, INFO);
  if (!b) return false;
  const dv = new DataView(b.buffer);
  const q = (off: number): number => dv.getInt32(off + 4, true) * TWO32 + dv.getUint32(off, true);
  const ucFlags = q(UC);
  t.sigmask = dv.getBigUint64(UC_SIGMASK, true) & ~UNBLOCKABLE;
  // restore_sigcontext(): a pending restart_syscall no longer applies.
  t.restartFn = null;
  const oldFlags = regs.lo('eflags');
  SC_REGS.forEach((r, i) => {
    if (r !== 'eflags') regs.set(r, dv.getInt32(MCONTEXT + 8 * i, true), dv.getInt32(MCONTEXT + 8 * i + 4, true));
  });
  const scFlags = dv.getInt32(MCONTEXT + 136, true);
  regs.set('eflags', (oldFlags & ~FIX_EFLAGS) | (scFlags & FIX_EFLAGS), 0);
  // The RPL is forced to 3: any CPL-3 selector may be asked for; a bad one faults at the IRET.
  regs.set('cs', dv.getUint16(MCONTEXT + 144, true) | 3, 0);
  regs.set('ss', dv.getUint16(MCONTEXT + 150, true) | 3, 0);
  regs.set('orig_rax', -1, -1);
  // Old frames (CRIU, DOSEMU) may carry a stale SS: without UC_STRICT_RESTORE_SS a return to
  // 64-bit code gets a valid one.
  if (!(ucFlags & UC_STRICT_RESTORE_SS) && (regs.lo('cs') & 0xffff) === __USER_CS) forceValidSs(regs);
  const fpPtr = q(MCONTEXT + 184);
  if (fpPtr === 0) fpuInitAll(k.cpu);
  else {
    if (fpPtr % 16 !== 0) return false;
    const fp = t.um.read(fpPtr, FPSTATE_SIZE);
    if (!fp) return false;
    // FXRSTOR of reserved MXCSR bits is #GP: Linux's fault-checked restore fails the sigreturn.
    if ((new DataView(fp.buffer).getUint32(24, true) & ~MXCSR_MASK) !== 0) { fpuInitAll(k.cpu); return false; }
    fpuRestore(k.cpu, fp);
  }
  // restore_altstack(): errors are ignored, as Linux squashes them.
  const ss = { sp: q(UC_STACK), flags: dv.getInt32(UC_STACK + 8, true), size: q(UC_STACK + 16) };
  setAltstack(t, ss, regs.num('rsp'));
  return true;
}

export const MINSIGSTKSZ = 2048;

/** do_sigaltstack(): change the alternate stack; returns 0 or a negative errno. */
export function setAltstack(t: Task, ss: { sp: number; flags: number; size: number }, sp: number): number {
  if (onSigStack(t, sp)) return -EPERM;
  const mode = ss.flags & ~SS_AUTODISARM;
  if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -EINVAL;
  if (mode === SS_DISABLE) t.altstack = { sp: 0, size: 0, flags: ss.flags };
  else {
    if (ss.size < MINSIGSTKSZ) return -ENOMEM;
    t.altstack = { sp: ss.sp, size: ss.size, flags: ss.flags };
  }
  return 0;
}
