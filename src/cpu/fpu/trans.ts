// The x87 transcendental instructions: F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS
// (SDM Vol. 2, each instruction, including their tables of special operands).
//
// Why BigInt here (and only here): these functions need intermediates well beyond 64 bits —
// exact range reduction of arguments up to 2^63 by π/2 needs π to ~330 bits, and the series
// need ~200 bits to round correctly — and they are rare in real programs (libm's long double
// sin/exp/log, not printf). Writing a multi-limb library for this would be far more code than
// the arithmetic it serves. BigInt never appears on the FLD/FST/FXCH or basic-arithmetic paths.
//
// Accuracy: every result is computed to a relative error below 2^-150 and then rounded once to
// double extended precision by RC (inexact: PE, and C1 = rounded up). Results are therefore
// correctly rounded except when the exact value lies within 2^-150 (relative) of a rounding
// boundary; the error bound is 0.5 ulp + 2^-86 ulp in round-to-nearest and under 1 ulp in the
// directed modes. Real x87 hardware is less accurate (Intel documents up to ~1 ulp on its
// reduced ranges and reduces arguments with a 66-bit π); tests/cpu/x87-fixture.test.ts measures
// the difference from the host.

import {
  F80, env, classOf, nanResult, invalid, quietNaN, setInf, setZero, copyF80, BIAS,
  K_ZERO, K_NORMAL, K_DENORMAL, K_INF, K_QNAN, K_UNSUPPORTED, DE, ZE, PE,
} from './f80.js';
import { normPack, unpack, U, D_EXT } from './round.js';
import { mul } from './arith.js';

/** Working precision of the series, in bits. */
const W = 200;
const WB = BigInt(W);
const ONE = 1n << WB;

/** A value m·2^e (m signed, |m| kept to about W bits). */
interface BF { m: bigint; e: number }

function bitlen(m: bigint): number {
  if (m < 0n) m = -m;
  return m === 0n ? 0 : m.toString(2).length;
}

function bf(m: bigint, e: number): BF {
  const n = bitlen(m);
  if (n > W + 8) {
    const s = n - W - 8;
    return { m: m >> BigInt(s), e: e + s };
  }
  return { m, e };
}

function bfMul(a: BF, b: BF): BF { return bf(a.m * b.m, a.e + b.e); }
function bfDiv(a: BF, b: BF): BF {
  const s = W + 16 + bitlen(b.m) - bitlen(a.m);
  return bf((a.m << BigInt(Math.max(s, 0))) / b.m, a.e - b.e - Math.max(s, 0));
}
function bfAdd(a: BF, b: BF): BF {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  // Align to the smaller exponent, but no lower than W+40 bits below the larger operand's top.
  const top = Math.max(a.e + bitlen(a.m), b.e + bitlen(b.m));
  const e = Math.max(Math.min(a.e, b.e), top - W - 40);
  const am = a.e >= e ? a.m << BigInt(a.e - e) : a.m >> BigInt(e - a.e);
  const bm = b.e >= e ? b.m << BigInt(b.e - e) : b.m >> BigInt(e - b.e);
  return bf(am + bm, e);
}
function bfNeg(a: BF): BF { return { m: -a.m, e: a.e }; }
function bfFix(a: BF): bigint {
  // As a fixed-point number with W fraction bits.
  const s = a.e + W;
  return s >= 0 ? a.m << BigInt(s) : a.m >> BigInt(-s);
}
function fromFix(v: bigint): BF { return bf(v, -W); }

function bfFromF80(a: F80): BF {
  unpack(a);
  const m = (BigInt(U.h) << 32n) | BigInt(U.l);
  return bf((a.se & 0x8000) ? -m : m, U.e - BIAS - 63);
}

/**
 * Round a (non-zero, inexact) approximation v of a transcendental value to double extended by
 * RC into `out`. The approximation is far more precise than the result, so only its position
 * relative to the rounding boundaries matters: when v has bits beyond the 96 kept, the sticky bit
 * says so. When it has none (v is an exact short number, as x for sin x with tiny x) the side
 * of v the true value lies on decides directed rounding: `dir` gives it (+1 larger in magnitude,
 * −1 smaller), from the sign of the first neglected series term.
 */
