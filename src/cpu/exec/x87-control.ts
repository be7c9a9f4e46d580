// x87 control and stack instructions: FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW (m16, AX), FNSTENV,
// FLDENV, FNSAVE, FRSTOR, FXCH, FFREE, FFREEP, FNOP, FWAIT (SDM Vol. 2; layouts in Vol. 1
// §8.1.10, Figures 8-9 to 8-12).
//
// The environment and save-area layouts used are the protected-mode ones, which 64-bit mode
// uses too: 28 bytes (+ 80 for FSAVE) with a 32- or 64-bit operand size, 14 (+ 80) with a 66h
// prefix. FIP is stored as its low 32 bits with the CS selector; FDP likewise with DS = 0;
// reserved halves read as 0xFFFF as on the host.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { ea, raiseNoCode, setR16 } from '../operands.js';
import { CS, NM, MF, CR0_TS, CR0_MP } from '../regs.js';
import { ES, BUSY } from '../fpu/f80.js';
import {
  enter, enterNoWait, noteIp, phys, isEmpty, getReg, setReg, pop, underflow, finish, statusWord,
  fullTag, FA, FB, INDEFINITE,
} from './x87-state.js';

const TWO32 = 4294967296;

/** FNINIT: the state after reset (SDM Vol. 1 Table 8-7). */
export function fpuInit(cpu: Cpu): void {
  cpu.fpCw = 0x37f;
  cpu.fpSw = 0;
  cpu.fpTop = 0;
  cpu.fpTag = 0;
  cpu.fpIp = 0;
  cpu.fpDp = 0;
  cpu.fpOp = 0;
}

/** Control-word bits that exist (reserved bit 6 reads as 1, bits 7 and 13-15 as 0). */
function setCw(cpu: Cpu, v: number): void {
  cpu.fpCw = (v & 0x1f3f) | 0x40;
  // Loading a control word that unmasks an exception whose flag is set leaves it pending (§8.5).
  if ((cpu.fpSw & ~cpu.fpCw & 0x3f) !== 0) cpu.fpSw |= ES | BUSY;
  else cpu.fpSw &= ~(ES | BUSY);
}

const fninit: Handler = (cpu) => { enterNoWait(cpu); fpuInit(cpu); };
const fnclex: Handler = (cpu) => { enterNoWait(cpu); cpu.fpSw &= ~0x80ff; };
const fnop: Handler = (cpu, i) => { enter(cpu); noteIp(cpu, i); };
/** FENI, FDISI, FSETPM (DB E0, E1, E4): 8087/287 instructions that the 387 and later execute as FNOP. */
const fnopNoWait: Handler = (cpu) => { enterNoWait(cpu); };

const fldcw: Handler = (cpu, i) => {
  enter(cpu);
  const v = cpu.mem.read16(ea(cpu, i));
  setCw(cpu, v);
};
const fnstcw: Handler = (cpu, i) => { enterNoWait(cpu); cpu.mem.write16(ea(cpu, i), cpu.fpCw); };
const fnstswMem: Handler = (cpu, i) => { enterNoWait(cpu); cpu.mem.write16(ea(cpu, i), statusWord(cpu)); };
const fnstswAx: Handler = (cpu) => { enterNoWait(cpu); setR16(cpu, 0, statusWord(cpu)); };

// --- Environment and full state.

function envSize(osz: number): number {
  return osz === 2 ? 14 : 28;
}

function storeEnv(cpu: Cpu, a: number, osz: number, cw: number): void {
  const m = cpu.mem;
  const ip = ((cpu.fpIp % TWO32) + TWO32) % TWO32, dp = ((cpu.fpDp % TWO32) + TWO32) % TWO32;
  if (osz === 2) {
    m.write16(a, cw);
    m.write16(a + 2, statusWord(cpu));
    m.write16(a + 4, fullTag(cpu));
    m.write16(a + 6, ip & 0xffff);
    m.write16(a + 8, cpu.sel[CS]);
    m.write16(a + 10, dp & 0xffff);
    m.write16(a + 12, 0);
    return;
  }
  m.write32(a, cw | 0xffff0000);
  m.write32(a + 4, statusWord(cpu) | 0xffff0000);
  m.write32(a + 8, fullTag(cpu) | 0xffff0000);
  m.write32(a + 12, ip | 0);
  m.write32(a + 16, (cpu.sel[CS] & 0xffff) | ((cpu.fpOp & 0x7ff) << 16));
  m.write32(a + 20, dp | 0);
  m.write32(a + 24, 0xffff0000 | 0);
}

function loadEnv(cpu: Cpu, a: number, osz: number): void {
  const m = cpu.mem;
  const wide = osz !== 2;
  const cw = m.read16(a);
  const sw = m.read16(a + (wide ? 4 : 2));
  const tw = m.read16(a + (wide ? 8 : 4));
  const ip = wide ? m.read32(a + 12) >>> 0 : m.read16(a + 6);
  const op = wide ? (m.read32(a + 16) >>> 16) & 0x7ff : 0;
  const dp = wide ? m.read32(a + 20) >>> 0 : m.read16(a + 10);
  cpu.fpTop = (sw >> 11) & 7;
  cpu.fpSw = sw & ~0x3800;
  let tag = 0;
  for (let p = 0; p < 8; p++) if (((tw >> (2 * p)) & 3) !== 3) tag |= 1 << p;
  cpu.fpTag = tag;
  cpu.fpIp = ip;
  cpu.fpOp = op;
  cpu.fpDp = dp;
  setCw(cpu, cw);
  // setCw recomputes ES from the loaded flags and masks (a loaded ES alone means nothing).
}

