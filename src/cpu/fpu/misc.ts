// FSCALE, FXTRACT, FPREM/FPREM1 and the constants of FLD1…FLDZ (SDM Vol. 2, each instruction).
// All exact except for the final rounding of FSCALE's over/underflowing results.

import {
  F80, env, classOf, nanResult, invalid, quietNaN, setInf, setZero, copyF80, BIAS,
  K_ZERO, K_DENORMAL, K_INF, K_QNAN, K_UNSUPPORTED, ZE, DE,
} from './f80.js';
import { roundPack, normPack, unpack, U, D_EXT } from './round.js';

const TWO32 = 4294967296;

function denormal(): boolean {
  env.flags |= DE;
  return (env.cw & DE) === 0;
}

/** FSCALE: a · 2^trunc(b) (SDM Vol. 2 FSCALE, including its table of special operands). */
export function scale(out: F80, a: F80, b: F80): void {
  const ka = classOf(a), kb = classOf(b);
  if (ka >= K_QNAN || kb >= K_QNAN) { nanResult(out, a, ka, b, kb); return; }
  const sa = a.se & 0x8000, sb = b.se & 0x8000;
  if (kb === K_INF) {
    if (sb === 0 && ka === K_ZERO) { invalid(out); return; }
    if (sb !== 0 && ka === K_INF) { invalid(out); return; }
    if (ka === K_DENORMAL && denormal()) return;
    if (ka === K_ZERO || ka === K_INF) { copyF80(out, a); return; }
    if (sb === 0) setInf(out, sa); else setZero(out, sa);
    return;
  }
  if ((ka === K_DENORMAL || kb === K_DENORMAL) && denormal()) return;
  if (ka === K_ZERO || ka === K_INF) { copyF80(out, a); return; }
  // trunc(b), clamped: anything beyond ±2^20 over- or underflows whatever a is.
  let n = 0;
  if (kb !== K_ZERO && kb !== K_DENORMAL) {
    const e = (b.se & 0x7fff) - BIAS;
    if (e >= 20) n = 1 << 20;
    else if (e >= 0) n = b.hi >>> (31 - e);
    if (sb) n = -n;
  }
  unpack(a);
  roundPack(out, sa, U.e + n, U.h, U.l, 0, 64, D_EXT);
}

/** FXTRACT: the exponent (as a value) into `exp`, the significand with exponent 0 into `sig` (SDM Vol. 2 FXTRACT). */
export function extract(sig: F80, exp: F80, a: F80): void {
  const ka = classOf(a), sign = a.se & 0x8000;
  if (ka === K_UNSUPPORTED) { invalid(sig); invalid(exp); return; }
  if (ka >= K_QNAN) { quietNaN(sig, a); copyF80(exp, sig); return; }
  if (ka === K_ZERO) {
    // Divide-by-zero: ST(1) = −∞, ST(0) = the zero.
    env.flags |= ZE;
    setInf(exp, 0x8000);
    setZero(sig, sign);
    return;
  }
  if (ka === K_INF) { setInf(exp, 0); setInf(sig, sign); return; }
  if (ka === K_DENORMAL && denormal()) return;
  unpack(a);
  sig.se = sign | BIAS;
  sig.hi = U.h;
  sig.lo = U.l;
  const e = U.e - BIAS;
  if (e === 0) { setZero(exp, 0); return; }
  const m = Math.abs(e);
  normPack(exp, e < 0 ? 0x8000 : 0, BIAS + 63, 0, m, 0, 64, D_EXT);
}

/** Quotient bits of the last prem(): Q2 → C0, Q1 → C3, Q0 → C1 (SDM Vol. 2 FPREM); and whether the reduction is partial (C2). */
export const PREM = { q: 0, partial: false };

/**
 * FPREM (round = false: the quotient is truncated) and FPREM1 (round = true: IEEE remainder,
 * quotient rounded to nearest even). When the exponents differ by 64 or more, only a partial
 * reduction is done (C2 = 1): the dividend is reduced by a multiple of b·2^(D−N), where N is 32
 * plus D modulo 32, so a loop of FPREM finishes after about D/32 iterations (the count AMD
 * documents; it matches the host).
 */
