// SSE/SSE2 element rearrangement: PUNPCKL/H BW WD DQ QDQ (66 0F 60-62, 68-6A, 6C, 6D),
// PACKSSWB/PACKUSWB/PACKSSDW (66 0F 63, 67, 6B), PSHUFD/PSHUFHW/PSHUFLW (0F 70), SHUFPS/SHUFPD
// (0F C6), UNPCKLPS/PD and UNPCKHPS/PD (0F 14/15), PINSRW/PEXTRW (66 0F C4/C5). These read
// elements across lanes of both operands, so results are built in OUT and then copied.

import type { Handler } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def } from './table.js';
import { ea } from '../operands.js';
import { xmmRm, byPrefix, regOnly, syncViews, fromOut, U8, I8, U16, I16, OUT, type Kernel } from './sse-state.js';
import { sse2, satS8, satU8, satS16, satU16 } from './sse-int.js';

const O8 = OUT * 16, O16 = OUT * 8, O32 = OUT * 4;

// --- Interleaves: element k of the low (or high) halves of d and s alternate.
const unpack8 = (hi: boolean): Kernel => (cpu, d, s) => {
  syncViews(cpu);
  const a = d * 16 + (hi ? 8 : 0), b = s * 16 + (hi ? 8 : 0);
  for (let k = 0; k < 8; k++) { U8[O8 + 2 * k] = U8[a + k]; U8[O8 + 2 * k + 1] = U8[b + k]; }
  fromOut(cpu, d);
};
const unpack16 = (hi: boolean): Kernel => (cpu, d, s) => {
  syncViews(cpu);
  const a = d * 8 + (hi ? 4 : 0), b = s * 8 + (hi ? 4 : 0);
  for (let k = 0; k < 4; k++) { U16[O16 + 2 * k] = U16[a + k]; U16[O16 + 2 * k + 1] = U16[b + k]; }
  fromOut(cpu, d);
};
const unpack32 = (hi: boolean): Kernel => (cpu, d, s) => {
  const x = cpu.xmm, a = d * 4 + (hi ? 2 : 0), b = s * 4 + (hi ? 2 : 0);
  x[O32] = x[a]; x[O32 + 1] = x[b]; x[O32 + 2] = x[a + 1]; x[O32 + 3] = x[b + 1];
  fromOut(cpu, d);
};
const unpack64 = (hi: boolean): Kernel => (cpu, d, s) => {
  const x = cpu.xmm, a = d * 4 + (hi ? 2 : 0), b = s * 4 + (hi ? 2 : 0);
  x[O32] = x[a]; x[O32 + 1] = x[a + 1]; x[O32 + 2] = x[b]; x[O32 + 3] = x[b + 1];
  fromOut(cpu, d);
};

// --- Packs with saturation: the destination's elements form the low half, the source's the high.
const packsswb: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  for (let k = 0; k < 8; k++) { I8[O8 + k] = satS8(I16[d * 8 + k]); I8[O8 + 8 + k] = satS8(I16[s * 8 + k]); }
  fromOut(cpu, d);
};
const packuswb: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  for (let k = 0; k < 8; k++) { U8[O8 + k] = satU8(I16[d * 8 + k]); U8[O8 + 8 + k] = satU8(I16[s * 8 + k]); }
  fromOut(cpu, d);
};
const packssdw: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  const x = cpu.xmm;
  for (let k = 0; k < 4; k++) { I16[O16 + k] = satS16(x[d * 4 + k]); I16[O16 + 4 + k] = satS16(x[s * 4 + k]); }
  fromOut(cpu, d);
};
/** SSE4.1 PACKUSDW (66 0F 38 2B): signed dwords to unsigned-saturated words. */
export const packusdw: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  const x = cpu.xmm;
  for (let k = 0; k < 4; k++) { U16[O16 + k] = satU16(x[d * 4 + k]); U16[O16 + 4 + k] = satU16(x[s * 4 + k]); }
  fromOut(cpu, d);
};

