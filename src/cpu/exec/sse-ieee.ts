// IEEE-754 binary32/binary64 arithmetic as the SSE unit performs it: correct rounding in the four
// MXCSR.RC modes, the six exception flags, DAZ and FTZ, and the x86 NaN rules. Handlers try a
// fast path first (JS arithmetic, which rounds to nearest-even, when nothing but an already
// sticky PE flag could result); everything else comes here.
//
// The method: compute the exact result as a double p plus the sign of an error term ε with
// |ε| < ulp(p)/2, at a scale 2^sc (error-free transformations: Fast2Sum, Dekker's product, the
// exact remainder of division and square root; operands are first scaled to [1, 2) so nothing
// overflows or underflows on the way). roundPack() then rounds that value to the format with
// the x86 rules: overflow and tininess are judged on the result rounded with an unbounded
// exponent, tininess *after* rounding (SDM Vol. 1 §4.9.1.4-5); masked underflow is flagged only
// when the result is also inexact, unmasked underflow whenever tiny; FTZ (with UE masked)
// returns a signed zero and sets UE and PE for every tiny result, exact or not (observed on
// hardware, and the SDM's §10.2.3.3 wording).
//
// NaNs never travel through JS numbers: engines may canonicalise NaN payloads, so they are
// recognised and produced from integer bits (SDM Vol. 1 §4.8.3.5, Table 4-7: the first source
// operand's NaN wins, SNaNs are quieted, an invalid operation yields the default QNaN).

import { FPX, IE, DE, ZE, OE, UE, PE, DAZ, OM, UM, FTZ, RC_SHIFT, RC_NEAR, RC_DOWN, RC_UP, RC_ZERO } from './sse-state.js';

// --- Bit access to doubles and floats.
const F64 = new Float64Array(1);
const F64I = new Int32Array(F64.buffer);
const F32 = new Float32Array(1);
const F32I = new Int32Array(F32.buffer);

export function f64Bits(v: number): number {
  F64[0] = v;
  return F64I[1];
}
export function f64FromBits(lo: number, hi: number): number {
  F64I[0] = lo;
  F64I[1] = hi;
  return F64[0];
}
export function f32FromBits(b: number): number {
  F32I[0] = b;
  return F32[0];
}
export function f32Bits(v: number): number {
  F32[0] = v;
  return F32I[0];
}

/** 2^k for k in [-1074, 1023] (0 below, Infinity above): exact powers of two without Math.pow. */
const POW2 = new Float64Array(2098);
{
  let v = 1;
  for (let k = 0; k <= 1023; k++) { POW2[k + 1074] = v; v *= 2; }
  v = 1;
  for (let k = 0; k >= -1074; k--) { POW2[k + 1074] = v; v /= 2; }
}
export function pow2(k: number): number {
  return k < -1074 ? 0 : k > 1023 ? Infinity : POW2[k + 1074];
}

export const MAX_F64 = 1.7976931348623157e308;
export const MAX_F32 = 3.4028234663852886e38;
export const MIN_NORMAL_F64 = 2.2250738585072014e-308;
export const MIN_NORMAL_F32 = 1.1754943508222875e-38;

