// Rounding an exact intermediate result to its destination (SDM Vol. 1 §4.8.4, §8.1.5.2 and
// §8.5.4-8.5.6): the significand is rounded to the precision in use (24, 53 or 64 bits) by the
// rounding mode; results below the normal range are denormalised (and round again at the same
// absolute position), results above it overflow to ∞ or the largest finite value by the mode.
// Unmasked overflow and underflow return the result with its exponent wrapped by 24576 when the
// destination is a register; for a memory destination the caller stores nothing.
//
// Intermediates are a 96-bit significand (h, l, x: three uint32, the top bit of h is the
// integer bit) whose lowest bit also carries the "sticky" OR of anything shifted out below, and
// a biased exponent E that may lie outside the format's range.
//
// Tininess is detected after rounding, as x87 hardware does: a result that rounds up to the
// smallest normal is not tiny (checked against the host in tests/cpu/x87-fixture.test.ts).

import { F80, env, UE, OE, PE, WRAP, RC_NEAREST, RC_DOWN, RC_UP, clz64 } from './f80.js';

const TWO32 = 4294967296;

/** Destinations, each with its exponent range expressed in the extended format's bias. */
export const D_EXT = 0, D_F64 = 1, D_F32 = 2;
const EMIN = [1, 16383 - 1022, 16383 - 126];
const EMAX = [0x7ffe, 16383 + 1023, 16383 + 127];

// Results of roundSig. Typed-array slots, not module variables: storing a number above 2^30
// in a variable boxes it, in a typed array it does not (no allocation per instruction).
const RS = new Uint32Array(3);
const R_H = 0, R_L = 1, R_CARRY = 2;
/** Result of shiftRightJam. */
export const S = { h: 0, l: 0, x: 0 };

/**
 * Round (h, l, x) to `pc` bits by mode `rc`. Leaves the kept bits (dropped ones cleared) in
 * RS[R_H]:RS[R_L] and a carry out of bit 63 in RS[R_CARRY]. Returns bit 0: incremented, bit 1: inexact.
 */
function roundSig(sign: number, rc: number, h: number, l: number, x: number, pc: number): number {
  let r: number, st: boolean, lsb: number;
  if (pc === 64) {
    r = x >>> 31; st = (x & 0x7fffffff) !== 0; lsb = l & 1;
  } else if (pc === 53) {
    r = (l >>> 10) & 1; st = ((l & 0x3ff) | x) !== 0; lsb = (l >>> 11) & 1; l = (l & ~0x7ff) >>> 0;
  } else {
    r = (h >>> 7) & 1; st = ((h & 0x7f) | l | x) !== 0; lsb = (h >>> 8) & 1; h = (h & ~0xff) >>> 0; l = 0;
  }
  const inexact = r !== 0 || st;
  let inc = false;
  if (inexact) {
    if (rc === RC_NEAREST) inc = r !== 0 && (st || lsb !== 0);
    else if (rc === RC_DOWN) inc = sign !== 0;
    else if (rc === RC_UP) inc = sign === 0;
  }
  let carry = 0;
  if (inc) {
    if (pc === 24) h += 0x100;
    else {
      l += pc === 64 ? 1 : 0x800;
      if (l >= TWO32) { l -= TWO32; h += 1; }
    }
    if (h >= TWO32) { h -= TWO32; carry = 1; }
  }
  RS[R_H] = h;
  RS[R_L] = l;
  RS[R_CARRY] = carry;
  return (inc ? 1 : 0) | (inexact ? 2 : 0);
}

/** Shift (h, l, x) right by n ≥ 0 bits, ORing what falls off into the lowest bit: result in S. */
export function shiftRightJam(h: number, l: number, x: number, n: number): void {
  if (n >= 96) {
    S.h = 0; S.l = 0; S.x = (h | l | x) !== 0 ? 1 : 0;
    return;
  }
  while (n >= 32) {
    x = (l | (x !== 0 ? 1 : 0)) >>> 0;
    l = h;
    h = 0;
    n -= 32;
  }
  if (n > 0) {
    const st = (x << (32 - n)) !== 0 ? 1 : 0;
    x = ((x >>> n) | (l << (32 - n)) | st) >>> 0;
    l = ((l >>> n) | (h << (32 - n))) >>> 0;
    h = h >>> n;
  }
  S.h = h; S.l = l; S.x = x;
}

/**
 * Round and store an exact result into `out`. The significand must be normalised (bit 31 of h
 * set); use normPack when it may not be. For D_F32/D_F64 `out` receives the rounded value as
 * an extended number (normal, zero, ∞ or the format's largest finite): toF32/toF64 encode it.
 */
