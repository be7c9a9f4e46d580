// Conversions between double extended precision and the other x87 memory formats: single and
// double precision, 16/32/64-bit integers and 18-digit packed BCD (SDM Vol. 1 §4.2, §8.2.1,
// §4.8.3.7 for the integer and BCD indefinites), and rounding to an integer (FRNDINT, FIST).
// Loads are exact; stores round by RC (never by PC, §8.1.5.2).

import {
  F80, env, classOf, setZero, setInf, setIndefinite, BIAS, RC_NEAREST, RC_DOWN, RC_UP,
  K_ZERO, K_NORMAL, K_DENORMAL, K_INF, K_QNAN, K_SNAN, K_UNSUPPORTED, IE, DE, PE, clz64,
} from './f80.js';
import { roundPack, normPack, shiftRightJam, unpack, U, S, D_F32, D_F64, D_EXT } from './round.js';

const TWO32 = 4294967296;

// --- Single and double precision.

/**
 * Load a single-precision value exactly. An SNaN stays signaling (the instruction decides: FLD
 * quiets it with IE, arithmetic sees an SNaN operand); a denormal is normalised and
 * env.srcDenormal set, since DE concerns the operand as it was in memory.
 */
export function fromF32(out: F80, v: number): void {
  const sign = (v >>> 16) & 0x8000, e = (v >>> 23) & 0xff, f = v & 0x7fffff;
  if (e === 0xff) {
    out.se = sign | 0x7fff;
    out.hi = (0x80000000 | (f << 8)) >>> 0;
    out.lo = 0;
    return;
  }
  if (e === 0) {
    if (f === 0) { setZero(out, sign); return; }
    env.srcDenormal = true;
    // f·2^-149 with f's top bit moved to bit 63.
    const z = Math.clz32(f);
    out.se = sign | (BIAS - 118 - z);
    out.hi = (f << z) >>> 0;
    out.lo = 0;
    return;
  }
  out.se = sign | (e - 127 + BIAS);
  out.hi = (0x80000000 | (f << 8)) >>> 0;
  out.lo = 0;
}

/** Load a double-precision value (hi:lo) exactly; see fromF32. */
export function fromF64(out: F80, lo: number, hi: number): void {
  const sign = (hi >>> 16) & 0x8000, e = (hi >>> 20) & 0x7ff, fh = hi & 0xfffff;
  lo >>>= 0;
  if (e === 0x7ff) {
    out.se = sign | 0x7fff;
    out.hi = (0x80000000 | (fh << 11) | (lo >>> 21)) >>> 0;
    out.lo = (lo << 11) >>> 0;
    return;
  }
  if (e === 0) {
    if ((fh | lo) === 0) { setZero(out, sign); return; }
    env.srcDenormal = true;
    // frac·2^11 has its top bit at 62 or lower: normalise it.
    let h = ((fh << 11) | (lo >>> 21)) >>> 0, l = (lo << 11) >>> 0;
    const z = clz64(h, l);
    if (z >= 32) { h = (l << (z - 32)) >>> 0; l = 0; }
    else { h = ((h << z) | (l >>> (32 - z))) >>> 0; l = (l << z) >>> 0; }
    out.se = sign | (BIAS - 1022 - z);
    out.hi = h;
    out.lo = l;
    return;
  }
  out.se = sign | (e - 1023 + BIAS);
  out.hi = (0x80000000 | (fh << 11) | (lo >>> 21)) >>> 0;
  out.lo = (lo << 11) >>> 0;
}

const T = new F80();

/**
 * Round an extended value to single precision and encode it. NaNs keep their sign and top
 * payload bits, made quiet (IE for an SNaN); an unsupported encoding is invalid and stores the
 * single-precision indefinite 0xFFC00000.
 */
export function toF32(a: F80): number {
  const k = classOf(a), sign = (a.se & 0x8000) << 16;
  switch (k) {
    case K_ZERO: return sign | 0;
    case K_INF: return (sign | 0x7f800000) | 0;
    case K_SNAN: case K_QNAN:
      if (k === K_SNAN) env.flags |= IE;
      return (sign | 0x7fc00000 | ((a.hi >>> 8) & 0x7fffff)) | 0;
    case K_UNSUPPORTED: env.flags |= IE; return 0xffc00000 | 0;
  }
  unpack(a);
  roundPack(T, a.se & 0x8000, U.e, U.h, U.l, 0, 24, D_F32);
  return encodeF32(T);
}

function encodeF32(t: F80): number {
  const sign = (t.se & 0x8000) << 16, e = t.se & 0x7fff;
  if (e === 0 && (t.hi | t.lo) === 0) return sign | 0;
  if (e === 0x7fff) return (sign | 0x7f800000) | 0;
  if (e >= BIAS - 126) return (sign | ((e - BIAS + 127) << 23) | ((t.hi >>> 8) & 0x7fffff)) | 0;
  return (sign | (t.hi >>> (8 + (BIAS - 126 - e)))) | 0;
}