function bfToF80(out: F80, v: BF, dir = 1): void {
  let m = v.m, sign = 0;
  if (m < 0n) { m = -m; sign = 0x8000; }
  if (m === 0n) { setZero(out, sign); return; }
  const n = bitlen(m);
  let top = n > 96 ? m >> BigInt(n - 96) : m << BigInt(96 - n);
  const rest = n > 96 ? m - (top << BigInt(n - 96)) : 0n;
  if (rest === 0n && dir < 0) top -= 1n; // just below v: normPack renormalises 0x7fff…
  const h = Number((top >> 64n) & 0xffffffffn), l = Number((top >> 32n) & 0xffffffffn);
  const x = Number((top & 0xffffffffn) | 1n);
  normPack(out, sign, v.e + n - 1 + BIAS, h, l, x, 64, D_EXT);
}

// --- Constants, computed once from their series at W + 140 fraction bits.

const PW = W + 140;
const PONE = 1n << BigInt(PW);
function atanInv(k: bigint): bigint {
  // atan(1/k) in fixed point PW.
  let term = PONE / k, sum = term, n = 1n;
  const k2 = k * k;
  for (let i = 1; term !== 0n; i++) {
    term = term / k2;
    n += 2n;
    sum += (i & 1) ? -term / n : term / n;
  }
  return sum;
}
function atanhInv(k: bigint): bigint {
  let term = PONE / k, sum = term, n = 1n;
  const k2 = k * k;
  while (term !== 0n) { term = term / k2; n += 2n; sum += term / n; }
  return sum;
}
let PI_P = 0n, LN2_P = 0n;
function consts(): void {
  if (PI_P !== 0n) return;
  PI_P = 16n * atanInv(5n) - 4n * atanInv(239n);
  LN2_P = 2n * atanhInv(3n);
}
/** π/2, π, ln 2 as BF with about PW bits. */
function piOver(k: number): BF { consts(); return { m: PI_P, e: -PW - Math.log2(k) }; }
function ln2(): BF { consts(); return bf(LN2_P, -PW); }

/** Exposed for the test that checks FLDPI and friends against their series. */
export function constantBits(): { pi: bigint; ln2: bigint; fractionBits: number } {
  consts();
  return { pi: PI_P, ln2: LN2_P, fractionBits: PW };
}

// --- Series kernels on fixed-point arguments t = x² (|t| < 1), W fraction bits. Callers keep
// |t| ≤ 0.7 so each converges in well under MAX_TERMS terms; the cap only guarantees that no
// guest operand can make the emulator loop.
const MAX_TERMS = 400n;

/** Σ t^k / (2k+1): atanh(z)/z with t = z². */
function atanhKernel(t: bigint): bigint {
  let p = ONE, sum = ONE;
  for (let k = 1n; k < MAX_TERMS; k++) {
    p = (p * t) >> WB;
    if (p === 0n) break;
    sum += p / (2n * k + 1n);
  }
  return sum;
}
/** Σ (−t)^k / (2k+1): atan(z)/z. */
function atanKernel(t: bigint): bigint {
  let p = ONE, sum = ONE;
  for (let k = 1n; k < MAX_TERMS; k++) {
    p = -(p * t) >> WB;
    if (p === 0n) break;
    sum += p / (2n * k + 1n);
  }
  return sum;
}
/** sin(r)/r = Σ (−t)^k/(2k+1)! and cos(r) = Σ (−t)^k/(2k)! with t = r². */
function sinKernel(t: bigint): bigint {
  let p = ONE, sum = ONE;
  for (let k = 1n; k < MAX_TERMS; k++) {
    p = -(p * t) / ((2n * k) * (2n * k + 1n)) >> WB;
    if (p === 0n) break;
    sum += p;
  }
  return sum;
}
function cosKernel(t: bigint): bigint {
  let p = ONE, sum = ONE;
  for (let k = 1n; k < MAX_TERMS; k++) {
    p = -(p * t) / ((2n * k - 1n) * (2n * k)) >> WB;
    if (p === 0n) break;
    sum += p;
  }
  return sum;
}
/** (e^t − 1)/t = Σ t^k/(k+1)!. */
function expm1Kernel(t: bigint): bigint {
  let p = ONE, sum = ONE;
  for (let k = 2n; k < MAX_TERMS; k++) {
    p = (p * t) / k >> WB;
    if (p === 0n) break;
    sum += p;
  }
  return sum;
}

function square(z: BF): bigint { return bfFix(bfMul(z, z)); }

/** ln(m) for a BF m > 0. */
function ln(x: BF): BF {
  // x = f·2^k with f in [1, 2): ln x = k·ln2 + 2·atanh((f−1)/(f+1)).
  const n = bitlen(x.m), k = x.e + n - 1;
  const f: BF = { m: x.m, e: -(n - 1) };
  const one: BF = { m: 1n, e: 0 };
  const z = bfDiv(bfAdd(f, bfNeg(one)), bfAdd(f, one));
  const r = bfMul(z, fromFix(2n * atanhKernel(square(z))));
  return k === 0 ? r : bfAdd(bfMul({ m: BigInt(k), e: 0 }, ln2()), r);
}

