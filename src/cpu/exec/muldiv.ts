// Multiply and divide: MUL, IMUL, DIV, IDIV (group 3, F6/F7 /4-/7), IMUL r, r/m (0F AF) and
// IMUL r, r/m, imm (69, 6B). SDM Vol. 2 "MUL", "IMUL", "DIV", "IDIV".
//
// 64-bit products and quotients are computed on 32- and 16-bit limbs held in doubles (every
// intermediate stays below 2^53, so it is exact): no BigInt.
//
// Flags the SDM leaves undefined (status.ts):
// - MUL/IMUL: AMD leaves SF, ZF, AF and PF unchanged (measured). Intel documents SF for IMUL as the
//   sign of the truncated result; we set SF, ZF and PF from that result and clear AF for both
//   MUL and IMUL on Intel (as Bochs and QEMU do; not checked on an Intel part).
// - DIV/IDIV: AMD keeps CF and OF, clears SF, ZF and PF and sets AF (measured); on Intel we leave
//   all flags unchanged (Bochs, QEMU).

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def, defGroup } from './table.js';
import { readRm, raiseNoCode, setReg, getReg } from '../operands.js';
import { getFlags } from '../flags.js';
import { CF, OF, AF, SF, ZF, PF, DE } from '../regs.js';
import { setStatus, szp, isAmd } from './status.js';

const TWO32 = 4294967296;

// --- Flags.
function mulFlags(cpu: Cpu, overflow: boolean, osz: number, lo: number, hi: number): void {
  const co = overflow ? CF | OF : 0;
  if (isAmd(cpu)) {
    cpu.flags = (getFlags(cpu) & ~(CF | OF)) | co;
    cpu.lazyOp = 0;
  } else {
    setStatus(cpu, szp(osz, lo, hi) | co);
  }
}

function divFlags(cpu: Cpu): void {
  if (!isAmd(cpu)) return;
  cpu.flags = (getFlags(cpu) & ~(SF | ZF | PF)) | AF;
  cpu.lazyOp = 0;
}

// --- Limb arithmetic.

/** High 32 bits of the last mulU32 product. */
let mulHi = 0;
/** Unsigned 32 x 32 → 64: returns the low half (int32), high half in mulHi (int32). */
function mulU32(a: number, b: number): number {
  a >>>= 0; b >>>= 0;
  const p = a * (b & 0xffff);            // < 2^48
  const q = a * (b >>> 16);              // < 2^48
  const s = p + (q % 65536) * 65536;     // < 2^49
  mulHi = (Math.floor(s / TWO32) + Math.floor(q / 65536)) | 0;
  return s | 0;
}

/** The four 32-bit limbs (low first) of the last mul64 product. */
let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
/** Unsigned 64 x 64 → 128. */
function mulU64(al: number, ah: number, bl: number, bh: number): void {
  const ll = mulU32(al, bl), llh = mulHi;
  const lh = mulU32(al, bh), lhh = mulHi;
  const hl = mulU32(ah, bl), hlh = mulHi;
  const hh = mulU32(ah, bh), hhh = mulHi;
  const t1 = (llh >>> 0) + (lh >>> 0) + (hl >>> 0);
  const t2 = (lhh >>> 0) + (hlh >>> 0) + (hh >>> 0) + Math.floor(t1 / TWO32);
  p0 = ll;
  p1 = t1 | 0;
  p2 = t2 | 0;
  p3 = ((hhh >>> 0) + Math.floor(t2 / TWO32)) | 0;
}

/** Signed 64 x 64 → 128: the unsigned product with the high half corrected for negative inputs. */
function mulS64(al: number, ah: number, bl: number, bh: number): void {
  mulU64(al, ah, bl, bh);
  // (a - 2^64·[a<0]) (b - 2^64·[b<0]) = ab - 2^64 (b·[a<0] + a·[b<0])  (mod 2^128)
  if (ah < 0) sub64hi(bl, bh);
  if (bh < 0) sub64hi(al, ah);
}
function sub64hi(l: number, h: number): void {
  const lo = (p2 >>> 0) - (l >>> 0);
  p2 = lo | 0;
  p3 = (p3 - h - (lo < 0 ? 1 : 0)) | 0;
}

