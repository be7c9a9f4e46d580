// Near control transfers: Jcc, JMP, CALL, RET, LOOP/LOOPcc, JrCXZ (SDM Vol. 2). Every one ends
// a block. In 64-bit mode a target that is not canonical raises #GP(0) at the branch, with RIP
// still pointing at it (Intel behaviour; SDM Vol. 1 §3.3.7.1).

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def, defGroup } from './table.js';
import { cond, condB, condBE, condE, condL, condLE, condS, getOF, getPF } from '../flags.js';
import { push64, pushSized, pop64, popSized, readRm, raise } from '../operands.js';
import { GP } from '../regs.js';

const TWO32 = 4294967296;
const CANON = 140737488355328;

/** Set RIP to a target computed as a number, applying the mode's width and checks. */
export function jumpTo(cpu: Cpu, target: number, osz: number): void {
  if (cpu.codeSize === 8) {
    if (osz === 2) target = ((target % 65536) + 65536) % 65536;
    else if (target < -CANON || target >= CANON) {
      // A target outside the canonical range: wrap to 64 bits first (it may come back in range).
      raise(cpu, GP, 0);
    }
    cpu.rip = target;
    return;
  }
  const t = osz === 2 ? ((target % 65536) + 65536) % 65536 : ((target % TWO32) + TWO32) % TWO32;
  if (t > cpu.segLimit[1]) raise(cpu, GP, 0);
  cpu.rip = t;
}

/** A 64-bit register or memory value as a target number (wrapping into the signed range). */
function targetFrom(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}

/**
 * A relative jump in 64-bit mode, where near branches are 64-bit whatever 66h says (Intel; the
 * decoder's F64): to i.next + displacement, #GP(0) if that is not canonical.
 */
function jumpRel64(cpu: Cpu, i: Insn): void {
  const t = i.next + i.imm;
  if (t < -CANON || t >= CANON) raise(cpu, GP, 0);
  cpu.rip = t;
}

