// Lazy status flags. An arithmetic instruction records what it did (operation kind, size,
// operands, result) instead of computing CF/PF/AF/ZF/SF/OF; the flags are derived only when
// something reads them (Jcc, SETcc, PUSHF, ADC …). Most results are never looked at.
//
// lazyOp = kind << 2 | size index (0: 8, 1: 16, 2: 32, 3: 64 bits). Kind NONE means the status
// flags are stored in cpu.flags (instructions whose flags are cheaper computed at once).

import type { Cpu } from './cpu.js';
import { CF, PF, AF, ZF, SF, OF, ARITH_FLAGS } from './regs.js';

export const K_NONE = 0, K_ADD = 1, K_ADC = 2, K_SUB = 3, K_SBB = 4, K_LOGIC = 5, K_INC = 6, K_DEC = 7;

export const SZ8 = 0, SZ16 = 1, SZ32 = 2, SZ64 = 3;
/** Size in bytes → size index. */
export function szIdx(bytes: number): number {
  return bytes === 8 ? 3 : bytes === 4 ? 2 : bytes === 2 ? 1 : 0;
}

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, p = 1;
  while (b) { p ^= b & 1; b >>>= 1; }
  PARITY[i] = p ? PF : 0;
}

/** Record an operation whose flags are derived later. Operands and result as lo/hi halves. */
export function setLazy(cpu: Cpu, op: number, r: number, rh: number, a: number, ah: number, b: number, bh: number): void {
  cpu.lazyOp = op;
  cpu.lazyRes = r;
  cpu.lazyResHi = rh;
  cpu.lazyA = a;
  cpu.lazyAHi = ah;
  cpu.lazyB = b;
  cpu.lazyBHi = bh;
}

/** Unsigned a < b at the operation's size (64-bit compares the high halves first). */
function ult(sz: number, a: number, ah: number, b: number, bh: number): boolean {
  switch (sz) {
    case SZ8: return (a & 0xff) < (b & 0xff);
    case SZ16: return (a & 0xffff) < (b & 0xffff);
    case SZ32: return (a >>> 0) < (b >>> 0);
    default: return ah !== bh ? (ah >>> 0) < (bh >>> 0) : (a >>> 0) < (b >>> 0);
  }
}

function signBit(sz: number, v: number, vh: number): boolean {
  switch (sz) {
    case SZ8: return (v & 0x80) !== 0;
    case SZ16: return (v & 0x8000) !== 0;
    case SZ32: return v < 0;
    default: return vh < 0;
  }
}

function isZero(sz: number, v: number, vh: number): boolean {
  switch (sz) {
    case SZ8: return (v & 0xff) === 0;
    case SZ16: return (v & 0xffff) === 0;
    case SZ32: return v === 0;
    default: return (v | vh) === 0;
  }
}

export function getCF(cpu: Cpu): boolean {
  const op = cpu.lazyOp, sz = op & 3;
  switch (op >> 2) {
    case K_NONE: return (cpu.flags & CF) !== 0;
    case K_ADD: return ult(sz, cpu.lazyRes, cpu.lazyResHi, cpu.lazyA, cpu.lazyAHi);
    case K_ADC:
      return cpu.lazyAux ? !ult(sz, cpu.lazyA, cpu.lazyAHi, cpu.lazyRes, cpu.lazyResHi) : ult(sz, cpu.lazyRes, cpu.lazyResHi, cpu.lazyA, cpu.lazyAHi);
    case K_SUB: return ult(sz, cpu.lazyA, cpu.lazyAHi, cpu.lazyB, cpu.lazyBHi);
    case K_SBB:
      return cpu.lazyAux ? !ult(sz, cpu.lazyB, cpu.lazyBHi, cpu.lazyA, cpu.lazyAHi) : ult(sz, cpu.lazyA, cpu.lazyAHi, cpu.lazyB, cpu.lazyBHi);
    case K_LOGIC: return false;
    default: return cpu.lazyAux !== 0; // INC, DEC keep CF
  }
}

export function getZF(cpu: Cpu): boolean {
  const op = cpu.lazyOp;
  if (op >> 2 === K_NONE) return (cpu.flags & ZF) !== 0;
  return isZero(op & 3, cpu.lazyRes, cpu.lazyResHi);
}

export function getSF(cpu: Cpu): boolean {
  const op = cpu.lazyOp;
  if (op >> 2 === K_NONE) return (cpu.flags & SF) !== 0;
  return signBit(op & 3, cpu.lazyRes, cpu.lazyResHi);
}