/** Quotient and remainder of the last division, as 32-bit halves. */
let qLo = 0, qHi = 0, rLo = 0, rHi = 0;

/** Unsigned (hi:lo) / d for 32-bit d with hi < d (so the quotient fits 32 bits). */
function divU64by32(hi: number, lo: number, d: number): void {
  d >>>= 0;
  let r = hi >>> 0;
  let t = r * 65536 + (lo >>> 16);       // < 2^48: exact, and the quotient digit < 2^16
  const q1 = Math.floor(t / d);
  r = t - q1 * d;
  t = r * 65536 + (lo & 0xffff);
  const q0 = Math.floor(t / d);
  r = t - q0 * d;
  qLo = (q1 * 65536 + q0) | 0;
  rLo = r | 0;
}

/**
 * Unsigned 128 / 64: (n3:n2:n1:n0) / (dh:dl), requiring (n3:n2) < (dh:dl) so that the quotient
 * fits 64 bits. Result in qLo/qHi, rLo/rHi.
 */
function divU128(n3: number, n2: number, n1: number, n0: number, dl: number, dh: number): void {
  if (dh === 0) {
    // One-limb divisor: schoolbook division on 16-bit digits, the remainder always below 2^32.
    const d = dl >>> 0;
    let r = n2 >>> 0; // n3 is 0 because (n3:n2) < d < 2^32
    let q = 0, t = 0;
    t = r * 65536 + (n1 >>> 16); q = Math.floor(t / d); r = t - q * d; let qh = q * 65536;
    t = r * 65536 + (n1 & 0xffff); q = Math.floor(t / d); r = t - q * d; qh += q;
    t = r * 65536 + (n0 >>> 16); q = Math.floor(t / d); r = t - q * d; let ql = q * 65536;
    t = r * 65536 + (n0 & 0xffff); q = Math.floor(t / d); r = t - q * d; ql += q;
    qHi = qh | 0; qLo = ql | 0; rLo = r | 0; rHi = 0;
    return;
  }
  // Two-limb divisor: restoring division, one quotient bit per step (the remainder stays < d,
  // with the bit shifted out of it tracked in `carry`).
  let rh = n3, rl = n2, ah = n1, al = n0, qh = 0, ql = 0;
  const duh = dh >>> 0, dul = dl >>> 0;
  for (let k = 0; k < 64; k++) {
    const carry = rh >>> 31;
    rh = (rh << 1) | (rl >>> 31);
    rl = (rl << 1) | (ah >>> 31);
    ah = (ah << 1) | (al >>> 31);
    al <<= 1;
    qh = (qh << 1) | (ql >>> 31);
    ql <<= 1;
    const ruh = rh >>> 0, rul = rl >>> 0;
    if (carry !== 0 || ruh > duh || (ruh === duh && rul >= dul)) {
      const lo = rul - dul;
      rl = lo | 0;
      rh = (ruh - duh - (lo < 0 ? 1 : 0)) | 0;
      ql |= 1;
    }
  }
  qHi = qh; qLo = ql; rHi = rh; rLo = rl;
}

/** Unsigned 64-bit a < b on halves. */
function ltU64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah !== bh ? (ah >>> 0) < (bh >>> 0) : (al >>> 0) < (bl >>> 0);
}

