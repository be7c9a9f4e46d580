// SSE/SSE2 floating-point arithmetic, comparisons and logic: ADD SUB MUL DIV MIN MAX SQRT in PS,
// PD, SS, SD forms (0F 58-5F, 0F 51), CMPPS/PD/SS/SD (0F C2), COMISS/UCOMISS/COMISD/UCOMISD
// (0F 2F/2E), AND/ANDN/OR/XOR PS/PD (0F 54-57), RCP/RSQRT PS/SS (0F 53/52), and SSE3's
// ADDSUBPS/PD, HADDPS/PD, HSUBPS/PD (0F D0, 7C, 7D).
//
// Each lane first tries the fast path: with PE already set (sticky, so nothing new to report),
// precision masked and round-to-nearest, two normal operands whose JS result is normal give
// the answer directly (Math.fround rounds a double result to single correctly, since double
// has more than 2×24+2 bits: the double rounding is innocuous). Anything else — specials,
// denormals, a tiny or huge result, another rounding mode, the first inexact result — goes to
// the general lane code in sse-ieee.ts.

import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def } from './table.js';
import { setArith } from '../flags.js';
import { ARITH_FLAGS, CF, PF, ZF } from '../regs.js';
import {
  FPX, IE, DE, DAZ, PE, PM, RC_MASK, fpBegin, fpEnd, fpCheck, xmmRm, byPrefix, M64, M32, type Kernel,
} from './sse-state.js';
import {
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, laneArith32, laneArith64, laneSqrt32, laneSqrt64, isNaN32, isNaN64,
  MIN_NORMAL_F32, MAX_F32, MIN_NORMAL_F64, MAX_F64, QNAN32, f32FromBits, f32Bits, f64FromBits,
} from './sse-ieee.js';

const FAST_MASK = PE | PM | RC_MASK, FAST_VAL = PE | PM;

/** Is a binary32 (bits) normal: exponent neither 0 nor all ones? With the sign: normal and positive. */
function normal32(b: number): boolean {
  return ((((b >>> 23) & 0xff) - 1) >>> 0) < 254;
}
function normal64(hi: number): boolean {
  return ((((hi >>> 20) & 0x7ff) - 1) >>> 0) < 0x7fe;
}

// --- ADD SUB MUL DIV.

function arith32(cpu: Cpu, d: number, s: number, op: number, n: number): void {
  const x = cpu.xmm, f = cpu.xmmF32, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  const fast = (mx & FAST_MASK) === FAST_VAL;
  const da = d * 4, sa = s * 4, oa = o * 4;
  for (let k = 0; k < n; k++) {
    if (fast && normal32(x[da + k]) && normal32(x[sa + k])) {
      const a = f[da + k], b = f[sa + k];
      const r = Math.fround(op === OP_ADD ? a + b : op === OP_SUB ? a - b : op === OP_MUL ? a * b : a / b);
      const ar = r < 0 ? -r : r;
      if (ar > MIN_NORMAL_F32 && ar <= MAX_F32) { f[oa + k] = r; continue; }
    }
    laneArith32(x, f, op, oa + k, da + k, sa + k, mx);
  }
  fpEnd(cpu, o, d, n);
}

function arith64(cpu: Cpu, d: number, s: number, op: number, n: number): void {
  const x = cpu.xmm, f = cpu.xmmF64, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  const fast = (mx & FAST_MASK) === FAST_VAL;
  const da = d * 4, sa = s * 4, oa = o * 4;
  for (let k = 0; k < 2 * n; k += 2) {
    if (fast && normal64(x[da + k + 1]) && normal64(x[sa + k + 1])) {
      const a = f[(da + k) >> 1], b = f[(sa + k) >> 1];
      const r = op === OP_ADD ? a + b : op === OP_SUB ? a - b : op === OP_MUL ? a * b : a / b;
      const ar = r < 0 ? -r : r;
      if (ar > MIN_NORMAL_F64 && ar <= MAX_F64) { f[(oa + k) >> 1] = r; continue; }
    }
    laneArith64(x, f, op, oa + k, da + k, sa + k, mx);
  }
  fpEnd(cpu, o, d, 2 * n);
}

