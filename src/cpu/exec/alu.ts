// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP in all their encodings
// (00-3D, 80-83), TEST (84, 85, A8, A9, F6/F7 /0 /1), NOT/NEG (F6/F7 /2 /3), INC/DEC
// (FE/FF /0 /1, and 40-4F outside 64-bit mode). Flags are recorded lazily (flags.ts).

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { def, defGroup } from './table.js';
import { setLazy, getCF, K_ADD, K_ADC, K_SUB, K_SBB, K_LOGIC, K_INC, K_DEC, szIdx } from '../flags.js';
import { ea, readMem, writeMem, getReg, setReg, readRm } from '../operands.js';
import { fastAlu, fastTest, fastCmp8, fastIncDec } from './alu-fast.js';

export const OP_ADD = 0, OP_OR = 1, OP_ADC = 2, OP_SBB = 3, OP_AND = 4, OP_SUB = 5, OP_XOR = 6, OP_CMP = 7;

/** High half of the last 64-bit result of alu(). */
export let aluHi = 0;

/**
 * Compute `a op b` at operand size `osz`, record the flags, and return the low 32 bits of the
 * result (the high half in aluHi when osz is 8).
 */
export function alu(cpu: Cpu, op: number, osz: number, a: number, ah: number, b: number, bh: number): number {
  const sz = szIdx(osz);
  let r: number, rh = 0;
  switch (op) {
    case OP_ADD: {
      r = (a + b) | 0;
      if (osz === 8) rh = (ah + bh + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
      setLazy(cpu, (K_ADD << 2) | sz, r, rh, a, ah, b, bh);
      break;
    }
    case OP_ADC: {
      const c = getCF(cpu) ? 1 : 0;
      const t = (a >>> 0) + (b >>> 0) + c;
      r = t | 0;
      if (osz === 8) rh = (ah + bh + (t >= 4294967296 ? 1 : 0)) | 0;
      cpu.lazyAux = c;
      setLazy(cpu, (K_ADC << 2) | sz, r, rh, a, ah, b, bh);
      break;
    }
    case OP_SUB: case OP_CMP: {
      r = (a - b) | 0;
      if (osz === 8) rh = (ah - bh - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
      setLazy(cpu, (K_SUB << 2) | sz, r, rh, a, ah, b, bh);
      break;
    }
    case OP_SBB: {
      const c = getCF(cpu) ? 1 : 0;
      r = (a - b - c) | 0;
      if (osz === 8) rh = (ah - bh - ((a >>> 0) < (b >>> 0) + c ? 1 : 0)) | 0;
      cpu.lazyAux = c;
      setLazy(cpu, (K_SBB << 2) | sz, r, rh, a, ah, b, bh);
      break;
    }
    case OP_AND: r = a & b; rh = ah & bh; setLazy(cpu, (K_LOGIC << 2) | sz, r, rh, 0, 0, 0, 0); break;
    case OP_OR: r = a | b; rh = ah | bh; setLazy(cpu, (K_LOGIC << 2) | sz, r, rh, 0, 0, 0, 0); break;
    default: r = a ^ b; rh = ah ^ bh; setLazy(cpu, (K_LOGIC << 2) | sz, r, rh, 0, 0, 0, 0); break;
  }
  aluHi = rh;
  return r;
}

/**
 * ADC and SBB to memory: make sure the write cannot fault before the flags change. A #PF on the
 * write (a copy-on-write page after fork) restarts the instruction, which must find the carry
 * it started with: recorded first, the carry out would be added in again.
 */
function probeWrite(cpu: Cpu, op: number, addr: number, osz: number): void {
  if (op !== OP_ADC && op !== OP_SBB) return;
  cpu.mem.physW(addr);
  if ((addr & 0xfff) + osz > 0x1000) cpu.mem.physW(addr + osz - 1);
}

// --- Handlers. The reg-reg 32/64-bit forms are specialised: they dominate real loops.

function aluRmReg(op: number): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    const b = getReg(cpu, osz === 1 ? i.reg8 : i.reg, osz), bh = cpu.mem.hi;
    if (i.mod === 3) {
      const r = osz === 1 ? i.rm8 : i.rm;
      const a = getReg(cpu, r, osz), ah = cpu.mem.hi;
      const v = alu(cpu, op, osz, a, ah, b, bh);
      if (op !== OP_CMP) setReg(cpu, r, osz, v, aluHi);
    } else {
      const addr = ea(cpu, i);
      const a = readMem(cpu, addr, osz), ah = cpu.mem.hi;
      probeWrite(cpu, op, addr, osz);
      const v = alu(cpu, op, osz, a, ah, b, bh);
      if (op !== OP_CMP) writeMem(cpu, addr, osz, v, aluHi);
    }
  };
}

function aluRegRm(op: number): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    const b = readRm(cpu, i, osz), bh = cpu.mem.hi;
    const r = osz === 1 ? i.reg8 : i.reg;
    const a = getReg(cpu, r, osz), ah = cpu.mem.hi;
    const v = alu(cpu, op, osz, a, ah, b, bh);
    if (op !== OP_CMP) setReg(cpu, r, osz, v, aluHi);
  };
}

