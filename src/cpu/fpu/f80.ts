// The x87 double extended-precision format (SDM Vol. 1 §4.2.2, §4.8): sign, 15-bit exponent
// (bias 16383) and a 64-bit significand whose integer bit J (bit 63) is explicit. Values are
// held as three numbers: `se` (sign << 15 | exponent), `hi` and `lo` (the significand's upper and
// lower 32 bits, as unsigned numbers). No BigInt: the significand is two 32-bit limbs.
//
// The arithmetic in this folder reports what happened through `env` (the control word it obeys,
// the exception flags and C1 it raised), so that the instruction layer (exec/x87-*.ts) decides
// what an unmasked exception does to the destination and the stack.

export class F80 {
  lo = 0;
  hi = 0;
  se = 0;
}

export function copyF80(dst: F80, src: F80): void {
  dst.lo = src.lo;
  dst.hi = src.hi;
  dst.se = src.se;
}

// Status-word exception bits (SDM Vol. 1 §8.1.3), also the bit positions env.flags uses.
export const IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20, SF = 0x40, ES = 0x80;
export const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, BUSY = 0x8000;

export const BIAS = 16383;
export const EXP_MAX = 0x7fff;
/** Exponent adjustment applied to an overflowing (−) or underflowing (+) result when the exception is unmasked (SDM Vol. 1 §8.5.4, §8.5.5). */
export const WRAP = 24576;

/** The state an operation sees and the events it reports. Reset `flags` and `c1` before each instruction. */
export const env = {
  /** The control word: masks in bits 0-5, precision control in 8-9, rounding control in 10-11. */
  cw: 0x37f,
  /** Exception flags raised by the current instruction (IE … PE, SF). */
  flags: 0,
  /** C1 as the instruction leaves it: 1 when the result was rounded up in magnitude. */
  c1: 0,
  /** A memory operand in single or double format was denormal (its conversion normalised it). */
  srcDenormal: false,
};

export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_CHOP = 3;

// Operand classes.
export const K_ZERO = 0, K_NORMAL = 1, K_DENORMAL = 2, K_INF = 3, K_QNAN = 4, K_SNAN = 5, K_UNSUPPORTED = 6;

/**
 * The class of a value. Denormals include pseudo-denormals (exponent 0, J = 1), which the 387 and
 * later accept as operands (§8.2.2). Unnormals, pseudo-NaNs and pseudo-infinities (J = 0 with a
 * non-zero exponent) are unsupported: any arithmetic on them is an invalid operation.
 */
export function classify(se: number, hi: number, lo: number): number {
  const e = se & 0x7fff;
  if (e === 0) return (hi | lo) === 0 ? K_ZERO : K_DENORMAL;
  if ((hi & 0x80000000) === 0) return K_UNSUPPORTED;
  if (e === 0x7fff) {
    if (((hi & 0x7fffffff) | lo) === 0) return K_INF;
    return (hi & 0x40000000) !== 0 ? K_QNAN : K_SNAN;
  }
  return K_NORMAL;
}

export function classOf(a: F80): number {
  return classify(a.se, a.hi, a.lo);
}

/** Is the class a NaN or an unsupported encoding (the "not a number" side of every operation)? */
export function isNanish(k: number): boolean {
  return k >= K_QNAN;
}

export function setZero(out: F80, sign: number): void {
  out.se = sign;
  out.hi = 0;
  out.lo = 0;
}

export function setInf(out: F80, sign: number): void {
  out.se = sign | 0x7fff;
  out.hi = 0x80000000;
  out.lo = 0;
}

/** The real indefinite: the QNaN that a masked invalid operation returns (§4.8.3.7). */
export function setIndefinite(out: F80): void {
  out.se = 0xffff;
  out.hi = 0xc0000000;
  out.lo = 0;
}

/** Largest finite value with a significand of `pc` bits. */
export function setMaxFinite(out: F80, sign: number, pc: number): void {
  out.se = sign | 0x7ffe;
  if (pc === 64) { out.hi = 0xffffffff; out.lo = 0xffffffff; }
  else if (pc === 53) { out.hi = 0xffffffff; out.lo = 0xfffff800; }
  else { out.hi = 0xffffff00; out.lo = 0; }
}

export function invalid(out: F80): void {
  env.flags |= IE;
  setIndefinite(out);
}

/** A NaN operand made quiet (bit 62 set), raising IE when it was signaling. */
export function quietNaN(out: F80, a: F80): void {
  if ((a.hi & 0x40000000) === 0) env.flags |= IE;
  out.se = a.se;
  out.hi = (a.hi | 0x40000000) >>> 0;
  out.lo = a.lo;
}

/**
 * The result of a two-operand operation when either operand is a NaN or unsupported
 * (SDM Vol. 1 Table 4-7): an unsupported operand is invalid (real indefinite); an SNaN raises IE;
 * of a QNaN and an SNaN the QNaN wins; of two NaNs of the same kind the one with the larger
 * significand wins, the positive one on a tie; a single NaN is returned quiet.
 */
export function nanResult(out: F80, a: F80, ka: number, b: F80, kb: number): void {
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) { invalid(out); return; }
  const aNan = ka === K_QNAN || ka === K_SNAN, bNan = kb === K_QNAN || kb === K_SNAN;
  if (ka === K_SNAN || kb === K_SNAN) env.flags |= IE;
  let pick: F80;
  if (aNan && bNan) {
    if (ka !== kb) pick = ka === K_QNAN ? a : b;
    else {
      const ah = a.hi & 0x3fffffff, bh = b.hi & 0x3fffffff;
      if (ah !== bh) pick = ah > bh ? a : b;
      else if (a.lo !== b.lo) pick = a.lo > b.lo ? a : b;
      else pick = (a.se & 0x8000) === 0 ? a : b;
    }
  } else pick = aNan ? a : b;
  out.se = pick.se;
  out.hi = (pick.hi | 0x40000000) >>> 0;
  out.lo = pick.lo;
}

/** Rounding control and precision control (in significand bits) from the control word. */
export function rcOf(cw: number): number {
  return (cw >> 10) & 3;
}
export function pcOf(cw: number): number {
  // 01 is reserved; processors treat it as 53? No: the SDM leaves it undefined. Real parts use
  // double extended, which is what software that sets it by accident expects.
  const p = (cw >> 8) & 3;
  return p === 0 ? 24 : p === 2 ? 53 : 64;
}

/** Count of leading zero bits of a 64-bit value held as two uint32 (64 for zero). */
export function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}