// --- MUL (F6/F7 /4).
const mul: Handler = (cpu, i) => {
  const osz = i.osz;
  const s = readRm(cpu, i, osz), sh = cpu.mem.hi;
  const lo = cpu.lo;
  switch (osz) {
    case 1: {
      const p = (lo[0] & 0xff) * s;
      lo[0] = (lo[0] & ~0xffff) | p;
      mulFlags(cpu, p > 0xff, 1, p, 0);
      return;
    }
    case 2: {
      const p = (lo[0] & 0xffff) * s;
      lo[0] = (lo[0] & ~0xffff) | (p & 0xffff);
      lo[2] = (lo[2] & ~0xffff) | (p >>> 16);
      mulFlags(cpu, p > 0xffff, 2, p, 0);
      return;
    }
    case 4: {
      const l = mulU32(lo[0], s), h = mulHi;
      lo[0] = l; cpu.hi[0] = 0;
      lo[2] = h; cpu.hi[2] = 0;
      mulFlags(cpu, h !== 0, 4, l, 0);
      return;
    }
    default: {
      mulU64(lo[0], cpu.hi[0], s, sh);
      lo[0] = p0; cpu.hi[0] = p1;
      lo[2] = p2; cpu.hi[2] = p3;
      mulFlags(cpu, (p2 | p3) !== 0, 8, p0, p1);
    }
  }
};

// --- IMUL one operand (F6/F7 /5): the double-width signed product in AX, DX:AX, EDX:EAX, RDX:RAX.
const imul1: Handler = (cpu, i) => {
  const osz = i.osz;
  const s = readRm(cpu, i, osz), sh = cpu.mem.hi;
  const lo = cpu.lo;
  switch (osz) {
    case 1: {
      const p = ((lo[0] << 24) >> 24) * ((s << 24) >> 24);
      lo[0] = (lo[0] & ~0xffff) | (p & 0xffff);
      mulFlags(cpu, p !== (p << 24) >> 24, 1, p, 0);
      return;
    }
    case 2: {
      const p = ((lo[0] << 16) >> 16) * ((s << 16) >> 16);
      lo[0] = (lo[0] & ~0xffff) | (p & 0xffff);
      lo[2] = (lo[2] & ~0xffff) | ((p >> 16) & 0xffff);
      mulFlags(cpu, p !== (p << 16) >> 16, 2, p, 0);
      return;
    }
    case 4: {
      const a = lo[0];
      const l = mulU32(a, s);
      const h = (mulHi - (a < 0 ? s : 0) - (s < 0 ? a : 0)) | 0;
      lo[0] = l; cpu.hi[0] = 0;
      lo[2] = h; cpu.hi[2] = 0;
      mulFlags(cpu, h !== l >> 31, 4, l, 0);
      return;
    }
    default: {
      mulS64(lo[0], cpu.hi[0], s, sh);
      lo[0] = p0; cpu.hi[0] = p1;
      lo[2] = p2; cpu.hi[2] = p3;
      const sign = p1 >> 31;
      mulFlags(cpu, p2 !== sign || p3 !== sign, 8, p0, p1);
    }
  }
};

