// SSE4.2: PCMPGTQ (66 0F 38 37), CRC32 (F2 0F 38 F0/F1, sharing its opcode with MOVBE: bits.ts
// hands the F2 forms over through setCrc32Binder), and the string compares PCMPESTRM/PCMPESTRI/
// PCMPISTRM/PCMPISTRI (66 0F 3A 60-63), which glibc's strlen/strchr/strcmp variants use when
// CPUID advertises SSE4.2.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F38, MAP_0F3A } from '../insn.js';
import { def } from './table.js';
import { ea } from '../operands.js';
import { setArith } from '../flags.js';
import { ARITH_FLAGS, CF, ZF, SF, OF } from '../regs.js';
import { byPrefix, xmmRm, syncViews, U8, I8, U16, I16, M128U, type Kernel } from './sse-state.js';
import { sse2 } from './sse-int.js';
import { setCrc32Binder } from './bits.js';

// --- PCMPGTQ: signed 64-bit greater-than.
const pcmpgtq: Kernel = (cpu, d, s) => {
  const x = cpu.xmm;
  for (let k = 0; k < 4; k += 2) {
    const ah = x[d * 4 + k + 1], bh = x[s * 4 + k + 1];
    const gt = ah !== bh ? ah > bh : (x[d * 4 + k] >>> 0) > (x[s * 4 + k] >>> 0);
    x[d * 4 + k] = gt ? -1 : 0; x[d * 4 + k + 1] = gt ? -1 : 0;
  }
};
def(MAP_0F38 | 0x37, sse2(pcmpgtq));

// --- CRC32: CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), no pre- or post-inversion:
// the instruction accumulates into the destination's low 32 bits and zero-extends (SDM Vol. 2 CRC32).
const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  CRC_TABLE[n] = c;
}
function crcBytes(crc: number, v: number, n: number): number {
  for (let k = 0; k < n; k++) { crc = CRC_TABLE[(crc ^ v) & 0xff] ^ (crc >>> 8); v >>>= 8; }
  return crc;
}
function crc32(cpu: Cpu, i: Insn, size: number): void {
  let lo: number, hi = 0;
  if (i.mod === 3) {
    if (size === 1) { const r = i.rm8; lo = r < 16 ? cpu.lo[r] : cpu.lo[r - 16] >>> 8; }
    else { lo = cpu.lo[i.rm]; hi = cpu.hi[i.rm]; }
  } else {
    const a = ea(cpu, i);
    if (size === 1) lo = cpu.mem.read8(a);
    else if (size === 2) lo = cpu.mem.read16(a);
    else if (size === 4) lo = cpu.mem.read32(a);
    else { lo = cpu.mem.read64(a); hi = cpu.mem.hi; }
  }
  let c = crcBytes(cpu.lo[i.reg], lo, size < 4 ? size : 4);
  if (size === 8) c = crcBytes(c, hi, 4);
  cpu.lo[i.reg] = c;
  cpu.hi[i.reg] = 0;
}
const crc8: Handler = (cpu, i) => crc32(cpu, i, 1);
const crc16: Handler = (cpu, i) => crc32(cpu, i, 2);
const crc32h: Handler = (cpu, i) => crc32(cpu, i, 4);
const crc64: Handler = (cpu, i) => crc32(cpu, i, 8);
setCrc32Binder((i) => ((i.op & 0xff) === 0xf0 ? crc8 : (i.rex & 8) !== 0 ? crc64 : i.osz === 2 ? crc16 : crc32h));

// --- PCMPxSTRx (SDM Vol. 2 §4.1). imm8[1:0]: element format (unsigned/signed bytes/words);
// [3:2]: aggregation (equal any, ranges, equal each, equal ordered); [5:4]: polarity; [6]: most-
// significant index (…STRI) or expanded mask (…STRM). Elements past an operand's length are
// "invalid" and compare by the override rules of the SDM's Table 4-7.
const A = new Int32Array(16);
const B = new Int32Array(16);

function elements(cpu: Cpu, r: number, fmt: number, out: Int32Array): void {
  syncViews(cpu);
  switch (fmt) {
    case 0: for (let k = 0; k < 16; k++) out[k] = U8[r * 16 + k]; break;
    case 1: for (let k = 0; k < 8; k++) out[k] = U16[r * 8 + k]; break;
    case 2: for (let k = 0; k < 16; k++) out[k] = I8[r * 16 + k]; break;
    default: for (let k = 0; k < 8; k++) out[k] = I16[r * 8 + k]; break;
  }
}
function implicitLength(v: Int32Array, n: number): number {
  for (let k = 0; k < n; k++) if (v[k] === 0) return k;
  return n;
}
/** |rAX| or |rDX| at the operand size, saturated to n (SDM: "the absolute value"). */
function explicitLength(cpu: Cpu, r: number, wide: boolean, n: number): number {
  let v: number;
  if (wide) v = cpu.hi[r] * 4294967296 + (cpu.lo[r] >>> 0);
  else v = cpu.lo[r];
  if (v < 0) v = -v;
  return v > n ? n : v;
}

