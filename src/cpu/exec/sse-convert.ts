// SSE/SSE2 conversions: between single and double (CVTPS2PD, CVTPD2PS, CVTSS2SD, CVTSD2SS:
// 0F 5A), from integers (CVTDQ2PS 0F 5B, CVTDQ2PD F3 0F E6, CVTSI2SS/SD F3/F2 0F 2A with a
// 32- or 64-bit source), and to integers with MXCSR rounding or truncation (CVT(T)PS2DQ
// 66/F3 0F 5B, CVT(T)PD2DQ F2/66 0F E6, CVT(T)SS2SI and CVT(T)SD2SI F3/F2 0F 2D/2C with a 32-
// or 64-bit destination). The MMX forms (CVTPI2PS, CVTPS2PI … without a prefix or with 66 on
// 0F 2A/2C/2D) are not implemented: #UD.
//
// A NaN or out-of-range value converts to the "integer indefinite" value 0x80000000 or
// 0x8000000000000000 and raises IE (SDM Vol. 1 §4.8.3.9 / §11.5.2.1); conversions to integers
// report no denormal operand (DE) — observed on hardware, and the SDM lists only IE and PE for
// them — but DAZ still makes a denormal zero.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def } from './table.js';
import { ea } from '../operands.js';
import {
  FPX, IE, DE, PE, PM, DAZ, RC_MASK, RC_SHIFT, RC_ZERO, fpBegin, fpEnd, fpCheck, xmmRm, byPrefix, load64, load32, M64, M32,
  type Binder,
} from './sse-state.js';
import { roundPack, toSingle, roundToIntegral, lastInexact, isNaN32, isNaN64, MIN_NORMAL_F32, MAX_F32 } from './sse-ieee.js';

const FAST_MASK = PE | PM | RC_MASK, FAST_VAL = PE | PM;

// --- Single ↔ double, one lane.

/** binary32 bits `b` → binary64 at int32 index io (exact; a NaN keeps its payload, quieted). */
function s2d(x: Int32Array, f: Float64Array, io: number, b: number, mx: number): void {
  if (isNaN32(b)) {
    if ((b & 0x400000) === 0) FPX[0] |= IE;
    x[io + 1] = (b & 0x80000000) | 0x7ff80000 | ((b & 0x3fffff) >>> 3);
    x[io] = (b & 7) << 29;
    return;
  }
  if ((b & 0x7f800000) === 0 && (b & 0x7fffff) !== 0) {
    if (mx & DAZ) { x[io] = 0; x[io + 1] = b & 0x80000000; return; }
    FPX[0] |= DE;
  }
  // Reading the lane's float value is safe for non-NaNs.
  I32S[0] = b;
  f[io >> 1] = F32S[0];
}
const F32S = new Float32Array(1);
const I32S = new Int32Array(F32S.buffer);

/** binary64 at int32 index ia → binary32 into x[io], rounded under MXCSR. */
function d2s(x: Int32Array, f: Float64Array, fs: Float32Array, io: number, ia: number, mx: number): void {
  const lo = x[ia], hi = x[ia + 1];
  if (isNaN64(lo, hi)) {
    if ((hi & 0x80000) === 0) FPX[0] |= IE;
    x[io] = (hi & 0x80000000) | 0x7fc00000 | ((hi & 0xfffff) << 3) | (lo >>> 29);
    return;
  }
  let v = f[ia >> 1];
  if ((hi & 0x7ff00000) === 0 && v !== 0) {
    if (mx & DAZ) { x[io] = hi & 0x80000000; return; }
    FPX[0] |= DE;
  }
  if ((mx & FAST_MASK) === FAST_VAL) {
    const r = Math.fround(v);
    const ar = r < 0 ? -r : r;
    if (ar > MIN_NORMAL_F32 && ar <= MAX_F32) { fs[io] = r; return; }
  }
  fs[io] = toSingle(v, mx);
}

function cvtps2pd(cpu: Cpu, d: number, s: number): void {
  const x = cpu.xmm, f = cpu.xmmF64, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  const b0 = x[s * 4], b1 = x[s * 4 + 1];
  s2d(x, f, o * 4, b0, mx);
  s2d(x, f, o * 4 + 2, b1, mx);
  fpEnd(cpu, o, d, 4);
}
function cvtss2sd(cpu: Cpu, d: number, s: number): void {
  const o = fpBegin(cpu, d);
  s2d(cpu.xmm, cpu.xmmF64, o * 4, cpu.xmm[s * 4], cpu.mxcsr);
  fpEnd(cpu, o, d, 2);
}
function cvtpd2ps(cpu: Cpu, d: number, s: number): void {
  const x = cpu.xmm, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  d2s(x, cpu.xmmF64, cpu.xmmF32, o * 4, s * 4, mx);
  d2s(x, cpu.xmmF64, cpu.xmmF32, o * 4 + 1, s * 4 + 2, mx);
  x[o * 4 + 2] = 0; x[o * 4 + 3] = 0;
  fpEnd(cpu, o, d, 4);
}
function cvtsd2ss(cpu: Cpu, d: number, s: number): void {
  const o = fpBegin(cpu, d);
  d2s(cpu.xmm, cpu.xmmF64, cpu.xmmF32, o * 4, s * 4, cpu.mxcsr);
  fpEnd(cpu, o, d, 1);
}

