// Addition, subtraction, multiplication, division and square root in double extended precision,
// correctly rounded to the precision-control width (SDM Vol. 1 §8.1.5.2, §4.8.4), with the
// special-operand rules of §4.8.3 and §8.5 and the exception priority of §4.9.2: invalid
// (SNaN, unsupported, ∞−∞, 0×∞, 0/0, ∞/∞, √−x) and divide-by-zero first, then denormal, then
// overflow/underflow, then precision. A QNaN operand yields a QNaN without raising anything.
//
// Everything is exact integer arithmetic on 32-bit limbs: a 96-bit intermediate (64 bits plus
// 32 bits of guard and sticky) is enough for correct rounding of all five operations.

import {
  F80, env, classOf, nanResult, invalid, setInf, setZero, quietNaN, BIAS, RC_DOWN,
  K_ZERO, K_DENORMAL, K_INF, K_QNAN, K_UNSUPPORTED, DE, ZE,
} from './f80.js';
import { roundPack, normPack, shiftRightJam, unpack, U, S, mul32, mulHi, D_EXT } from './round.js';

const TWO32 = 4294967296;

/** Report a denormal operand; true when DE is unmasked (the operation stops there, §8.5.2). */
export function denormalOperand(): boolean {
  env.flags |= DE;
  return (env.cw & DE) === 0;
}

function anyDenormal(ka: number, kb: number): boolean {
  return ka === K_DENORMAL || kb === K_DENORMAL || env.srcDenormal;
}

/** a + b, or a − b when `subtract`; rounded to `pc` bits. */
export function add(out: F80, a: F80, b: F80, subtract: boolean, pc: number): void {
  const ka = classOf(a), kb = classOf(b);
  if (ka >= K_QNAN || kb >= K_QNAN) { nanResult(out, a, ka, b, kb); return; }
  const sa = a.se & 0x8000;
  const sb = (b.se & 0x8000) ^ (subtract ? 0x8000 : 0);
  if (ka === K_INF || kb === K_INF) {
    if (ka === K_INF && kb === K_INF && sa !== sb) { invalid(out); return; }
    if (anyDenormal(ka, kb) && denormalOperand()) return;
    setInf(out, ka === K_INF ? sa : sb);
    return;
  }
  if (anyDenormal(ka, kb) && denormalOperand()) return;
  if (ka === K_ZERO && kb === K_ZERO) {
    setZero(out, sa === sb ? sa : ((env.cw >> 10) & 3) === RC_DOWN ? 0x8000 : 0);
    return;
  }
  if (kb === K_ZERO) { unpack(a); roundPack(out, sa, U.e, U.h, U.l, 0, pc, D_EXT); return; }
  if (ka === K_ZERO) { unpack(b); roundPack(out, sb, U.e, U.h, U.l, 0, pc, D_EXT); return; }

  unpack(a);
  let ea = U.e, ah = U.h, al = U.l, sign = sa;
  unpack(b);
  let eb = U.e, bh = U.h, bl = U.l;
  if (eb > ea || (eb === ea && (bh > ah || (bh === ah && bl > al)))) {
    let t = ea; ea = eb; eb = t;
    t = ah; ah = bh; bh = t;
    t = al; al = bl; bl = t;
    sign = sb;
  }
  shiftRightJam(bh, bl, 0, ea - eb);
  const BH = S.h, BL = S.l, BX = S.x;
  if (sa === sb) {
    let x = BX;
    let l = al + BL;
    let h = ah + BH;
    if (l >= TWO32) { l -= TWO32; h += 1; }
    let e = ea;
    if (h >= TWO32) {
      h -= TWO32;
      x = ((x >>> 1) | ((l & 1) << 31) | (x & 1)) >>> 0;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = ((h >>> 1) | 0x80000000) >>> 0;
      e++;
    }
    roundPack(out, sign, e, h, l, x, pc, D_EXT);
    return;
  }
  let x = -BX, l = al - BL, h = ah - BH;
  if (x < 0) { x += TWO32; l -= 1; }
  if (l < 0) { l += TWO32; h -= 1; }
  if ((h | l | x) === 0) {
    setZero(out, ((env.cw >> 10) & 3) === RC_DOWN ? 0x8000 : 0);
    return;
  }
  normPack(out, sign, ea, h, l, x, pc, D_EXT);
}

