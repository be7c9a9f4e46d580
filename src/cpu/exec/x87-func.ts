// The x87 function row D9 E0-FF: FCHS FABS FTST FXAM, F2XM1 FYL2X FPTAN FPATAN FXTRACT FPREM1
// FDECSTP FINCSTP FPREM FYL2XP1 FSQRT FSINCOS FRNDINT FSCALE FSIN FCOS (SDM Vol. 2).

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { F80, env, pcOf, C0, C2, C3 } from '../fpu/f80.js';
import { sqrt } from '../fpu/arith.js';
import { roundInt } from '../fpu/convert.js';
import { examine } from '../fpu/compare.js';
import { scale, extract, prem, PREM } from '../fpu/misc.js';
import { f2xm1, fyl2x, fpatan, fsin, fcos, fsincos, fptan, TRIG_OUT_OF_RANGE } from '../fpu/trans.js';
import {
  enter, noteIp, phys, isEmpty, getReg, setReg, pop, push, underflow, overflow, suppressed, finish,
  FA, FB, FR, FR2, INDEFINITE,
} from './x87-state.js';
import { ftst } from './x87-arith.js';

type Op1 = (out: F80, a: F80) => void;

/** ST(0) ← f(ST(0)). */
function unary(fn: Op1): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop;
    if (isEmpty(cpu, p0)) {
      if (underflow()) setReg(cpu, p0, INDEFINITE);
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    fn(FR, FA);
    if (!suppressed()) setReg(cpu, p0, FR);
    finish(cpu);
  };
}

/** FCHS and FABS change only the sign bit, of any operand (no exceptions but underflow); C1 = 0. */
const fchs: Op1 = (o, a) => { o.lo = a.lo; o.hi = a.hi; o.se = a.se ^ 0x8000; };
const fabs: Op1 = (o, a) => { o.lo = a.lo; o.hi = a.hi; o.se = a.se & 0x7fff; };
const fsqrt: Op1 = (o, a) => sqrt(o, a, pcOf(env.cw));
const frndint: Op1 = (o, a) => roundInt(o, a, (env.cw >> 10) & 3);
const f2xm1Op: Op1 = (o, a) => f2xm1(o, a);

/** FXAM: class of ST(0) in C3 C2 C0 and its sign in C1; an empty register is "empty" (C3 C0). */
const fxam: Handler = (cpu, i) => {
  enter(cpu);
  noteIp(cpu, i);
  const p0 = cpu.fpTop;
  const sign = (cpu.fpExp[p0] & 0x8000) !== 0;
  let cc: number;
  if (isEmpty(cpu, p0)) cc = C3 | C0;
  else { getReg(cpu, p0, FA); cc = examine(FA); }
  cpu.fpSw = (cpu.fpSw & ~(C0 | C2 | C3)) | cc;
  env.c1 = sign ? 1 : 0;
  finish(cpu);
};

/** ST(0) ← f(ST(0), ST(1)) (FSCALE, FPREM, FPREM1); `after` adjusts the condition codes. */
function binary01(fn: (out: F80, a: F80, b: F80) => void, after: ((cpu: Cpu) => void) | null): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop, p1 = phys(cpu, 1);
    if (isEmpty(cpu, p0) || isEmpty(cpu, p1)) {
      if (underflow()) setReg(cpu, p0, INDEFINITE);
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    getReg(cpu, p1, FB);
    fn(FR, FA, FB);
    if (!suppressed()) {
      setReg(cpu, p0, FR);
      if (after !== null) after(cpu);
    }
    finish(cpu);
  };
}

/**
 * FPREM/FPREM1: C2 = 1 when the reduction is partial; otherwise C2 = 0 and the quotient's low
 * bits go to C0 (Q2), C3 (Q1) and C1 (Q0).
 */
function premCodes(cpu: Cpu): void {
  const q = PREM.q;
  let sw = cpu.fpSw & ~(C0 | C2 | C3);
  if (PREM.partial) sw |= C2;
  else {
    if (q & 4) sw |= C0;
    if (q & 2) sw |= C3;
  }
  env.c1 = PREM.partial ? 0 : q & 1;
  cpu.fpSw = sw;
}

/** ST(1) ← f(ST(0), ST(1)), then pop (FYL2X, FYL2XP1, FPATAN). */
function binaryPop(fn: (out: F80, x: F80, y: F80) => void): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop, p1 = phys(cpu, 1);
    if (isEmpty(cpu, p0) || isEmpty(cpu, p1)) {
      if (underflow()) { setReg(cpu, p1, INDEFINITE); pop(cpu); }
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    getReg(cpu, p1, FB);
    fn(FR, FA, FB);
    if (!suppressed()) {
      setReg(cpu, p1, FR);
      pop(cpu);
    }
    finish(cpu);
  };
}