function sqrt32(cpu: Cpu, d: number, s: number, n: number): void {
  const x = cpu.xmm, f = cpu.xmmF32, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  const fast = (mx & FAST_MASK) === FAST_VAL;
  const sa = s * 4, oa = o * 4;
  for (let k = 0; k < n; k++) {
    // A positive normal operand (sign included in the test) has a normal square root.
    if (fast && ((x[sa + k] >>> 23) - 1) >>> 0 < 254) { f[oa + k] = Math.fround(Math.sqrt(f[sa + k])); continue; }
    laneSqrt32(x, f, oa + k, sa + k, mx);
  }
  fpEnd(cpu, o, d, n);
}

function sqrt64(cpu: Cpu, d: number, s: number, n: number): void {
  const x = cpu.xmm, f = cpu.xmmF64, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  const fast = (mx & FAST_MASK) === FAST_VAL;
  const sa = s * 4, oa = o * 4;
  for (let k = 0; k < 2 * n; k += 2) {
    if (fast && ((x[sa + k + 1] >>> 20) - 1) >>> 0 < 0x7fe) { f[(oa + k) >> 1] = Math.sqrt(f[(sa + k) >> 1]); continue; }
    laneSqrt64(x, f, oa + k, sa + k, mx);
  }
  fpEnd(cpu, o, d, 2 * n);
}

// --- MIN and MAX (SDM Vol. 2 MINPS): dest < src ? dest : src, so a NaN in either operand, or
// two zeros, give the second (source) operand unchanged. Any NaN is invalid (IE), quiet or not.

function minmax32(cpu: Cpu, d: number, s: number, max: boolean, n: number): void {
  const x = cpu.xmm, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  const da = d * 4, sa = s * 4, oa = o * 4;
  for (let k = 0; k < n; k++) {
    let ab = x[da + k], bb = x[sa + k];
    // DAZ applies first: with a NaN in the destination, a denormal source comes back as zero.
    if ((mx & DAZ) !== 0) {
      if ((ab & 0x7f800000) === 0) ab &= 0x80000000;
      if ((bb & 0x7f800000) === 0) bb &= 0x80000000;
    }
    if (isNaN32(ab) || isNaN32(bb)) { FPX[0] |= IE; x[oa + k] = bb; continue; }
    if (((ab & 0x7f800000) === 0 && (ab & 0x7fffff) !== 0) || ((bb & 0x7f800000) === 0 && (bb & 0x7fffff) !== 0)) FPX[0] |= DE;
    const a = f32FromBits(ab), b = f32FromBits(bb);
    x[oa + k] = (max ? a > b : a < b) ? ab : bb;
  }
  fpEnd(cpu, o, d, n);
}

function minmax64(cpu: Cpu, d: number, s: number, max: boolean, n: number): void {
  const x = cpu.xmm, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  const da = d * 4, sa = s * 4, oa = o * 4;
  for (let k = 0; k < 2 * n; k += 2) {
    let alo = x[da + k], ahi = x[da + k + 1];
    let blo = x[sa + k], bhi = x[sa + k + 1];
    if ((mx & DAZ) !== 0) {
      if ((ahi & 0x7ff00000) === 0) { alo = 0; ahi &= 0x80000000; }
      if ((bhi & 0x7ff00000) === 0) { blo = 0; bhi &= 0x80000000; }
    }
    if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) { FPX[0] |= IE; x[oa + k] = blo; x[oa + k + 1] = bhi; continue; }
    const a = f64FromBits(alo, ahi), b = f64FromBits(blo, bhi);
    if (((ahi & 0x7ff00000) === 0 && a !== 0) || ((bhi & 0x7ff00000) === 0 && b !== 0)) FPX[0] |= DE;
    if (max ? a > b : a < b) { x[oa + k] = alo; x[oa + k + 1] = ahi; }
    else { x[oa + k] = blo; x[oa + k + 1] = bhi; }
  }
  fpEnd(cpu, o, d, 2 * n);
}

// --- Comparisons. compare*() returns LT, EQ, GT or UN and raises IE (for an SNaN, or for any
// NaN when `signalling`) and DE (a denormal operand, unless DAZ makes it zero).
const LT = 0, EQ = 1, GT = 2, UN = 3;

function compare32(ab: number, bb: number, signalling: boolean, mx: number): number {
  if (isNaN32(ab) || isNaN32(bb)) {
    if (signalling || (isNaN32(ab) && (ab & 0x400000) === 0) || (isNaN32(bb) && (bb & 0x400000) === 0)) FPX[0] |= IE;
    return UN;
  }
  if ((ab & 0x7f800000) === 0 && (ab & 0x7fffff) !== 0) { if (mx & DAZ) ab &= 0x80000000; else FPX[0] |= DE; }
  if ((bb & 0x7f800000) === 0 && (bb & 0x7fffff) !== 0) { if (mx & DAZ) bb &= 0x80000000; else FPX[0] |= DE; }
  const a = f32FromBits(ab), b = f32FromBits(bb);
  return a < b ? LT : a > b ? GT : EQ;
}