/** a × b rounded to `pc` bits. */
export function mul(out: F80, a: F80, b: F80, pc: number): void {
  const ka = classOf(a), kb = classOf(b);
  if (ka >= K_QNAN || kb >= K_QNAN) { nanResult(out, a, ka, b, kb); return; }
  const sign = (a.se ^ b.se) & 0x8000;
  if (ka === K_INF || kb === K_INF) {
    if (ka === K_ZERO || kb === K_ZERO) { invalid(out); return; }
    if (anyDenormal(ka, kb) && denormalOperand()) return;
    setInf(out, sign);
    return;
  }
  if (anyDenormal(ka, kb) && denormalOperand()) return;
  if (ka === K_ZERO || kb === K_ZERO) { setZero(out, sign); return; }
  unpack(a);
  const ea = U.e, ah = U.h, al = U.l;
  unpack(b);
  const eb = U.e, bh = U.h, bl = U.l;
  // 128-bit product from four 32×32 partial products.
  const w0 = mul32(al, bl), c0 = mulHi();
  const m1 = mul32(al, bh), c1 = mulHi();
  const m2 = mul32(ah, bl), c2 = mulHi();
  const m3 = mul32(ah, bh), c3 = mulHi();
  const s1 = c0 + m1 + m2;
  const w1 = s1 % TWO32;
  const s2 = c1 + c2 + m3 + Math.floor(s1 / TWO32);
  const w2 = s2 % TWO32;
  const w3 = c3 + Math.floor(s2 / TWO32);
  const e = ea + eb - BIAS;
  if (w3 >= 0x80000000) {
    roundPack(out, sign, e + 1, w3, w2, (w1 | (w0 !== 0 ? 1 : 0)) >>> 0, pc, D_EXT);
  } else {
    const h = ((w3 << 1) | (w2 >>> 31)) >>> 0;
    const l = ((w2 << 1) | (w1 >>> 31)) >>> 0;
    const x = ((w1 << 1) | (w0 >>> 31) | ((w0 & 0x7fffffff) !== 0 ? 1 : 0)) >>> 0;
    roundPack(out, sign, e, h, l, x, pc, D_EXT);
  }
}

/** a ÷ b rounded to `pc` bits. */
export function div(out: F80, a: F80, b: F80, pc: number): void {
  const ka = classOf(a), kb = classOf(b);
  if (ka >= K_QNAN || kb >= K_QNAN) { nanResult(out, a, ka, b, kb); return; }
  const sign = (a.se ^ b.se) & 0x8000;
  if (ka === K_INF) {
    if (kb === K_INF) { invalid(out); return; }
    if (anyDenormal(ka, kb) && denormalOperand()) return;
    setInf(out, sign);
    return;
  }
  if (kb === K_INF) {
    if (anyDenormal(ka, kb) && denormalOperand()) return;
    setZero(out, sign);
    return;
  }
  if (kb === K_ZERO) {
    if (ka === K_ZERO) { invalid(out); return; }
    // Divide-by-zero outranks the denormal operand exception (§4.9.2).
    env.flags |= ZE;
    setInf(out, sign);
    return;
  }
  if (anyDenormal(ka, kb) && denormalOperand()) return;
  if (ka === K_ZERO) { setZero(out, sign); return; }
  unpack(a);
  const ea = U.e;
  let rh = U.h, rl = U.l, rt = 0;
  unpack(b);
  const eb = U.e, bh = U.h, bl = U.l;
  let e = ea - eb + BIAS;
  if (rh < bh || (rh === bh && rl < bl)) {
    rt = rh >>> 31;
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    rl = (rl << 1) >>> 0;
    e--;
  }
  // Restoring division, one quotient bit per step: 66 bits (64 + guard + round), then sticky.
  let qh = 0, ql = 0, qx = 0;
  for (let k = 0; k < 66; k++) {
    if (rt !== 0 || rh > bh || (rh === bh && rl >= bl)) {
      let nl = rl - bl, nh = rh - bh;
      if (nl < 0) { nl += TWO32; nh -= 1; }
      if (nh < 0) { nh += TWO32; rt = 0; }
      rh = nh; rl = nl;
      if (k < 32) qh |= 1 << (31 - k);
      else if (k < 64) ql |= 1 << (63 - k);
      else qx |= 1 << (95 - k);
    }
    rt = rh >>> 31;
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    rl = (rl << 1) >>> 0;
  }
  if ((rt | rh | rl) !== 0) qx |= 1;
  roundPack(out, sign, e, qh >>> 0, ql >>> 0, qx >>> 0, pc, D_EXT);
}

