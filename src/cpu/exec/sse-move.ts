// SSE data movement: MOVUPS/MOVUPD/MOVSS/MOVSD (0F 10/11), MOVLPS/MOVHLPS/MOVLPD (0F 12/13),
// MOVHPS/MOVLHPS/MOVHPD (0F 16/17), MOVAPS/MOVAPD (0F 28/29), MOVNTPS/PD (0F 2B), MOVMSKPS/PD
// (0F 50), MOVD/MOVQ (66 0F 6E/7E, F3 0F 7E, 66 0F D6), MOVDQA/MOVDQU (0F 6F/7F), MOVNTI
// (0F C3), PMOVMSKB (66 0F D7), MOVNTDQ (66 0F E7), MASKMOVDQU (66 0F F7), and SSE3's
// MOVSLDUP/MOVSHDUP/MOVDDUP and LDDQU, SSE4.1's MOVNTDQA (66 0F 38 2A).
//
// Alignment (SDM Vol. 1 §11.4.1, §12.7): MOVAPS/MOVAPD/MOVDQA, the non-temporal stores and
// MOVNTDQA need a 16-byte aligned operand (#GP(0) otherwise); MOVUPS/MOVDQU/LDDQU do not, nor
// do the 32- and 64-bit forms. Non-temporal hints have no effect here.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F, MAP_0F38 } from '../insn.js';
import { def } from './table.js';
import { ea, raise, canonical } from '../operands.js';
import { GP } from '../regs.js';
import { read128, write128, byPrefix, regOnly, memOnly, always, xmmRm, M64, type Binder, type Kernel } from './sse-state.js';

// --- Full-register moves.
const movRR: Handler = (cpu, i) => {
  const x = cpu.xmm, d = i.reg * 4, s = i.rm * 4;
  x[d] = x[s]; x[d + 1] = x[s + 1]; x[d + 2] = x[s + 2]; x[d + 3] = x[s + 3];
};
const movRRstore: Handler = (cpu, i) => {
  const x = cpu.xmm, d = i.rm * 4, s = i.reg * 4;
  x[d] = x[s]; x[d + 1] = x[s + 1]; x[d + 2] = x[s + 2]; x[d + 3] = x[s + 3];
};
const loadAligned: Handler = (cpu, i) => {
  const a = ea(cpu, i);
  if ((a & 15) !== 0) raise(cpu, GP, 0);
  read128(cpu, a, i.reg);
};
const loadUnaligned: Handler = (cpu, i) => read128(cpu, ea(cpu, i), i.reg);
const storeAligned: Handler = (cpu, i) => {
  const a = ea(cpu, i);
  if ((a & 15) !== 0) raise(cpu, GP, 0);
  write128(cpu, a, i.reg);
};
const storeUnaligned: Handler = (cpu, i) => write128(cpu, ea(cpu, i), i.reg);

const loadA: Binder = (i) => (i.mod === 3 ? movRR : loadAligned);
const loadU: Binder = (i) => (i.mod === 3 ? movRR : loadUnaligned);
const storeA: Binder = (i) => (i.mod === 3 ? movRRstore : storeAligned);
const storeU: Binder = (i) => (i.mod === 3 ? movRRstore : storeUnaligned);

// --- Scalar moves. The register forms merge into the destination; loading from memory zeroes
// the rest of the register (SDM Vol. 2 MOVSS/MOVSD).
const movssRR: Handler = (cpu, i) => { cpu.xmm[i.reg * 4] = cpu.xmm[i.rm * 4]; };
const movssLoad: Handler = (cpu, i) => {
  const x = cpu.xmm, d = i.reg * 4;
  x[d] = cpu.mem.read32(ea(cpu, i));
  x[d + 1] = 0; x[d + 2] = 0; x[d + 3] = 0;
};
const movssStoreR: Handler = (cpu, i) => { cpu.xmm[i.rm * 4] = cpu.xmm[i.reg * 4]; };
const movssStore: Handler = (cpu, i) => cpu.mem.write32(ea(cpu, i), cpu.xmm[i.reg * 4]);
const movsdRR: Handler = (cpu, i) => { const x = cpu.xmm; x[i.reg * 4] = x[i.rm * 4]; x[i.reg * 4 + 1] = x[i.rm * 4 + 1]; };
const movsdLoad: Handler = (cpu, i) => {
  const x = cpu.xmm, d = i.reg * 4;
  x[d] = cpu.mem.read64(ea(cpu, i));
  x[d + 1] = cpu.mem.hi; x[d + 2] = 0; x[d + 3] = 0;
};
const movsdStoreR: Handler = (cpu, i) => { const x = cpu.xmm; x[i.rm * 4] = x[i.reg * 4]; x[i.rm * 4 + 1] = x[i.reg * 4 + 1]; };
const store64Low: Handler = (cpu, i) => { const x = cpu.xmm; cpu.mem.write64(ea(cpu, i), x[i.reg * 4], x[i.reg * 4 + 1]); };
const store64High: Handler = (cpu, i) => { const x = cpu.xmm; cpu.mem.write64(ea(cpu, i), x[i.reg * 4 + 2], x[i.reg * 4 + 3]); };