// --- Error-free transformations (Dekker 1971). Valid while nothing overflows or underflows,
// which the callers ensure by scaling.
const SPLIT = 134217729; // 2^27 + 1
/** The exact error of p = fl(a × b): a × b = p + result. */
export function twoProductErr(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

// --- Unpacking a finite non-zero double into m × 2^e with m in [1, 2) (subnormals included).
export let unpackExp = 0;
export function unpackMant(v: number): number {
  F64[0] = v;
  let hi = F64I[1];
  let e = (hi >>> 20) & 0x7ff;
  let bias = 1023;
  if (e === 0) {
    F64[0] = v * 18446744073709551616; // 2^64: exact for a subnormal
    hi = F64I[1];
    e = (hi >>> 20) & 0x7ff;
    bias = 1023 + 64;
  }
  unpackExp = e - bias;
  F64I[1] = (hi & 0xfffff) | 0x3ff00000;
  return F64[0];
}

// --- Rounding.
const NEAR = 0, TRUNC = 1, AWAY = 2;
let inexact = false;

/** Round m × 2^sh (m in [1, 2), exact value m + ε with sign es) to an integer, in magnitude mode `mode`. */
function roundInt(m: number, sh: number, es: number, mode: number): number {
  let fl: number, g: number;
  if (sh < -60) { fl = 0; g = 1e-30; }
  else {
    const n = m * pow2(sh);
    fl = Math.floor(n);
    g = n - fl;
  }
  if (g === 0) {
    if (es === 0) { inexact = false; return fl; }
    inexact = true;
    if (es > 0) return mode === AWAY ? fl + 1 : fl;
    return mode === TRUNC ? fl - 1 : fl;
  }
  inexact = true;
  if (mode === NEAR) {
    if (g > 0.5) return fl + 1;
    if (g < 0.5) return fl;
    if (es !== 0) return es > 0 ? fl + 1 : fl;
    return fl % 2 === 0 ? fl : fl + 1;
  }
  return mode === AWAY ? fl + 1 : fl;
}

/**
 * Round (-1)^neg × (p + ε) × 2^sc to binary32 (`single`) or binary64 under MXCSR `mx`, raising
 * OE/UE/PE into FPX[1]; returns the result as a JS number. p > 0 is finite, ε has sign es and
 * |ε| < ulp(p)/2 (p is the exact value rounded to 53 bits, or the exact value).
 */
export function roundPack(neg: boolean, p: number, es: number, sc: number, single: boolean, mx: number): number {
  const m = unpackMant(p);
  const E = unpackExp + sc;
  const EX = m === 1 && es < 0 ? E - 1 : E;
  const P = single ? 24 : 53;
  const emin = single ? -126 : -1022;
  const emax = single ? 127 : 1023;
  const rc = (mx >> RC_SHIFT) & 3;
  const mode = rc === RC_NEAR ? NEAR : rc === RC_ZERO ? TRUNC : (rc === RC_DOWN) === neg ? AWAY : TRUNC;

  let tiny = false, inexactUnbounded = false;
  if (EX < emin) {
    // Tininess after rounding: round with the exponent range unbounded (quantum 2^(EX-P+1)).
    const n2 = roundInt(m, E - (EX - P + 1), es, mode);
    tiny = EX < emin - 1 || n2 < pow2(P);
    inexactUnbounded = inexact;
  }
  const qe = (EX > emin ? EX : emin) - P + 1;
  const N = roundInt(m, E - qe, es, mode);
  const post = FPX;
  let v: number;
  if (EX > emax || (EX === emax && N === pow2(P))) {
    // Masked, the result is ±∞ or ±MAX: always inexact. Unmasked, the handler is told about
    // the result rounded with an unbounded exponent: PE only if that one is inexact (as
    // hardware reports it; the same holds for unmasked underflow below).
    post[1] |= (mx & OM) !== 0 || inexact ? OE | PE : OE;
    v = mode === TRUNC ? (single ? MAX_F32 : MAX_F64) : Infinity;
  } else {
    v = N * pow2(qe);
    if (tiny) {
      if ((mx & UM) !== 0) {
        if ((mx & FTZ) !== 0) { v = 0; post[1] |= UE | PE; }
        else if (inexact) post[1] |= UE | PE;
      } else post[1] |= inexactUnbounded ? UE | PE : UE;
    } else if (inexact) post[1] |= PE;
  }
  return neg ? -v : v;
}

// --- The arithmetic operations on finite operands (NaNs, DAZ, invalid cases and zero divisors
// are the callers' business). Each returns the rounded result.

export const OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3;

/** a + b, exactly rounded. Both finite. */
export function addRound(a: number, b: number, single: boolean, mx: number): number {
  let s = a + b;
  let sc = 0;
  if (s === Infinity || s === -Infinity) {
    // Only when both are huge: a quarter of each is exact.
    a *= 0.25; b *= 0.25; s = a + b; sc = 2;
  }
  if (s === 0) {
    // An exact zero sum (IEEE 754 §6.3): two zeros of one sign keep it; otherwise +0, or -0
    // when rounding toward -inf.
    if (a === 0 && b === 0 && (1 / a < 0) === (1 / b < 0)) return a;
    return ((mx >> RC_SHIFT) & 3) === RC_DOWN ? -0 : 0;
  }
  const err = Math.abs(a) >= Math.abs(b) ? b - (s - a) : a - (s - b);
  const neg = s < 0;
  const es = err === 0 ? 0 : (err > 0) !== neg ? 1 : -1;
  return roundPack(neg, neg ? -s : s, es, sc, single, mx);
}

/** a × b, both finite. */
export function mulRound(a: number, b: number, single: boolean, mx: number): number {
  if (a === 0 || b === 0) return a * b;
  const neg = (a < 0) !== (b < 0);
  const ma = unpackMant(a), ea = unpackExp;
  const mb = unpackMant(b), eb = unpackExp;
  const p = ma * mb;
  const err = twoProductErr(ma, mb, p);
  return roundPack(neg, p, err > 0 ? 1 : err < 0 ? -1 : 0, ea + eb, single, mx);
}

/** a / b, both finite, b non-zero. */
export function divRound(a: number, b: number, single: boolean, mx: number): number {
  if (a === 0) return a / b;
  const neg = (a < 0) !== (b < 0);
  const ma = unpackMant(a), ea = unpackExp;
  const mb = unpackMant(b), eb = unpackExp;
  const q = ma / mb;
  const hp = q * mb;
  const he = twoProductErr(q, mb, hp);
  const rem = (ma - hp) - he;
  return roundPack(neg, q, rem > 0 ? 1 : rem < 0 ? -1 : 0, ea - eb, single, mx);
}

/** sqrt(a), a finite and > 0. */
export function sqrtRound(a: number, single: boolean, mx: number): number {
  let m = unpackMant(a), e = unpackExp;
  if ((e & 1) !== 0) { m *= 2; e -= 1; }
  const s = Math.sqrt(m);
  const hp = s * s;
  const he = twoProductErr(s, s, hp);
  const rem = (m - hp) - he;
  return roundPack(false, s, rem > 0 ? 1 : rem < 0 ? -1 : 0, e / 2, single, mx);
}

/** Round a double to binary32 under MXCSR (CVTSD2SS, CVTPD2PS, and int32 → float). */
export function toSingle(v: number, mx: number): number {
  if (v === 0 || v === Infinity || v === -Infinity) return v;
  const neg = v < 0;
  return roundPack(neg, neg ? -v : v, 0, 0, true, mx);
}

// --- Rounding to an integer (CVTSD2SI & co., ROUNDSD): the integral value of v under `rc`.
/** The integer nearest to v in rounding mode rc (RC_*); sets `inexact`. v finite. */
export function roundToIntegral(v: number, rc: number): number {
  const t = Math.trunc(v);
  const f = v - t; // exact
  if (f === 0) { inexact = false; return t; }
  inexact = true;
  switch (rc) {
    case RC_NEAR: {
      const af = Math.abs(f);
      if (af > 0.5 || (af === 0.5 && t % 2 !== 0)) return v < 0 ? t - 1 : t + 1;
      return t === 0 && v < 0 ? -0 : t;
    }
    case RC_DOWN: return v < 0 ? t - 1 : t;
    case RC_UP: return v > 0 ? t + 1 : (t === 0 ? -0 : t);
    default: return t === 0 && v < 0 ? -0 : t;
  }
}
export function lastInexact(): boolean {
  return inexact;
}

// --- NaNs and classes from bits.

/** binary64 high word: is the value (with low word `lo`) a NaN? */
export function isNaN64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
}
export function isNaN32(b: number): boolean {
  return (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
}
export function isSNaN64(lo: number, hi: number): boolean {
  return isNaN64(lo, hi) && (hi & 0x80000) === 0;
}
export function isSNaN32(b: number): boolean {
  return isNaN32(b) && (b & 0x400000) === 0;
}
/** Is a binary64 denormal (non-zero with a zero exponent)? */
export function isDenormal64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) | lo) !== 0;
}
export function isDenormal32(b: number): boolean {
  return (b & 0x7f800000) === 0 && (b & 0x7fffff) !== 0;
}

