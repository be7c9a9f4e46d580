// SSE2 packed-integer arithmetic, comparison and logic on xmm registers (66 0F xx): PADD/PSUB
// B/W/D/Q with the signed and unsigned saturating forms, PMULLW/PMULHW/PMULHUW/PMULUDQ/PMADDWD,
// PCMPEQ/PCMPGT B/W/D, PAND/PANDN/POR/PXOR, PAVGB/W, PMINUB/PMAXUB/PMINSW/PMAXSW, PSADBW.
// The MMX forms of these opcodes (no prefix, mm registers) are not implemented: #UD (glibc and
// musl on x86-64 never use MMX). Element k of each result depends only on element k of the
// operands, so results are written in place.

import { MAP_0F } from '../insn.js';
import { def } from './table.js';
import { xmmRm, byPrefix, syncViews, U8, I8, U16, I16, type Kernel, type Binder } from './sse-state.js';
import { pandKernel, pandnKernel, porKernel, pxorKernel } from './sse-fp.js';

/** 66-prefixed xmm form only. */
export function sse2(k: Kernel): Binder {
  return byPrefix(null, xmmRm(k), null, null);
}

// --- Add and subtract, wrapping.
const paddb: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) U8[a + k] = U8[a + k] + U8[b + k]; };
const paddw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) U16[a + k] = U16[a + k] + U16[b + k]; };
const paddd: Kernel = (cpu, d, s) => { const x = cpu.xmm, a = d * 4, b = s * 4; for (let k = 0; k < 4; k++) x[a + k] = (x[a + k] + x[b + k]) | 0; };
const psubb: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) U8[a + k] = U8[a + k] - U8[b + k]; };
const psubw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) U16[a + k] = U16[a + k] - U16[b + k]; };
const psubd: Kernel = (cpu, d, s) => { const x = cpu.xmm, a = d * 4, b = s * 4; for (let k = 0; k < 4; k++) x[a + k] = (x[a + k] - x[b + k]) | 0; };
export function add64(x: Int32Array, a: number, b: number): void {
  const lo = (x[a] >>> 0) + (x[b] >>> 0);
  x[a + 1] = (x[a + 1] + x[b + 1] + (lo > 0xffffffff ? 1 : 0)) | 0;
  x[a] = lo | 0;
}
function sub64(x: Int32Array, a: number, b: number): void {
  const borrow = (x[a] >>> 0) < (x[b] >>> 0) ? 1 : 0;
  x[a] = (x[a] - x[b]) | 0;
  x[a + 1] = (x[a + 1] - x[b + 1] - borrow) | 0;
}
const paddq: Kernel = (cpu, d, s) => { add64(cpu.xmm, d * 4, s * 4); add64(cpu.xmm, d * 4 + 2, s * 4 + 2); };
const psubq: Kernel = (cpu, d, s) => { sub64(cpu.xmm, d * 4, s * 4); sub64(cpu.xmm, d * 4 + 2, s * 4 + 2); };

// --- Saturating add and subtract.
function satS8(v: number): number { return v > 127 ? 127 : v < -128 ? -128 : v; }
function satU8(v: number): number { return v > 255 ? 255 : v < 0 ? 0 : v; }
function satS16(v: number): number { return v > 32767 ? 32767 : v < -32768 ? -32768 : v; }
function satU16(v: number): number { return v > 65535 ? 65535 : v < 0 ? 0 : v; }
export { satS8, satU8, satS16, satU16 };
const paddsb: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) I8[a + k] = satS8(I8[a + k] + I8[b + k]); };
const paddusb: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) U8[a + k] = satU8(U8[a + k] + U8[b + k]); };
const psubsb: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) I8[a + k] = satS8(I8[a + k] - I8[b + k]); };
const psubusb: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) U8[a + k] = satU8(U8[a + k] - U8[b + k]); };
const paddsw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) I16[a + k] = satS16(I16[a + k] + I16[b + k]); };
const paddusw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) U16[a + k] = satU16(U16[a + k] + U16[b + k]); };
const psubsw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) I16[a + k] = satS16(I16[a + k] - I16[b + k]); };
const psubusw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) U16[a + k] = satU16(U16[a + k] - U16[b + k]); };

// --- Multiplies.
const pmullw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) I16[a + k] = Math.imul(I16[a + k], I16[b + k]); };
const pmulhw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) I16[a + k] = (I16[a + k] * I16[b + k]) >> 16; };
const pmulhuw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) U16[a + k] = (U16[a + k] * U16[b + k]) >>> 16; };
/** Unsigned 32 × 32 → 64 of lanes x[a] and x[b] into x[o], x[o+1]. */
export function mulU32(x: Int32Array, o: number, av: number, bv: number): void {
  const a = av >>> 0, b = bv >>> 0;
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl, mid = ah * bl + al * bh; // mid < 2^33
  const lo = ll + (mid % 65536) * 65536;       // < 2^33
  const hi = ah * bh + Math.floor(mid / 65536) + Math.floor(lo / 4294967296);
  x[o] = lo | 0;
  x[o + 1] = hi | 0;
}
const pmuludq: Kernel = (cpu, d, s) => {
  const x = cpu.xmm;
  const a0 = x[d * 4], a2 = x[d * 4 + 2], b0 = x[s * 4], b2 = x[s * 4 + 2];
  mulU32(x, d * 4, a0, b0);
  mulU32(x, d * 4 + 2, a2, b2);
};
const pmaddwd: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  const x = cpu.xmm, a = d * 8, b = s * 8;
  for (let k = 0; k < 4; k++) {
    // Only (-32768)² × 2 overflows: it wraps to 0x80000000, as the SDM's PMADDWD notes.
    x[d * 4 + k] = (I16[a + 2 * k] * I16[b + 2 * k] + I16[a + 2 * k + 1] * I16[b + 2 * k + 1]) | 0;
  }
};