function compare64(alo: number, ahi: number, blo: number, bhi: number, a: number, b: number, signalling: boolean, mx: number): number {
  if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) {
    if (signalling || (isNaN64(alo, ahi) && (ahi & 0x80000) === 0) || (isNaN64(blo, bhi) && (bhi & 0x80000) === 0)) FPX[0] |= IE;
    return UN;
  }
  if ((ahi & 0x7ff00000) === 0 && a !== 0) { if (mx & DAZ) a = 0; else FPX[0] |= DE; }
  if ((bhi & 0x7ff00000) === 0 && b !== 0) { if (mx & DAZ) b = 0; else FPX[0] |= DE; }
  return a < b ? LT : a > b ? GT : EQ;
}

/**
 * CMPPS predicates 0-7 (SDM Vol. 2 CMPPS, Table 3-1): EQ LT LE UNORD NEQ NLT NLE ORD, as a bit
 * mask over the outcomes LT/EQ/GT/UN. LT, LE, NLT and NLE signal on QNaNs too.
 */
const PRED_TRUE = [
  1 << EQ, 1 << LT, (1 << LT) | (1 << EQ), 1 << UN,
  (1 << LT) | (1 << GT) | (1 << UN), (1 << EQ) | (1 << GT) | (1 << UN), (1 << GT) | (1 << UN), (1 << LT) | (1 << EQ) | (1 << GT),
];
const PRED_SIGNALS = [false, true, true, false, false, true, true, false];

function cmp32(cpu: Cpu, d: number, s: number, i: Insn, n: number): void {
  const x = cpu.xmm, mx = cpu.mxcsr;
  // Legacy-SSE encodings use imm8[2:0]; the higher predicates exist only with VEX.
  const p = i.imm & 7;
  const truth = PRED_TRUE[p], sig = PRED_SIGNALS[p];
  const o = fpBegin(cpu, d);
  const da = d * 4, sa = s * 4, oa = o * 4;
  for (let k = 0; k < n; k++) {
    const c = compare32(x[da + k], x[sa + k], sig, mx);
    x[oa + k] = (truth >> c) & 1 ? -1 : 0;
  }
  fpEnd(cpu, o, d, n);
}

function cmp64(cpu: Cpu, d: number, s: number, i: Insn, n: number): void {
  const x = cpu.xmm, f = cpu.xmmF64, mx = cpu.mxcsr;
  const p = i.imm & 7;
  const truth = PRED_TRUE[p], sig = PRED_SIGNALS[p];
  const o = fpBegin(cpu, d);
  const da = d * 4, sa = s * 4, oa = o * 4;
  for (let k = 0; k < 2 * n; k += 2) {
    const c = compare64(x[da + k], x[da + k + 1], x[sa + k], x[sa + k + 1], f[(da + k) >> 1], f[(sa + k) >> 1], sig, mx);
    const v = (truth >> c) & 1 ? -1 : 0;
    x[oa + k] = v; x[oa + k + 1] = v;
  }
  fpEnd(cpu, o, d, 2 * n);
}

// COMISS/UCOMISS (SDM Vol. 2 COMISS): ZF,PF,CF = 111 unordered, 000 greater, 001 less, 100
// equal; OF, SF and AF are cleared. COMIS signals on QNaNs, UCOMIS only on SNaNs.
const COMI_FLAGS = [CF, ZF, 0, ZF | PF | CF];

function comis32(cpu: Cpu, d: number, s: number, signalling: boolean): void {
  FPX[0] = 0; FPX[1] = 0;
  const c = compare32(cpu.xmm[d * 4], cpu.xmm[s * 4], signalling, cpu.mxcsr);
  fpCheck(cpu);
  setArith(cpu, ARITH_FLAGS, COMI_FLAGS[c]);
}
function comis64(cpu: Cpu, d: number, s: number, signalling: boolean): void {
  FPX[0] = 0; FPX[1] = 0;
  const x = cpu.xmm, f = cpu.xmmF64;
  const c = compare64(x[d * 4], x[d * 4 + 1], x[s * 4], x[s * 4 + 1], f[d * 2], f[s * 2], signalling, cpu.mxcsr);
  fpCheck(cpu);
  setArith(cpu, ARITH_FLAGS, COMI_FLAGS[c]);
}