// --- Integers → floating point.
function cvtdq2ps(cpu: Cpu, d: number, s: number): void {
  const x = cpu.xmm, fs = cpu.xmmF32, mx = cpu.mxcsr;
  const o = fpBegin(cpu, d);
  for (let k = 0; k < 4; k++) {
    const v = x[s * 4 + k];
    // |v| ≤ 2^24 is exact in binary32.
    fs[o * 4 + k] = (v >= -16777216 && v <= 16777216) ? v : toSingle(v, mx);
  }
  fpEnd(cpu, o, d, 4);
}
function cvtdq2pd(cpu: Cpu, d: number, s: number): void {
  const x = cpu.xmm, f = cpu.xmmF64;
  const v0 = x[s * 4], v1 = x[s * 4 + 1];
  f[d * 2] = v0;
  f[d * 2 + 1] = v1;
}

/** The value of the signed 64-bit integer (lo, hi) rounded to single or double under `mx`. */
function int64ToFloat(lo: number, hi: number, single: boolean, mx: number): number {
  const a = hi * 4294967296, b = lo >>> 0;
  const s = a + b;
  if (s === 0) return 0;
  // Fast2Sum (|a| ≥ |b| unless hi is 0, where s = b exactly): the rounding error of s.
  const err = hi === 0 ? 0 : b - (s - a);
  if (err === 0 && (!single || (s >= -16777216 && s <= 16777216))) return s;
  const neg = s < 0;
  const es = err === 0 ? 0 : (err > 0) !== neg ? 1 : -1;
  return roundPack(neg, neg ? -s : s, es, 0, single, mx);
}

/** CVTSI2SS/SD: the source is r/m32, or r/m64 with REX.W. */
function cvtsi2f(single: boolean, wide: boolean): Binder {
  const op = (cpu: Cpu, i: Insn, lo: number, hi: number): void => {
    const o = fpBegin(cpu, i.reg);
    const mx = cpu.mxcsr;
    if (single) cpu.xmmF32[o * 4] = wide ? int64ToFloat(lo, hi, true, mx) : (lo >= -16777216 && lo <= 16777216 ? lo : toSingle(lo, mx));
    else cpu.xmmF64[o * 2] = wide ? int64ToFloat(lo, hi, false, mx) : lo;
    fpEnd(cpu, o, i.reg, single ? 1 : 2);
  };
  const reg: Handler = wide ? (cpu, i) => op(cpu, i, cpu.lo[i.rm], cpu.hi[i.rm]) : (cpu, i) => op(cpu, i, cpu.lo[i.rm], 0);
  const mem: Handler = wide
    ? (cpu, i) => { const lo = cpu.mem.read64(ea(cpu, i)); op(cpu, i, lo, cpu.mem.hi); }
    : (cpu, i) => op(cpu, i, cpu.mem.read32(ea(cpu, i)), 0);
  return (i) => (i.mod === 3 ? reg : mem);
}

// --- Floating point → integers.
const TWO31 = 2147483648, TWO63 = 9223372036854775808, TWO32 = 4294967296;
/** High half of the last 64-bit toInt() result. */
let intHi = 0;

/**
 * Convert a non-NaN value to a signed 32- or 64-bit integer in rounding mode rc; out of range
 * gives the indefinite value and IE, an inexact result PE.
 */
function toInt(v: number, rc: number, wide: boolean): number {
  const r = roundToIntegral(v, rc);
  if (wide) {
    if (r >= TWO63 || r < -TWO63) { FPX[0] |= IE; intHi = 0x80000000 | 0; return 0; }
    if (lastInexact()) FPX[1] |= PE;
    const h = Math.floor(r / TWO32);
    intHi = h | 0;
    return (r - h * TWO32) | 0;
  }
  if (r >= TWO31 || r < -TWO31) { FPX[0] |= IE; return 0x80000000 | 0; }
  if (lastInexact()) FPX[1] |= PE;
  return r | 0;
}