export function roundPack(out: F80, sign: number, E: number, h: number, l: number, x: number, pc: number, dest: number): void {
  const cw = env.cw, rc = (cw >> 10) & 3;
  const emin = EMIN[dest], emax = EMAX[dest];
  if (E < emin) {
    if ((cw & UE) === 0) {
      // Unmasked underflow: to a register the result is delivered scaled up by 2^24576; to
      // memory nothing is stored and only UE is reported (no PE). If the scaled result is still
      // too small (only FSCALE gets there), the host returns a signed zero with UE and PE.
      env.flags |= UE;
      if (dest !== D_EXT) return;
      E += WRAP;
      if (E < emin) { env.flags |= PE; env.c1 = 0; out.se = sign; out.hi = 0; out.lo = 0; return; }
    } else {
      let tiny = true;
      if (E === emin - 1) { roundSig(sign, rc, h, l, x, pc); if (RS[R_CARRY]) tiny = false; }
      shiftRightJam(h, l, x, emin - E);
      const r = roundSig(sign, rc, S.h, S.l, S.x, pc);
      if (r & 2) { env.flags |= PE; if (tiny) env.flags |= UE; env.c1 = r & 1; }
      h = RS[R_H]; l = RS[R_L];
      if (dest === D_EXT) {
        out.se = sign | ((h & 0x80000000) !== 0 ? 1 : 0);
        out.hi = h; out.lo = l;
        return;
      }
      if ((h | l) === 0) { out.se = sign; out.hi = 0; out.lo = 0; return; }
      const z = clz64(h, l);
      if (z > 0) {
        if (z >= 32) { h = l << (z - 32) >>> 0; l = 0; }
        else { h = ((h << z) | (l >>> (32 - z))) >>> 0; l = (l << z) >>> 0; }
      }
      out.se = sign | (emin - z);
      out.hi = h; out.lo = l;
      return;
    }
  }
  const r = roundSig(sign, rc, h, l, x, pc);
  h = RS[R_H]; l = RS[R_L];
  if (RS[R_CARRY]) { h = 0x80000000; l = 0; E++; }
  if (E > emax) {
    if ((cw & OE) === 0) {
      env.flags |= OE;
      if (dest !== D_EXT) return; // memory: nothing stored, only OE reported
      if (r & 2) { env.flags |= PE; env.c1 = r & 1; }
      E -= WRAP;
      // Still too large (FSCALE): the host returns a signed infinity with PE and C1.
      if (E > emax) { env.flags |= PE; env.c1 = 1; out.se = sign | 0x7fff; out.hi = 0x80000000; out.lo = 0; return; }
    } else {
      env.flags |= OE | PE;
      const toInf = rc === RC_NEAREST || (rc === RC_UP && sign === 0) || (rc === RC_DOWN && sign !== 0);
      if (toInf) { out.se = sign | 0x7fff; out.hi = 0x80000000; out.lo = 0; env.c1 = 1; return; }
      out.se = sign | emax;
      out.hi = pc === 24 ? 0xffffff00 : 0xffffffff;
      out.lo = pc === 64 ? 0xffffffff : pc === 53 ? 0xfffff800 : 0;
      env.c1 = 0;
      return;
    }
  } else if (r & 2) {
    env.flags |= PE;
    env.c1 = r & 1;
  }
  out.se = sign | (E & 0x7fff);
  out.hi = h;
  out.lo = l;
}

/** Normalise (h, l, x) (shifting left, E down), then roundPack. An all-zero significand gives +0/−0 by `sign`. */
export function normPack(out: F80, sign: number, E: number, h: number, l: number, x: number, pc: number, dest: number): void {
  if ((h | l | x) === 0) { out.se = sign; out.hi = 0; out.lo = 0; return; }
  while (h === 0) { h = l; l = x; x = 0; E -= 32; }
  const z = Math.clz32(h);
  if (z > 0) {
    h = ((h << z) | (l >>> (32 - z))) >>> 0;
    l = ((l << z) | (x >>> (32 - z))) >>> 0;
    x = (x << z) >>> 0;
    E -= z;
  }
  roundPack(out, sign, E, h, l, x, pc, dest);
}

// --- Unpacking operands into a normalised significand and an unbounded exponent.

/** Unpacked operand registers, filled by unpack(): exponent and significand halves. */
export const U = { e: 0, h: 0, l: 0 };

/**
 * A finite non-zero value as a normalised significand and exponent: denormals shift left with
 * their exponent going below 1; pseudo-denormals count as exponent 1 (SDM Vol. 1 §8.2.2).
 */
export function unpack(a: F80): void {
  let e = a.se & 0x7fff, h = a.hi, l = a.lo;
  if (e === 0) e = 1;
  if ((h & 0x80000000) === 0) {
    const z = clz64(h, l);
    if (z >= 32) { h = (l << (z - 32)) >>> 0; l = 0; }
    else if (z > 0) { h = ((h << z) | (l >>> (32 - z))) >>> 0; l = (l << z) >>> 0; }
    e -= z;
  }
  U.e = e; U.h = h; U.l = l;
}

// --- 32-bit limb arithmetic.

const MHI = new Uint32Array(1);
/** Low 32 bits of the 64-bit product of two uint32; the high 32 bits are left for mulHi(). */
export function mul32(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl, lh = al * bh, hl = ah * bl;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  MHI[0] = ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
  return (((mid & 0xffff) << 16) | (ll & 0xffff)) >>> 0;
}
export function mulHi(): number { return MHI[0]; }