export const QNAN64_HI = 0xfff80000 | 0;
export const QNAN32 = 0xffc00000 | 0;

/**
 * The result of a two-operand operation with a NaN operand, into x[o], x[o+1]: the first
 * source's NaN if it has one, else the second's, quieted; IE if either is signalling.
 */
export function nan64(x: Int32Array, o: number, alo: number, ahi: number, blo: number, bhi: number): void {
  const an = isNaN64(alo, ahi);
  if ((an && (ahi & 0x80000) === 0) || (isNaN64(blo, bhi) && (bhi & 0x80000) === 0)) FPX[0] |= IE;
  if (an) { x[o] = alo; x[o + 1] = ahi | 0x80000; }
  else { x[o] = blo; x[o + 1] = bhi | 0x80000; }
}
export function nan32(x: Int32Array, o: number, a: number, b: number): void {
  const an = isNaN32(a);
  if ((an && (a & 0x400000) === 0) || (isNaN32(b) && (b & 0x400000) === 0)) FPX[0] |= IE;
  x[o] = an ? a | 0x400000 : b | 0x400000;
}

// --- One lane of ADD/SUB/MUL/DIV in full generality (NaNs, infinities, zeros, denormals, all
// modes). x/f64 view the register file; ia/ib/io are int32 lane indices of the low words.

export function laneArith64(x: Int32Array, f: Float64Array, op: number, io: number, ia: number, ib: number, mx: number): void {
  const alo = x[ia], ahi = x[ia + 1], blo = x[ib], bhi = x[ib + 1];
  if (isNaN64(alo, ahi) || isNaN64(blo, bhi)) { nan64(x, io, alo, ahi, blo, bhi); return; }
  let a = f[ia >> 1], b = f[ib >> 1];
  let den = false;
  if ((ahi & 0x7ff00000) === 0 && a !== 0) { if ((mx & DAZ) !== 0) a = ahi < 0 ? -0 : 0; else den = true; }
  if ((bhi & 0x7ff00000) === 0 && b !== 0) { if ((mx & DAZ) !== 0) b = bhi < 0 ? -0 : 0; else den = true; }
  f[io >> 1] = arith(op, a, b, den, false, mx);
  if (ARITH_NAN) { x[io] = 0; x[io + 1] = QNAN64_HI; }
}