/** binary32 lane (bits b) → integer. */
function f32ToInt(b: number, rc: number, wide: boolean, mx: number): number {
  if (isNaN32(b) || (b & 0x7f800000) === 0x7f800000) { FPX[0] |= IE; intHi = 0x80000000 | 0; return wide ? 0 : 0x80000000 | 0; }
  if ((b & 0x7f800000) === 0 && (mx & DAZ) !== 0) b &= 0x80000000;
  I32S[0] = b;
  return toInt(F32S[0], rc, wide);
}
const F64S = new Float64Array(1);
const I64S = new Int32Array(F64S.buffer);
function f64ToInt(lo: number, hi: number, rc: number, wide: boolean, mx: number): number {
  if ((hi & 0x7ff00000) === 0x7ff00000) { FPX[0] |= IE; intHi = 0x80000000 | 0; return wide ? 0 : 0x80000000 | 0; }
  if ((hi & 0x7ff00000) === 0 && (mx & DAZ) !== 0) { lo = 0; hi &= 0x80000000; }
  I64S[0] = lo; I64S[1] = hi;
  return toInt(F64S[0], rc, wide);
}

function rcOf(cpu: Cpu, trunc: boolean): number {
  return trunc ? RC_ZERO : (cpu.mxcsr & RC_MASK) >> RC_SHIFT;
}

function cvtps2dq(cpu: Cpu, d: number, s: number, trunc: boolean): void {
  const x = cpu.xmm, mx = cpu.mxcsr, rc = rcOf(cpu, trunc);
  const o = fpBegin(cpu, d);
  for (let k = 0; k < 4; k++) x[o * 4 + k] = f32ToInt(x[s * 4 + k], rc, false, mx);
  fpEnd(cpu, o, d, 4);
}
function cvtpd2dq(cpu: Cpu, d: number, s: number, trunc: boolean): void {
  const x = cpu.xmm, mx = cpu.mxcsr, rc = rcOf(cpu, trunc);
  const o = fpBegin(cpu, d);
  const r0 = f64ToInt(x[s * 4], x[s * 4 + 1], rc, false, mx);
  const r1 = f64ToInt(x[s * 4 + 2], x[s * 4 + 3], rc, false, mx);
  x[o * 4] = r0; x[o * 4 + 1] = r1; x[o * 4 + 2] = 0; x[o * 4 + 3] = 0;
  fpEnd(cpu, o, d, 4);
}

/** CVT(T)SS2SI / CVT(T)SD2SI r32/r64, xmm/m32/m64. */
function cvtf2si(single: boolean, trunc: boolean): Binder {
  const op = (cpu: Cpu, i: Insn, s: number): void => {
    FPX[0] = 0; FPX[1] = 0;
    const x = cpu.xmm, mx = cpu.mxcsr, rc = rcOf(cpu, trunc);
    const wide = (i.rex & 8) !== 0;
    const v = single ? f32ToInt(x[s * 4], rc, wide, mx) : f64ToInt(x[s * 4], x[s * 4 + 1], rc, wide, mx);
    fpCheck(cpu);
    cpu.lo[i.reg] = v;
    cpu.hi[i.reg] = wide ? intHi : 0;
  };
  const reg: Handler = (cpu, i) => op(cpu, i, i.rm);
  const mem: Handler = single ? (cpu, i) => op(cpu, i, load32(cpu, i)) : (cpu, i) => op(cpu, i, load64(cpu, i));
  return (i) => (i.mod === 3 ? reg : mem);
}

// --- Registration.
def(MAP_0F | 0x5a, byPrefix(xmmRm(cvtps2pd, M64), xmmRm(cvtpd2ps), xmmRm(cvtss2sd, M32), xmmRm(cvtsd2ss, M64)));
def(MAP_0F | 0x5b, byPrefix(xmmRm(cvtdq2ps), xmmRm((c, d, s) => cvtps2dq(c, d, s, false)), xmmRm((c, d, s) => cvtps2dq(c, d, s, true)), null));
def(MAP_0F | 0xe6, byPrefix(null, xmmRm((c, d, s) => cvtpd2dq(c, d, s, true)), xmmRm(cvtdq2pd, M64), xmmRm((c, d, s) => cvtpd2dq(c, d, s, false))));
const si2ss = [cvtsi2f(true, false), cvtsi2f(true, true)], si2sd = [cvtsi2f(false, false), cvtsi2f(false, true)];
def(MAP_0F | 0x2a, byPrefix(null, null, (i) => si2ss[(i.rex >> 3) & 1](i), (i) => si2sd[(i.rex >> 3) & 1](i)));
def(MAP_0F | 0x2c, byPrefix(null, null, cvtf2si(true, true), cvtf2si(false, true)));
def(MAP_0F | 0x2d, byPrefix(null, null, cvtf2si(true, false), cvtf2si(false, false)));
