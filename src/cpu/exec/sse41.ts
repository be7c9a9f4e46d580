// SSE4.1 integer and data-movement instructions: PMOVSX/PMOVZX (66 0F 38 20-25, 30-35), PMULDQ
// (28), PCMPEQQ (29), PACKUSDW (2B), PMIN/PMAX SB SD UW UD (38-3F), PMULLD (40), PHMINPOSUW
// (41), PTEST (17), PBLENDVB/BLENDVPS/BLENDVPD (10, 14, 15: the mask is XMM0), BLENDPS/BLENDPD/
// PBLENDW (66 0F 3A 0C-0E), PEXTRB/W/D/Q and EXTRACTPS (3A 14-17), PINSRB/D/Q and INSERTPS
// (3A 20-22), MPSADBW (3A 42). The FP ones (ROUND*, DPPS, DPPD) are in sse41-fp.ts.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F38, MAP_0F3A } from '../insn.js';
import { def } from './table.js';
import { ea } from '../operands.js';
import { setArith } from '../flags.js';
import { ARITH_FLAGS, CF, ZF } from '../regs.js';
import { byPrefix, xmmRm, syncViews, fromOut, U8, I8, U16, I16, OUT, TMP, M64, M32, type Kernel, type Binder } from './sse-state.js';
import { sse2, mulU32 } from './sse-int.js';
import { packusdw } from './sse-shuffle.js';

const O16 = OUT * 8, O32 = OUT * 4;

// --- PMOVSX/PMOVZX: widen the low elements of the source. Memory forms read only what they use
// (m64 for BW/WD/DQ, m32 for BD/WQ, m16 for BQ), with no alignment rule.
function widen(from: number, to: number, signed: boolean): Kernel {
  return (cpu, d, s) => {
    syncViews(cpu);
    const x = cpu.xmm, n = 16 / to;
    for (let k = 0; k < n; k++) {
      let v: number;
      if (from === 1) v = signed ? I8[s * 16 + k] : U8[s * 16 + k];
      else if (from === 2) v = signed ? I16[s * 8 + k] : U16[s * 8 + k];
      else v = signed ? x[s * 4 + k] : x[s * 4 + k] >>> 0;
      if (to === 2) U16[O16 + k] = v;
      else if (to === 4) x[O32 + k] = v;
      else { x[O32 + 2 * k] = v; x[O32 + 2 * k + 1] = signed ? v >> 31 : 0; }
    }
    fromOut(cpu, d);
  };
}
const load16: Handler = (cpu, i) => { cpu.xmm[TMP * 4] = cpu.mem.read16(ea(cpu, i)); };
function widenBinder(from: number, to: number, signed: boolean): Binder {
  const k = widen(from, to, signed);
  const ratio = to / from;
  if (ratio === 8) {
    const r: Handler = (cpu, i) => k(cpu, i.reg, i.rm, i);
    const m: Handler = (cpu, i) => { load16(cpu, i); k(cpu, i.reg, TMP, i); };
    return byPrefix(null, (i) => (i.mod === 3 ? r : m), null, null);
  }
  return byPrefix(null, xmmRm(k, ratio === 2 ? M64 : M32), null, null);
}
const WIDEN: [number, number, number][] = [[0, 1, 2], [1, 1, 4], [2, 1, 8], [3, 2, 4], [4, 2, 8], [5, 4, 8]];
for (const [op, from, to] of WIDEN) {
  def(MAP_0F38 | (0x20 + op), widenBinder(from, to, true));
  def(MAP_0F38 | (0x30 + op), widenBinder(from, to, false));
}