export function laneArith32(x: Int32Array, f: Float32Array, op: number, io: number, ia: number, ib: number, mx: number): void {
  const ab = x[ia], bb = x[ib];
  if (isNaN32(ab) || isNaN32(bb)) { nan32(x, io, ab, bb); return; }
  let a = f[ia], b = f[ib];
  let den = false;
  if ((ab & 0x7f800000) === 0 && a !== 0) { if ((mx & DAZ) !== 0) a = ab < 0 ? -0 : 0; else den = true; }
  if ((bb & 0x7f800000) === 0 && b !== 0) { if ((mx & DAZ) !== 0) b = bb < 0 ? -0 : 0; else den = true; }
  const r = arith(op, a, b, den, true, mx);
  if (ARITH_NAN) x[io] = QNAN32;
  else f[io] = r;
}

/** Set by arith() when the result is the default NaN (an invalid operation). */
let ARITH_NAN = false;

/**
 * a op b for non-NaN operands after DAZ; `den` says a denormal operand was seen. Handles the
 * invalid operations (∞-∞, 0×∞, 0/0, ∞/∞), division by zero, infinities and the priority of
 * DE below IE and ZE, as the hardware reports them.
 */
function arith(op: number, a: number, b: number, den: boolean, single: boolean, mx: number): number {
  ARITH_NAN = false;
  const ainf = a === Infinity || a === -Infinity, binf = b === Infinity || b === -Infinity;
  switch (op) {
    case OP_ADD: case OP_SUB: {
      if (op === OP_SUB) b = -b;
      if (ainf || binf) {
        if (ainf && binf && a !== b) { FPX[0] |= IE; ARITH_NAN = true; return 0; }
        if (den) FPX[0] |= DE;
        return ainf ? a : b;
      }
      if (den) FPX[0] |= DE;
      return addRound(a, b, single, mx);
    }
    case OP_MUL: {
      if (ainf || binf) {
        if (a === 0 || b === 0) { FPX[0] |= IE; ARITH_NAN = true; return 0; }
        if (den) FPX[0] |= DE;
        return a * b;
      }
      if (den) FPX[0] |= DE;
      return mulRound(a, b, single, mx);
    }
    default: {
      if (ainf || binf) {
        if (ainf && binf) { FPX[0] |= IE; ARITH_NAN = true; return 0; }
        if (den) FPX[0] |= DE;
        return a / b;
      }
      if (b === 0) {
        if (a === 0) { FPX[0] |= IE; ARITH_NAN = true; return 0; }
        FPX[0] |= ZE;
        return a / b;
      }
      if (den) FPX[0] |= DE;
      return divRound(a, b, single, mx);
    }
  }
}

/** One lane of SQRTSD/SQRTPD. */
export function laneSqrt64(x: Int32Array, f: Float64Array, io: number, ia: number, mx: number): void {
  const alo = x[ia], ahi = x[ia + 1];
  if (isNaN64(alo, ahi)) {
    if ((ahi & 0x80000) === 0) FPX[0] |= IE;
    x[io] = alo; x[io + 1] = ahi | 0x80000;
    return;
  }
  let a = f[ia >> 1];
  let den = false;
  if ((ahi & 0x7ff00000) === 0 && a !== 0) { if ((mx & DAZ) !== 0) a = ahi < 0 ? -0 : 0; else den = true; }
  if (a < 0) { FPX[0] |= IE; x[io] = 0; x[io + 1] = QNAN64_HI; return; }
  if (den) FPX[0] |= DE;
  f[io >> 1] = a === 0 || a === Infinity ? a : sqrtRound(a, false, mx);
}

export function laneSqrt32(x: Int32Array, f: Float32Array, io: number, ia: number, mx: number): void {
  const ab = x[ia];
  if (isNaN32(ab)) {
    if ((ab & 0x400000) === 0) FPX[0] |= IE;
    x[io] = ab | 0x400000;
    return;
  }
  let a = f[ia];
  let den = false;
  if ((ab & 0x7f800000) === 0 && a !== 0) { if ((mx & DAZ) !== 0) a = ab < 0 ? -0 : 0; else den = true; }
  if (a < 0) { FPX[0] |= IE; x[io] = QNAN32; return; }
  if (den) FPX[0] |= DE;
  f[io] = a === 0 || a === Infinity ? a : sqrtRound(a, true, mx);
}