/** High half of the last toF64 result (a typed-array slot: no boxing). */
export const F64_HI = new Int32Array(1);

/** Round an extended value to double precision and encode it; the low half is returned, the high half left in F64_HI[0]. */
export function toF64(a: F80): number {
  const k = classOf(a), sign = (a.se & 0x8000) << 16;
  switch (k) {
    case K_ZERO: F64_HI[0] = sign | 0; return 0;
    case K_INF: F64_HI[0] = (sign | 0x7ff00000) | 0; return 0;
    case K_SNAN: case K_QNAN:
      if (k === K_SNAN) env.flags |= IE;
      F64_HI[0] = (sign | 0x7ff80000 | ((a.hi >>> 11) & 0xfffff)) | 0;
      return ((a.hi << 21) | (a.lo >>> 11)) | 0;
    case K_UNSUPPORTED: env.flags |= IE; F64_HI[0] = 0xfff80000 | 0; return 0;
  }
  unpack(a);
  roundPack(T, a.se & 0x8000, U.e, U.h, U.l, 0, 53, D_F64);
  const e = T.se & 0x7fff, ts = (T.se & 0x8000) << 16;
  if (e === 0 && (T.hi | T.lo) === 0) { F64_HI[0] = ts | 0; return 0; }
  if (e === 0x7fff) { F64_HI[0] = (ts | 0x7ff00000) | 0; return 0; }
  let h = T.hi, l = T.lo, be = e - BIAS + 1023;
  if (be <= 0) {
    shiftRightJam(h, l, 0, 1 - be);
    h = S.h; l = S.l; be = 0;
  } else h &= 0x7fffffff;
  F64_HI[0] = (ts | (be << 20) | (h >>> 11)) | 0;
  return ((h << 21) | (l >>> 11)) | 0;
}

// --- Integers.

/** Load a signed 64-bit integer (lo, hi as int32 halves) exactly. */
export function fromInt64(out: F80, lo: number, hi: number): void {
  let h = hi >>> 0, l = lo >>> 0, sign = 0;
  if (hi < 0) {
    sign = 0x8000;
    l = (TWO32 - l) % TWO32;
    h = (~h + (l === 0 ? 1 : 0)) >>> 0;
  }
  if ((h | l) === 0) { setZero(out, 0); return; }
  normPack(out, sign, BIAS + 63, h, l, 0, 64, D_EXT);
}

/** Integer result of toInt: two's complement halves. */
export const INT = { lo: 0, hi: 0 };

/**
 * Integer part and fraction of |a| rounded by `rc` (a finite, non-zero): leaves the magnitude
 * in S.h:S.l and returns bit 0 = rounded up, bit 1 = inexact, bit 2 = too big for 64 bits.
 */
function roundToInteger(a: F80, rc: number): number {
  unpack(a);
  const e = U.e - BIAS;
  if (e >= 64) return 4;
  if (e === 63) { S.h = U.h; S.l = U.l; S.x = 0; return 0; }
  shiftRightJam(U.h, U.l, 0, 63 - e);
  const x = S.x, r = x >>> 31, st = (x & 0x7fffffff) !== 0, sign = a.se & 0x8000;
  const inexact = x !== 0;
  let inc = false;
  if (inexact) {
    if (rc === RC_NEAREST) inc = r !== 0 && (st || (S.l & 1) !== 0);
    else if (rc === RC_DOWN) inc = sign !== 0;
    else if (rc === RC_UP) inc = sign === 0;
  }
  if (inc) {
    S.l += 1;
    if (S.l >= TWO32) { S.l -= TWO32; S.h += 1; if (S.h >= TWO32) return 7; }
  }
  return (inc ? 1 : 0) | (inexact ? 2 : 0);
}

/**
 * Convert to a signed integer of `bits` (16, 32, 64) by `rc` into INT. Out of range, ∞, NaN or
 * unsupported is invalid: INT holds the integer indefinite (the most negative value), and the
 * caller stores it only if IE is masked. Returns false when invalid.
 */