/** Fault on either end of an area before writing any of it. */
function probeWrite(cpu: Cpu, a: number, n: number): void {
  cpu.mem.physW(a);
  cpu.mem.physW(a + n - 1);
}

/**
 * FNSTENV: store the environment, then mask every exception (SDM Vol. 2 FSTENV). Masking
 * recomputes ES and B, so a pending exception is dropped (as the host shows).
 */
const fnstenv: Handler = (cpu, i) => {
  enterNoWait(cpu);
  const a = ea(cpu, i);
  probeWrite(cpu, a, envSize(i.osz));
  storeEnv(cpu, a, i.osz, cpu.fpCw);
  setCw(cpu, cpu.fpCw | 0x3f);
};

const fldenv: Handler = (cpu, i) => {
  enter(cpu);
  const a = ea(cpu, i);
  cpu.mem.physR(a + envSize(i.osz) - 1);
  loadEnv(cpu, a, i.osz);
};

/** FNSAVE: environment, then ST(0)…ST(7) in stack order, then FNINIT. */
const fnsave: Handler = (cpu, i) => {
  enterNoWait(cpu);
  const a = ea(cpu, i);
  const n = envSize(i.osz);
  probeWrite(cpu, a, n + 80);
  storeEnv(cpu, a, i.osz, cpu.fpCw);
  for (let k = 0; k < 8; k++) {
    const p = phys(cpu, k), r = a + n + 10 * k;
    cpu.mem.write32(r, cpu.fpMant[2 * p] | 0);
    cpu.mem.write32(r + 4, cpu.fpMant[2 * p + 1] | 0);
    cpu.mem.write16(r + 8, cpu.fpExp[p]);
  }
  fpuInit(cpu);
};

const frstor: Handler = (cpu, i) => {
  enter(cpu);
  const a = ea(cpu, i);
  const n = envSize(i.osz);
  cpu.mem.physR(a);
  cpu.mem.physR(a + n + 79);
  loadEnv(cpu, a, i.osz);
  for (let k = 0; k < 8; k++) {
    const p = phys(cpu, k), r = a + n + 10 * k;
    cpu.fpMant[2 * p] = cpu.mem.read32(r);
    cpu.fpMant[2 * p + 1] = cpu.mem.read32(r + 4);
    cpu.fpExp[p] = cpu.mem.read16(r + 8);
  }
};

// --- Stack manipulation.

/** FXCH ST(i): an empty operand is an underflow; with IE masked it becomes the indefinite first. C1 = 0 (as the host does; the SDM says 1). */
function fxch(s: number): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop, ps = phys(cpu, s);
    if (isEmpty(cpu, p0) || isEmpty(cpu, ps)) {
      if (!underflow()) { finish(cpu); return; }
      if (isEmpty(cpu, p0)) setReg(cpu, p0, INDEFINITE);
      if (isEmpty(cpu, ps)) setReg(cpu, ps, INDEFINITE);
    }
    getReg(cpu, p0, FA);
    getReg(cpu, ps, FB);
    setReg(cpu, p0, FB);
    setReg(cpu, ps, FA);
    finish(cpu);
  };
}

/** FFREE ST(i) (and FFREEP, which pops too): mark the register empty; the condition codes are left alone. */
function ffree(s: number, popAfter: boolean): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    cpu.fpTag &= ~(1 << phys(cpu, s));
    if (popAfter) pop(cpu);
  };
}

/**
 * WAIT/FWAIT (9B): #NM when CR0.MP and CR0.TS are both set; otherwise #MF if an unmasked
 * exception is pending (SDM Vol. 2 WAIT/FWAIT; Vol. 3 Table 2-2).
 */
export const fwait: Handler = (cpu) => {
  if ((cpu.cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) raiseNoCode(cpu, NM);
  if ((cpu.fpSw & ES) !== 0) raiseNoCode(cpu, MF);
};

// --- Binders (x87.ts).

export const bindFldcw = (): Handler => fldcw;
export const bindFnstcw = (): Handler => fnstcw;
export const bindFnstswMem = (): Handler => fnstswMem;
export const bindFnstenv = (): Handler => fnstenv;
export const bindFldenv = (): Handler => fldenv;
export const bindFnsave = (): Handler => fnsave;
export const bindFrstor = (): Handler => frstor;
export const bindFxch = (i: Insn): Handler => fxch(i.rm & 7);
export const bindFfree = (i: Insn, popAfter: boolean): Handler => ffree(i.rm & 7, popAfter);
export const bindFnop = (): Handler => fnop;

/** DB E0-E7: FENI FDISI FNCLEX FNINIT FSETPM; E5-E7 do not exist. */
export function bindDbE0(i: Insn): Handler | null {
  switch (i.rm & 7) {
    case 0: case 1: case 4: return fnopNoWait;
    case 2: return fnclex;
    case 3: return fninit;
    default: return null;
  }
}

/** DF E0: FNSTSW AX (the only register form of DF /4). */
export function bindFnstswAx(i: Insn): Handler | null {
  return (i.rm & 7) === 0 ? fnstswAx : null;
}
