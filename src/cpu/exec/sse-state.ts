// Shared machinery of the SSE instruction files: MXCSR bits, the scratch registers, 128/64/32-bit
// memory operands with the legacy-SSE alignment rule, the binder helpers that pick a handler by
// mandatory prefix and register/memory form, and the end-of-instruction SIMD exception check.
//
// Registers live in cpu.xmm (xmm r at int32 lanes [4r, 4r+4)); cpu.xmmF32/xmmF64 view the same
// bytes. Two scratch registers follow the sixteen architectural ones:
//   TMP (16) holds a memory source operand, so one kernel serves the register and memory forms;
//   OUT (17) holds results while an unmasked SIMD exception is still possible, because such an
//   exception leaves the destination unchanged (SDM Vol. 1 §11.5.1).
//
// Not checked per instruction: CR0.EM / CR4.OSFXSR (#UD) and CR0.TS (#NM). Linux keeps EM and
// TS clear and OSFXSR set for good (eager FPU switching since 4.6), and the test would cost every
// SSE instruction; FXSAVE/FXRSTOR and LDMXCSR/STMXCSR do check them (fxsave.ts).

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { ea, raise, raiseNoCode } from '../operands.js';
import { GP, UD, XM, CR4_OSXMMEXCPT } from '../regs.js';

export const TMP = 16;
export const OUT = 17;

// MXCSR (SDM Vol. 1 §10.2.3).
export const IE = 0x1, DE = 0x2, ZE = 0x4, OE = 0x8, UE = 0x10, PE = 0x20;
export const DAZ = 0x40;
export const IM = 0x80, DM = 0x100, ZM = 0x200, OM = 0x400, UM = 0x800, PM = 0x1000;
export const ALL_MASKS = 0x1f80;
export const RC_SHIFT = 13, RC_MASK = 0x6000;
export const RC_NEAR = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;
export const FTZ = 0x8000;
/**
 * Bits LDMXCSR and FXRSTOR accept; a set bit outside raises #GP(0). Intel processors with DAZ
 * report 0xFFFF in FXSAVE's MXCSR_MASK field (SDM Vol. 1 §11.6.6).
 */
export const MXCSR_MASK = 0xffff;

/**
 * Exception flags raised by the instruction in progress: [0] before computation (IE, DE, ZE),
 * [1] after (OE, UE, PE). Kept apart because an unmasked pre-computation exception in any lane
 * suppresses the post-computation flags of the whole instruction (SDM Vol. 1 §11.5.2).
 */
export const FPX = new Int32Array(2);

/**
 * Start an instruction that may raise SIMD floating-point exceptions: clear the flag
 * accumulators and choose where results go — straight into the destination when every
 * exception is masked (the common case: nothing can stop the write), else into OUT.
 */
export function fpBegin(cpu: Cpu, d: number): number {
  FPX[0] = 0;
  FPX[1] = 0;
  return (cpu.mxcsr & ALL_MASKS) === ALL_MASKS ? d : OUT;
}

/**
 * Finish such an instruction: merge the flags into MXCSR and raise #XM for an unmasked one
 * (destination untouched), or copy `lanes` int32 lanes from OUT to the destination.
 */
export function fpEnd(cpu: Cpu, o: number, d: number, lanes: number): void {
  const pre = FPX[0], post = FPX[1];
  if ((pre | post) !== 0) {
    const unmasked = ~(cpu.mxcsr >> 7) & 0x3f;
    if ((pre & unmasked) !== 0) { cpu.mxcsr |= pre; simdException(cpu); }
    cpu.mxcsr |= pre | post;
    if ((post & unmasked) !== 0) simdException(cpu);
  }
  if (o !== d) {
    const x = cpu.xmm, s = o * 4, t = d * 4;
    for (let k = 0; k < lanes; k++) x[t + k] = x[s + k];
  }
}

/** Merge exception flags of an instruction without a register result (COMISS, CVTSS2SI …). */
export function fpCheck(cpu: Cpu): void {
  fpEnd(cpu, 0, 0, 0);
}

/** #XM, or #UD when the OS has not enabled it (CR4.OSXMMEXCPT clear; SDM Vol. 3 §13.1.3). */
export function simdException(cpu: Cpu): never {
  return raiseNoCode(cpu, (cpu.cr4 & CR4_OSXMMEXCPT) !== 0 ? XM : UD);
}

// --- Memory operands. Two 64-bit accesses make a 128-bit one; a store first translates both
// ends so that a fault on the second page leaves memory unchanged.

/** Legacy SSE requires 16-byte alignment of most 128-bit memory operands (SDM Vol. 1 §11.4.1). */
export function checkAlign16(cpu: Cpu, a: number): void {
  if ((a & 15) !== 0) raise(cpu, GP, 0);
}