/** ln(1 + x) for |x| < 1, keeping relative accuracy for tiny x. */
function ln1p(x: BF): BF {
  // Away from 0 the series in x/(2+x) converges slowly (not at all as x → ∞): use ln(1 + x).
  if (x.e + bitlen(x.m) > -2) return ln(bfAdd({ m: 1n, e: 0 }, x));
  const two: BF = { m: 2n, e: 0 };
  const z = bfDiv(x, bfAdd(two, x));
  return bfMul(z, fromFix(2n * atanhKernel(square(z))));
}

function denormalCheck(ka: number, kb: number): boolean {
  if (ka !== K_DENORMAL && kb !== K_DENORMAL) return false;
  env.flags |= DE;
  return (env.cw & DE) === 0;
}

// --- The instructions.

/** F2XM1: 2^x − 1, for −1 ≤ x ≤ 1. */
export function f2xm1(out: F80, a: F80): void {
  const k = classOf(a);
  if (k >= K_QNAN) { if (k === K_UNSUPPORTED) invalid(out); else quietNaN(out, a); return; }
  if (k === K_ZERO) { copyF80(out, a); return; }
  if (k === K_INF) { if (a.se & 0x8000) { out.se = 0xbfff; out.hi = 0x80000000; out.lo = 0; } else copyF80(out, a); return; }
  if (denormalCheck(k, K_ZERO)) return;
  const x = bfFromF80(a);
  // Exact cases: 2^1 − 1 = 1, 2^−1 − 1 = −½.
  if (a.hi === 0x80000000 && a.lo === 0 && (a.se & 0x7fff) === BIAS) {
    out.se = (a.se & 0x8000) ? 0xbffe : 0x3fff; out.hi = 0x80000000; out.lo = 0;
    return;
  }
  if ((a.se & 0x7fff) >= BIAS) {
    // Outside −1 ≤ x ≤ 1 the SDM leaves the result undefined; the host returns x with PE.
    copyF80(out, a);
    env.flags |= PE;
    return;
  }
  // 2^x − 1 = expm1(x·ln2); |x·ln2| < 0.7.
  const t = bfMul(x, ln2());
  bfToF80(out, bfMul(t, fromFix(expm1Kernel(bfFix(t)))));
}

/**
 * y · log2(x) (FYL2X, y = ST(1), x = ST(0)), or y · log2(x + 1) (FYL2XP1) when `plus1`. The log
 * is exact (±0, ±∞, or 0 at x = 1 / x = 0 for FYL2XP1) where the SDM's tables say so, and the
 * product then follows the multiplication rules (0 × ∞ invalid; x = 0 is a division by zero).
 */
export function fyl2x(out: F80, x: F80, y: F80, plus1: boolean): void {
  const kx = classOf(x), ky = classOf(y);
  if (kx >= K_QNAN || ky >= K_QNAN) { nanResult(out, x, kx, y, ky); return; }
  const sx = x.se & 0x8000, sy = y.se & 0x8000;
  let logSign = 0, logKind: number; // K_ZERO, K_INF or K_NORMAL for log2(x)
  if (!plus1) {
    if (sx !== 0 && kx !== K_ZERO) { invalid(out); return; }
    if (kx === K_ZERO) { logKind = K_INF; logSign = 0x8000; }
    else if (kx === K_INF) logKind = K_INF;
    else if (x.hi === 0x80000000 && x.lo === 0 && (x.se & 0x7fff) === BIAS) logKind = K_ZERO;
    else { logKind = K_NORMAL; logSign = (x.se & 0x7fff) < BIAS ? 0x8000 : 0; }
  } else {
    if (kx === K_ZERO) { logKind = K_ZERO; logSign = sx; }
    else if (kx === K_INF) { if (sx) { invalid(out); return; } logKind = K_INF; }
    else {
      // x ≤ −1 has no logarithm; the SDM leaves this undefined and the host returns x with PE.
      if (sx && (x.se & 0x7fff) >= BIAS) { copyF80(out, x); env.flags |= PE; return; }
      logKind = K_NORMAL; logSign = sx;
    }
  }
  const sign = sy ^ logSign;
  if (ky === K_INF) {
    if (logKind === K_ZERO) { invalid(out); return; }
    if (denormalCheck(kx, K_ZERO)) return;
    setInf(out, sign);
    return;
  }
  if (ky === K_ZERO) {
    if (logKind === K_INF) { invalid(out); return; }
    if (denormalCheck(kx, K_ZERO)) return;
    setZero(out, sign);
    return;
  }
  if (logKind === K_INF) {
    if (kx === K_ZERO) env.flags |= ZE;
    else if (denormalCheck(K_ZERO, ky)) return;
    if ((env.flags & ~env.cw & ZE) !== 0) return;
    setInf(out, sign);
    return;
  }
  if (denormalCheck(kx, ky)) return;
  if (logKind === K_ZERO) { setZero(out, sign); return; }
  const xb = bfFromF80(x), yb = bfFromF80(y);
  if (!plus1) {
    unpack(x);
    if (U.h === 0x80000000 && U.l === 0) {
      // x is a power of two: log2(x) is an integer, the product is a single rounding.
      const L = new F80();
      const k = U.e - BIAS;
      normPack(L, k < 0 ? 0x8000 : 0, BIAS + 63, 0, Math.abs(k), 0, 64, D_EXT);
      mul(out, y, L, 64);
      return;
    }
  }
  const lg = plus1 ? ln1p(xb) : ln(xb);
  bfToF80(out, bfMul(yb, bfDiv(lg, ln2())));
}

