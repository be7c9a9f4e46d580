// Comparison and classification (SDM Vol. 2 FCOM/FUCOM/FCOMI/FTST/FXAM; Vol. 1 §8.1.4).

import { unpack, U } from './round.js';
import { F80, env, classOf, K_ZERO, K_NORMAL, K_DENORMAL, K_INF, K_QNAN, K_SNAN, K_UNSUPPORTED, IE, DE, C0, C2, C3 } from './f80.js';

export const CMP_GT = 0, CMP_LT = 1, CMP_EQ = 2, CMP_UNORDERED = 3;

/**
 * Compare a with b. NaN operands are unordered: every NaN is invalid for the ordered compares
 * (FCOM, FCOMI), only SNaNs for the unordered ones (FUCOM, FUCOMI); unsupported encodings are
 * always invalid. Denormal operands raise DE (the compare proceeds when it is masked).
 */
export function compare(a: F80, b: F80, quiet: boolean): number {
  const ka = classOf(a), kb = classOf(b);
  if (ka >= K_QNAN || kb >= K_QNAN) {
    if (!quiet || ka === K_SNAN || kb === K_SNAN || ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) env.flags |= IE;
    return CMP_UNORDERED;
  }
  if (ka === K_DENORMAL || kb === K_DENORMAL || env.srcDenormal) env.flags |= DE;
  if (ka === K_ZERO && kb === K_ZERO) return CMP_EQ;
  const sa = a.se & 0x8000, sb = b.se & 0x8000;
  if (ka === K_ZERO) return sb ? CMP_GT : CMP_LT;
  if (kb === K_ZERO) return sa ? CMP_LT : CMP_GT;
  if (sa !== sb) return sa ? CMP_LT : CMP_GT;
  let mag: number;
  if (ka === K_INF || kb === K_INF) mag = ka === kb ? 0 : ka === K_INF ? 1 : -1;
  else {
    // Normalised exponent, then significand (denormals and pseudo-denormals included).
    unpack(a);
    const ea = U.e, ah = U.h, al = U.l;
    unpack(b);
    mag = ea !== U.e ? ea - U.e : ah !== U.h ? ah - U.h : al - U.l;
  }
  if (mag === 0) return CMP_EQ;
  return (mag > 0) !== (sa !== 0) ? CMP_GT : CMP_LT;
}

/** Condition codes C3, C2, C0 for a compare result (FCOM family, FTST). */
export function ccOfCompare(r: number): number {
  switch (r) {
    case CMP_GT: return 0;
    case CMP_LT: return C0;
    case CMP_EQ: return C3;
    default: return C3 | C2 | C0;
  }
}

/** FXAM's class code in C3, C2, C0 (SDM Vol. 2 FXAM table); C1 is the sign, set by the caller. */
export function examine(a: F80): number {
  switch (classOf(a)) {
    case K_UNSUPPORTED: return 0;
    case K_QNAN: case K_SNAN: return C0;
    case K_NORMAL: return C2;
    case K_INF: return C2 | C0;
    case K_ZERO: return C3;
    default: return C3 | C2; // denormal (and pseudo-denormal)
  }
}