// --- Shuffles by immediate.
const pshufd: Kernel = (cpu, d, s, i) => {
  const x = cpu.xmm, imm = i.imm;
  for (let k = 0; k < 4; k++) x[O32 + k] = x[s * 4 + ((imm >> (2 * k)) & 3)];
  fromOut(cpu, d);
};
const pshufhw: Kernel = (cpu, d, s, i) => {
  syncViews(cpu);
  const x = cpu.xmm, imm = i.imm;
  x[O32] = x[s * 4]; x[O32 + 1] = x[s * 4 + 1];
  for (let k = 0; k < 4; k++) U16[O16 + 4 + k] = U16[s * 8 + 4 + ((imm >> (2 * k)) & 3)];
  fromOut(cpu, d);
};
const pshuflw: Kernel = (cpu, d, s, i) => {
  syncViews(cpu);
  const x = cpu.xmm, imm = i.imm;
  x[O32 + 2] = x[s * 4 + 2]; x[O32 + 3] = x[s * 4 + 3];
  for (let k = 0; k < 4; k++) U16[O16 + k] = U16[s * 8 + ((imm >> (2 * k)) & 3)];
  fromOut(cpu, d);
};
const shufps: Kernel = (cpu, d, s, i) => {
  const x = cpu.xmm, imm = i.imm;
  x[O32] = x[d * 4 + (imm & 3)];
  x[O32 + 1] = x[d * 4 + ((imm >> 2) & 3)];
  x[O32 + 2] = x[s * 4 + ((imm >> 4) & 3)];
  x[O32 + 3] = x[s * 4 + ((imm >> 6) & 3)];
  fromOut(cpu, d);
};
const shufpd: Kernel = (cpu, d, s, i) => {
  const x = cpu.xmm, imm = i.imm;
  const a = d * 4 + (imm & 1) * 2, b = s * 4 + ((imm >> 1) & 1) * 2;
  x[O32] = x[a]; x[O32 + 1] = x[a + 1]; x[O32 + 2] = x[b]; x[O32 + 3] = x[b + 1];
  fromOut(cpu, d);
};

// --- PINSRW xmm, r32/m16, imm8 and PEXTRW r32, xmm, imm8 (word index imm8[2:0]).
const pinsrw: Handler = (cpu, i) => {
  syncViews(cpu);
  const v = i.mod === 3 ? cpu.lo[i.rm] : cpu.mem.read16(ea(cpu, i));
  U16[i.reg * 8 + (i.imm & 7)] = v;
};
const pextrw: Handler = (cpu, i) => {
  syncViews(cpu);
  cpu.lo[i.reg] = U16[i.rm * 8 + (i.imm & 7)];
  cpu.hi[i.reg] = 0;
};

def(MAP_0F | 0x60, sse2(unpack8(false)));
def(MAP_0F | 0x61, sse2(unpack16(false)));
def(MAP_0F | 0x62, sse2(unpack32(false)));
def(MAP_0F | 0x6c, sse2(unpack64(false)));
def(MAP_0F | 0x68, sse2(unpack8(true)));
def(MAP_0F | 0x69, sse2(unpack16(true)));
def(MAP_0F | 0x6a, sse2(unpack32(true)));
def(MAP_0F | 0x6d, sse2(unpack64(true)));
def(MAP_0F | 0x63, sse2(packsswb));
def(MAP_0F | 0x67, sse2(packuswb));
def(MAP_0F | 0x6b, sse2(packssdw));
def(MAP_0F | 0x70, byPrefix(null, xmmRm(pshufd), xmmRm(pshufhw), xmmRm(pshuflw)));
def(MAP_0F | 0xc6, byPrefix(xmmRm(shufps), xmmRm(shufpd), null, null));
def(MAP_0F | 0x14, byPrefix(xmmRm(unpack32(false)), xmmRm(unpack64(false)), null, null));
def(MAP_0F | 0x15, byPrefix(xmmRm(unpack32(true)), xmmRm(unpack64(true)), null, null));
def(MAP_0F | 0xc4, byPrefix(null, () => pinsrw, null, null));
def(MAP_0F | 0xc5, byPrefix(null, regOnly(pextrw), null, null));