// --- Multiplies and compares.
const pmuldq: Kernel = (cpu, d, s) => {
  const x = cpu.xmm;
  const a0 = x[d * 4], a2 = x[d * 4 + 2], b0 = x[s * 4], b2 = x[s * 4 + 2];
  mulS32(x, d * 4, a0, b0);
  mulS32(x, d * 4 + 2, a2, b2);
};
/** Signed 32 × 32 → 64. */
function mulS32(x: Int32Array, o: number, a: number, b: number): void {
  mulU32(x, o, a, b);
  // Correct the unsigned product's high half for negative operands.
  let hi = x[o + 1];
  if (a < 0) hi -= b;
  if (b < 0) hi -= a;
  x[o + 1] = hi | 0;
}
const pmulld: Kernel = (cpu, d, s) => { const x = cpu.xmm; for (let k = 0; k < 4; k++) x[d * 4 + k] = Math.imul(x[d * 4 + k], x[s * 4 + k]); };
const pcmpeqq: Kernel = (cpu, d, s) => {
  const x = cpu.xmm;
  for (let k = 0; k < 4; k += 2) {
    const v = x[d * 4 + k] === x[s * 4 + k] && x[d * 4 + k + 1] === x[s * 4 + k + 1] ? -1 : 0;
    x[d * 4 + k] = v; x[d * 4 + k + 1] = v;
  }
};
const pminsb: Kernel = (cpu, d, s) => { syncViews(cpu); for (let k = 0; k < 16; k++) if (I8[s * 16 + k] < I8[d * 16 + k]) I8[d * 16 + k] = I8[s * 16 + k]; };
const pmaxsb: Kernel = (cpu, d, s) => { syncViews(cpu); for (let k = 0; k < 16; k++) if (I8[s * 16 + k] > I8[d * 16 + k]) I8[d * 16 + k] = I8[s * 16 + k]; };
const pminuw: Kernel = (cpu, d, s) => { syncViews(cpu); for (let k = 0; k < 8; k++) if (U16[s * 8 + k] < U16[d * 8 + k]) U16[d * 8 + k] = U16[s * 8 + k]; };
const pmaxuw: Kernel = (cpu, d, s) => { syncViews(cpu); for (let k = 0; k < 8; k++) if (U16[s * 8 + k] > U16[d * 8 + k]) U16[d * 8 + k] = U16[s * 8 + k]; };
const pminsd: Kernel = (cpu, d, s) => { const x = cpu.xmm; for (let k = 0; k < 4; k++) if (x[s * 4 + k] < x[d * 4 + k]) x[d * 4 + k] = x[s * 4 + k]; };
const pmaxsd: Kernel = (cpu, d, s) => { const x = cpu.xmm; for (let k = 0; k < 4; k++) if (x[s * 4 + k] > x[d * 4 + k]) x[d * 4 + k] = x[s * 4 + k]; };
const pminud: Kernel = (cpu, d, s) => { const x = cpu.xmm; for (let k = 0; k < 4; k++) if ((x[s * 4 + k] >>> 0) < (x[d * 4 + k] >>> 0)) x[d * 4 + k] = x[s * 4 + k]; };
const pmaxud: Kernel = (cpu, d, s) => { const x = cpu.xmm; for (let k = 0; k < 4; k++) if ((x[s * 4 + k] >>> 0) > (x[d * 4 + k] >>> 0)) x[d * 4 + k] = x[s * 4 + k]; };

// PHMINPOSUW: the smallest unsigned word of the source and its (lowest) index; the rest zeroed.
const phminposuw: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  let m = U16[s * 8], idx = 0;
  for (let k = 1; k < 8; k++) if (U16[s * 8 + k] < m) { m = U16[s * 8 + k]; idx = k; }
  const x = cpu.xmm;
  x[d * 4] = m | (idx << 16); x[d * 4 + 1] = 0; x[d * 4 + 2] = 0; x[d * 4 + 3] = 0;
};

// PTEST (SDM Vol. 2 PTEST): ZF = (dest AND src) = 0, CF = (NOT dest AND src) = 0; AF, OF, PF
// and SF cleared.
const ptest: Kernel = (cpu, d, s) => {
  const x = cpu.xmm;
  let and = 0, andn = 0;
  for (let k = 0; k < 4; k++) { and |= x[d * 4 + k] & x[s * 4 + k]; andn |= ~x[d * 4 + k] & x[s * 4 + k]; }
  setArith(cpu, ARITH_FLAGS, (and === 0 ? ZF : 0) | (andn === 0 ? CF : 0));
};

// --- Blends. The variable forms take their mask from XMM0 (the top bit of each element).
const pblendvb: Kernel = (cpu, d, s) => { syncViews(cpu); for (let k = 0; k < 16; k++) if (U8[k] & 0x80) U8[d * 16 + k] = U8[s * 16 + k]; };
const blendvps: Kernel = (cpu, d, s) => { const x = cpu.xmm; for (let k = 0; k < 4; k++) if (x[k] < 0) x[d * 4 + k] = x[s * 4 + k]; };
const blendvpd: Kernel = (cpu, d, s) => {
  const x = cpu.xmm;
  for (let k = 0; k < 4; k += 2) if (x[k + 1] < 0) { x[d * 4 + k] = x[s * 4 + k]; x[d * 4 + k + 1] = x[s * 4 + k + 1]; }
};
const blendps: Kernel = (cpu, d, s, i) => { const x = cpu.xmm; for (let k = 0; k < 4; k++) if ((i.imm >> k) & 1) x[d * 4 + k] = x[s * 4 + k]; };
const blendpd: Kernel = (cpu, d, s, i) => {
  const x = cpu.xmm;
  for (let k = 0; k < 2; k++) if ((i.imm >> k) & 1) { x[d * 4 + 2 * k] = x[s * 4 + 2 * k]; x[d * 4 + 2 * k + 1] = x[s * 4 + 2 * k + 1]; }
};
const pblendw: Kernel = (cpu, d, s, i) => { syncViews(cpu); for (let k = 0; k < 8; k++) if ((i.imm >> k) & 1) U16[d * 8 + k] = U16[s * 8 + k]; };

