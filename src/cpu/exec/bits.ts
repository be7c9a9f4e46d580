// Bit instructions: BT/BTS/BTR/BTC (0F A3/AB/B3/BB with a register bit offset, 0F BA /4-/7 with
// an immediate one), BSF/BSR (0F BC/BD), LZCNT (F3 0F BD), POPCNT (F3 0F B8), BSWAP (0F C8+r)
// and MOVBE (0F 38 F0/F1). SDM Vol. 2 under each name.
//
// CPUID (cpuid.ts) advertises POPCNT, MOVBE and LZCNT (ABM), but not BMI1: TZCNT belongs to BMI1,
// whose other members are VEX-encoded and not modelled, so F3 0F BC executes as BSF — exactly
// what CPUs with LZCNT but without BMI1 (AMD K10) do with it, and why compilers may emit
// `rep bsf` for TZCNT.
//
// Flags the SDM leaves undefined (measured on AMD; the same values are used for Intel):
// - BT*: only CF changes.
// - BSF/BSR: CF, OF, SF and AF are cleared and PF follows the parity of the index (of 0 when the
//   source is 0, as the destination is then left unchanged and ZF set).
// - LZCNT: OF is kept; SF, AF and PF are cleared.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F, MAP_0F38 } from '../insn.js';
import type { Binder } from './table.js';
import { def, defGroup } from './table.js';
import { ea, readMem, writeMem, readRm, getReg, setReg, raise, isCanonical } from '../operands.js';
import { getFlags, PARITY } from '../flags.js';
import { CF, OF, ZF, GP, SS, SS_ } from '../regs.js';
import { setStatus } from './status.js';

// --- BT, BTS, BTR, BTC.
const BT = 0, BTS = 1, BTR = 2, BTC = 3;

/** The tested bit, for CF: set once the result is stored (a faulting store changes no flag). */
let oldBit = 0;
function setCf(cpu: Cpu): void {
  cpu.flags = (getFlags(cpu) & ~CF) | oldBit;
  cpu.lazyOp = 0;
}

/** Apply op to bit `b` (0-31) of a 32-bit word; returns the new word (the old bit in oldBit). */
function bitOp32(op: number, v: number, b: number): number {
  const m = 1 << b;
  oldBit = (v >>> b) & 1;
  return op === BTS ? v | m : op === BTR ? v & ~m : v ^ m;
}

/** Bit `n` (0 ≤ n < 8·osz) of a register or memory operand value v:vh; result in v:vh. */
let outHi = 0;
function bitOp(op: number, osz: number, v: number, vh: number, n: number): number {
  if (osz === 8 && n >= 32) {
    outHi = bitOp32(op, vh, n - 32);
    return v;
  }
  outHi = vh;
  return bitOp32(op, v, n);
}

/**
 * BT* with a register bit offset. For a memory operand the offset is a signed number that may
 * reach beyond the operand: the instruction addresses the operand-sized unit at
 * ea + osz · floor(offset / (8 · osz)) (SDM Vol. 2 BT, "Bit(BitBase, BitOffset)").
 */
function btReg(op: number): Handler {
  return (cpu, i) => {
    const osz = i.osz, w = osz * 8;
    const off = getReg(cpu, i.reg, osz), offHi = cpu.mem.hi;
    if (i.mod === 3) {
      const v = getReg(cpu, i.rm, osz), vh = cpu.mem.hi;
      const r = bitOp(op, osz, v, vh, off & (w - 1));
      if (op !== BT) setReg(cpu, i.rm, osz, r, outHi);
      setCf(cpu);
      return;
    }
    // Signed offset as a number (exact below 2^53; beyond that the address is far from
    // canonical whatever the rounding).
    const s = osz === 8 ? offHi * 4294967296 + (off >>> 0) : osz === 4 ? off : (off << 16) >> 16;
    let a = ea(cpu, i) + Math.floor(s / w) * osz;
    if (cpu.codeSize === 8) {
      if (!isCanonical(a)) raise(cpu, i.seg === SS ? SS_ : GP, 0);
    } else a = ((a % 4294967296) + 4294967296) % 4294967296;
    const v = readMem(cpu, a, osz), vh = cpu.mem.hi;
    const r = bitOp(op, osz, v, vh, (s - Math.floor(s / w) * w));
    if (op !== BT) writeMem(cpu, a, osz, r, outHi);
    setCf(cpu);
  };
}

/** BT* with an immediate bit offset: taken modulo the operand size, also for memory. */
function btImm(op: number): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    const n = i.imm & (osz * 8 - 1);
    if (i.mod === 3) {
      const v = getReg(cpu, i.rm, osz), vh = cpu.mem.hi;
      const r = bitOp(op, osz, v, vh, n);
      if (op !== BT) setReg(cpu, i.rm, osz, r, outHi);
      setCf(cpu);
      return;
    }
    const a = ea(cpu, i);
    const v = readMem(cpu, a, osz), vh = cpu.mem.hi;
    const r = bitOp(op, osz, v, vh, n);
    if (op !== BT) writeMem(cpu, a, osz, r, outHi);
    setCf(cpu);
  };
}

const BT_REG = [BT, BTS, BTR, BTC].map(btReg);
const BT_IMM = [BT, BTS, BTR, BTC].map(btImm);
def(MAP_0F | 0xa3, () => BT_REG[BT]);
def(MAP_0F | 0xab, () => BT_REG[BTS]);
def(MAP_0F | 0xb3, () => BT_REG[BTR]);
def(MAP_0F | 0xbb, () => BT_REG[BTC]);
for (let k = 0; k < 4; k++) defGroup(MAP_0F | 0xba, 4 + k, () => BT_IMM[k]);