/** FPATAN: atan2(y, x) with y = ST(1), x = ST(0) (SDM Vol. 2 FPATAN table). */
export function fpatan(out: F80, x: F80, y: F80): void {
  const kx = classOf(x), ky = classOf(y);
  if (kx >= K_QNAN || ky >= K_QNAN) { nanResult(out, x, kx, y, ky); return; }
  const sx = x.se & 0x8000, sy = y.se & 0x8000;
  if (denormalCheck(kx, ky)) return;
  // Exact and special cases: the angle is 0, ±π/4·k or ±π/2 by the signs.
  if (ky === K_ZERO || (kx === K_INF && ky !== K_INF)) {
    if (sx === 0) { setZero(out, sy); return; }
    bfToF80(out, signed(piOver(1), sy));
    return;
  }
  if (kx === K_ZERO || (ky === K_INF && kx !== K_INF)) { bfToF80(out, signed(piOver(2), sy)); return; }
  if (kx === K_INF) {
    // Both infinite: ±π/4 or ±3π/4.
    const q = piOver(4);
    bfToF80(out, signed(sx ? bfMul(q, { m: 3n, e: 0 }) : q, sy));
    return;
  }
  const xb = bfFromF80(x), yb = bfFromF80(y);
  const ax: BF = { m: xb.m < 0n ? -xb.m : xb.m, e: xb.e }, ay: BF = { m: yb.m < 0n ? -yb.m : yb.m, e: yb.e };
  const swap = cmpAbs(ay, ax) > 0;
  let a = atan01(swap ? bfDiv(ax, ay) : bfDiv(ay, ax));
  if (swap) a = bfAdd(piOver(2), bfNeg(a));
  if (sx) a = bfAdd(piOver(1), bfNeg(a));
  bfToF80(out, signed(a, sy), swap || sx ? 1 : DIR_ATAN);
}

function signed(v: BF, s: number): BF { return s ? bfNeg(v) : v; }
function cmpAbs(a: BF, b: BF): number {
  const ta = a.e + bitlen(a.m), tb = b.e + bitlen(b.m);
  if (ta !== tb) return ta - tb;
  const e = Math.min(a.e, b.e);
  const am = a.m << BigInt(a.e - e), bm = b.m << BigInt(b.e - e);
  return am === bm ? 0 : am > bm ? 1 : -1;
}

/** atan(z) for 0 < z ≤ 1. */
function atan01(z: BF): BF {
  // Above tan(π/8) use atan z = π/4 + atan((z − 1)/(z + 1)).
  const one: BF = { m: 1n, e: 0 };
  if (bfFix(z) > (ONE * 41421356n) / 100000000n) {
    const w = bfDiv(bfAdd(z, bfNeg(one)), bfAdd(z, one));
    return bfAdd(piOver(4), bfMul(w, fromFix(atanKernel(square(w)))));
  }
  return bfMul(z, fromFix(atanKernel(square(z))));
}
/** atan z < z for small z: the direction for bfToF80 when the result is z·(series = 1). */
const DIR_ATAN = -1;

/**
 * Reduce x (|x| < 2^63) by π/2: returns r with |r| ≤ π/4 and the quadrant n mod 4 in QUAD.
 * π carries W + 140 fraction bits, so r keeps about W bits of relative accuracy even for x
 * within 2^-70 of a multiple of π/2.
 */
