// Operand access shared by every instruction group: effective addresses (SDM Vol. 1 §3.7.5),
// segment bases, the canonical check, and register/memory reads and writes by size.

import type { Cpu } from './cpu.js';
import { FAULT } from './fault.js';
import { BASE_NONE, BASE_RIP, type Insn } from './insn.js';
import { GP, SS_, SS } from './regs.js';

const TWO32 = 4294967296;

/** Raise an exception with an error code (the loop delivers it). */
export function raise(cpu: Cpu, vector: number, errorCode = 0, hasErrorCode = true): never {
  const f = cpu.fault;
  f.vector = vector;
  f.errorCode = errorCode;
  f.hasErrorCode = hasErrorCode;
  throw FAULT;
}

export function raiseNoCode(cpu: Cpu, vector: number): never {
  return raise(cpu, vector, 0, false);
}

/**
 * Turn a 64-bit address held as halves into a linear-address number, or raise #GP(0) — #SS(0)
 * for stack-segment references — if it is not canonical (SDM Vol. 1 §3.3.7.1).
 */
export function canonical(cpu: Cpu, lo: number, hi: number, seg: number): number {
  if (((hi << 16) >> 16) !== hi) raise(cpu, seg === SS ? SS_ : GP, 0);
  return hi * TWO32 + (lo >>> 0);
}

/** Is the linear-address number canonical for 48-bit addressing? */
export function isCanonical(a: number): boolean {
  return a >= -140737488355328 && a < 140737488355328;
}

const CANON = 140737488355328; // 2^47

/**
 * Effective linear address of the memory operand.
 *
 * The common 64-bit forms (base + disp, base + index*scale + disp, RIP + disp, no segment base)
 * are computed in doubles, which is exact while every term stays below 2^53 in magnitude: the
 * base is then any value (a larger one cannot bring the sum back into the canonical range) and
 * the index is limited to |index| < 2^49 below. Anything else, and every sum outside the
 * canonical range (which may still be canonical after 64-bit wrap-around, or must fault), takes
 * the exact path. Small enough to be inlined into handlers, so the address is never boxed.
 */
export function ea(cpu: Cpu, i: Insn): number {
  const base = i.base;
  if (i.asz === 8 && !i.segBase) {
    if (base >= 0) {
      let a = cpu.hi[base] * TWO32 + (cpu.lo[base] >>> 0) + i.disp;
      const x = i.index;
      if (x >= 0) {
        const hx = cpu.hi[x];
        if (((hx << 14) >> 14) !== hx) return eaFull(cpu, i);
        a += (hx * TWO32 + (cpu.lo[x] >>> 0)) * (1 << i.scale);
      }
      if (a >= -CANON && a < CANON) return a;
    } else if (base === BASE_RIP) {
      const a = i.next + i.disp;
      if (a >= -CANON && a < CANON) return a;
    }
  }
  return eaFull(cpu, i);
}

/** ea() for every form, with 64-bit wrap-around and the canonical check done exactly. */
function eaFull(cpu: Cpu, i: Insn): number {
  const lo32 = cpu.lo, hi32 = cpu.hi;
  let lo = i.disp;
  let hi = i.disp >> 31;
  const base = i.base;
  if (i.asz === 8) {
    if (base >= 0) { lo = (lo >>> 0) + (lo32[base] >>> 0); hi += hi32[base]; }
    else if (base === BASE_RIP) {
      // RIP-relative: next instruction + disp32. RIP is canonical, so this is exact in a double.
      const a = i.next + i.disp;
      if (!i.segBase) {
        if (a < -140737488355328 || a >= 140737488355328) raise(cpu, GP, 0);
        return a;
      }
      hi = Math.floor(a / TWO32); lo = a - hi * TWO32;
    } else lo = lo >>> 0;
    // lo is now non-negative and may exceed 32 bits: the carry out of base + disp must survive
    // into the index addition (a `lo >>> 0` here would drop it).
    if (i.index >= 0) {
      const s = 1 << i.scale;
      lo = lo + (lo32[i.index] >>> 0) * s;
      hi += hi32[i.index] * s;
    }
    hi = (hi + Math.floor(lo / TWO32)) | 0;
    lo = lo >>> 0;
    if (i.segBase) {
      const s = i.seg;
      lo = lo + (cpu.segBaseLo[s] >>> 0);
      hi = (hi + cpu.segBaseHi[s] + (lo >= TWO32 ? 1 : 0)) | 0;
      lo = lo >>> 0;
    }
    return canonical(cpu, lo, hi, i.seg);
  }
  // 32- and 16-bit address sizes wrap within their width before the segment base is added.
  if (base >= 0) lo = (lo + lo32[base]) | 0;
  else if (base === BASE_RIP) lo = (i.next + i.disp) | 0;
  if (i.index >= 0) lo = (lo + (lo32[i.index] << i.scale)) | 0;
  let a = i.asz === 4 ? lo >>> 0 : lo & 0xffff;
  if (i.segBase) {
    const s = i.seg;
    if (cpu.codeSize === 8) return canonical(cpu, (a + (cpu.segBaseLo[s] >>> 0)) % TWO32 | 0, (cpu.segBaseHi[s] + (a + (cpu.segBaseLo[s] >>> 0) >= TWO32 ? 1 : 0)) | 0, s);
    // Compatibility mode: linear addresses are 32 bits (SDM Vol. 3 §3.4.4).
    a = (a + (cpu.segBaseLo[s] >>> 0)) >>> 0;
  }
  return a;
}

