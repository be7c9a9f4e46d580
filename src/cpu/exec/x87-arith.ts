// x87 two-operand arithmetic and comparisons: FADD FMUL FSUB FSUBR FDIV FDIVR in their register,
// popping and memory forms (m32, m64, m16int, m32int), FCOM/FCOMP/FCOMPP, FUCOM*, FICOM*,
// FCOMI/FUCOMI(P), FTST and FCMOVcc (SDM Vol. 2, each instruction).
//
// Within an opcode's register or memory row the ModRM.reg field picks the operation, in the
// order ADD MUL COM COMP SUB SUBR DIV DIVR; for DC and DE register forms (ST(i) ← ST(i) op ST(0))
// the SUB/SUBR and DIV/DIVR encodings are swapped relative to D8 (Intel's naming: DC E0+i is
// FSUBR ST(i), ST(0)), which the binders below encode by choosing the operation per row.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { ea } from '../operands.js';
import { setArith, cond } from '../flags.js';
import { ARITH_FLAGS, CF, PF, ZF } from '../regs.js';
import { F80, env, pcOf, C0, C2, C3 } from '../fpu/f80.js';
import { add, mul, div } from '../fpu/arith.js';
import { compare, ccOfCompare, CMP_GT, CMP_LT, CMP_EQ } from '../fpu/compare.js';
import { fromF32, fromF64, fromInt64 } from '../fpu/convert.js';
import {
  enter, noteIp, phys, isEmpty, getReg, setReg, pop, underflow, suppressed, finish,
  FA, FB, FM, FR, INDEFINITE,
} from './x87-state.js';

type Op2 = (out: F80, a: F80, b: F80) => void;

const fadd: Op2 = (o, a, b) => add(o, a, b, false, pcOf(env.cw));
const fsub: Op2 = (o, a, b) => add(o, a, b, true, pcOf(env.cw));
const fsubr: Op2 = (o, a, b) => add(o, b, a, true, pcOf(env.cw));
const fmul: Op2 = (o, a, b) => mul(o, a, b, pcOf(env.cw));
const fdiv: Op2 = (o, a, b) => div(o, a, b, pcOf(env.cw));
const fdivr: Op2 = (o, a, b) => div(o, b, a, pcOf(env.cw));

/** dest ← dest op src, by ModRM.reg, for D8 (both forms) and the memory rows. */
const OPS_D8: (Op2 | null)[] = [fadd, fmul, null, null, fsub, fsubr, fdiv, fdivr];
/** ST(i) ← ST(i) op ST(0) for the DC and DE register rows (E0+i is SUBR, E8+i SUB …). */
const OPS_DC: (Op2 | null)[] = [fadd, fmul, null, null, fsubr, fsub, fdivr, fdiv];

// --- Register forms.

/** ST(d) ← ST(d) op ST(s); pops once after when `popAfter`. */
function arithReg(fn: Op2, d: number, s: number, popAfter: boolean): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const pd = phys(cpu, d), ps = phys(cpu, s);
    if (isEmpty(cpu, pd) || isEmpty(cpu, ps)) {
      if (underflow()) { setReg(cpu, pd, INDEFINITE); if (popAfter) pop(cpu); }
      finish(cpu);
      return;
    }
    getReg(cpu, pd, FA);
    getReg(cpu, ps, FB);
    fn(FR, FA, FB);
    if (!suppressed()) {
      setReg(cpu, pd, FR);
      if (popAfter) pop(cpu);
    }
    finish(cpu);
  };
}

// --- Memory operands, converted exactly to extended precision (conversion never rounds).

export type MemLoader = (cpu: Cpu, a: number, out: F80) => void;
export const loadM32: MemLoader = (cpu, a, out) => fromF32(out, cpu.mem.read32(a));
export const loadM64: MemLoader = (cpu, a, out) => { const lo = cpu.mem.read64(a); fromF64(out, lo, cpu.mem.hi); };
export const loadI16: MemLoader = (cpu, a, out) => { const v = (cpu.mem.read16(a) << 16) >> 16; fromInt64(out, v, v >> 31); };
export const loadI32: MemLoader = (cpu, a, out) => { const v = cpu.mem.read32(a); fromInt64(out, v, v >> 31); };

/** ST(0) ← ST(0) op m. */
function arithMem(fn: Op2, load: MemLoader): Handler {
  return (cpu, i) => {
    enter(cpu);
    const a = ea(cpu, i);
    load(cpu, a, FM);
    noteIp(cpu, i);
    cpu.fpDp = a;
    const p0 = cpu.fpTop;
    if (isEmpty(cpu, p0)) {
      if (underflow()) setReg(cpu, p0, INDEFINITE);
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    fn(FR, FA, FM);
    if (!suppressed()) setReg(cpu, p0, FR);
    finish(cpu);
  };
}

// --- Comparisons. C3 C2 C0 as for a subtraction ST(0) − src; C1 cleared. The condition codes
// are written even when the compare raises an unmasked exception (the host does so); only the
// pops are suppressed.

function setCc(cpu: Cpu, cc: number): void {
  cpu.fpSw = (cpu.fpSw & ~(C0 | C2 | C3)) | cc;
}

/** FCOM/FUCOM family with a register operand; `pops` is 0, 1 or 2. */
function compareReg(s: number, quiet: boolean, pops: number): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop, ps = phys(cpu, s);
    if (isEmpty(cpu, p0) || isEmpty(cpu, ps)) {
      setCc(cpu, C3 | C2 | C0);
      if (underflow()) for (let k = 0; k < pops; k++) pop(cpu);
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    getReg(cpu, ps, FB);
    setCc(cpu, ccOfCompare(compare(FA, FB, quiet)));
    if (!suppressed()) for (let k = 0; k < pops; k++) pop(cpu);
    finish(cpu);
  };
}