// --- IMUL r, r/m and IMUL r, r/m, imm: the product truncated to the operand size.
function imulTrunc(cpu: Cpu, i: Insn, a: number, ah: number, b: number, bh: number): void {
  const osz = i.osz;
  switch (osz) {
    case 2: {
      const p = ((a << 16) >> 16) * ((b << 16) >> 16);
      setReg(cpu, i.reg, 2, p, 0);
      mulFlags(cpu, p !== (p << 16) >> 16, 2, p, 0);
      return;
    }
    case 4: {
      const l = Math.imul(a, b);
      // The double product is rounded, but rounding is monotonic and ±2^31 are representable,
      // so it lies outside [-2^31, 2^31) exactly when the true product does.
      const p = a * b;
      cpu.lo[i.reg] = l; cpu.hi[i.reg] = 0;
      mulFlags(cpu, p < -2147483648 || p > 2147483647, 4, l, 0);
      return;
    }
    default: {
      if (ah === a >> 31 && bh === b >> 31) {
        // Both factors are sign-extended 32-bit values (the usual index arithmetic): one 32 x 32
        // product, which always fits 64 bits.
        const l = mulU32(a, b);
        const h = (mulHi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
        cpu.lo[i.reg] = l; cpu.hi[i.reg] = h;
        mulFlags(cpu, false, 8, l, h);
        return;
      }
      // The truncated product is one 32 x 32 product plus the cross terms mod 2^32. Overflow
      // needs the 128-bit product only when the magnitude, estimated in doubles (relative error
      // below 2^-51), is near the edge: under 2^62 it fits, over 2^64 it cannot. (Hashes such as
      // FNV-1a multiply by a 41-bit constant and always land on the cheap side.)
      const m = Math.abs((ah * TWO32 + (a >>> 0)) * (bh * TWO32 + (b >>> 0)));
      if (m < 4611686018427387904 || m > 18446744073709551616) {
        const l = mulU32(a, b);
        const h = (mulHi + Math.imul(a, bh) + Math.imul(ah, b)) | 0;
        cpu.lo[i.reg] = l; cpu.hi[i.reg] = h;
        mulFlags(cpu, m > 18446744073709551616, 8, l, h);
        return;
      }
      mulS64(a, ah, b, bh);
      cpu.lo[i.reg] = p0; cpu.hi[i.reg] = p1;
      const sign = p1 >> 31;
      mulFlags(cpu, p2 !== sign || p3 !== sign, 8, p0, p1);
    }
  }
}
const imul2: Handler = (cpu, i) => {
  const b = readRm(cpu, i, i.osz), bh = cpu.mem.hi;
  const a = getReg(cpu, i.reg, i.osz), ah = cpu.mem.hi;
  imulTrunc(cpu, i, a, ah, b, bh);
};
const imul3: Handler = (cpu, i) => {
  const a = readRm(cpu, i, i.osz), ah = cpu.mem.hi;
  imulTrunc(cpu, i, a, ah, i.imm, i.immHi);
};

// --- DIV (F6/F7 /6). #DE (no error code) on a zero divisor or a quotient that does not fit.
const div: Handler = (cpu, i) => {
  const osz = i.osz;
  const d = readRm(cpu, i, osz), dh = cpu.mem.hi;
  const lo = cpu.lo;
  switch (osz) {
    case 1: {
      const n = lo[0] & 0xffff;
      if (d === 0) raiseNoCode(cpu, DE);
      const q = Math.floor(n / d);
      if (q > 0xff) raiseNoCode(cpu, DE);
      lo[0] = (lo[0] & ~0xffff) | ((n - q * d) << 8) | q;
      break;
    }
    case 2: {
      const n = (lo[2] & 0xffff) * 65536 + (lo[0] & 0xffff);
      if (d === 0) raiseNoCode(cpu, DE);
      const q = Math.floor(n / d);
      if (q > 0xffff) raiseNoCode(cpu, DE);
      lo[0] = (lo[0] & ~0xffff) | q;
      lo[2] = (lo[2] & ~0xffff) | (n - q * d);
      break;
    }
    case 4: {
      if (d === 0 || (lo[2] >>> 0) >= (d >>> 0)) raiseNoCode(cpu, DE);
      divU64by32(lo[2], lo[0], d);
      lo[0] = qLo; cpu.hi[0] = 0;
      lo[2] = rLo; cpu.hi[2] = 0;
      break;
    }
    default: {
      if ((d | dh) === 0 || !ltU64(lo[2], cpu.hi[2], d, dh)) raiseNoCode(cpu, DE);
      divU128(cpu.hi[2], lo[2], cpu.hi[0], lo[0], d, dh);
      lo[0] = qLo; cpu.hi[0] = qHi;
      lo[2] = rLo; cpu.hi[2] = rHi;
    }
  }
  divFlags(cpu);
};

// --- IDIV (F6/F7 /7): truncating signed division; the remainder takes the dividend's sign.
const idiv: Handler = (cpu, i) => {
  const osz = i.osz;
  const d = readRm(cpu, i, osz), dh = cpu.mem.hi;
  const lo = cpu.lo;
  switch (osz) {
    case 1: {
      const n = (lo[0] << 16) >> 16, ds = (d << 24) >> 24;
      if (ds === 0) raiseNoCode(cpu, DE);
      const q = Math.trunc(n / ds);
      if (q < -128 || q > 127) raiseNoCode(cpu, DE);
      lo[0] = (lo[0] & ~0xffff) | (((n - q * ds) & 0xff) << 8) | (q & 0xff);
      break;
    }
    case 2: {
      const n = ((lo[2] << 16) | (lo[0] & 0xffff)), ds = (d << 16) >> 16;
      if (ds === 0) raiseNoCode(cpu, DE);
      const q = Math.trunc(n / ds);
      if (q < -32768 || q > 32767) raiseNoCode(cpu, DE);
      lo[0] = (lo[0] & ~0xffff) | (q & 0xffff);
      lo[2] = (lo[2] & ~0xffff) | ((n - q * ds) & 0xffff);
      break;
    }
    case 4: {
      if (d === 0) raiseNoCode(cpu, DE);
      const negN = lo[2] < 0, negD = d < 0;
      // |EDX:EAX| and |d| as unsigned values.
      let nh = lo[2], nl = lo[0];
      if (negN) { nl = -nl | 0; nh = (~nh + (nl === 0 ? 1 : 0)) | 0; }
      const ad = negD ? -d : d; // 2^31 for -2^31: fine as a double
      if ((nh >>> 0) >= ad) raiseNoCode(cpu, DE);
      divU64by32(nh, nl, ad);
      const q = qLo >>> 0;
      if (negN !== negD ? q > 0x80000000 : q > 0x7fffffff) raiseNoCode(cpu, DE);
      lo[0] = negN !== negD ? -q | 0 : q | 0; cpu.hi[0] = 0;
      lo[2] = negN ? -rLo | 0 : rLo; cpu.hi[2] = 0;
      break;
    }
    default: {
      if ((d | dh) === 0) raiseNoCode(cpu, DE);
      const negN = cpu.hi[2] < 0, negD = dh < 0;
      let n3 = cpu.hi[2], n2 = lo[2], n1 = cpu.hi[0], n0 = lo[0];
      if (negN) {
        // Two's complement of the 128-bit dividend.
        n0 = ~n0; n1 = ~n1; n2 = ~n2; n3 = ~n3;
        n0 = (n0 + 1) | 0;
        if (n0 === 0) { n1 = (n1 + 1) | 0; if (n1 === 0) { n2 = (n2 + 1) | 0; if (n2 === 0) n3 = (n3 + 1) | 0; } }
      }
      let dl = d, dhh = dh;
      if (negD) { dl = -d | 0; dhh = (~dh + (dl === 0 ? 1 : 0)) | 0; }
      if (!ltU64(n2, n3, dl, dhh)) raiseNoCode(cpu, DE);
      divU128(n3, n2, n1, n0, dl, dhh);
      // The magnitude may reach 2^63 only for a negative quotient.
      if (qHi < 0 && (negN === negD || qHi !== -2147483648 || qLo !== 0)) raiseNoCode(cpu, DE);
      if (negN !== negD) { qLo = -qLo | 0; qHi = (~qHi + (qLo === 0 ? 1 : 0)) | 0; }
      if (negN) { rLo = -rLo | 0; rHi = (~rHi + (rLo === 0 ? 1 : 0)) | 0; }
      lo[0] = qLo; cpu.hi[0] = qHi;
      lo[2] = rLo; cpu.hi[2] = rHi;
    }
  }
  divFlags(cpu);
};

for (const opc of [0xf6, 0xf7]) {
  defGroup(opc, 4, () => mul);
  defGroup(opc, 5, () => imul1);
  defGroup(opc, 6, () => div);
  defGroup(opc, 7, () => idiv);
}
def(MAP_0F | 0xaf, () => imul2);
def(0x69, () => imul3);
def(0x6b, () => imul3);