function aluReg64(op: number, dstIsReg: boolean): Handler {
  // Both operands registers, 64-bit: dst is i.reg when dstIsReg (03-form) else i.rm (01-form).
  return (cpu, i) => {
    const d = dstIsReg ? i.reg : i.rm, s = dstIsReg ? i.rm : i.reg;
    const lo = cpu.lo, hi = cpu.hi;
    const v = alu(cpu, op, 8, lo[d], hi[d], lo[s], hi[s]);
    if (op !== OP_CMP) { lo[d] = v; hi[d] = aluHi; }
  };
}

function aluReg32(op: number, dstIsReg: boolean): Handler {
  return (cpu, i) => {
    const d = dstIsReg ? i.reg : i.rm, s = dstIsReg ? i.rm : i.reg;
    const lo = cpu.lo;
    const v = alu(cpu, op, 4, lo[d], 0, lo[s], 0);
    if (op !== OP_CMP) { lo[d] = v; cpu.hi[d] = 0; }
  };
}

function aluAccImm(op: number): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    const a = getReg(cpu, 0, osz), ah = cpu.mem.hi;
    const v = alu(cpu, op, osz, a, ah, i.imm, i.immHi);
    if (op !== OP_CMP) setReg(cpu, 0, osz, v, aluHi);
  };
}

function aluRmImm(op: number): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    if (i.mod === 3) {
      const r = osz === 1 ? i.rm8 : i.rm;
      const a = getReg(cpu, r, osz), ah = cpu.mem.hi;
      const v = alu(cpu, op, osz, a, ah, i.imm, i.immHi);
      if (op !== OP_CMP) setReg(cpu, r, osz, v, aluHi);
    } else {
      const addr = ea(cpu, i);
      const a = readMem(cpu, addr, osz), ah = cpu.mem.hi;
      probeWrite(cpu, op, addr, osz);
      const v = alu(cpu, op, osz, a, ah, i.imm, i.immHi);
      if (op !== OP_CMP) writeMem(cpu, addr, osz, v, aluHi);
    }
  };
}

const RM_REG = [0, 1, 2, 3, 4, 5, 6, 7].map(aluRmReg);
const REG_RM = [0, 1, 2, 3, 4, 5, 6, 7].map(aluRegRm);
const R64_01 = [0, 1, 2, 3, 4, 5, 6, 7].map((op) => aluReg64(op, false));
const R64_03 = [0, 1, 2, 3, 4, 5, 6, 7].map((op) => aluReg64(op, true));
const R32_01 = [0, 1, 2, 3, 4, 5, 6, 7].map((op) => aluReg32(op, false));
const R32_03 = [0, 1, 2, 3, 4, 5, 6, 7].map((op) => aluReg32(op, true));
const ACC_IMM = [0, 1, 2, 3, 4, 5, 6, 7].map(aluAccImm);
const RM_IMM = [0, 1, 2, 3, 4, 5, 6, 7].map(aluRmImm);

// The 32/64-bit forms of the common operations bind to the straight-line handlers of alu-fast.ts.
for (let op = 0; op < 8; op++) {
  const b = op * 8;
  def(b + 0, (i) => (op === OP_CMP ? fastCmp8('RR1', i) : null) ?? RM_REG[op]);
  def(b + 1, (i) => fastAlu(op, 'RR1', i) ?? (i.mod === 3 && i.osz === 8 ? R64_01[op] : i.mod === 3 && i.osz === 4 ? R32_01[op] : RM_REG[op]));
  def(b + 2, (i) => (op === OP_CMP ? fastCmp8('RR3', i) : null) ?? REG_RM[op]);
  def(b + 3, (i) => fastAlu(op, 'RR3', i) ?? (i.mod === 3 && i.osz === 8 ? R64_03[op] : i.mod === 3 && i.osz === 4 ? R32_03[op] : REG_RM[op]));
  def(b + 4, (i) => (op === OP_CMP ? fastCmp8('AI', i) : null) ?? ACC_IMM[op]);
  def(b + 5, (i) => fastAlu(op, 'AI', i) ?? ACC_IMM[op]);
}
for (let op = 0; op < 8; op++) {
  // 82 exists only outside 64-bit mode; the decoder marks it #UD there.
  for (const opc of [0x80, 0x82]) defGroup(opc, op, (i) => (op === OP_CMP ? fastCmp8('RI', i) : null) ?? RM_IMM[op]);
  for (const opc of [0x81, 0x83]) defGroup(opc, op, (i) => fastAlu(op, 'RI', i) ?? RM_IMM[op]);
}

