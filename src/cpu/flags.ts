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

/**
 * Record an operation of 8, 16 or 32 bits: the getters never read the high halves at these
 * sizes, so they are not stored (a handler's hot path saves three stores).
 */
export function setLazy32(cpu: Cpu, op: number, r: number, a: number, b: number): void {
  cpu.lazyOp = op;
  cpu.lazyRes = r;
  cpu.lazyA = a;
  cpu.lazyB = b;
}

/** Record a logic operation (AND, OR, XOR, TEST): CF, OF and AF are zero, only the result counts. */
export function setLogic(cpu: Cpu, op: number, r: number, rh: number): void {
  cpu.lazyOp = op;
  cpu.lazyRes = r;
  cpu.lazyResHi = rh;
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

// --- Conditions (SDM Vol. 1 Appendix B). Jcc, SETcc and CMOVcc mostly follow CMP/SUB, TEST/AND
// or ADD/INC/DEC, so each condition is answered straight from the recorded operands for those
// kinds (a signed or unsigned compare of A and B after CMP, a look at the result after a logic
// operation, which clears CF and OF) and falls back to the flag getters for the rest. The
// functions are small so that a handler specialised for one condition gets them inlined.

/** Operand or result at the recorded size as a signed int32 (8, 16, 32 bits). */
function sx(sz: number, v: number): number {
  return sz === SZ8 ? (v << 24) >> 24 : sz === SZ16 ? (v << 16) >> 16 : v;
}

/** ZF: condition E (4). */
export function condE(cpu: Cpu): boolean {
  const op = cpu.lazyOp;
  switch (op & 3) {
    case SZ32: return op < 4 ? (cpu.flags & ZF) !== 0 : cpu.lazyRes === 0;
    case SZ64: return op < 4 ? (cpu.flags & ZF) !== 0 : (cpu.lazyRes | cpu.lazyResHi) === 0;
    default: return op < 4 ? (cpu.flags & ZF) !== 0 : isZero(op & 3, cpu.lazyRes, 0);
  }
}

/** SF: condition S (8). */
export function condS(cpu: Cpu): boolean {
  const op = cpu.lazyOp;
  if (op < 4) return (cpu.flags & SF) !== 0;
  return signBit(op & 3, cpu.lazyRes, cpu.lazyResHi);
}

/** CF: condition B (2). */
export function condB(cpu: Cpu): boolean {
  const op = cpu.lazyOp, k = op >> 2;
  if (k === K_SUB) return ult(op & 3, cpu.lazyA, cpu.lazyAHi, cpu.lazyB, cpu.lazyBHi);
  if (k === K_LOGIC) return false;
  return getCF(cpu);
}

/** CF or ZF: condition BE (6). */
export function condBE(cpu: Cpu): boolean {
  const op = cpu.lazyOp, k = op >> 2;
  if (k === K_SUB) {
    // A <= B unsigned: not (B < A).
    return !ult(op & 3, cpu.lazyB, cpu.lazyBHi, cpu.lazyA, cpu.lazyAHi);
  }
  if (k === K_LOGIC) return condE(cpu);
  return getCF(cpu) || condE(cpu);
}

/** Signed A < B after CMP/SUB at the recorded size. */
function slt(sz: number, a: number, ah: number, b: number, bh: number): boolean {
  if (sz === SZ64) return ah !== bh ? ah < bh : (a >>> 0) < (b >>> 0);
  return sx(sz, a) < sx(sz, b);
}

/** SF != OF: condition L (12). */
export function condL(cpu: Cpu): boolean {
  const op = cpu.lazyOp, k = op >> 2;
  if (k === K_SUB) return slt(op & 3, cpu.lazyA, cpu.lazyAHi, cpu.lazyB, cpu.lazyBHi);
  if (k === K_LOGIC) return signBit(op & 3, cpu.lazyRes, cpu.lazyResHi);
  return getSF(cpu) !== getOF(cpu);
}

/** ZF or SF != OF: condition LE (14). */
export function condLE(cpu: Cpu): boolean {
  const op = cpu.lazyOp, k = op >> 2;
  // A <= B signed: not (B < A).
  if (k === K_SUB) return !slt(op & 3, cpu.lazyB, cpu.lazyBHi, cpu.lazyA, cpu.lazyAHi);
  if (k === K_LOGIC) return condE(cpu) || signBit(op & 3, cpu.lazyRes, cpu.lazyResHi);
  return condE(cpu) || getSF(cpu) !== getOF(cpu);
}

/** Evaluate condition code cc (the low nibble of Jcc/SETcc/CMOVcc, SDM Vol. 1 Appendix B). */
export function cond(cpu: Cpu, cc: number): boolean {
  switch (cc) {
    case 0: return getOF(cpu);
    case 1: return !getOF(cpu);
    case 2: return condB(cpu);
    case 3: return !condB(cpu);
    case 4: return condE(cpu);
    case 5: return !condE(cpu);
    case 6: return condBE(cpu);
    case 7: return !condBE(cpu);
    case 8: return condS(cpu);
    case 9: return !condS(cpu);
    case 10: return getPF(cpu);
    case 11: return !getPF(cpu);
    case 12: return condL(cpu);
    case 13: return !condL(cpu);
    case 14: return condLE(cpu);
    default: return !condLE(cpu);
  }
}

export { PARITY };