// --- MPSADBW: eight sums of absolute differences between 4-byte windows of the destination
// (starting at byte 4·imm8[2] + k) and the source dword imm8[1:0].
const mpsadbw: Kernel = (cpu, d, s, i) => {
  syncViews(cpu);
  const a = d * 16 + ((i.imm >> 2) & 1) * 4, b = s * 16 + (i.imm & 3) * 4;
  for (let k = 0; k < 8; k++) {
    let sum = 0;
    for (let j = 0; j < 4; j++) { const t = U8[a + k + j] - U8[b + j]; sum += t < 0 ? -t : t; }
    U16[O16 + k] = sum;
  }
  fromOut(cpu, d);
};

// --- Extracts: to a general register (zero-extended to 64 bits) or to memory of the element's size.
function extract(size: number): Handler {
  return (cpu, i) => {
    syncViews(cpu);
    const x = cpu.xmm, r = i.reg;
    let lo: number, hi = 0;
    if (size === 1) lo = U8[r * 16 + (i.imm & 15)];
    else if (size === 2) lo = U16[r * 8 + (i.imm & 7)];
    else if (size === 4) lo = x[r * 4 + (i.imm & 3)];
    else { lo = x[r * 4 + 2 * (i.imm & 1)]; hi = x[r * 4 + 2 * (i.imm & 1) + 1]; }
    if (i.mod === 3) { cpu.lo[i.rm] = lo; cpu.hi[i.rm] = hi; return; }
    const a = ea(cpu, i);
    if (size === 1) cpu.mem.write8(a, lo);
    else if (size === 2) cpu.mem.write16(a, lo);
    else if (size === 4) cpu.mem.write32(a, lo);
    else cpu.mem.write64(a, lo, hi);
  };
}
const pextrb = extract(1), pextrw = extract(2), pextrd = extract(4), pextrq = extract(8);

function insert(size: number): Handler {
  return (cpu, i) => {
    syncViews(cpu);
    const x = cpu.xmm, r = i.reg;
    let lo: number, hi = 0;
    if (i.mod === 3) { lo = cpu.lo[i.rm]; hi = cpu.hi[i.rm]; }
    else {
      const a = ea(cpu, i);
      if (size === 1) lo = cpu.mem.read8(a);
      else if (size === 4) lo = cpu.mem.read32(a);
      else { lo = cpu.mem.read64(a); hi = cpu.mem.hi; }
    }
    if (size === 1) U8[r * 16 + (i.imm & 15)] = lo;
    else if (size === 4) x[r * 4 + (i.imm & 3)] = lo;
    else { x[r * 4 + 2 * (i.imm & 1)] = lo; x[r * 4 + 2 * (i.imm & 1) + 1] = hi; }
  };
}
const pinsrb = insert(1), pinsrd = insert(4), pinsrq = insert(8);

// INSERTPS: element imm8[7:6] of the source register (or the m32 operand) into element
// imm8[5:4] of the destination, then the elements named by imm8[3:0] zeroed.
function insertps(cpu: Cpu, i: Insn, v: number): void {
  const x = cpu.xmm, d = i.reg * 4, imm = i.imm;
  x[d + ((imm >> 4) & 3)] = v;
  for (let k = 0; k < 4; k++) if ((imm >> k) & 1) x[d + k] = 0;
}
const insertpsR: Handler = (cpu, i) => insertps(cpu, i, cpu.xmm[i.rm * 4 + ((i.imm >> 6) & 3)]);
const insertpsM: Handler = (cpu, i) => insertps(cpu, i, cpu.mem.read32(ea(cpu, i)));

const only66 = (h: Handler): Binder => byPrefix(null, () => h, null, null);

const OPS38: [number, Kernel][] = [
  [0x28, pmuldq], [0x29, pcmpeqq], [0x2b, packusdw], [0x38, pminsb], [0x39, pminsd], [0x3a, pminuw], [0x3b, pminud],
  [0x3c, pmaxsb], [0x3d, pmaxsd], [0x3e, pmaxuw], [0x3f, pmaxud], [0x40, pmulld], [0x41, phminposuw], [0x17, ptest],
  [0x10, pblendvb], [0x14, blendvps], [0x15, blendvpd],
];
for (const [op, k] of OPS38) def(MAP_0F38 | op, sse2(k));
def(MAP_0F3A | 0x0c, sse2(blendps));
def(MAP_0F3A | 0x0d, sse2(blendpd));
def(MAP_0F3A | 0x0e, sse2(pblendw));
def(MAP_0F3A | 0x42, sse2(mpsadbw));
def(MAP_0F3A | 0x14, only66(pextrb));
def(MAP_0F3A | 0x15, only66(pextrw));
def(MAP_0F3A | 0x16, byPrefix(null, (i) => ((i.rex & 8) !== 0 ? pextrq : pextrd), null, null));
def(MAP_0F3A | 0x17, only66(pextrd)); // EXTRACTPS: the dword's bits, like PEXTRD
def(MAP_0F3A | 0x20, only66(pinsrb));
def(MAP_0F3A | 0x22, byPrefix(null, (i) => ((i.rex & 8) !== 0 ? pinsrq : pinsrd), null, null));
def(MAP_0F3A | 0x21, byPrefix(null, (i) => (i.mod === 3 ? insertpsR : insertpsM), null, null));