export function read128(cpu: Cpu, a: number, r: number): void {
  const x = cpu.xmm, mem = cpu.mem, k = r * 4;
  const l0 = mem.read64(a), h0 = mem.hi;
  const l1 = mem.read64(a + 8), h1 = mem.hi;
  x[k] = l0; x[k + 1] = h0; x[k + 2] = l1; x[k + 3] = h1;
}

export function write128(cpu: Cpu, a: number, r: number): void {
  const x = cpu.xmm, mem = cpu.mem, k = r * 4;
  if ((a & 0xfff) > 0xff0) { mem.physW(a); mem.physW(a + 15); }
  mem.write64(a, x[k], x[k + 1]);
  mem.write64(a + 8, x[k + 2], x[k + 3]);
}

/** Load the m128 operand into TMP, aligned (the default for legacy SSE) or not (MOVUPS, LDDQU …). */
export function loadA(cpu: Cpu, i: Insn): number {
  const a = ea(cpu, i);
  if ((a & 15) !== 0) raise(cpu, GP, 0);
  read128(cpu, a, TMP);
  return TMP;
}
export function loadU(cpu: Cpu, i: Insn): number {
  read128(cpu, ea(cpu, i), TMP);
  return TMP;
}
/** Load an m64 operand into the low half of TMP (the high half is left as it is). */
export function load64(cpu: Cpu, i: Insn): number {
  const x = cpu.xmm;
  x[64] = cpu.mem.read64(ea(cpu, i));
  x[65] = cpu.mem.hi;
  return TMP;
}
export function load32(cpu: Cpu, i: Insn): number {
  cpu.xmm[64] = cpu.mem.read32(ea(cpu, i));
  return TMP;
}

// --- Binders. A kernel computes `d ← d op s` for register numbers (s may be TMP); these wrap it
// into the register form and the memory form once, at load time, so binding allocates nothing.

export type Kernel = (cpu: Cpu, d: number, s: number, i: Insn) => void;

/** How the memory form reads its source. */
export const M128A = 0, M128U = 1, M64 = 2, M32 = 3;

export function rmForms(k: Kernel, mem: number): [Handler, Handler] {
  const r: Handler = (cpu, i) => k(cpu, i.reg, i.rm, i);
  let m: Handler;
  switch (mem) {
    case M128A: m = (cpu, i) => k(cpu, i.reg, loadA(cpu, i), i); break;
    case M128U: m = (cpu, i) => k(cpu, i.reg, loadU(cpu, i), i); break;
    case M64: m = (cpu, i) => k(cpu, i.reg, load64(cpu, i), i); break;
    default: m = (cpu, i) => k(cpu, i.reg, load32(cpu, i), i); break;
  }
  return [r, m];
}

export type Binder = (i: Insn) => Handler | null;

/** Binder for `xmm, xmm/mem` forms of one kernel. */
export function xmmRm(k: Kernel, mem: number = M128A): Binder {
  const [r, m] = rmForms(k, mem);
  return (i) => (i.mod === 3 ? r : m);
}

/**
 * Choose by mandatory prefix (none, 66, F3, F2): SDM Vol. 2 §2.1.2. A null entry is an
 * encoding this CPU does not implement (#UD), such as the MMX forms without a prefix.
 */
export function byPrefix(none: Binder | null, p66: Binder | null, pf3: Binder | null, pf2: Binder | null): Binder {
  return (i) => {
    const b = i.pfx === 0 ? none : i.pfx === 0x66 ? p66 : i.pfx === 0xf3 ? pf3 : pf2;
    return b === null ? null : b(i);
  };
}

/** Only the register form exists (MOVMSKPS, PMOVMSKB, MOVHLPS …). */
export function regOnly(h: Handler): Binder {
  return (i) => (i.mod === 3 ? h : null);
}
/** Only the memory form exists (MOVNTPS, MOVLPS m64 …). */
export function memOnly(h: Handler): Binder {
  return (i) => (i.mod === 3 ? null : h);
}
export function always(h: Handler): Binder {
  return () => h;
}

// --- Byte and word views of the register file for the packed-integer files, made once per
// register file (one CPU in practice: the check is a pointer compare).
export let U8 = new Uint8Array(0);
export let I8 = new Int8Array(0);
export let U16 = new Uint16Array(0);
export let I16 = new Int16Array(0);
export let U32 = new Uint32Array(0);
let viewsOf: Int32Array | null = null;
export function syncViews(cpu: Cpu): void {
  if (cpu.xmm === viewsOf) return;
  const b = cpu.xmm.buffer;
  U8 = new Uint8Array(b);
  I8 = new Int8Array(b);
  U16 = new Uint16Array(b);
  I16 = new Int16Array(b);
  U32 = new Uint32Array(b);
  viewsOf = cpu.xmm;
}

/** Copy OUT to register d (results built aside because they read both operands across lanes). */
export function fromOut(cpu: Cpu, d: number): void {
  const x = cpu.xmm, t = d * 4;
  x[t] = x[68]; x[t + 1] = x[69]; x[t + 2] = x[70]; x[t + 3] = x[71];
}
