// SSE4.1 floating point: ROUNDPS/PD/SS/SD (66 0F 3A 08-0B) and the dot products DPPS/DPPD
// (66 0F 3A 40/41).
//
// ROUND*: imm8[1:0] is the rounding mode unless imm8[2] says "use MXCSR.RC"; imm8[3] suppresses
// the precision exception. An SNaN is quieted (IE); no denormal exception is reported.
// DPPS/DPPD (SDM Vol. 2 DPPS): each product and each sum is a separately rounded operation with
// the usual exceptions; products not selected by imm8[7:4] are +0.0, the sum goes to the
// elements selected by imm8[3:0] and the others get +0.0.

import type { Insn } from '../insn.js';
import type { Cpu } from '../cpu.js';
import { MAP_0F3A } from '../insn.js';
import { def } from './table.js';
import { FPX, IE, PE, DAZ, RC_MASK, RC_SHIFT, fpBegin, fpEnd, xmmRm, byPrefix, M32, M64 } from './sse-state.js';
import { roundToIntegral, lastInexact, isNaN32, isNaN64, laneArith32, laneArith64, OP_ADD, OP_MUL } from './sse-ieee.js';

function roundMode(cpu: Cpu, i: Insn): number {
  return (i.imm & 4) !== 0 ? (cpu.mxcsr & RC_MASK) >> RC_SHIFT : i.imm & 3;
}

function round32(cpu: Cpu, d: number, s: number, i: Insn, n: number): void {
  const x = cpu.xmm, f = cpu.xmmF32, mx = cpu.mxcsr, rc = roundMode(cpu, i);
  const o = fpBegin(cpu, d);
  for (let k = 0; k < n; k++) {
    const b = x[s * 4 + k];
    if (isNaN32(b)) { if ((b & 0x400000) === 0) FPX[0] |= IE; x[o * 4 + k] = b | 0x400000; continue; }
    if ((b & 0x7f800000) === 0 && (mx & DAZ) !== 0) { x[o * 4 + k] = b & 0x80000000; continue; }
    if ((b & 0x7f800000) === 0x7f800000) { x[o * 4 + k] = b; continue; }
    const r = roundToIntegral(f[s * 4 + k], rc);
    if (lastInexact() && (i.imm & 8) === 0) FPX[1] |= PE;
    f[o * 4 + k] = r;
  }
  fpEnd(cpu, o, d, n);
}

function round64(cpu: Cpu, d: number, s: number, i: Insn, n: number): void {
  const x = cpu.xmm, f = cpu.xmmF64, mx = cpu.mxcsr, rc = roundMode(cpu, i);
  const o = fpBegin(cpu, d);
  for (let k = 0; k < 2 * n; k += 2) {
    const lo = x[s * 4 + k], hi = x[s * 4 + k + 1];
    if (isNaN64(lo, hi)) { if ((hi & 0x80000) === 0) FPX[0] |= IE; x[o * 4 + k] = lo; x[o * 4 + k + 1] = hi | 0x80000; continue; }
    if ((hi & 0x7ff00000) === 0 && (mx & DAZ) !== 0) { x[o * 4 + k] = 0; x[o * 4 + k + 1] = hi & 0x80000000; continue; }
    const r = roundToIntegral(f[(s * 4 + k) >> 1], rc);
    if (lastInexact() && (i.imm & 8) === 0) FPX[1] |= PE;
    f[(o * 4 + k) >> 1] = r;
  }
  fpEnd(cpu, o, d, 2 * n);
}

// Scratch lanes for the dot products' intermediate values: products at 0-3, sums at 4-7.
const T = new Int32Array(16);
const TF = new Float32Array(T.buffer);
const TD = new Float64Array(T.buffer);

function dpps(cpu: Cpu, d: number, s: number, i: Insn): void {
  const x = cpu.xmm, mx = cpu.mxcsr, imm = i.imm;
  const o = fpBegin(cpu, d);
  for (let k = 0; k < 4; k++) { T[8 + k] = x[d * 4 + k]; T[12 + k] = x[s * 4 + k]; }
  for (let k = 0; k < 4; k++) {
    if ((imm >> (4 + k)) & 1) laneArith32(T, TF, OP_MUL, k, 8 + k, 12 + k, mx);
    else T[k] = 0;
  }
  laneArith32(T, TF, OP_ADD, 4, 0, 1, mx);
  laneArith32(T, TF, OP_ADD, 5, 2, 3, mx);
  laneArith32(T, TF, OP_ADD, 6, 4, 5, mx);
  for (let k = 0; k < 4; k++) x[o * 4 + k] = (imm >> k) & 1 ? T[6] : 0;
  fpEnd(cpu, o, d, 4);
}

function dppd(cpu: Cpu, d: number, s: number, i: Insn): void {
  const x = cpu.xmm, mx = cpu.mxcsr, imm = i.imm;
  const o = fpBegin(cpu, d);
  for (let k = 0; k < 4; k++) { T[8 + k] = x[d * 4 + k]; T[12 + k] = x[s * 4 + k]; }
  for (let k = 0; k < 2; k++) {
    if ((imm >> (4 + k)) & 1) laneArith64(T, TD, OP_MUL, 2 * k, 8 + 2 * k, 12 + 2 * k, mx);
    else { T[2 * k] = 0; T[2 * k + 1] = 0; }
  }
  laneArith64(T, TD, OP_ADD, 4, 0, 2, mx);
  for (let k = 0; k < 2; k++) {
    x[o * 4 + 2 * k] = (imm >> k) & 1 ? T[4] : 0;
    x[o * 4 + 2 * k + 1] = (imm >> k) & 1 ? T[5] : 0;
  }
  fpEnd(cpu, o, d, 4);
}

def(MAP_0F3A | 0x08, byPrefix(null, xmmRm((c, d, s, i) => round32(c, d, s, i, 4)), null, null));
def(MAP_0F3A | 0x09, byPrefix(null, xmmRm((c, d, s, i) => round64(c, d, s, i, 2)), null, null));
def(MAP_0F3A | 0x0a, byPrefix(null, xmmRm((c, d, s, i) => round32(c, d, s, i, 1), M32), null, null));
def(MAP_0F3A | 0x0b, byPrefix(null, xmmRm((c, d, s, i) => round64(c, d, s, i, 1), M64), null, null));
def(MAP_0F3A | 0x40, byPrefix(null, xmmRm(dpps), null, null));
def(MAP_0F3A | 0x41, byPrefix(null, xmmRm(dppd), null, null));