/** The string compare proper; sets the flags and returns IntRes2. */
function strcmp(cpu: Cpu, i: Insn, d: number, s: number, explicit: boolean): number {
  const imm = i.imm, fmt = imm & 3, n = (imm & 1) !== 0 ? 8 : 16;
  elements(cpu, d, fmt, A);
  elements(cpu, s, fmt, B);
  let la: number, lb: number;
  if (explicit) {
    const wide = (i.rex & 8) !== 0;
    la = explicitLength(cpu, 0, wide, n);
    lb = explicitLength(cpu, 2, wide, n);
  } else {
    la = implicitLength(A, n);
    lb = implicitLength(B, n);
  }
  let res = 0;
  switch ((imm >> 2) & 3) {
    case 0: // equal any: is B[j] one of A[0..la)?
      for (let j = 0; j < lb; j++) {
        for (let k = 0; k < la; k++) if (A[k] === B[j]) { res |= 1 << j; break; }
      }
      break;
    case 1: // ranges: A holds [lo, hi] pairs
      for (let j = 0; j < lb; j++) {
        for (let k = 0; k + 1 < la; k += 2) if (B[j] >= A[k] && B[j] <= A[k + 1]) { res |= 1 << j; break; }
      }
      break;
    case 2: // equal each: invalid against invalid is true
      for (let j = 0; j < n; j++) {
        const va = j < la, vb = j < lb;
        if (va && vb ? A[j] === B[j] : !va && !vb) res |= 1 << j;
      }
      break;
    default: // equal ordered: does A (the needle) start at B[j]? Past A's end everything matches.
      for (let j = 0; j < n; j++) {
        let ok = true;
        for (let k = 0; k < n - j && k < la; k++) {
          if (j + k >= lb || A[k] !== B[j + k]) { ok = false; break; }
        }
        if (ok) res |= 1 << j;
      }
      break;
  }
  const all = (1 << n) - 1;
  switch ((imm >> 4) & 3) {
    case 1: res = ~res & all; break;
    case 3: res = res ^ ((1 << lb) - 1); break;
  }
  setArith(cpu, ARITH_FLAGS, (res !== 0 ? CF : 0) | (lb < n ? ZF : 0) | (la < n ? SF : 0) | ((res & 1) !== 0 ? OF : 0));
  return res;
}

function stri(cpu: Cpu, d: number, s: number, i: Insn, explicit: boolean): void {
  const res = strcmp(cpu, i, d, s, explicit);
  const n = (i.imm & 1) !== 0 ? 8 : 16;
  let idx = n;
  if (res !== 0) idx = (i.imm & 0x40) !== 0 ? 31 - Math.clz32(res) : 31 - Math.clz32(res & -res);
  cpu.lo[1] = idx;
  cpu.hi[1] = 0;
}
function strm(cpu: Cpu, d: number, s: number, i: Insn, explicit: boolean): void {
  const res = strcmp(cpu, i, d, s, explicit);
  const x = cpu.xmm;
  if ((i.imm & 0x40) === 0) { x[0] = res; x[1] = 0; x[2] = 0; x[3] = 0; return; }
  syncViews(cpu);
  if ((i.imm & 1) !== 0) for (let k = 0; k < 8; k++) U16[k] = (res >> k) & 1 ? 0xffff : 0;
  else for (let k = 0; k < 16; k++) U8[k] = (res >> k) & 1 ? 0xff : 0;
}

def(MAP_0F3A | 0x60, byPrefix(null, xmmRm((c, d, s, i) => strm(c, d, s, i, true), M128U), null, null));
def(MAP_0F3A | 0x61, byPrefix(null, xmmRm((c, d, s, i) => stri(c, d, s, i, true), M128U), null, null));
def(MAP_0F3A | 0x62, byPrefix(null, xmmRm((c, d, s, i) => strm(c, d, s, i, false), M128U), null, null));
def(MAP_0F3A | 0x63, byPrefix(null, xmmRm((c, d, s, i) => stri(c, d, s, i, false), M128U), null, null));
