// The 32-bit signal frames of a 64-bit kernel (Linux: arch/x86/kernel/signal_32.c with
// CONFIG_IA32_EMULATION, arch/x86/include/asm/sigframe.h, uapi/asm/sigcontext.h) and the
// sigreturn / rt_sigreturn that undo them. A handler installed through a compat call
// (SA_IA32_ABI, compat/syscalls.ts) gets one of these instead of the 64-bit rt_sigframe:
//
//   struct sigframe_ia32 (no SA_SIGINFO), esp at the handler → 0:
//       0 pretcode   4 sig   8 sc (sigcontext_32, 88 bytes)   96 fpstate_unused (624)
//     720 extramask[1]   724 retcode[8]   732 end
//   struct rt_sigframe_ia32 (SA_SIGINFO):
//       0 pretcode   4 sig   8 pinfo   12 puc   16 info (compat_siginfo, 128)
//     144 uc: uc_flags, uc_link, uc_stack (12), uc_mcontext (sigcontext_32) at 164, uc_sigmask at 252
//     260 retcode[8]   268 end
//
//   struct sigcontext_32: gs 0, fs 4, es 8, ds 12, di 16, si 20, bp 24, sp 28, bx 32, dx 36,
//     cx 40, ax 44, trapno 48, err 52, ip 56, cs 60, flags 64, sp_at_signal 68, ss 72,
//     fpstate 76, oldmask 80, cr2 84.
//
// The FP state lies above the frame (fpu__alloc_mathframe): the 512-byte FXSAVE image 64-byte
// aligned, and right below it the 112-byte legacy FSAVE header (struct fregs_state, magic 0 =
// "FXSR data follows"); sc.fpstate points at the header. The frame goes below with
// esp = ((sp + 4) & -16) - 4, so that esp + 4 is 16-byte aligned as after a CALL.

import type { Kernel } from '../kernel.js';
import type { Task, SigAction } from '../process/task.js';
import { SS_DISABLE, SS_AUTODISARM } from '../process/task.js';
import type { PtRegs, PtRegName } from '../entry/ptregs.js';
import type { SigInfo } from '../signal/siginfo.js';
import { SA_ONSTACK, SA_RESTORER, SA_SIGINFO, UNBLOCKABLE } from '../signal/send.js';
import { onSigStack, sasSsFlags, setAltstack } from '../signal/frame.js';
import { encodeSigInfo32 } from './siginfo32.js';
import { loadUserSegment } from './tls.js';
import { __USER32_CS, __USER_DS } from '../arch/layout.js';
import { fpuSave, fpuRestore, fpuInitAll } from '../../cpu/exec/fxsave.js';
import { MXCSR_MASK } from '../../cpu/exec/sse-state.js';
import { CF, PF, AF, ZF, SF, TF, DF, OF, RF, AC, DS, ES, FS, GS } from '../../cpu/regs.js';
import { VDSO32_SYMBOLS } from '../vdso/generated/vdso-image-32.js';

/** SA_IA32_ABI (kernel-internal sigaction flag): installed through a compat call → 32-bit frames. */
export const SA_IA32_ABI = 0x02000000;
export const SIGFRAME_IA32_SIZE = 732, RT_SIGFRAME_IA32_SIZE = 268;
const SC = 8, EXTRAMASK = 720, RETCODE = 724;
const RT_INFO = 16, RT_UC = 144, RT_STACK = RT_UC + 8, RT_MCONTEXT = RT_UC + 20, RT_SIGMASK = RT_UC + 108, RT_RETCODE = 260;
const FXSAVE_SIZE = 512, FSAVE_HEADER = 112;
const FP_XSTATE_MAGIC1 = 0x46505853;
const FIX_EFLAGS = AC | OF | DF | TF | SF | ZF | AF | PF | CF | RF;
const NR_ia32_sigreturn = 119, NR_ia32_rt_sigreturn = 173;

