// x87 loads and stores: FLD/FST/FSTP (m32, m64, m80, ST(i)), FILD/FIST/FISTP (m16, m32, m64),
// FISTTP (SSE3), FBLD/FBSTP, and the constants FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ
// (SDM Vol. 2, each instruction).
//
// Memory is read before any register changes and written before the stack pops, so a page
// fault leaves the FPU as it was. A store whose conversion raises an unmasked exception (IE,
// and OE/UE/DE for the rounding stores) writes nothing and does not pop (SDM Vol. 1 §8.5).

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { ea } from '../operands.js';
import { F80, env, classOf, quietNaN, K_SNAN, IE, DE, OE, UE, RC_CHOP, setZero } from '../fpu/f80.js';
import { toF32, toF64, F64_HI, toInt, INT, toBcd, fromBcd, BCD, fromInt64 } from '../fpu/convert.js';
import { loadConstant } from '../fpu/misc.js';
import {
  enter, noteIp, phys, isEmpty, getReg, setReg, pop, pushChecked, underflow, finish,
  FA, FM, INDEFINITE,
} from './x87-state.js';
import { loadM32, loadM64, loadI16, loadI32, type MemLoader } from './x87-arith.js';

/** Exceptions that stop a store to memory when unmasked. */
const STORE_STOPS = IE | DE | OE | UE;
function storeStopped(): boolean {
  return (env.flags & ~env.cw & STORE_STOPS) !== 0;
}

// --- Loads.

const loadI64: MemLoader = (cpu, a, out) => { const lo = cpu.mem.read64(a); fromInt64(out, lo, cpu.mem.hi); };
const loadM80: MemLoader = (cpu, a, out) => {
  const lo = cpu.mem.read64(a), hi = cpu.mem.hi;
  out.se = cpu.mem.read16(a + 8);
  out.lo = lo >>> 0;
  out.hi = hi >>> 0;
};
const loadBcd: MemLoader = (cpu, a, out) => {
  cpu.mem.physR(a + 9);
  for (let k = 0; k < 10; k++) BCD[k] = cpu.mem.read8(a + k);
  fromBcd(out);
};

/**
 * FLD m32/m64 (quietens an SNaN with IE and reports a denormal with DE: the value is converted
 * exactly, §8.5.1), FLD m80, FILD and FBLD (exact, only stack overflow can happen).
 */
function loadMem(load: MemLoader, convert: boolean): Handler {
  return (cpu, i) => {
    enter(cpu);
    const a = ea(cpu, i);
    load(cpu, a, FM);
    noteIp(cpu, i);
    cpu.fpDp = a;
    if (convert) {
      if (classOf(FM) === K_SNAN) quietNaN(FM, FM);
      // An unmasked DE still loads the value (the host does); an unmasked IE loads nothing.
      if (env.srcDenormal) env.flags |= DE;
      if ((env.flags & ~env.cw & IE) !== 0) { finish(cpu); return; }
    }
    pushChecked(cpu, FM);
    finish(cpu);
  };
}

/** FLD ST(i): ST(i) is read before the push. */
function loadReg(s: number): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const ps = phys(cpu, s);
    if (isEmpty(cpu, ps)) {
      if (underflow()) pushChecked(cpu, INDEFINITE);
      finish(cpu);
      return;
    }
    getReg(cpu, ps, FA);
    pushChecked(cpu, FA);
    finish(cpu);
  };
}

const ONE = new F80();
ONE.se = 0x3fff; ONE.hi = 0x80000000;
const ZERO = new F80();
setZero(ZERO, 0);

/** FLD1 (k = −1), FLDZ (k = −2), or the rounded constants of fpu/misc.ts (k = 0…4). */
function loadConst(k: number): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    if (k === -1) pushChecked(cpu, ONE);
    else if (k === -2) pushChecked(cpu, ZERO);
    else {
      loadConstant(FM, k);
      pushChecked(cpu, FM);
    }
    finish(cpu);
  };
}

// --- Stores.

type Storer = (cpu: Cpu, a: number, v: F80) => void;

function write80(cpu: Cpu, a: number, lo: number, hi: number, se: number): void {
  cpu.mem.physW(a + 9); // fault on the second page before writing the first
  cpu.mem.write64(a, lo | 0, hi | 0);
  cpu.mem.write16(a + 8, se);
}