// --- Bitwise logic on the whole register (no FP exceptions, whatever the bits mean).
const andK: Kernel = (cpu, d, s) => { const x = cpu.xmm, a = d * 4, b = s * 4; x[a] &= x[b]; x[a + 1] &= x[b + 1]; x[a + 2] &= x[b + 2]; x[a + 3] &= x[b + 3]; };
const andnK: Kernel = (cpu, d, s) => { const x = cpu.xmm, a = d * 4, b = s * 4; x[a] = ~x[a] & x[b]; x[a + 1] = ~x[a + 1] & x[b + 1]; x[a + 2] = ~x[a + 2] & x[b + 2]; x[a + 3] = ~x[a + 3] & x[b + 3]; };
const orK: Kernel = (cpu, d, s) => { const x = cpu.xmm, a = d * 4, b = s * 4; x[a] |= x[b]; x[a + 1] |= x[b + 1]; x[a + 2] |= x[b + 2]; x[a + 3] |= x[b + 3]; };
const xorK: Kernel = (cpu, d, s) => { const x = cpu.xmm, a = d * 4, b = s * 4; x[a] ^= x[b]; x[a + 1] ^= x[b + 1]; x[a + 2] ^= x[b + 2]; x[a + 3] ^= x[b + 3]; };
export { andK as pandKernel, andnK as pandnKernel, orK as porKernel, xorK as pxorKernel };

// --- RCPPS/RSQRTPS: approximations with relative error ≤ 1.5 × 2^-12 (SDM Vol. 2 RCPPS). The
// exact bits are implementation-specific (Intel and AMD differ); this model returns the exact
// value truncated to 12 significant bits, within that bound. Denormal operands count as zero,
// tiny results flush to zero, and no MXCSR flag is ever set.
function approx(b: number, rsqrt: boolean): number {
  const sign = b & 0x80000000;
  if (isNaN32(b)) return b | 0x400000;
  const mag = b & 0x7fffffff;
  if (mag < 0x00800000) return rsqrt ? sign | 0x7f800000 : sign | 0x7f800000; // ±0 or denormal → ±∞
  if (rsqrt && sign !== 0) return QNAN32;
  if (mag === 0x7f800000) return sign; // ±∞ → ±0 (√∞ is +∞, 1/√∞ = +0)
  const v = f32FromBits(mag);
  const r = Math.fround(rsqrt ? 1 / Math.sqrt(v) : 1 / v);
  let bits = f32Bits(r);
  if ((bits & 0x7f800000) === 0) return sign; // would be denormal: flushed
  bits &= ~0x7ff; // keep 12 significant bits (1 implicit + 11)
  return sign | bits;
}
function rcp(cpu: Cpu, d: number, s: number, n: number, rsqrt: boolean): void {
  const x = cpu.xmm;
  for (let k = 0; k < n; k++) x[d * 4 + k] = approx(x[s * 4 + k], rsqrt);
}

// --- SSE3: ADDSUB (subtract in even lanes, add in odd ones), HADD/HSUB (pairs within each
// operand: result low half from the destination, high half from the source).
function addsub32(cpu: Cpu, d: number, s: number): void {
  const x = cpu.xmm, f = cpu.xmmF32, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  for (let k = 0; k < 4; k++) laneArith32(x, f, (k & 1) === 0 ? OP_SUB : OP_ADD, o * 4 + k, d * 4 + k, s * 4 + k, mx);
  fpEnd(cpu, o, d, 4);
}
function addsub64(cpu: Cpu, d: number, s: number): void {
  const x = cpu.xmm, f = cpu.xmmF64, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  laneArith64(x, f, OP_SUB, o * 4, d * 4, s * 4, mx);
  laneArith64(x, f, OP_ADD, o * 4 + 2, d * 4 + 2, s * 4 + 2, mx);
  fpEnd(cpu, o, d, 4);
}
// Horizontal forms read both operands before writing, so they always compute into OUT.
const OUTI = 17 * 4;
function hop32(cpu: Cpu, d: number, s: number, op: number): void {
  const x = cpu.xmm, f = cpu.xmmF32, mx = cpu.mxcsr;
  fpBegin(cpu, d);
  laneArith32(x, f, op, OUTI, d * 4, d * 4 + 1, mx);
  laneArith32(x, f, op, OUTI + 1, d * 4 + 2, d * 4 + 3, mx);
  laneArith32(x, f, op, OUTI + 2, s * 4, s * 4 + 1, mx);
  laneArith32(x, f, op, OUTI + 3, s * 4 + 2, s * 4 + 3, mx);
  fpEnd(cpu, 17, d, 4);
}
function hop64(cpu: Cpu, d: number, s: number, op: number): void {
  const x = cpu.xmm, f = cpu.xmmF64, mx = cpu.mxcsr;
  fpBegin(cpu, d);
  laneArith64(x, f, op, OUTI, d * 4, d * 4 + 2, mx);
  laneArith64(x, f, op, OUTI + 2, s * 4, s * 4 + 2, mx);
  fpEnd(cpu, 17, d, 4);
}