// --- Compares.
// PCMPEQB is the core of every SSE2 strlen/memchr: four bytes at a time. A byte of t = a ^ b is
// zero exactly when ((t & 0x7f) + 0x7f) | t has its top bit clear; those top bits, moved down and
// multiplied by 0xff, are the result bytes (no carries cross bytes).
function eqBytes(a: number, b: number): number {
  const t = a ^ b;
  const z = ~(((t & 0x7f7f7f7f) + 0x7f7f7f7f) | t) & 0x80808080;
  return ((z >>> 7) * 0xff) | 0;
}
const pcmpeqb: Kernel = (cpu, d, s) => {
  const x = cpu.xmm, a = d * 4, b = s * 4;
  x[a] = eqBytes(x[a], x[b]); x[a + 1] = eqBytes(x[a + 1], x[b + 1]);
  x[a + 2] = eqBytes(x[a + 2], x[b + 2]); x[a + 3] = eqBytes(x[a + 3], x[b + 3]);
};
const pcmpeqw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) U16[a + k] = U16[a + k] === U16[b + k] ? 0xffff : 0; };
const pcmpeqd: Kernel = (cpu, d, s) => { const x = cpu.xmm, a = d * 4, b = s * 4; for (let k = 0; k < 4; k++) x[a + k] = x[a + k] === x[b + k] ? -1 : 0; };
const pcmpgtb: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) I8[a + k] = I8[a + k] > I8[b + k] ? -1 : 0; };
const pcmpgtw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) I16[a + k] = I16[a + k] > I16[b + k] ? -1 : 0; };
const pcmpgtd: Kernel = (cpu, d, s) => { const x = cpu.xmm, a = d * 4, b = s * 4; for (let k = 0; k < 4; k++) x[a + k] = x[a + k] > x[b + k] ? -1 : 0; };

// --- Averages, minimum and maximum, sum of absolute differences.
const pavgb: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) U8[a + k] = (U8[a + k] + U8[b + k] + 1) >> 1; };
const pavgw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) U16[a + k] = (U16[a + k] + U16[b + k] + 1) >> 1; };
const pminub: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) if (U8[b + k] < U8[a + k]) U8[a + k] = U8[b + k]; };
const pmaxub: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 16, b = s * 16; for (let k = 0; k < 16; k++) if (U8[b + k] > U8[a + k]) U8[a + k] = U8[b + k]; };
const pminsw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) if (I16[b + k] < I16[a + k]) I16[a + k] = I16[b + k]; };
const pmaxsw: Kernel = (cpu, d, s) => { syncViews(cpu); const a = d * 8, b = s * 8; for (let k = 0; k < 8; k++) if (I16[b + k] > I16[a + k]) I16[a + k] = I16[b + k]; };
const psadbw: Kernel = (cpu, d, s) => {
  syncViews(cpu);
  const x = cpu.xmm, a = d * 16, b = s * 16;
  for (let h = 0; h < 2; h++) {
    let sum = 0;
    for (let k = 0; k < 8; k++) { const t = U8[a + 8 * h + k] - U8[b + 8 * h + k]; sum += t < 0 ? -t : t; }
    x[d * 4 + 2 * h] = sum;
    x[d * 4 + 2 * h + 1] = 0;
  }
};

const OPS: [number, Kernel][] = [
  [0xfc, paddb], [0xfd, paddw], [0xfe, paddd], [0xd4, paddq], [0xf8, psubb], [0xf9, psubw], [0xfa, psubd], [0xfb, psubq],
  [0xec, paddsb], [0xed, paddsw], [0xdc, paddusb], [0xdd, paddusw], [0xe8, psubsb], [0xe9, psubsw], [0xd8, psubusb], [0xd9, psubusw],
  [0xd5, pmullw], [0xe5, pmulhw], [0xe4, pmulhuw], [0xf4, pmuludq], [0xf5, pmaddwd],
  [0x74, pcmpeqb], [0x75, pcmpeqw], [0x76, pcmpeqd], [0x64, pcmpgtb], [0x65, pcmpgtw], [0x66, pcmpgtd],
  [0xe0, pavgb], [0xe3, pavgw], [0xda, pminub], [0xde, pmaxub], [0xea, pminsw], [0xee, pmaxsw], [0xf6, psadbw],
  [0xdb, pandKernel], [0xdf, pandnKernel], [0xeb, porKernel], [0xef, pxorKernel],
];
for (const [op, k] of OPS) def(MAP_0F | op, sse2(k));