// --- Registers by size. Writing a 32-bit register zero-extends into bits 63:32 (SDM Vol. 1
// §3.4.1.1); 8- and 16-bit writes leave the rest alone.

/** Byte register by id: 0-15 are low bytes, 16-19 are AH, CH, DH, BH. */
export function getR8(cpu: Cpu, id: number): number {
  return id < 16 ? cpu.lo[id] & 0xff : (cpu.lo[id - 16] >> 8) & 0xff;
}
export function setR8(cpu: Cpu, id: number, v: number): void {
  if (id < 16) cpu.lo[id] = (cpu.lo[id] & ~0xff) | (v & 0xff);
  else cpu.lo[id - 16] = (cpu.lo[id - 16] & ~0xff00) | ((v & 0xff) << 8);
}
export function setR16(cpu: Cpu, r: number, v: number): void {
  cpu.lo[r] = (cpu.lo[r] & ~0xffff) | (v & 0xffff);
}
export function setR32(cpu: Cpu, r: number, v: number): void {
  cpu.lo[r] = v;
  cpu.hi[r] = 0;
}

/** Read a general register at operand size `osz`; 64-bit reads leave the high half in cpu.mem.hi. */
export function getReg(cpu: Cpu, r: number, osz: number): number {
  switch (osz) {
    case 1: return getR8(cpu, r);
    case 2: return cpu.lo[r] & 0xffff;
    case 4: return cpu.lo[r];
    default: cpu.mem.hi = cpu.hi[r]; return cpu.lo[r];
  }
}

/** Write a general register at operand size `osz` (hi used only for 8-byte writes). */
export function setReg(cpu: Cpu, r: number, osz: number, lo: number, hi: number): void {
  switch (osz) {
    case 1: setR8(cpu, r, lo); return;
    case 2: setR16(cpu, r, lo); return;
    case 4: cpu.lo[r] = lo; cpu.hi[r] = 0; return;
    default: cpu.lo[r] = lo; cpu.hi[r] = hi; return;
  }
}

/** Memory read by size; 8-byte reads leave the high half in cpu.mem.hi. */
export function readMem(cpu: Cpu, a: number, osz: number): number {
  switch (osz) {
    case 1: return cpu.mem.read8(a);
    case 2: return cpu.mem.read16(a);
    case 4: return cpu.mem.read32(a);
    default: return cpu.mem.read64(a);
  }
}

export function writeMem(cpu: Cpu, a: number, osz: number, lo: number, hi: number): void {
  switch (osz) {
    case 1: cpu.mem.write8(a, lo); return;
    case 2: cpu.mem.write16(a, lo); return;
    case 4: cpu.mem.write32(a, lo); return;
    default: cpu.mem.write64(a, lo, hi); return;
  }
}

/** The r/m operand (byte registers resolved through rm8). 8-byte values leave hi in cpu.mem.hi. */
export function readRm(cpu: Cpu, i: Insn, osz: number): number {
  if (i.mod === 3) return getReg(cpu, osz === 1 ? i.rm8 : i.rm, osz);
  return readMem(cpu, ea(cpu, i), osz);
}