def(MAP_0F | 0x10, byPrefix(loadU, loadU, (i) => (i.mod === 3 ? movssRR : movssLoad), (i) => (i.mod === 3 ? movsdRR : movsdLoad)));
def(MAP_0F | 0x11, byPrefix(storeU, storeU, (i) => (i.mod === 3 ? movssStoreR : movssStore), (i) => (i.mod === 3 ? movsdStoreR : store64Low)));

// --- Half-register moves.
const loadLow64: Handler = (cpu, i) => { const x = cpu.xmm; x[i.reg * 4] = cpu.mem.read64(ea(cpu, i)); x[i.reg * 4 + 1] = cpu.mem.hi; };
const loadHigh64: Handler = (cpu, i) => { const x = cpu.xmm; x[i.reg * 4 + 2] = cpu.mem.read64(ea(cpu, i)); x[i.reg * 4 + 3] = cpu.mem.hi; };
const movhlps: Handler = (cpu, i) => { const x = cpu.xmm; x[i.reg * 4] = x[i.rm * 4 + 2]; x[i.reg * 4 + 1] = x[i.rm * 4 + 3]; };
const movlhps: Handler = (cpu, i) => { const x = cpu.xmm; x[i.reg * 4 + 2] = x[i.rm * 4]; x[i.reg * 4 + 3] = x[i.rm * 4 + 1]; };

// SSE3 duplicating loads. The memory forms of MOVSLDUP/MOVSHDUP take an aligned m128;
// MOVDDUP reads only 64 bits (no alignment rule).
const dupK = (a: number, b: number, c: number, d: number): Kernel => (cpu, dr, s) => {
  const x = cpu.xmm, t = s * 4;
  const v0 = x[t + a], v1 = x[t + b], v2 = x[t + c], v3 = x[t + d];
  x[dr * 4] = v0; x[dr * 4 + 1] = v1; x[dr * 4 + 2] = v2; x[dr * 4 + 3] = v3;
};
const movsldup = xmmRm(dupK(0, 0, 2, 2));
const movshdup = xmmRm(dupK(1, 1, 3, 3));
const movddup = xmmRm(dupK(0, 1, 0, 1), M64);

def(MAP_0F | 0x12, byPrefix((i) => (i.mod === 3 ? movhlps : loadLow64), memOnly(loadLow64), movsldup, movddup));
def(MAP_0F | 0x13, byPrefix(memOnly(store64Low), memOnly(store64Low), null, null));
def(MAP_0F | 0x16, byPrefix((i) => (i.mod === 3 ? movlhps : loadHigh64), memOnly(loadHigh64), movshdup, null));
def(MAP_0F | 0x17, byPrefix(memOnly(store64High), memOnly(store64High), null, null));

// --- Aligned and non-temporal moves.
def(MAP_0F | 0x28, byPrefix(loadA, loadA, null, null));
def(MAP_0F | 0x29, byPrefix(storeA, storeA, null, null));
def(MAP_0F | 0x2b, byPrefix(memOnly(storeAligned), memOnly(storeAligned), null, null));
def(MAP_0F | 0x6f, byPrefix(null, loadA, loadU, null));
def(MAP_0F | 0x7f, byPrefix(null, storeA, storeU, null));
def(MAP_0F | 0xe7, byPrefix(null, memOnly(storeAligned), null, null));
def(MAP_0F | 0xf0, byPrefix(null, null, null, memOnly(loadUnaligned)));
def(MAP_0F38 | 0x2a, byPrefix(null, memOnly(loadAligned), null, null));

// MOVNTI m32/m64, r32/r64: an ordinary store here.
const movnti: Handler = (cpu, i) => {
  const a = ea(cpu, i);
  if ((i.rex & 8) !== 0) cpu.mem.write64(a, cpu.lo[i.reg], cpu.hi[i.reg]);
  else cpu.mem.write32(a, cpu.lo[i.reg]);
};
def(MAP_0F | 0xc3, byPrefix(memOnly(movnti), null, null, null));