/** FSIN, FCOS: ST(0) ← f(ST(0)); |x| ≥ 2^63 sets C2 and leaves ST(0) alone. */
function trig(fn: (out: F80, a: F80) => number): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop;
    cpu.fpSw &= ~C2;
    if (isEmpty(cpu, p0)) {
      if (underflow()) setReg(cpu, p0, INDEFINITE);
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    if (fn(FR, FA) === TRIG_OUT_OF_RANGE) cpu.fpSw |= C2;
    else if (!suppressed()) setReg(cpu, p0, FR);
    finish(cpu);
  };
}

/**
 * FXTRACT, FPTAN, FSINCOS replace ST(0) and push a second result: ST(1) ← first, ST(0) ← second.
 * An empty ST(0) is an underflow, a full ST(7) an overflow; either way, with IE masked, both
 * results are the indefinite.
 */
function twoResults(fn: (first: F80, second: F80, a: F80) => number): Handler {
  return (cpu, i) => {
    enter(cpu);
    noteIp(cpu, i);
    const p0 = cpu.fpTop;
    cpu.fpSw &= ~C2;
    const emptyArg = isEmpty(cpu, p0);
    if (emptyArg || !isEmpty(cpu, (p0 - 1) & 7)) {
      if (emptyArg ? underflow() : overflow()) {
        setReg(cpu, p0, INDEFINITE);
        push(cpu, INDEFINITE);
      }
      finish(cpu);
      return;
    }
    getReg(cpu, p0, FA);
    if (fn(FR, FR2, FA) === TRIG_OUT_OF_RANGE) { cpu.fpSw |= C2; finish(cpu); return; }
    if (!suppressed()) {
      setReg(cpu, p0, FR);
      push(cpu, FR2);
    }
    finish(cpu);
  };
}

const ONE = new F80();
ONE.se = 0x3fff; ONE.hi = 0x80000000;

const fxtract = twoResults((exp, sig, a) => { extract(sig, exp, a); return 0; });
/** FPTAN pushes 1.0 after tan(x); when the result is a NaN (invalid or NaN operand) it pushes the NaN again. */
const fptanH = twoResults((t, one, a) => {
  const r = fptan(t, a);
  if ((t.se & 0x7fff) === 0x7fff && ((t.hi & 0x7fffffff) | t.lo) !== 0) { one.se = t.se; one.hi = t.hi; one.lo = t.lo; }
  else { one.se = ONE.se; one.hi = ONE.hi; one.lo = ONE.lo; }
  return r;
});
const fsincosH = twoResults((sin, cos, a) => fsincos(sin, cos, a));

/** FINCSTP/FDECSTP rotate TOP without touching tags; C1 = 0. */
const fincstp: Handler = (cpu, i) => { enter(cpu); noteIp(cpu, i); cpu.fpTop = (cpu.fpTop + 1) & 7; finish(cpu); };
const fdecstp: Handler = (cpu, i) => { enter(cpu); noteIp(cpu, i); cpu.fpTop = (cpu.fpTop - 1) & 7; finish(cpu); };

const ROW_E0: (Handler | null)[] = [
  unary(fchs), unary(fabs), null, null, ftst, fxam, null, null,
];
const ROW_F0: Handler[] = [
  unary(f2xm1Op),
  binaryPop((o, x, y) => fyl2x(o, x, y, false)),
  fptanH,
  binaryPop((o, x, y) => fpatan(o, x, y)),
  fxtract,
  binary01((o, a, b) => prem(o, a, b, true), premCodes),
  fdecstp,
  fincstp,
  binary01((o, a, b) => prem(o, a, b, false), premCodes),
  binaryPop((o, x, y) => fyl2x(o, x, y, true)),
  unary(fsqrt),
  fsincosH,
  unary(frndint),
  binary01(scale, null),
  trig(fsin),
  trig(fcos),
];

/** D9 /4 and /5 register forms: E0-E7 (FCHS FABS FTST FXAM); E8-EF are the constants (x87-load.ts). */
export function bindRowE0(i: Insn): Handler | null {
  return ROW_E0[i.rm & 7];
}

/** D9 /6 and /7 register forms: F0-FF. */
export function bindRowF0(i: Insn): Handler | null {
  return ROW_F0[((i.reg & 1) << 3) | (i.rm & 7)];
}