/** √a rounded to `pc` bits. */
export function sqrt(out: F80, a: F80, pc: number): void {
  const ka = classOf(a);
  if (ka >= K_QNAN) {
    if (ka === K_UNSUPPORTED) invalid(out); else quietNaN(out, a);
    return;
  }
  const sign = a.se & 0x8000;
  if (ka === K_ZERO) { setZero(out, sign); return; }
  if (sign !== 0) { invalid(out); return; }
  if (ka === K_INF) { setInf(out, 0); return; }
  if (ka === K_DENORMAL && denormalOperand()) return;
  unpack(a);
  const e = U.e - BIAS, ah = U.h, al = U.l;
  const odd = e & 1;
  // Digit-by-digit square root of N = A·2^67 (even exponent) or A·2^68 (odd), two bits of N
  // per step, 66 root bits. rem and root are three-limb integers (r2:r1:r0, q2:q1:q0).
  let r2 = 0, r1 = 0, r0 = 0, q2 = 0, q1 = 0, q0 = 0;
  const start = odd ? 0 : -1; // bit index into A (MSB first) of N's first bit
  for (let k = 0; k < 66; k++) {
    const p0 = start + 2 * k, p1 = p0 + 1;
    const pair = (bitA(ah, al, p0) << 1) | bitA(ah, al, p1);
    // rem = rem·4 + pair
    r2 = ((r2 << 2) | (r1 >>> 30)) >>> 0;
    r1 = ((r1 << 2) | (r0 >>> 30)) >>> 0;
    r0 = ((r0 << 2) | pair) >>> 0;
    // trial = root·4 + 1
    const t2 = ((q2 << 2) | (q1 >>> 30)) >>> 0;
    const t1 = ((q1 << 2) | (q0 >>> 30)) >>> 0;
    const t0 = ((q0 << 2) | 1) >>> 0;
    const ge = r2 !== t2 ? r2 > t2 : r1 !== t1 ? r1 > t1 : r0 >= t0;
    q2 = ((q2 << 1) | (q1 >>> 31)) >>> 0;
    q1 = ((q1 << 1) | (q0 >>> 31)) >>> 0;
    q0 = (q0 << 1) >>> 0;
    if (ge) {
      let n0 = r0 - t0, n1 = r1 - t1, n2 = r2 - t2;
      if (n0 < 0) { n0 += TWO32; n1 -= 1; }
      if (n1 < 0) { n1 += TWO32; n2 -= 1; }
      r0 = n0; r1 = n1; r2 = n2;
      q0 = (q0 | 1) >>> 0;
    }
  }
  const h = ((q2 << 30) | (q1 >>> 2)) >>> 0;
  const l = ((q1 << 30) | (q0 >>> 2)) >>> 0;
  const x = ((q0 << 30) | ((r2 | r1 | r0) !== 0 ? 1 : 0)) >>> 0;
  roundPack(out, 0, BIAS + (e - odd) / 2, h, l, x, pc, D_EXT);
}

/** Bit `p` (0 = most significant) of the 64-bit significand, 0 outside it. */
function bitA(h: number, l: number, p: number): number {
  if (p < 0 || p > 63) return 0;
  return p < 32 ? (h >>> (31 - p)) & 1 : (l >>> (63 - p)) & 1;
}