/** sigcontext_32's general registers, with their pt_regs names. */
const SC_REGS: [number, PtRegName][] = [
  [16, 'rdi'], [20, 'rsi'], [24, 'rbp'], [28, 'rsp'], [32, 'rbx'], [36, 'rdx'], [40, 'rcx'], [44, 'rax'],
];
const SC_SEGS: [number, number][] = [[0, GS], [4, FS], [8, ES], [12, DS]];

/** The vDSO base of the current address space (its [vdso] mapping), or 0. */
function vdsoBase(t: Task): number {
  return t.mm.vmas.find((v) => v.name === '[vdso]')?.start ?? 0;
}

/** The FP state for a 32-bit frame: the FSAVE-format header, then the FXSAVE image. */
function fpFrame(k: Kernel): Uint8Array {
  const out = new Uint8Array(FSAVE_HEADER + FXSAVE_SIZE);
  const fx = fpuSave(k.cpu);
  const fdv = new DataView(fx.buffer, fx.byteOffset, fx.byteLength);
  // save_sw_bytes() with the ia32 sizes: the image is preceded by the 112-byte header.
  fdv.setUint32(464, FP_XSTATE_MAGIC1, true);
  fdv.setUint32(468, FXSAVE_SIZE + FSAVE_HEADER, true);
  fdv.setBigUint64(472, 3n, true); // x87 | SSE
  fdv.setUint32(480, FXSAVE_SIZE, true);
  out.set(fx, FSAVE_HEADER);
  // convert_from_fxsr(): the FSAVE environment and registers from the FXSAVE image.
  const h = new DataView(out.buffer);
  const fsw = fdv.getUint16(2, true);
  const ftwAbridged = fdv.getUint8(4);
  let twd = 0;
  // Tag word: valid (0) for each register the abridged tag marks in use, empty (3) otherwise
  // (the 32-bit ABI's FSAVE tag; zero/special classification is not recomputed here).
  for (let phys = 0; phys < 8; phys++) {
    const used = (ftwAbridged >> phys) & 1;
    twd |= (used ? 0 : 3) << (2 * phys);
  }
  h.setUint32(0, 0xffff0000 | fdv.getUint16(0, true), true);           // cwd
  h.setUint32(4, 0xffff0000 | fsw, true);                               // swd
  h.setUint32(8, 0xffff0000 | twd, true);                               // twd
  h.setUint32(12, fdv.getUint32(8, true), true);                        // fip
  h.setUint32(16, (fdv.getUint16(12, true) | (fdv.getUint16(6, true) << 16)) >>> 0, true); // fcs | fop << 16
  h.setUint32(20, fdv.getUint32(16, true), true);                       // foo
  h.setUint32(24, 0xffff0000 | fdv.getUint16(20, true), true);          // fos
  for (let r = 0; r < 8; r++) out.set(fx.subarray(32 + 16 * r, 32 + 16 * r + 10), 28 + 10 * r);
  h.setUint16(108, fsw, true);                                          // status
  h.setUint16(110, 0, true);                                            // magic: X86_FXSR_MAGIC
  return out;
}

/** setup_sigcontext() for ia32: registers, live user selectors, the fault details, the mask. */
function writeSigcontext(k: Kernel, t: Task, regs: PtRegs, dv: DataView, at: number, fpstate: number, mask: bigint): void {
  const cpu = k.cpu;
  for (const [off, seg] of SC_SEGS) dv.setUint32(at + off, cpu.sel[seg], true);
  for (const [off, r] of SC_REGS) dv.setUint32(at + off, regs.lo(r) >>> 0, true);
  dv.setUint32(at + 48, t.trapNr >>> 0, true);
  dv.setUint32(at + 52, t.errorCode >>> 0, true);
  dv.setUint32(at + 56, regs.lo('rip') >>> 0, true);
  dv.setUint32(at + 60, regs.lo('cs') & 0xffff, true);
  dv.setUint32(at + 64, regs.lo('eflags') >>> 0, true);
  dv.setUint32(at + 68, regs.lo('rsp') >>> 0, true);
  dv.setUint32(at + 72, regs.lo('ss') & 0xffff, true);
  dv.setUint32(at + 76, fpstate >>> 0, true);
  dv.setUint32(at + 80, Number(mask & 0xffffffffn), true);
  dv.setUint32(at + 84, t.faultAddr >>> 0, true);
}