// --- MOVD/MOVQ between general registers (or memory) and xmm; the xmm destination's other
// bits are zeroed (SDM Vol. 2 MOVD/MOVQ).
const movdToX: Handler = (cpu, i) => {
  const x = cpu.xmm, d = i.reg * 4;
  x[d] = i.mod === 3 ? cpu.lo[i.rm] : cpu.mem.read32(ea(cpu, i));
  x[d + 1] = 0; x[d + 2] = 0; x[d + 3] = 0;
};
const movqToX: Handler = (cpu, i) => {
  const x = cpu.xmm, d = i.reg * 4;
  if (i.mod === 3) { x[d] = cpu.lo[i.rm]; x[d + 1] = cpu.hi[i.rm]; }
  else { x[d] = cpu.mem.read64(ea(cpu, i)); x[d + 1] = cpu.mem.hi; }
  x[d + 2] = 0; x[d + 3] = 0;
};
const movdFromX: Handler = (cpu, i) => {
  const v = cpu.xmm[i.reg * 4];
  if (i.mod === 3) { cpu.lo[i.rm] = v; cpu.hi[i.rm] = 0; }
  else cpu.mem.write32(ea(cpu, i), v);
};
const movqFromX: Handler = (cpu, i) => {
  const x = cpu.xmm, s = i.reg * 4;
  if (i.mod === 3) { cpu.lo[i.rm] = x[s]; cpu.hi[i.rm] = x[s + 1]; }
  else cpu.mem.write64(ea(cpu, i), x[s], x[s + 1]);
};
// MOVQ xmm, xmm/m64 (F3 0F 7E) and MOVQ xmm/m64, xmm (66 0F D6): the low quadword, upper zeroed.
const movqXX: Handler = (cpu, i) => {
  const x = cpu.xmm, d = i.reg * 4;
  if (i.mod === 3) { x[d] = x[i.rm * 4]; x[d + 1] = x[i.rm * 4 + 1]; }
  else { x[d] = cpu.mem.read64(ea(cpu, i)); x[d + 1] = cpu.mem.hi; }
  x[d + 2] = 0; x[d + 3] = 0;
};
const movqXXstore: Handler = (cpu, i) => {
  const x = cpu.xmm, s = i.reg * 4;
  if (i.mod === 3) { const d = i.rm * 4; x[d] = x[s]; x[d + 1] = x[s + 1]; x[d + 2] = 0; x[d + 3] = 0; }
  else cpu.mem.write64(ea(cpu, i), x[s], x[s + 1]);
};
def(MAP_0F | 0x6e, byPrefix(null, (i) => ((i.rex & 8) !== 0 ? movqToX : movdToX), null, null));
def(MAP_0F | 0x7e, byPrefix(null, (i) => ((i.rex & 8) !== 0 ? movqFromX : movdFromX), always(movqXX), null));
def(MAP_0F | 0xd6, byPrefix(null, always(movqXXstore), null, null));

// --- Sign masks into a general register (zero-extended to 64 bits).
const movmskps: Handler = (cpu, i) => {
  const x = cpu.xmm, s = i.rm * 4;
  cpu.lo[i.reg] = (x[s] >>> 31) | ((x[s + 1] >>> 31) << 1) | ((x[s + 2] >>> 31) << 2) | ((x[s + 3] >>> 31) << 3);
  cpu.hi[i.reg] = 0;
};
const movmskpd: Handler = (cpu, i) => {
  const x = cpu.xmm, s = i.rm * 4;
  cpu.lo[i.reg] = (x[s + 1] >>> 31) | ((x[s + 3] >>> 31) << 1);
  cpu.hi[i.reg] = 0;
};
const pmovmskb: Handler = (cpu, i) => {
  const x = cpu.xmm, s = i.rm * 4;
  let m = 0;
  for (let k = 3; k >= 0; k--) {
    const v = x[s + k];
    m = (m << 4) | ((v >>> 7) & 1) | ((v >>> 14) & 2) | ((v >>> 21) & 4) | ((v >>> 28) & 8);
  }
  cpu.lo[i.reg] = m;
  cpu.hi[i.reg] = 0;
};
def(MAP_0F | 0x50, byPrefix(regOnly(movmskps), regOnly(movmskpd), null, null));
def(MAP_0F | 0xd7, byPrefix(null, regOnly(pmovmskb), null, null));

// --- MASKMOVDQU xmm1, xmm2: store the bytes of xmm1 whose mask byte in xmm2 has its top bit
// set, at DS:rDI (address size, segment override allowed). Both ends of the 16 bytes are
// translated first so that a fault leaves memory unchanged.
function rdiAddress(cpu: Cpu, i: Insn): number {
  let lo = cpu.lo[7], hi = cpu.hi[7];
  if (i.asz === 4) hi = 0;
  else if (i.asz === 2) { lo &= 0xffff; hi = 0; }
  if (i.segBase) {
    const t = (lo >>> 0) + (cpu.segBaseLo[i.seg] >>> 0);
    lo = t | 0;
    hi = (hi + cpu.segBaseHi[i.seg] + (t >= 4294967296 ? 1 : 0)) | 0;
  }
  if (cpu.codeSize === 8) return canonical(cpu, lo, hi, i.seg);
  return lo >>> 0;
}
const maskmovdqu: Handler = (cpu, i) => {
  const a = rdiAddress(cpu, i);
  const x = cpu.xmm, s = i.reg * 4, m = i.rm * 4;
  let first = -1, last = -1;
  for (let k = 0; k < 16; k++) {
    if (((x[m + (k >> 2)] >>> (8 * (k & 3) + 7)) & 1) !== 0) { if (first < 0) first = k; last = k; }
  }
  if (first < 0) return;
  cpu.mem.physW(a + first);
  cpu.mem.physW(a + last);
  for (let k = first; k <= last; k++) {
    if (((x[m + (k >> 2)] >>> (8 * (k & 3) + 7)) & 1) !== 0) cpu.mem.write8(a + k, x[s + (k >> 2)] >>> (8 * (k & 3)));
  }
};
def(MAP_0F | 0xf7, byPrefix(null, regOnly(maskmovdqu), null, null));