const storeM32: Storer = (cpu, a, v) => { const bits = toF32(v); if (!storeStopped()) cpu.mem.write32(a, bits); };
const storeM64: Storer = (cpu, a, v) => { const lo = toF64(v); if (!storeStopped()) cpu.mem.write64(a, lo, F64_HI[0]); };
const storeM80: Storer = (cpu, a, v) => write80(cpu, a, v.lo, v.hi, v.se);
function storeInt(bits: number, rcFixed: number): Storer {
  return (cpu, a, v) => {
    toInt(v, bits, rcFixed >= 0 ? rcFixed : (env.cw >> 10) & 3);
    if (storeStopped()) return;
    if (bits === 16) cpu.mem.write16(a, INT.lo);
    else if (bits === 32) cpu.mem.write32(a, INT.lo);
    else cpu.mem.write64(a, INT.lo, INT.hi);
  };
}
const storeBcd: Storer = (cpu, a, v) => {
  toBcd(v, (env.cw >> 10) & 3);
  if (storeStopped()) return;
  cpu.mem.physW(a + 9);
  cpu.mem.physW(a);
  for (let k = 0; k < 10; k++) cpu.mem.write8(a + k, BCD[k]);
};

/**
 * FST/FSTP/FIST/FISTP/FISTTP/FBSTP to memory. An empty ST(0) is a stack underflow: with IE
 * masked the conversion of the real indefinite is stored (giving each format's indefinite).
 */
function storeMem(store: Storer, popAfter: boolean): Handler {
  return (cpu, i) => {
    enter(cpu);
    const a = ea(cpu, i);
    noteIp(cpu, i);
    cpu.fpDp = a;
    const p0 = cpu.fpTop;
    if (isEmpty(cpu, p0)) {
      if (underflow()) {
        store(cpu, a, INDEFINITE);
        if (popAfter) pop(cpu);
      }
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    store(cpu, a, FA);
    if (!storeStopped() && popAfter) pop(cpu);
    finish(cpu);
  };
}

/** FST/FSTP ST(i) (and the FSTP1/FSTP8/FSTP9 aliases): a copy, no conversion, no exception but underflow. */
function storeReg(d: number, popAfter: boolean): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop;
    if (isEmpty(cpu, p0)) {
      if (underflow()) { setReg(cpu, phys(cpu, d), INDEFINITE); if (popAfter) pop(cpu); }
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    setReg(cpu, phys(cpu, d), FA);
    if (popAfter) pop(cpu);
    finish(cpu);
  };
}

// --- Binders (x87.ts).

export const bindFldM32 = (): Handler => loadMem(loadM32, true);
export const bindFldM64 = (): Handler => loadMem(loadM64, true);
export const bindFldM80 = (): Handler => loadMem(loadM80, false);
export const bindFildM16 = (): Handler => loadMem(loadI16, false);
export const bindFildM32 = (): Handler => loadMem(loadI32, false);
export const bindFildM64 = (): Handler => loadMem(loadI64, false);
export const bindFbld = (): Handler => loadMem(loadBcd, false);
export const bindFldReg = (i: Insn): Handler => loadReg(i.rm & 7);
/** D9 E8-EE: FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ. */
export const bindFldConst = (i: Insn): Handler | null => {
  const k = i.rm & 7;
  if (k === 7) return null;
  return loadConst(k === 0 ? -1 : k === 6 ? -2 : k - 1);
};

export const bindFstM32 = (popAfter: boolean): Handler => storeMem(storeM32, popAfter);
export const bindFstM64 = (popAfter: boolean): Handler => storeMem(storeM64, popAfter);
export const bindFstpM80 = (): Handler => storeMem(storeM80, true);
export const bindFist = (bits: number, popAfter: boolean): Handler => storeMem(storeInt(bits, -1), popAfter);
export const bindFisttp = (bits: number): Handler => storeMem(storeInt(bits, RC_CHOP), true);
export const bindFbstp = (): Handler => storeMem(storeBcd, true);
export const bindFstReg = (i: Insn, popAfter: boolean): Handler => storeReg(i.rm & 7, popAfter);