let QUAD = 0;
function reduce(x: BF): BF {
  const mag = x.e + bitlen(x.m);
  if (mag <= -1) { QUAD = 0; return x; } // |x| < ½ < π/4
  consts();
  const shift = x.e + PW; // x in fixed point with PW fraction bits (exact: x.e ≥ −PW here)
  const xf = shift >= 0 ? x.m << BigInt(shift) : x.m >> BigInt(-shift);
  const half = PI_P >> 1n;
  let n = xf / half;
  let r = xf - n * half;
  // Round to the nearest multiple.
  if (2n * (r < 0n ? -r : r) > half) { const d = r < 0n ? -1n : 1n; n += d; r -= d * half; }
  QUAD = Number(((n % 4n) + 4n) % 4n);
  return bf(r, -PW);
}

/** FSIN (which = 0), FCOS (1) of a finite |x| < 2^63 already checked by the caller. */
function sinCos(x: BF, which: number): BF {
  const r = reduce(x);
  const t = square(r);
  const q = (QUAD + which) & 3;
  const v = (q & 1) === 0 ? bfMul(r, fromFix(sinKernel(t))) : fromFix(cosKernel(t));
  return q >= 2 ? bfNeg(v) : v;
}
// |sin r| < |r| and cos r < 1: below the value when the series collapsed to its first term.
const DIR_SINCOS = -1;

/** Classify an argument of FSIN/FCOS/FSINCOS/FPTAN: 0 = compute, 1 = result written, 2 = out of range (C2). */
function trigArg(out: F80, a: F80): number {
  const k = classOf(a);
  if (k >= K_QNAN) { if (k === K_UNSUPPORTED) invalid(out); else quietNaN(out, a); return 1; }
  if (k === K_INF) { invalid(out); return 1; }
  if (k === K_DENORMAL) { env.flags |= DE; if ((env.cw & DE) === 0) return 1; }
  if (k !== K_ZERO && (a.se & 0x7fff) >= BIAS + 63) return 2;
  return 0;
}

export const TRIG_OUT_OF_RANGE = 2;

/** FSIN. Returns 2 when |x| ≥ 2^63 (C2 = 1, ST(0) unchanged). */
export function fsin(out: F80, a: F80): number {
  const s = trigArg(out, a);
  if (s !== 0) return s;
  if (classOf(a) === K_ZERO) { copyF80(out, a); return 0; }
  bfToF80(out, sinCos(bfFromF80(a), 0), DIR_SINCOS);
  return 0;
}

export function fcos(out: F80, a: F80): number {
  const s = trigArg(out, a);
  if (s !== 0) return s;
  if (classOf(a) === K_ZERO) { out.se = 0x3fff; out.hi = 0x80000000; out.lo = 0; return 0; }
  bfToF80(out, sinCos(bfFromF80(a), 1), DIR_SINCOS);
  return 0;
}

/** FSINCOS: sine into `sin`, cosine into `cos`. */
export function fsincos(sin: F80, cos: F80, a: F80): number {
  const s = trigArg(sin, a);
  if (s === 1) { copyF80(cos, sin); return 1; }
  if (s !== 0) return s;
  if (classOf(a) === K_ZERO) { copyF80(sin, a); cos.se = 0x3fff; cos.hi = 0x80000000; cos.lo = 0; return 0; }
  const x = bfFromF80(a);
  // Each result is rounded separately; the flags and C1 are those of the last (the cosine),
  // but PE from either stays raised.
  bfToF80(sin, sinCos(x, 0), DIR_SINCOS);
  bfToF80(cos, sinCos(x, 1), DIR_SINCOS);
  return 0;
}

/** FPTAN: tan(x) into `out` (the caller pushes 1.0). */
export function fptan(out: F80, a: F80): number {
  const s = trigArg(out, a);
  if (s !== 0) return s;
  if (classOf(a) === K_ZERO) { copyF80(out, a); return 0; }
  const x = bfFromF80(a);
  const r = reduce(x);
  const t = square(r);
  const sn = bfMul(r, fromFix(sinKernel(t))), cs = fromFix(cosKernel(t));
  // tan(r + nπ/2) = tan r for even n, −1/tan r = −cos r / sin r for odd n.
  // |tan r| > |r|; |cot r| < 1/|r|.
  const even = (QUAD & 1) === 0;
  bfToF80(out, even ? bfDiv(sn, cs) : bfNeg(bfDiv(cs, sn)), even ? 1 : -1);
  return 0;
}