/** FCOM/FICOM with a memory operand (FCOMP/FICOMP pop once). */
function compareMem(load: MemLoader, popAfter: boolean): Handler {
  return (cpu, i) => {
    enter(cpu);
    const a = ea(cpu, i);
    load(cpu, a, FM);
    noteIp(cpu, i);
    cpu.fpDp = a;
    const p0 = cpu.fpTop;
    if (isEmpty(cpu, p0)) {
      setCc(cpu, C3 | C2 | C0);
      if (underflow() && popAfter) pop(cpu);
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    setCc(cpu, ccOfCompare(compare(FA, FM, false)));
    if (!suppressed() && popAfter) pop(cpu);
    finish(cpu);
  };
}

const ZERO = new F80();

/** FTST: compare ST(0) with +0.0. */
export const ftst: Handler = (cpu, i) => {
  enter(cpu);
  noteIp(cpu, i);
  const p0 = cpu.fpTop;
  if (isEmpty(cpu, p0)) {
    underflow();
    setCc(cpu, C3 | C2 | C0);
    finish(cpu);
    return;
  }
  getReg(cpu, p0, FA);
  setCc(cpu, ccOfCompare(compare(FA, ZERO, false)));
  finish(cpu);
};

/**
 * FCOMI/FUCOMI(P): the result goes to ZF, PF, CF (unordered sets all three); OF, SF and AF are
 * cleared, as the host shows — also when the compare raises an unmasked exception.
 */
function compareFlags(s: number, quiet: boolean, popAfter: boolean): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop, ps = phys(cpu, s);
    if (isEmpty(cpu, p0) || isEmpty(cpu, ps)) {
      setArith(cpu, ARITH_FLAGS, ZF | PF | CF);
      if (underflow() && popAfter) pop(cpu);
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    getReg(cpu, ps, FB);
    const r = compare(FA, FB, quiet);
    setArith(cpu, ARITH_FLAGS, r === CMP_GT ? 0 : r === CMP_LT ? CF : r === CMP_EQ ? ZF : ZF | PF | CF);
    if (popAfter && !suppressed()) pop(cpu);
    finish(cpu);
  };
}

/** FCMOVcc ST(0), ST(i): `cc` is the Jcc condition code (B=2, E=4, BE=6, U=PF=10, and their negations). */
function fcmov(cc: number, s: number): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop, ps = phys(cpu, s);
    if (isEmpty(cpu, p0) || isEmpty(cpu, ps)) {
      if (underflow()) setReg(cpu, p0, INDEFINITE);
      finish(cpu);
      return;
    }
    if (cond(cpu, cc)) {
      getReg(cpu, ps, FA);
      setReg(cpu, p0, FA);
    }
    finish(cpu);
  };
}

// --- Binders for the x87 opcode table (x87.ts).

/** D8 register row: ST(0) ← ST(0) op ST(i); FCOM/FCOMP ST(i). */
export function bindD8Reg(i: Insn): Handler | null {
  const r = i.reg & 7, s = i.rm & 7;
  if (r === 2 || r === 3) return compareReg(s, false, r - 2);
  return arithReg(OPS_D8[r] as Op2, 0, s, false);
}

/** DC register row: ST(i) ← ST(i) op ST(0); DE row: the same then pop. /2 and /3 are FCOM aliases (FCOMP5 for DE /2, FCOMPP for DE D9). */
export function bindDcReg(i: Insn, popAfter: boolean): Handler | null {
  const r = i.reg & 7, s = i.rm & 7;
  if (r === 2) return compareReg(s, false, popAfter ? 1 : 0);
  if (r === 3) {
    if (!popAfter) return compareReg(s, false, 1);
    return s === 1 ? compareReg(1, false, 2) : null;
  }
  return arithReg(OPS_DC[r] as Op2, s, 0, popAfter);
}

/** Memory row of D8 (m32), DC (m64), DA (m32int), DE (m16int). */
export function bindArithMem(i: Insn, load: MemLoader): Handler | null {
  const r = i.reg & 7;
  if (r === 2 || r === 3) return compareMem(load, r === 3);
  return arithMem(OPS_D8[r] as Op2, load);
}

/** FUCOM ST(i) (DD E0+i), FUCOMP (DD E8+i), FUCOMPP (DA E9). */
export function bindFucom(i: Insn, pops: number): Handler | null {
  return compareReg(i.rm & 7, true, pops);
}

/** FCOMI (DB F0+i), FUCOMI (DB E8+i), FCOMIP (DF F0+i), FUCOMIP (DF E8+i). */
export function bindFcomi(i: Insn, quiet: boolean, popAfter: boolean): Handler {
  return compareFlags(i.rm & 7, quiet, popAfter);
}

/** FCMOVcc: DA C0/C8/D0/D8 (B, E, BE, U) and DB (NB, NE, NBE, NU). */
export function bindFcmov(i: Insn, negate: boolean): Handler {
  const cc = [2, 4, 6, 10][i.reg & 3] | (negate ? 1 : 0);
  return fcmov(cc, i.rm & 7);
}
