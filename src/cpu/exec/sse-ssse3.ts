// SSSE3 (66 0F 38 00-0B, 1C-1E; 66 0F 3A 0F): PSHUFB, PHADDW/D/SW, PHSUBW/D/SW, PMADDUBSW,
// PSIGNB/W/D, PMULHRSW, PABSB/W/D, PALIGNR. The MMX forms (no prefix) are not implemented: #UD.

import { MAP_0F38, MAP_0F3A } from '../insn.js';
import { def } from './table.js';
import { syncViews, fromOut, U8, I8, U16, I16, OUT, type Kernel } from './sse-state.js';
import { sse2, satS16 } from './sse-int.js';

const O8 = OUT * 16, O16 = OUT * 8, O32 = OUT * 4;

const pshufb: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  for (let k = 0; k < 16; k++) {
    const c = U8[s * 16 + k];
    U8[O8 + k] = (c & 0x80) !== 0 ? 0 : U8[d * 16 + (c & 15)];
  }
  fromOut(cpu, d);
};

// Horizontal add/subtract: pairs of the destination form the low half, pairs of the source the high.
const hw = (sub: boolean, sat: boolean): Kernel => (cpu, d, s) => {
  syncViews(cpu);
  for (let k = 0; k < 8; k++) {
    const src = k < 4 ? d * 8 : s * 8, j = 2 * (k & 3);
    const v = sub ? I16[src + j] - I16[src + j + 1] : I16[src + j] + I16[src + j + 1];
    I16[O16 + k] = sat ? satS16(v) : v;
  }
  fromOut(cpu, d);
};
const hd = (sub: boolean): Kernel => (cpu, d, s) => {
  const x = cpu.xmm;
  for (let k = 0; k < 4; k++) {
    const src = k < 2 ? d * 4 : s * 4, j = 2 * (k & 1);
    x[O32 + k] = sub ? (x[src + j] - x[src + j + 1]) | 0 : (x[src + j] + x[src + j + 1]) | 0;
  }
  fromOut(cpu, d);
};

const pmaddubsw: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  for (let k = 0; k < 8; k++) {
    I16[O16 + k] = satS16(U8[d * 16 + 2 * k] * I8[s * 16 + 2 * k] + U8[d * 16 + 2 * k + 1] * I8[s * 16 + 2 * k + 1]);
  }
  fromOut(cpu, d);
};

const psignb: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  for (let k = 0; k < 16; k++) { const c = I8[s * 16 + k]; I8[d * 16 + k] = c < 0 ? -I8[d * 16 + k] : c === 0 ? 0 : I8[d * 16 + k]; }
};
const psignw: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  for (let k = 0; k < 8; k++) { const c = I16[s * 8 + k]; I16[d * 8 + k] = c < 0 ? -I16[d * 8 + k] : c === 0 ? 0 : I16[d * 8 + k]; }
};
const psignd: Kernel = (cpu, d, s) => {
  const x = cpu.xmm;
  for (let k = 0; k < 4; k++) { const c = x[s * 4 + k]; x[d * 4 + k] = c < 0 ? -x[d * 4 + k] | 0 : c === 0 ? 0 : x[d * 4 + k]; }
};

const pmulhrsw: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  for (let k = 0; k < 8; k++) I16[d * 8 + k] = (((I16[d * 8 + k] * I16[s * 8 + k]) >> 14) + 1) >> 1;
};

// PABS: the destination is |source| (the absolute value of -2^(n-1) is 2^(n-1), unsigned).
const pabsb: Kernel = (cpu, d, s) => { syncViews(cpu); for (let k = 0; k < 16; k++) { const v = I8[s * 16 + k]; U8[d * 16 + k] = v < 0 ? -v : v; } };
const pabsw: Kernel = (cpu, d, s) => { syncViews(cpu); for (let k = 0; k < 8; k++) { const v = I16[s * 8 + k]; U16[d * 8 + k] = v < 0 ? -v : v; } };
const pabsd: Kernel = (cpu, d, s) => { const x = cpu.xmm; for (let k = 0; k < 4; k++) { const v = x[s * 4 + k]; x[d * 4 + k] = v < 0 ? -v | 0 : v; } };

// PALIGNR: the 32-byte value destination:source shifted right by imm8 bytes, low 16 bytes kept.
const palignr: Kernel = (cpu, d, s, i) => {
  syncViews(cpu);
  const n = i.imm & 0xff;
  for (let k = 0; k < 16; k++) {
    const p = k + n;
    U8[O8 + k] = p < 16 ? U8[s * 16 + p] : p < 32 ? U8[d * 16 + p - 16] : 0;
  }
  fromOut(cpu, d);
};

const OPS: [number, Kernel][] = [
  [0x00, pshufb], [0x01, hw(false, false)], [0x02, hd(false)], [0x03, hw(false, true)], [0x04, pmaddubsw],
  [0x05, hw(true, false)], [0x06, hd(true)], [0x07, hw(true, true)], [0x08, psignb], [0x09, psignw], [0x0a, psignd],
  [0x0b, pmulhrsw], [0x1c, pabsb], [0x1d, pabsw], [0x1e, pabsd],
];
for (const [op, k] of OPS) def(MAP_0F38 | op, sse2(k));
def(MAP_0F3A | 0x0f, sse2(palignr));