export function toInt(a: F80, bits: number, rc: number): boolean {
  const k = classOf(a);
  INT.lo = 0; INT.hi = 0;
  if (k === K_ZERO) return true;
  if (k !== K_NORMAL && k !== K_DENORMAL) return intInvalid(bits);
  const r = roundToInteger(a, rc);
  if (r & 4) return intInvalid(bits);
  const neg = (a.se & 0x8000) !== 0;
  const h = S.h, l = S.l;
  // |v| ≤ 2^(bits−1) − 1, or 2^(bits−1) when negative.
  if (bits === 64) {
    if (h > 0x80000000 || (h === 0x80000000 && (l !== 0 || !neg))) return intInvalid(bits);
  } else if (h !== 0 || l > 2 ** (bits - 1) - (neg ? 0 : 1)) return intInvalid(bits);
  if (r & 2) { env.flags |= PE; env.c1 = r & 1; }
  if (neg) {
    const nl = (TWO32 - l) % TWO32;
    INT.lo = nl | 0;
    INT.hi = (~h + (nl === 0 ? 1 : 0)) | 0;
  } else { INT.lo = l | 0; INT.hi = h | 0; }
  return true;
}

function intInvalid(bits: number): boolean {
  env.flags |= IE;
  if (bits === 64) { INT.lo = 0; INT.hi = 0x80000000 | 0; }
  else INT.lo = bits === 32 ? 0x80000000 | 0 : 0x8000;
  return false;
}

/** FRNDINT: round to an integral value by RC (SDM Vol. 2 FRNDINT). */
export function roundInt(out: F80, a: F80, rc: number): void {
  const k = classOf(a);
  if (k === K_ZERO || k === K_INF) { out.se = a.se; out.hi = a.hi; out.lo = a.lo; return; }
  if (k === K_QNAN || k === K_SNAN) {
    if (k === K_SNAN) env.flags |= IE;
    out.se = a.se; out.hi = (a.hi | 0x40000000) >>> 0; out.lo = a.lo;
    return;
  }
  if (k === K_UNSUPPORTED) { env.flags |= IE; setIndefinite(out); return; }
  if (k === K_DENORMAL) { env.flags |= DE; if ((env.cw & DE) === 0) return; }
  if ((a.se & 0x7fff) - BIAS >= 63) { out.se = a.se; out.hi = a.hi; out.lo = a.lo; return; }
  const r = roundToInteger(a, rc);
  const sign = a.se & 0x8000;
  if (r & 2) { env.flags |= PE; env.c1 = r & 1; }
  if ((S.h | S.l) === 0) { setZero(out, sign); return; }
  if (r & 4) { setInf(out, sign); return; }
  normPack(out, sign, BIAS + 63, S.h, S.l, 0, 64, D_EXT);
}

// --- Packed BCD (SDM Vol. 1 §4.7): 18 digits, two per byte, low digit first; sign in bit 79.

/** Digits of the last toBcd, bytes 0-9. */
export const BCD = new Uint8Array(10);

/** FBSTP: round by RC to an integer of at most 18 digits; out of range, NaN, ∞ → invalid (BCD indefinite). */
export function toBcd(a: F80, rc: number): boolean {
  const k = classOf(a);
  BCD.fill(0);
  const sign = a.se & 0x8000;
  if (k === K_ZERO) { BCD[9] = sign ? 0x80 : 0; return true; }
  let ok = k === K_NORMAL || k === K_DENORMAL;
  let r = 0;
  if (ok) {
    r = roundToInteger(a, rc);
    // 10^18 − 1 = 0x0DE0B6B3_A763FFFF
    if ((r & 4) || S.h > 0x0de0b6b3 || (S.h === 0x0de0b6b3 && S.l > 0xa763ffff)) ok = false;
  }
  if (!ok) {
    env.flags |= IE;
    BCD[7] = 0xc0; BCD[8] = 0xff; BCD[9] = 0xff;
    return false;
  }
  if (r & 2) { env.flags |= PE; env.c1 = r & 1; }
  let h = S.h, l = S.l;
  for (let d = 0; d < 18; d++) {
    const qh = Math.floor(h / 10), rh = h - qh * 10;
    const t = rh * TWO32 + l;
    const ql = Math.floor(t / 10), digit = t - ql * 10;
    h = qh; l = ql;
    BCD[d >> 1] |= digit << (4 * (d & 1));
  }
  BCD[9] = sign ? 0x80 : 0;
  return true;
}

/** FBLD: the 18 digits of BCD[0..9] as an exact value. Invalid digit nibbles are undefined by the SDM; they count with their binary value here. */
export function fromBcd(out: F80): void {
  let h = 0, l = 0;
  for (let d = 17; d >= 0; d--) {
    const digit = (BCD[d >> 1] >>> (4 * (d & 1))) & 0xf;
    const t = l * 10 + digit;
    l = t % TWO32;
    h = h * 10 + Math.floor(t / TWO32);
  }
  const sign = (BCD[9] & 0x80) !== 0 ? 0x8000 : 0;
  if ((h | l) === 0) { setZero(out, sign); return; }
  normPack(out, sign, BIAS + 63, h, l, 0, 64, D_EXT);
}