export function prem(out: F80, a: F80, b: F80, round: boolean): void {
  PREM.q = 0;
  PREM.partial = false;
  const ka = classOf(a), kb = classOf(b);
  if (ka >= K_QNAN || kb >= K_QNAN) { nanResult(out, a, ka, b, kb); return; }
  if (ka === K_INF || kb === K_ZERO) { invalid(out); return; }
  if ((ka === K_DENORMAL || kb === K_DENORMAL) && denormal()) return;
  if (kb === K_INF || ka === K_ZERO) { roundPack0(out, a); return; }
  const sign = a.se & 0x8000;
  unpack(a);
  const ea = U.e, ah = U.h, al = U.l;
  unpack(b);
  let eb = U.e;
  const bh = U.h, bl = U.l;
  let d = ea - eb;
  if (d < 0) {
    // |a| < |b|: quotient 0, except that FPREM1 rounds a quotient of ½ < q < 1 up to 1.
    if (round && d === -1 && (ah > bh || (ah === bh && al > bl))) {
      // r = a − b = −(b − a); at a's scale b − a is 2B − A, which fits 64 bits (B ≤ A < 2B).
      let l = ((bl << 1) >>> 0) - al, h = (((bh << 1) | (bl >>> 31)) >>> 0) - ah;
      if (l < 0) { l += TWO32; h -= 1; }
      if (h < 0) h += TWO32;
      PREM.q = 1;
      normPack(out, sign ^ 0x8000, ea, h, l, 0, 64, D_EXT);
      return;
    }
    roundPack0(out, a);
    return;
  }
  if (d >= 64) {
    const n = 32 + (d % 32);
    eb += d - n;
    d = n;
    PREM.partial = true;
  }
  // Long division of A·2^d by B, keeping the remainder (< B) and the low quotient bits.
  let rt = 0, rh = ah, rl = al, q = 0;
  for (let k = 0; k <= d; k++) {
    if (k > 0) {
      rt = rh >>> 31;
      rh = ((rh << 1) | (rl >>> 31)) >>> 0;
      rl = (rl << 1) >>> 0;
    }
    q = (q << 1) & 7;
    if (rt !== 0 || rh > bh || (rh === bh && rl >= bl)) {
      let nl = rl - bl, nh = rh - bh;
      if (nl < 0) { nl += TWO32; nh -= 1; }
      if (nh < 0) nh += TWO32;
      rh = nh; rl = nl; rt = 0;
      q |= 1;
    }
  }
  let s = sign;
  if (round && !PREM.partial) {
    // Compare 2R with B: round the quotient to nearest, ties to even.
    const th = rh * 2 + (rl >= 0x80000000 ? 1 : 0), tl = (rl * 2) % TWO32;
    const c = th !== bh ? th - bh : tl - bl;
    if (c > 0 || (c === 0 && (q & 1) !== 0)) {
      let nl = bl - rl, nh = bh - rh;
      if (nl < 0) { nl += TWO32; nh -= 1; }
      rh = nh; rl = nl;
      s ^= 0x8000;
      q = (q + 1) & 7;
    }
  }
  PREM.q = q;
  if ((rh | rl) === 0) { setZero(out, sign); return; }
  normPack(out, s, eb, rh, rl, 0, 64, D_EXT);
}

/** A finite value returned as the result: normalised (a pseudo-denormal becomes normal), exact. */
function roundPack0(out: F80, a: F80): void {
  if (classOf(a) === K_ZERO) { copyF80(out, a); return; }
  unpack(a);
  roundPack(out, a.se & 0x8000, U.e, U.h, U.l, 0, 64, D_EXT);
}

// --- Constants (SDM Vol. 1 §8.3.8): the processor holds 66-bit values and rounds them to 64
// bits by RC; the loads raise no precision exception. 96 bits of each, from their series.
const CONST_TABLE: readonly (readonly [number, number, number, number])[] = [
  [0x4000, 0xd49a784b, 0xcd1b8afe, 0x492bf6ff], // log2(10)
  [0x3fff, 0xb8aa3b29, 0x5c17f0bb, 0xbe87fed0], // log2(e)
  [0x4000, 0xc90fdaa2, 0x2168c234, 0xc4c6628b], // π
  [0x3ffd, 0x9a209a84, 0xfbcff798, 0x8f8959ac], // log10(2)
  [0x3ffe, 0xb17217f7, 0xd1cf79ab, 0xc9e3b398], // ln(2)
];

/** FLDL2T (k = 0), FLDL2E, FLDPI, FLDLG2, FLDLN2 (k = 4), rounded by the current RC. */
export function loadConstant(out: F80, k: number): void {
  const c = CONST_TABLE[k];
  const flags = env.flags, c1 = env.c1;
  roundPack(out, 0, c[0], c[1], c[2], (c[3] | 1) >>> 0, 64, D_EXT);
  env.flags = flags;
  env.c1 = c1;
}
