// The x87 register stack and status word as the instructions see them (SDM Vol. 1 §8.1-8.5):
// ST(i) is physical register (TOP + i) mod 8; the abridged tag (cpu.fpTag, bit p = register p
// not empty) says which hold values; cpu.fpSw holds the status word without TOP.
//
// Every x87 instruction starts with enter() (or enterNoWait() for FNINIT, FNCLEX, FNSTSW, FNSTCW,
// FNSTENV, FNSAVE): #NM when CR0.EM or CR0.TS is set, and for the waiting forms #MF when an
// earlier instruction left an unmasked exception pending (ES set) — CR0.NE is set, so the error
// is reported as exception 16 before the next waiting instruction, as on hardware (§8.7). It ends
// with finish(), which merges the exception flags and C1 the arithmetic reported (fpu/f80.ts env)
// and sets ES and B when any raised exception is unmasked.
//
// Unmasked invalid-operation, denormal and divide-by-zero exceptions leave the destination and
// the stack untouched (§8.5.1-8.5.3): handlers test suppressed() before writing or popping.

import type { Cpu } from '../cpu.js';
import type { Insn } from '../insn.js';
import { raiseNoCode } from '../operands.js';
import { NM, MF, CR0_EM, CR0_TS } from '../regs.js';
import { F80, env, setIndefinite, IE, DE, ZE, SF, ES, BUSY, C1, K_ZERO, K_NORMAL, K_INF, classify } from '../fpu/f80.js';

// Scratch operands and results shared by the x87 handlers (no allocation per instruction).
export const FA = new F80(), FB = new F80(), FM = new F80(), FR = new F80(), FR2 = new F80();
export const INDEFINITE = new F80();
setIndefinite(INDEFINITE);

/** Start a waiting x87 instruction. */
export function enter(cpu: Cpu): void {
  if ((cpu.cr0 & (CR0_EM | CR0_TS)) !== 0) raiseNoCode(cpu, NM);
  if ((cpu.fpSw & ES) !== 0) raiseNoCode(cpu, MF);
  env.cw = cpu.fpCw;
  env.flags = 0;
  env.c1 = 0;
  env.srcDenormal = false;
}

/** Start a non-waiting control instruction (no #MF check). */
export function enterNoWait(cpu: Cpu): void {
  if ((cpu.cr0 & (CR0_EM | CR0_TS)) !== 0) raiseNoCode(cpu, NM);
  env.cw = cpu.fpCw;
  env.flags = 0;
  env.c1 = 0;
  env.srcDenormal = false;
}

/**
 * The 11-bit opcode FSTENV/FSAVE/FXSAVE report as FOP (SDM Vol. 1 §8.1.10): the low three bits
 * of the first opcode byte and the ModR/M byte. Binders store it in Insn.imm2, which no x87
 * instruction otherwise uses, so handlers do not rebuild it.
 */
export function fop(i: Insn): number {
  return ((i.op & 7) << 8) | (i.mod << 6) | ((i.reg & 7) << 3) | (i.rm & 7);
}

/** Record the last non-control instruction's address and opcode (FIP, FOP; §8.1.8). */
export function noteIp(cpu: Cpu, i: Insn): void {
  cpu.fpIp = i.ip;
  cpu.fpOp = i.imm2;
}

export function phys(cpu: Cpu, sti: number): number {
  return (cpu.fpTop + sti) & 7;
}

export function isEmpty(cpu: Cpu, p: number): boolean {
  return (cpu.fpTag & (1 << p)) === 0;
}

export function getReg(cpu: Cpu, p: number, out: F80): void {
  out.lo = cpu.fpMant[2 * p];
  out.hi = cpu.fpMant[2 * p + 1];
  out.se = cpu.fpExp[p];
}

export function setReg(cpu: Cpu, p: number, v: F80): void {
  cpu.fpMant[2 * p] = v.lo;
  cpu.fpMant[2 * p + 1] = v.hi;
  cpu.fpExp[p] = v.se;
  cpu.fpTag |= 1 << p;
}

export function pop(cpu: Cpu): void {
  cpu.fpTag &= ~(1 << cpu.fpTop);
  cpu.fpTop = (cpu.fpTop + 1) & 7;
}

/** Push a value (the caller has checked for overflow). */
export function push(cpu: Cpu, v: F80): void {
  cpu.fpTop = (cpu.fpTop - 1) & 7;
  setReg(cpu, cpu.fpTop, v);
}

/** Stack underflow: IE and SF with C1 = 0 (§8.5.1.1). True when IE is masked (the caller writes the indefinite). */
export function underflow(): boolean {
  env.flags |= IE | SF;
  env.c1 = 0;
  return (env.cw & IE) !== 0;
}

/** Stack overflow: IE and SF with C1 = 1. True when IE is masked (the push stores the indefinite). */
export function overflow(): boolean {
  env.flags |= IE | SF;
  env.c1 = 1;
  return (env.cw & IE) !== 0;
}

/**
 * Push `v` unless the register below TOP is full; on overflow push the indefinite when IE is
 * masked, nothing when unmasked.
 */
export function pushChecked(cpu: Cpu, v: F80): void {
  if (!isEmpty(cpu, (cpu.fpTop - 1) & 7)) {
    if (overflow()) push(cpu, INDEFINITE);
    return;
  }
  push(cpu, v);
}

/** Did the instruction raise an unmasked IE, DE or ZE (no result is delivered)? */
export function suppressed(): boolean {
  return (env.flags & ~env.cw & (IE | DE | ZE)) !== 0;
}

/** Merge the instruction's exception flags and C1 into the status word; flag a pending unmasked exception. */
export function finish(cpu: Cpu): void {
  let sw = (cpu.fpSw & ~C1) | env.flags | (env.c1 !== 0 ? C1 : 0);
  if ((sw & ~cpu.fpCw & 0x3f) !== 0) sw |= ES | BUSY;
  cpu.fpSw = sw;
}

/** The status word as FSTSW/FSTENV report it: TOP in bits 11-13. */
export function statusWord(cpu: Cpu): number {
  return (cpu.fpSw & ~0x3800) | (cpu.fpTop << 11);
}

/**
 * The full tag word (two bits per physical register: 00 valid, 01 zero, 10 special — NaN, ∞,
 * denormal or unsupported — 11 empty), derived from the contents as FSTENV and FSAVE do (§8.1.7).
 */
export function fullTag(cpu: Cpu): number {
  let tw = 0;
  for (let p = 0; p < 8; p++) {
    let t: number;
    if (isEmpty(cpu, p)) t = 3;
    else {
      const k = classify(cpu.fpExp[p], cpu.fpMant[2 * p + 1], cpu.fpMant[2 * p]);
      t = k === K_NORMAL ? 0 : k === K_ZERO ? 1 : 2;
      if (k === K_INF) t = 2;
    }
    tw |= t << (2 * p);
  }
  return tw;
}