// --- Registration.
function four(ps: Kernel, pd: Kernel, ss: Kernel, sd: Kernel) {
  return byPrefix(xmmRm(ps), xmmRm(pd), xmmRm(ss, M32), xmmRm(sd, M64));
}
function arithOp(op: number) {
  return four(
    (c, d, s) => arith32(c, d, s, op, 4), (c, d, s) => arith64(c, d, s, op, 2),
    (c, d, s) => arith32(c, d, s, op, 1), (c, d, s) => arith64(c, d, s, op, 1));
}
def(MAP_0F | 0x58, arithOp(OP_ADD));
def(MAP_0F | 0x59, arithOp(OP_MUL));
def(MAP_0F | 0x5c, arithOp(OP_SUB));
def(MAP_0F | 0x5e, arithOp(OP_DIV));
def(MAP_0F | 0x5d, four((c, d, s) => minmax32(c, d, s, false, 4), (c, d, s) => minmax64(c, d, s, false, 2),
  (c, d, s) => minmax32(c, d, s, false, 1), (c, d, s) => minmax64(c, d, s, false, 1)));
def(MAP_0F | 0x5f, four((c, d, s) => minmax32(c, d, s, true, 4), (c, d, s) => minmax64(c, d, s, true, 2),
  (c, d, s) => minmax32(c, d, s, true, 1), (c, d, s) => minmax64(c, d, s, true, 1)));
def(MAP_0F | 0x51, four((c, d, s) => sqrt32(c, d, s, 4), (c, d, s) => sqrt64(c, d, s, 2),
  (c, d, s) => sqrt32(c, d, s, 1), (c, d, s) => sqrt64(c, d, s, 1)));
def(MAP_0F | 0xc2, four((c, d, s, i) => cmp32(c, d, s, i, 4), (c, d, s, i) => cmp64(c, d, s, i, 2),
  (c, d, s, i) => cmp32(c, d, s, i, 1), (c, d, s, i) => cmp64(c, d, s, i, 1)));
def(MAP_0F | 0x2e, byPrefix(xmmRm((c, d, s) => comis32(c, d, s, false), M32), xmmRm((c, d, s) => comis64(c, d, s, false), M64), null, null));
def(MAP_0F | 0x2f, byPrefix(xmmRm((c, d, s) => comis32(c, d, s, true), M32), xmmRm((c, d, s) => comis64(c, d, s, true), M64), null, null));
def(MAP_0F | 0x54, byPrefix(xmmRm(andK), xmmRm(andK), null, null));
def(MAP_0F | 0x55, byPrefix(xmmRm(andnK), xmmRm(andnK), null, null));
def(MAP_0F | 0x56, byPrefix(xmmRm(orK), xmmRm(orK), null, null));
def(MAP_0F | 0x57, byPrefix(xmmRm(xorK), xmmRm(xorK), null, null));
def(MAP_0F | 0x53, byPrefix(xmmRm((c, d, s) => rcp(c, d, s, 4, false)), null, xmmRm((c, d, s) => rcp(c, d, s, 1, false), M32), null));
def(MAP_0F | 0x52, byPrefix(xmmRm((c, d, s) => rcp(c, d, s, 4, true)), null, xmmRm((c, d, s) => rcp(c, d, s, 1, true), M32), null));
def(MAP_0F | 0xd0, byPrefix(null, xmmRm(addsub64), null, xmmRm(addsub32)));
def(MAP_0F | 0x7c, byPrefix(null, xmmRm((c, d, s) => hop64(c, d, s, OP_ADD)), null, xmmRm((c, d, s) => hop32(c, d, s, OP_ADD))));
def(MAP_0F | 0x7d, byPrefix(null, xmmRm((c, d, s) => hop64(c, d, s, OP_SUB)), null, xmmRm((c, d, s) => hop32(c, d, s, OP_SUB))));