export function writeRm(cpu: Cpu, i: Insn, osz: number, lo: number, hi: number): void {
  if (i.mod === 3) setReg(cpu, osz === 1 ? i.rm8 : i.rm, osz, lo, hi);
  else writeMem(cpu, ea(cpu, i), osz, lo, hi);
}

/** The reg operand of ModRM. */
export function readRegOp(cpu: Cpu, i: Insn, osz: number): number {
  return getReg(cpu, osz === 1 ? i.reg8 : i.reg, osz);
}
export function writeRegOp(cpu: Cpu, i: Insn, osz: number, lo: number, hi: number): void {
  setReg(cpu, osz === 1 ? i.reg8 : i.reg, osz, lo, hi);
}

/** Sign-extend a value of `osz` bytes to int32 (for 1/2/4) — used by shifts and compares. */
export function sext(v: number, osz: number): number {
  return osz === 1 ? (v << 24) >> 24 : osz === 2 ? (v << 16) >> 16 : v | 0;
}

/** Mask a value to `osz` bytes (1/2/4: returns an int32 whose high bits are zero below 32). */
export function mask(v: number, osz: number): number {
  return osz === 1 ? v & 0xff : osz === 2 ? v & 0xffff : v | 0;
}

// --- The stack (SDM Vol. 1 §6.2). Stack-address size follows the mode: 64-bit in 64-bit mode;
// in compatibility mode SS.B picks 32 or 16 bits.

export function stackAddr(cpu: Cpu, lo: number, hi: number): number {
  if (cpu.codeSize === 8) return canonical(cpu, lo, hi, SS);
  return ((lo >>> 0) + (cpu.segBaseLo[SS] >>> 0)) % TWO32;
}

export function push64(cpu: Cpu, lo: number, hi: number): void {
  const slo = cpu.lo[4], shi = cpu.hi[4];
  const nlo = (slo - 8) | 0;
  const nhi = ((slo >>> 0) < 8 ? shi - 1 : shi) | 0;
  cpu.mem.write64(stackAddr(cpu, nlo, nhi), lo, hi);
  cpu.lo[4] = nlo;
  cpu.hi[4] = nhi;
}

export function pop64(cpu: Cpu): number {
  const slo = cpu.lo[4], shi = cpu.hi[4];
  const v = cpu.mem.read64(stackAddr(cpu, slo, shi));
  const nlo = (slo + 8) | 0;
  cpu.hi[4] = ((nlo >>> 0) < (slo >>> 0) ? shi + 1 : shi) | 0;
  cpu.lo[4] = nlo;
  return v;
}

/** Push at operand size 2, 4 or 8 (4 only outside 64-bit mode). */
export function pushSized(cpu: Cpu, osz: number, lo: number, hi: number): void {
  if (osz === 8) { push64(cpu, lo, hi); return; }
  const slo = cpu.lo[4], shi = cpu.hi[4];
  const nlo = (slo - osz) | 0;
  const nhi = cpu.codeSize === 8 && (slo >>> 0) < osz ? (shi - 1) | 0 : shi;
  const a = stackAddr(cpu, nlo, nhi);
  if (osz === 4) cpu.mem.write32(a, lo); else cpu.mem.write16(a, lo);
  setSp(cpu, nlo, nhi);
}

export function popSized(cpu: Cpu, osz: number): number {
  if (osz === 8) return pop64(cpu);
  const slo = cpu.lo[4], shi = cpu.hi[4];
  const a = stackAddr(cpu, slo, shi);
  const v = osz === 4 ? cpu.mem.read32(a) : cpu.mem.read16(a);
  const nlo = (slo + osz) | 0;
  setSp(cpu, nlo, cpu.codeSize === 8 && (nlo >>> 0) < (slo >>> 0) ? (shi + 1) | 0 : shi);
  return v;
}

function setSp(cpu: Cpu, lo: number, hi: number): void {
  if (cpu.codeSize === 8 || (cpu.segAttr[SS] & 0x400) !== 0) { cpu.lo[4] = lo; cpu.hi[4] = cpu.codeSize === 8 ? hi : cpu.hi[4]; }
  else cpu.lo[4] = (cpu.lo[4] & ~0xffff) | (lo & 0xffff);
}