const jcc = (cc: number): Handler => (cpu, i) => { if (cond(cpu, cc)) jumpTo(cpu, i.next + i.imm, i.osz); };
const JCC = Array.from({ length: 16 }, (_, cc) => jcc(cc));
// One handler per condition in 64-bit mode, so that each inlines its own flag test.
const JCC64: Handler[] = [
  (cpu, i) => { if (getOF(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (!getOF(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (condB(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (!condB(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (condE(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (!condE(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (condBE(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (!condBE(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (condS(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (!condS(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (getPF(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (!getPF(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (condL(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (!condL(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (condLE(cpu)) jumpRel64(cpu, i); },
  (cpu, i) => { if (!condLE(cpu)) jumpRel64(cpu, i); },
];
const is64 = (i: Insn) => i.codeSize === 8 && i.osz === 8;
for (let cc = 0; cc < 16; cc++) {
  def(0x70 + cc, (i) => { i.term = true; return is64(i) ? JCC64[cc] : JCC[cc]; });
  def(MAP_0F | (0x80 + cc), (i) => { i.term = true; return is64(i) ? JCC64[cc] : JCC[cc]; });
}

const jmpRel: Handler = (cpu, i) => jumpTo(cpu, i.next + i.imm, i.osz);
const jmpRel64: Handler = (cpu, i) => jumpRel64(cpu, i);
def(0xeb, (i) => { i.term = true; return is64(i) ? jmpRel64 : jmpRel; });
def(0xe9, (i) => { i.term = true; return is64(i) ? jmpRel64 : jmpRel; });

function pushReturn(cpu: Cpu, i: Insn): void {
  const r = i.next;
  if (i.osz === 8) push64(cpu, r | 0, Math.floor(r / TWO32) | 0);
  else pushSized(cpu, i.osz, r | 0, 0);
}

// CALL rel: the target is checked before the return address is pushed, so a bad target faults
// with the stack untouched.
const callRel: Handler = (cpu, i) => {
  const rip = cpu.rip;
  jumpTo(cpu, i.next + i.imm, i.osz);
  const t = cpu.rip;
  cpu.rip = rip;
  pushReturn(cpu, i);
  cpu.rip = t;
};
const callRel64: Handler = (cpu, i) => {
  const t = i.next + i.imm;
  if (t < -CANON || t >= CANON) raise(cpu, GP, 0);
  const r = i.next;
  push64(cpu, r | 0, Math.floor(r / TWO32) | 0);
  cpu.rip = t;
};
def(0xe8, (i) => { i.term = true; return is64(i) ? callRel64 : callRel; });

const callRm: Handler = (cpu, i) => {
  const osz = i.osz;
  const v = readRm(cpu, i, osz);
  const t = osz === 8 ? targetFrom(v, cpu.mem.hi) : osz === 4 ? v >>> 0 : v & 0xffff;
  const rip = cpu.rip;
  jumpTo(cpu, t, osz);
  const nt = cpu.rip;
  cpu.rip = rip;
  pushReturn(cpu, i);
  cpu.rip = nt;
};
const jmpRm: Handler = (cpu, i) => {
  const osz = i.osz;
  const v = readRm(cpu, i, osz);
  jumpTo(cpu, osz === 8 ? targetFrom(v, cpu.mem.hi) : osz === 4 ? v >>> 0 : v & 0xffff, osz);
};
// FF /2 and /4 are 64-bit in 64-bit mode whatever REX.W says (66h makes them 16-bit on AMD
// only; Intel ignores it): the decoder gave them osz 4/2, so fix the size here.
defGroup(0xff, 2, (i) => { i.term = true; if (i.codeSize === 8) i.osz = 8; return callRm; });
defGroup(0xff, 4, (i) => { i.term = true; if (i.codeSize === 8) i.osz = 8; return jmpRm; });

// RET: the popped target is checked before RSP moves on (a #GP leaves RSP as it was).
const ret: Handler = (cpu, i) => {
  const saveLo = cpu.lo[4], saveHi = cpu.hi[4];
  let t: number;
  if (i.osz === 8) { const lo = pop64(cpu); t = targetFrom(lo, cpu.mem.hi); }
  else t = popSized(cpu, i.osz) >>> 0;
  try {
    jumpTo(cpu, t, i.osz);
  } catch (e) {
    cpu.lo[4] = saveLo; cpu.hi[4] = saveHi;
    throw e;
  }
  if (i.imm !== 0) {
    const n = i.imm & 0xffff;
    const t2 = (cpu.lo[4] >>> 0) + n;
    cpu.lo[4] = t2 | 0;
    if (cpu.codeSize === 8) cpu.hi[4] = (cpu.hi[4] + (t2 >= TWO32 ? 1 : 0)) | 0;
  }
};
const ret64: Handler = (cpu) => {
  const saveLo = cpu.lo[4], saveHi = cpu.hi[4];
  const lo = pop64(cpu);
  const t = targetFrom(lo, cpu.mem.hi);
  if (t < -CANON || t >= CANON) { cpu.lo[4] = saveLo; cpu.hi[4] = saveHi; raise(cpu, GP, 0); }
  cpu.rip = t;
};
def(0xc3, (i) => { i.term = true; i.imm = 0; return is64(i) ? ret64 : ret; });
def(0xc2, (i) => { i.term = true; return ret; });

// LOOP/LOOPE/LOOPNE decrement rCX at address size; JrCXZ tests it (SDM Vol. 2 LOOPcc, Jcc).
function decCount(cpu: Cpu, asz: number): boolean {
  if (asz === 8) {
    const lo = (cpu.lo[1] - 1) | 0;
    if (cpu.lo[1] === 0) cpu.hi[1] = (cpu.hi[1] - 1) | 0;
    cpu.lo[1] = lo;
    return (lo | cpu.hi[1]) !== 0;
  }
  if (asz === 4) { cpu.lo[1] = (cpu.lo[1] - 1) | 0; cpu.hi[1] = 0; return cpu.lo[1] !== 0; }
  const v = (cpu.lo[1] - 1) & 0xffff;
  cpu.lo[1] = (cpu.lo[1] & ~0xffff) | v;
  return v !== 0;
}
const loopne: Handler = (cpu, i) => { if (decCount(cpu, i.asz) && !cond(cpu, 4)) jumpTo(cpu, i.next + i.imm, i.osz); };
const loope: Handler = (cpu, i) => { if (decCount(cpu, i.asz) && cond(cpu, 4)) jumpTo(cpu, i.next + i.imm, i.osz); };
const loop: Handler = (cpu, i) => { if (decCount(cpu, i.asz)) jumpTo(cpu, i.next + i.imm, i.osz); };
const jrcxz: Handler = (cpu, i) => {
  const z = i.asz === 8 ? (cpu.lo[1] | cpu.hi[1]) === 0 : i.asz === 4 ? cpu.lo[1] === 0 : (cpu.lo[1] & 0xffff) === 0;
  if (z) jumpTo(cpu, i.next + i.imm, i.osz);
};
def(0xe0, (i) => { i.term = true; return loopne; });
def(0xe1, (i) => { i.term = true; return loope; });
def(0xe2, (i) => { i.term = true; return loop; });
def(0xe3, (i) => { i.term = true; return jrcxz; });