/**
 * ia32_setup_frame / ia32_setup_rt_frame: build the frame for a handler installed by a 32-bit
 * caller and point the registers at it. False when the frame cannot be written (the caller
 * forces SIGSEGV).
 */
export function setupFrameIa32(k: Kernel, t: Task, regs: PtRegs, info: SigInfo, act: SigAction, oldmask: bigint): boolean {
  const rt = (act.flags & SA_SIGINFO) !== 0;
  const userSp = regs.lo('rsp') >>> 0;
  // get_sigframe(): no red zone on i386.
  let sp = userSp;
  const nested = onSigStack(t, userSp);
  let entering = false;
  if ((act.flags & SA_ONSTACK) && sasSsFlags(t, sp) === 0) {
    sp = t.altstack.sp + t.altstack.size;
    entering = true;
  }
  // 32-bit arithmetic: the user's addresses are below 4 GiB (>>> 0 keeps them unsigned).
  const bufFx = ((sp - FXSAVE_SIZE) & ~63) >>> 0;
  const fpstate = bufFx - FSAVE_HEADER;
  const size = rt ? RT_SIGFRAME_IA32_SIZE : SIGFRAME_IA32_SIZE;
  sp = ((((fpstate - size + 4) & ~15) >>> 0) - 4) >>> 0;
  if ((nested || entering) && !(sp > t.altstack.sp && sp - t.altstack.sp <= t.altstack.size)) return false;

  const frame = new Uint8Array(size);
  const dv = new DataView(frame.buffer);
  const vdso = vdsoBase(t);
  const restorer = act.flags & SA_RESTORER ? act.restorer
    : vdso ? vdso + (rt ? VDSO32_SYMBOLS.__kernel_rt_sigreturn : VDSO32_SYMBOLS.__kernel_sigreturn)
    : sp + (rt ? RT_RETCODE : RETCODE);
  dv.setUint32(0, restorer >>> 0, true);
  dv.setInt32(4, info.signo, true);
  if (rt) {
    dv.setUint32(8, sp + RT_INFO, true);
    dv.setUint32(12, sp + RT_UC, true);
    frame.set(encodeSigInfo32(info), RT_INFO);
    dv.setUint32(RT_UC, 0, true);     // uc_flags: no UC_FP_XSTATE without XSAVE
    dv.setUint32(RT_UC + 4, 0, true); // uc_link
    dv.setUint32(RT_STACK, t.altstack.sp >>> 0, true);
    dv.setInt32(RT_STACK + 4, t.altstack.flags | 0, true);
    dv.setUint32(RT_STACK + 8, t.altstack.size >>> 0, true);
    writeSigcontext(k, t, regs, dv, RT_MCONTEXT, fpstate, oldmask);
    dv.setBigUint64(RT_SIGMASK, BigInt.asUintN(64, oldmask), true);
    // retcode: movl $__NR_ia32_rt_sigreturn, %eax; int $0x80 (only gdb looks at it now).
    frame.set([0xb8, NR_ia32_rt_sigreturn, 0, 0, 0, 0xcd, 0x80, 0], RT_RETCODE);
  } else {
    writeSigcontext(k, t, regs, dv, SC, fpstate, oldmask);
    dv.setUint32(EXTRAMASK, Number((oldmask >> 32n) & 0xffffffffn), true);
    // retcode: popl %eax; movl $__NR_ia32_sigreturn, %eax; int $0x80.
    frame.set([0x58, 0xb8, NR_ia32_sigreturn, 0, 0, 0, 0xcd, 0x80], RETCODE);
  }
  if (!t.um.write(sp, frame)) return false;
  if (!t.um.write(fpstate, fpFrame(k))) return false;

  if (t.altstack.flags & SS_AUTODISARM) t.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
  regs.set('rax', info.signo, 0);
  regs.set('rdx', rt ? sp + RT_INFO : 0, 0);
  regs.set('rcx', rt ? sp + RT_UC : 0, 0);
  regs.set('rip', act.handler | 0, 0);
  regs.set('rsp', sp | 0, 0);
  regs.set('cs', __USER32_CS, 0);
  regs.set('ss', __USER_DS, 0);
  // The handler gets flat data segments (loadsegment(ds/es, __USER_DS)).
  loadUserSegment(k, t, DS, __USER_DS);
  loadUserSegment(k, t, ES, __USER_DS);
  return true;
}