// --- TEST: AND without storing.
const testRmReg: Handler = (cpu, i) => {
  const osz = i.osz;
  const a = readRm(cpu, i, osz), ah = cpu.mem.hi;
  const b = getReg(cpu, osz === 1 ? i.reg8 : i.reg, osz), bh = cpu.mem.hi;
  setLazy(cpu, (K_LOGIC << 2) | szIdx(osz), a & b, ah & bh, 0, 0, 0, 0);
};
const testRmImm: Handler = (cpu, i) => {
  const osz = i.osz;
  const a = readRm(cpu, i, osz), ah = cpu.mem.hi;
  setLazy(cpu, (K_LOGIC << 2) | szIdx(osz), a & i.imm, ah & i.immHi, 0, 0, 0, 0);
};
const testAccImm: Handler = (cpu, i) => {
  const osz = i.osz;
  const a = getReg(cpu, 0, osz), ah = cpu.mem.hi;
  setLazy(cpu, (K_LOGIC << 2) | szIdx(osz), a & i.imm, ah & i.immHi, 0, 0, 0, 0);
};
def(0x84, (i) => fastTest('RR1', i) ?? testRmReg);
def(0x85, (i) => fastTest('RR1', i) ?? testRmReg);
def(0xa8, () => testAccImm);
def(0xa9, (i) => fastTest('AI', i) ?? testAccImm);

// --- NOT, NEG (group 3 /2 /3). NEG is 0 - x, flags as SUB (CF = x != 0).
const notRm: Handler = (cpu, i) => {
  const osz = i.osz;
  if (i.mod === 3) {
    const r = osz === 1 ? i.rm8 : i.rm;
    const v = getReg(cpu, r, osz), vh = cpu.mem.hi;
    setReg(cpu, r, osz, ~v, ~vh);
  } else {
    const a = ea(cpu, i);
    const v = readMem(cpu, a, osz), vh = cpu.mem.hi;
    writeMem(cpu, a, osz, ~v, ~vh);
  }
};
const negRm: Handler = (cpu, i) => {
  const osz = i.osz;
  if (i.mod === 3) {
    const r = osz === 1 ? i.rm8 : i.rm;
    const v = getReg(cpu, r, osz), vh = cpu.mem.hi;
    const res = alu(cpu, OP_SUB, osz, 0, 0, v, vh);
    setReg(cpu, r, osz, res, aluHi);
  } else {
    const a = ea(cpu, i);
    const v = readMem(cpu, a, osz), vh = cpu.mem.hi;
    const res = alu(cpu, OP_SUB, osz, 0, 0, v, vh);
    writeMem(cpu, a, osz, res, aluHi);
  }
};
// Group 3 (F6/F7): /0 /1 TEST, /2 NOT, /3 NEG; /4-/7 (MUL, IMUL, DIV, IDIV) live in muldiv.ts.
for (const opc of [0xf6, 0xf7]) {
  defGroup(opc, 0, (i) => fastTest('RI', i) ?? testRmImm);
  defGroup(opc, 1, (i) => fastTest('RI', i) ?? testRmImm);
  defGroup(opc, 2, () => notRm);
  defGroup(opc, 3, () => negRm);
}

// --- INC/DEC keep CF (the previous CF is saved in lazyAux).
function incDec(cpu: Cpu, osz: number, v: number, vh: number, dec: boolean): number {
  const cf = getCF(cpu) ? 1 : 0;
  let r: number, rh = vh;
  if (dec) { r = (v - 1) | 0; if (osz === 8 && v === 0) rh = (vh - 1) | 0; }
  else { r = (v + 1) | 0; if (osz === 8 && r === 0) rh = (vh + 1) | 0; }
  cpu.lazyAux = cf;
  setLazy(cpu, ((dec ? K_DEC : K_INC) << 2) | szIdx(osz), r, rh, v, vh, 1, 0);
  aluHi = rh;
  return r;
}
function incDecRm(dec: boolean): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    if (i.mod === 3) {
      const r = osz === 1 ? i.rm8 : i.rm;
      const v = getReg(cpu, r, osz), vh = cpu.mem.hi;
      setReg(cpu, r, osz, incDec(cpu, osz, v, vh, dec), aluHi);
    } else {
      const a = ea(cpu, i);
      const v = readMem(cpu, a, osz), vh = cpu.mem.hi;
      writeMem(cpu, a, osz, incDec(cpu, osz, v, vh, dec), aluHi);
    }
  };
}
const INC_RM = incDecRm(false);
const DEC_RM = incDecRm(true);
// Group 4 (FE) and the first two members of group 5 (FF).
for (const opc of [0xfe, 0xff]) {
  defGroup(opc, 0, (i) => fastIncDec(false, i) ?? INC_RM);
  defGroup(opc, 1, (i) => fastIncDec(true, i) ?? DEC_RM);
}

// 40-4F: INC/DEC r16/r32 outside 64-bit mode (in 64-bit mode these bytes are REX prefixes and
// never reach the dispatch table as opcodes).
for (let r = 0; r < 8; r++) {
  const inc: Handler = (cpu, i) => setReg(cpu, r, i.osz, incDec(cpu, i.osz, getReg(cpu, r, i.osz), 0, false), 0);
  const dec: Handler = (cpu, i) => setReg(cpu, r, i.osz, incDec(cpu, i.osz, getReg(cpu, r, i.osz), 0, true), 0);
  def(0x40 + r, () => inc);
  def(0x48 + r, () => dec);
}