// --- BSF, BSR, LZCNT.

/** Index of the lowest (forward) or highest set bit of a non-zero v:vh at osz. */
function scan(forward: boolean, osz: number, v: number, vh: number): number {
  if (osz === 8) {
    if (forward) return v !== 0 ? 31 - Math.clz32(v & -v) : 63 - Math.clz32(vh & -vh);
    return vh !== 0 ? 63 - Math.clz32(vh) : 31 - Math.clz32(v);
  }
  return forward ? 31 - Math.clz32(v & -v) : 31 - Math.clz32(v);
}

function bitScan(forward: boolean): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    let v = readRm(cpu, i, osz), vh = cpu.mem.hi;
    if (osz !== 8) vh = 0;
    if (osz === 2) v &= 0xffff;
    if ((v | vh) === 0) {
      // The destination is left unchanged, not even zero-extended (AMD documents it; Intel
      // CPUs behave the same though the SDM calls the value undefined).
      setStatus(cpu, ZF | PARITY[0]);
      return;
    }
    const n = scan(forward, osz, v, vh);
    setReg(cpu, i.reg, osz, n, 0);
    setStatus(cpu, PARITY[n]);
  };
}
const BSF = bitScan(true), BSR = bitScan(false);

const lzcnt: Handler = (cpu, i) => {
  const osz = i.osz;
  const v = readRm(cpu, i, osz), vh = cpu.mem.hi;
  let n: number;
  if (osz === 8) n = vh !== 0 ? Math.clz32(vh) : 32 + Math.clz32(v);
  else if (osz === 4) n = Math.clz32(v);
  else n = Math.clz32(v & 0xffff) - 16;
  setReg(cpu, i.reg, osz, n, 0);
  cpu.flags = (getFlags(cpu) & OF) | (cpu.flags & ~0x8d5) | (n === osz * 8 ? CF : 0) | (n === 0 ? ZF : 0);
  cpu.lazyOp = 0;
};

def(MAP_0F | 0xbc, () => BSF);
def(MAP_0F | 0xbd, (i) => (i.pfx === 0xf3 ? lzcnt : BSR));

// --- POPCNT: F3 0F B8 only (without F3 the opcode was JMPE, IA-64 only: #UD). ZF says whether
// the source was 0; the other status flags are cleared.
function popcnt32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
const popcnt: Handler = (cpu, i) => {
  const osz = i.osz;
  const v = readRm(cpu, i, osz), vh = cpu.mem.hi;
  const n = osz === 8 ? popcnt32(v) + popcnt32(vh) : popcnt32(osz === 2 ? v & 0xffff : v);
  setReg(cpu, i.reg, osz, n, 0);
  setStatus(cpu, n === 0 ? ZF : 0);
};
def(MAP_0F | 0xb8, (i) => (i.pfx === 0xf3 ? popcnt : null));

// --- BSWAP (0F C8+r). With a 16-bit operand the result is undefined; Intel and AMD clear the
// low word (measured on AMD).
function swap32(v: number): number {
  return (v << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}
const bswap: Handler = (cpu, i) => {
  const r = i.rm;
  switch (i.osz) {
    case 8: { const l = cpu.lo[r]; cpu.lo[r] = swap32(cpu.hi[r]); cpu.hi[r] = swap32(l); return; }
    case 4: cpu.lo[r] = swap32(cpu.lo[r]); cpu.hi[r] = 0; return;
    default: cpu.lo[r] &= ~0xffff; return;
  }
};
for (let k = 0; k < 8; k++) def(MAP_0F | (0xc8 + k), () => bswap);

// --- MOVBE (0F 38 F0 load, F1 store; memory operands only). F2 0F 38 F0/F1 is CRC32 (SSE4.2),
// which the SSE group may register through setCrc32Binder().
function swapped(cpu: Cpu, osz: number, v: number, vh: number): number {
  if (osz === 2) return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
  if (osz === 4) return swap32(v);
  outHi = swap32(v);
  return swap32(vh);
}
const movbeLoad: Handler = (cpu, i) => {
  const v = readMem(cpu, ea(cpu, i), i.osz), vh = cpu.mem.hi;
  setReg(cpu, i.reg, i.osz, swapped(cpu, i.osz, v, vh), outHi);
};
const movbeStore: Handler = (cpu, i) => {
  const a = ea(cpu, i);
  const v = getReg(cpu, i.reg, i.osz), vh = cpu.mem.hi;
  writeMem(cpu, a, i.osz, swapped(cpu, i.osz, v, vh), outHi);
};
let crc32Binder: Binder | null = null;
/** Let the SSE4.2 group claim F2 0F 38 F0/F1 (CRC32), which shares its opcode with MOVBE. */
export function setCrc32Binder(b: Binder): void {
  crc32Binder = b;
}
function movbeBinder(store: boolean): Binder {
  return (i: Insn) => {
    if (i.pfx === 0xf2) return crc32Binder !== null ? crc32Binder(i) : null;
    if (i.pfx === 0xf3 || i.mod === 3) return null;
    return store ? movbeStore : movbeLoad;
  };
}
def(MAP_0F38 | 0xf0, movbeBinder(false));
def(MAP_0F38 | 0xf1, movbeBinder(true));