/** ia32_restore_sigcontext(): registers, selectors and FP state from a sigcontext_32. */
function restoreSigcontext(k: Kernel, t: Task, regs: PtRegs, dv: DataView, at: number): boolean {
  // reload_segments(): the selectors as they were, RPL forced to 3.
  for (const [off, seg] of SC_SEGS) {
    const sel = dv.getUint16(at + off, true);
    loadUserSegment(k, t, seg, sel === 0 ? 0 : sel | 3);
  }
  for (const [off, r] of SC_REGS) regs.set(r, dv.getUint32(at + off, true) | 0, 0);
  regs.set('rip', dv.getUint32(at + 56, true) | 0, 0);
  regs.set('cs', dv.getUint16(at + 60, true) | 3, 0);
  regs.set('ss', dv.getUint16(at + 72, true) | 3, 0);
  const flags = dv.getUint32(at + 64, true);
  regs.set('eflags', (regs.lo('eflags') & ~FIX_EFLAGS) | (flags & FIX_EFLAGS), 0);
  regs.set('orig_rax', -1, -1);
  t.restartFn = null;
  const fp = dv.getUint32(at + 76, true);
  if (fp === 0) { fpuInitAll(k.cpu); return true; }
  // The FSAVE header, then (magic 0: FXSR data) the FXSAVE image at fpstate + 112.
  const hdr = t.um.read(fp, FSAVE_HEADER);
  if (!hdr) return false;
  if (new DataView(hdr.buffer).getUint16(110, true) !== 0) { fpuInitAll(k.cpu); return true; }
  const fx = t.um.read(fp + FSAVE_HEADER, FXSAVE_SIZE);
  if (!fx) return false;
  if ((new DataView(fx.buffer).getUint32(24, true) & ~MXCSR_MASK) !== 0) { fpuInitAll(k.cpu); return false; }
  fpuRestore(k.cpu, fx);
  return true;
}

/** sigreturn (i386 119): __kernel_sigreturn popped the signal number; the frame starts 8 below esp. */
export function restoreFrameIa32(k: Kernel, t: Task, regs: PtRegs): boolean {
  const frame = ((regs.lo('rsp') >>> 0) - 8) >>> 0;
  const b = t.um.read(frame, SIGFRAME_IA32_SIZE);
  if (!b) return false;
  const dv = new DataView(b.buffer);
  const lo = BigInt(dv.getUint32(SC + 80, true)), hi = BigInt(dv.getUint32(EXTRAMASK, true));
  t.sigmask = ((hi << 32n) | lo) & ~UNBLOCKABLE;
  return restoreSigcontext(k, t, regs, dv, SC);
}

/** rt_sigreturn (i386 173): the handler's ret popped pretcode; the frame starts 4 below esp. */
export function restoreRtFrameIa32(k: Kernel, t: Task, regs: PtRegs): boolean {
  const frame = ((regs.lo('rsp') >>> 0) - 4) >>> 0;
  const b = t.um.read(frame, RT_SIGFRAME_IA32_SIZE);
  if (!b) return false;
  const dv = new DataView(b.buffer);
  t.sigmask = dv.getBigUint64(RT_SIGMASK, true) & ~UNBLOCKABLE;
  if (!restoreSigcontext(k, t, regs, dv, RT_MCONTEXT)) return false;
  // compat_restore_altstack(): errors ignored, as Linux squashes them.
  setAltstack(t, { sp: dv.getUint32(RT_STACK, true), flags: dv.getInt32(RT_STACK + 4, true), size: dv.getUint32(RT_STACK + 8, true) }, regs.lo('rsp') >>> 0);
  return true;
}