export function getOF(cpu: Cpu): boolean {
  const op = cpu.lazyOp, sz = op & 3;
  const r = cpu.lazyRes, rh = cpu.lazyResHi, a = cpu.lazyA, ah = cpu.lazyAHi, b = cpu.lazyB, bh = cpu.lazyBHi;
  switch (op >> 2) {
    case K_NONE: return (cpu.flags & OF) !== 0;
    case K_ADD: case K_ADC: case K_INC: return signBit(sz, (a ^ r) & (b ^ r), (ah ^ rh) & (bh ^ rh));
    case K_SUB: case K_SBB: case K_DEC: return signBit(sz, (a ^ b) & (a ^ r), (ah ^ bh) & (ah ^ rh));
    default: return false;
  }
}

export function getPF(cpu: Cpu): boolean {
  if (cpu.lazyOp >> 2 === K_NONE) return (cpu.flags & PF) !== 0;
  return PARITY[cpu.lazyRes & 0xff] !== 0;
}

export function getAF(cpu: Cpu): boolean {
  const k = cpu.lazyOp >> 2;
  if (k === K_NONE) return (cpu.flags & AF) !== 0;
  if (k === K_LOGIC) return false;
  return ((cpu.lazyA ^ cpu.lazyB ^ cpu.lazyRes) & 0x10) !== 0;
}

/** The six status flags as RFLAGS bits. */
export function arithFlags(cpu: Cpu): number {
  if (cpu.lazyOp >> 2 === K_NONE) return cpu.flags & ARITH_FLAGS;
  return (getCF(cpu) ? CF : 0) | (getPF(cpu) ? PF : 0) | (getAF(cpu) ? AF : 0) |
    (getZF(cpu) ? ZF : 0) | (getSF(cpu) ? SF : 0) | (getOF(cpu) ? OF : 0);
}

/** Full RFLAGS (low 32 bits; the upper half is reserved and reads as zero). */
export function getFlags(cpu: Cpu): number {
  return (cpu.flags & ~ARITH_FLAGS) | arithFlags(cpu);
}

/** Replace RFLAGS wholesale (the caller has applied any privilege masks). */
export function setFlags(cpu: Cpu, v: number): void {
  cpu.flags = v | 2;
  cpu.lazyOp = K_NONE << 2;
}

/** Replace only the status flags in `mask` with those in `v`; the rest of RFLAGS is unchanged. */
export function setArith(cpu: Cpu, mask: number, v: number): void {
  const cur = getFlags(cpu);
  cpu.flags = (cur & ~mask) | (v & mask);
  cpu.lazyOp = K_NONE << 2;
}

/** Evaluate condition code cc (the low nibble of Jcc/SETcc/CMOVcc, SDM Vol. 1 Appendix B). */
export function cond(cpu: Cpu, cc: number): boolean {
  const op = cpu.lazyOp;
  // Fast path: after CMP/SUB the signed and unsigned relations come straight from the operands.
  if (op >> 2 === K_SUB && (op & 3) >= SZ32) {
    const a = cpu.lazyA, b = cpu.lazyB;
    const sz64 = (op & 3) === SZ64;
    switch (cc) {
      case 4: return sz64 ? (a === b && cpu.lazyAHi === cpu.lazyBHi) : a === b;
      case 5: return sz64 ? (a !== b || cpu.lazyAHi !== cpu.lazyBHi) : a !== b;
      case 12: case 13: case 14: case 15: {
        let lt: boolean, eq: boolean;
        if (sz64) {
          const ah = cpu.lazyAHi, bh = cpu.lazyBHi;
          lt = ah !== bh ? ah < bh : (a >>> 0) < (b >>> 0);
          eq = ah === bh && a === b;
        } else { lt = a < b; eq = a === b; }
        return cc === 12 ? lt : cc === 13 ? !lt : cc === 14 ? lt || eq : !lt && !eq;
      }
    }
  }
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = getOF(cpu); break;
    case 1: r = getCF(cpu); break;
    case 2: r = getZF(cpu); break;
    case 3: r = getCF(cpu) || getZF(cpu); break;
    case 4: r = getSF(cpu); break;
    case 5: r = getPF(cpu); break;
    case 6: r = getSF(cpu) !== getOF(cpu); break;
    default: r = getZF(cpu) || getSF(cpu) !== getOF(cpu); break;
  }
  return (cc & 1) ? !r : r;
}

export { PARITY };
