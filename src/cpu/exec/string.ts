// String instructions: MOVS, CMPS, STOS, LODS, SCAS (A4-AF) with REP/REPE/REPNE, and the port
// I/O group: IN/OUT (E4-E7, EC-EF) and INS/OUTS (6C-6F). SDM Vol. 1 §7.3.9, Vol. 2 under each name.
//
// Addressing: the source is [seg:rSI] (DS unless overridden), the destination ES:[rDI] (ES cannot
// be overridden; in 64-bit mode its base is ignored like DS's). rSI, rDI and the count rCX are
// used at the address size (64, 32 or 16 bits). Segment limits are not checked: the only
// segments this machine sets up are flat.
//
// Restartable: a REP instruction updates rSI/rDI/rCX after every element (or every bulk chunk), so
// a fault in the middle leaves them describing the completed iterations, with RIP at the
// instruction (SDM Vol. 1 §7.3.9.2). It also yields after a bounded amount of work — RIP is put
// back on the instruction, which every REP form ends its block for — so that interrupts are taken
// between iterations as on hardware; with TF set it yields after each iteration and the
// single-step trap follows every iteration.
//
// REP MOVS and REP STOS going forward copy or fill page-sized chunks directly in physical memory.
// The translations come from cpu.mem.physR/physW, which fault like any access and drop decoded
// code from a page that is written, so self-modifying code stays correct.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { def } from './table.js';
import { canonical, readMem, writeMem, getReg, setReg, raise } from '../operands.js';
import { alu, OP_CMP } from './alu.js';
import { getZF } from '../flags.js';
import { DF, TF, ES, GP, IOPL } from '../regs.js';

const TWO32 = 4294967296;
/** Elements a REP instruction handles per execution before it yields (generic loop). */
const REP_ELEMENTS = 4096;
/** Bytes a REP MOVS/STOS bulk path moves per execution before it yields. */
const REP_BYTES = 65536;

const RCX = 1, RSI = 6, RDI = 7;

/** Linear address of offset register r (at address size asz) in segment seg. */
function addrOf(cpu: Cpu, r: number, asz: number, seg: number, useBase: boolean): number {
  if (asz === 8) {
    let lo = cpu.lo[r], hi = cpu.hi[r];
    if (useBase) {
      const t = (lo >>> 0) + (cpu.segBaseLo[seg] >>> 0);
      lo = t | 0;
      hi = (hi + cpu.segBaseHi[seg] + (t >= TWO32 ? 1 : 0)) | 0;
    }
    return canonical(cpu, lo, hi, seg);
  }
  const a = asz === 4 ? cpu.lo[r] >>> 0 : cpu.lo[r] & 0xffff;
  if (!useBase) return a;
  const t = a + (cpu.segBaseLo[seg] >>> 0);
  if (cpu.codeSize === 8) return canonical(cpu, t | 0, (cpu.segBaseHi[seg] + (t >= TWO32 ? 1 : 0)) | 0, seg);
  return t % TWO32;
}
function srcAddr(cpu: Cpu, i: Insn): number {
  return addrOf(cpu, RSI, i.asz, i.seg, i.segBase);
}
function dstAddr(cpu: Cpu, i: Insn): number {
  return addrOf(cpu, RDI, i.asz, ES, cpu.codeSize !== 8);
}

/** Add d (any sign, |d| < 2^31) to register r at address size asz. */
function advance(cpu: Cpu, r: number, asz: number, d: number): void {
  const lo = cpu.lo[r];
  if (asz === 8) {
    const t = (lo >>> 0) + d;
    cpu.lo[r] = t | 0;
    if (t >= TWO32) cpu.hi[r] = (cpu.hi[r] + 1) | 0;
    else if (t < 0) cpu.hi[r] = (cpu.hi[r] - 1) | 0;
  } else if (asz === 4) {
    cpu.lo[r] = (lo + d) | 0;
    cpu.hi[r] = 0;
  } else {
    cpu.lo[r] = (lo & ~0xffff) | ((lo + d) & 0xffff);
  }
}

/** rCX at address size, as an unsigned number (inexact above 2^53, where only "large" matters). */
function count(cpu: Cpu, asz: number): number {
  if (asz === 8) return (cpu.hi[RCX] >>> 0) * TWO32 + (cpu.lo[RCX] >>> 0);
  return asz === 4 ? cpu.lo[RCX] >>> 0 : cpu.lo[RCX] & 0xffff;
}
/** rCX -= n (n ≤ count). */
function consume(cpu: Cpu, asz: number, n: number): void {
  advance(cpu, RCX, asz, -n);
}

function delta(cpu: Cpu, osz: number): number {
  return (cpu.flags & DF) !== 0 ? -osz : osz;
}

/** How many REP iterations to run now: 1 with TF set (a trap follows each one). */
function budget(cpu: Cpu, n: number): number {
  return (cpu.flags & TF) !== 0 ? 1 : n;
}

// --- One element of each instruction.
function movsOne(cpu: Cpu, i: Insn, d: number): void {
  const osz = i.osz;
  const v = readMem(cpu, srcAddr(cpu, i), osz), vh = cpu.mem.hi;
  writeMem(cpu, dstAddr(cpu, i), osz, v, vh);
  advance(cpu, RSI, i.asz, d);
  advance(cpu, RDI, i.asz, d);
}
function stosOne(cpu: Cpu, i: Insn, d: number): void {
  const osz = i.osz;
  const v = getReg(cpu, 0, osz), vh = cpu.mem.hi;
  writeMem(cpu, dstAddr(cpu, i), osz, v, vh);
  advance(cpu, RDI, i.asz, d);
}
function lodsOne(cpu: Cpu, i: Insn, d: number): void {
  const osz = i.osz;
  const v = readMem(cpu, srcAddr(cpu, i), osz), vh = cpu.mem.hi;
  setReg(cpu, 0, osz, v, vh);
  advance(cpu, RSI, i.asz, d);
}
/** CMPS compares [rSI] with ES:[rDI] (flags of SRC1 - SRC2, SRC1 being [rSI]). */
function cmpsOne(cpu: Cpu, i: Insn, d: number): void {
  const osz = i.osz;
  const a = readMem(cpu, srcAddr(cpu, i), osz), ah = cpu.mem.hi;
  const b = readMem(cpu, dstAddr(cpu, i), osz), bh = cpu.mem.hi;
  alu(cpu, OP_CMP, osz, a, ah, b, bh);
  advance(cpu, RSI, i.asz, d);
  advance(cpu, RDI, i.asz, d);
}
function scasOne(cpu: Cpu, i: Insn, d: number): void {
  const osz = i.osz;
  const b = readMem(cpu, dstAddr(cpu, i), osz), bh = cpu.mem.hi;
  const a = getReg(cpu, 0, osz), ah = cpu.mem.hi;
  alu(cpu, OP_CMP, osz, a, ah, b, bh);
  advance(cpu, RDI, i.asz, d);
}

type One = (cpu: Cpu, i: Insn, d: number) => void;

function single(one: One): Handler {
  return (cpu, i) => one(cpu, i, delta(cpu, i.osz));
}

/** REP (or REPE/REPNE for CMPS/SCAS: `zfWhile` 1 or 0, -1 for none) by the generic loop. */
function repeat(one: One, zfWhile: number): Handler {
  return (cpu, i) => {
    const asz = i.asz;
    let n = count(cpu, asz);
    if (n === 0) return;
    const d = delta(cpu, i.osz);
    let k = budget(cpu, REP_ELEMENTS);
    for (;;) {
      one(cpu, i, d);
      consume(cpu, asz, 1);
      n--;
      if (n === 0) return;
      if (zfWhile >= 0 && getZF(cpu) !== (zfWhile === 1)) return;
      if (--k === 0) { cpu.rip = i.ip; return; }
    }
  };
}
/**
 * Forward room (in bytes) before an offset register wraps at address size 16 or 32 (a bulk
 * chunk must not cross the wrap).
 */
function wrapRoom(cpu: Cpu, r: number, asz: number): number {
  if (asz === 8) return Infinity;
  return asz === 4 ? TWO32 - (cpu.lo[r] >>> 0) : 0x10000 - (cpu.lo[r] & 0xffff);
}

// REP MOVS: page-sized chunks copied with copyWithin when going forward. copyWithin is a memmove;
// it equals the architectural element-by-element forward copy unless the destination starts
// inside the source chunk, which takes the element loop instead.
const repMovs: Handler = (cpu, i) => {
  if ((cpu.flags & (DF | TF)) !== 0) { REP_MOVS_SLOW(cpu, i); return; }
  const asz = i.asz, osz = i.osz;
  let n = count(cpu, asz);
  const ram = cpu.mem.ram;
  let bytes = REP_BYTES;
  while (n > 0) {
    if (bytes <= 0) { cpu.rip = i.ip; return; }
    const s = srcAddr(cpu, i), d = dstAddr(cpu, i);
    let room = Math.min(4096 - (s & 0xfff), 4096 - (d & 0xfff), wrapRoom(cpu, RSI, asz), wrapRoom(cpu, RDI, asz), bytes);
    let m = Math.floor(room / osz);
    if (m > n) m = n;
    if (m === 0) {
      // The element straddles a page (or a wrap): one the ordinary way.
      movsOne(cpu, i, osz);
      consume(cpu, asz, 1);
      n--; bytes -= osz;
      continue;
    }
    const ps = cpu.mem.physR(s);
    const pd = cpu.mem.physW(d);
    const len = m * osz;
    if (pd > ps && pd < ps + len) {
      for (let k = 0; k < m; k++) { movsOne(cpu, i, osz); consume(cpu, asz, 1); }
    } else {
      ram.copyWithin(pd, ps, ps + len);
      advance(cpu, RSI, asz, len);
      advance(cpu, RDI, asz, len);
      consume(cpu, asz, m);
    }
    n -= m; bytes -= len;
  }
};

// REP STOS forward: fill page-sized chunks.
const repStos: Handler = (cpu, i) => {
  if ((cpu.flags & (DF | TF)) !== 0) { REP_STOS_SLOW(cpu, i); return; }
  const asz = i.asz, osz = i.osz;
  let n = count(cpu, asz);
  const ram = cpu.mem.ram, dv = cpu.mem.dv;
  const v = getReg(cpu, 0, osz), vh = cpu.mem.hi;
  let bytes = REP_BYTES;
  while (n > 0) {
    if (bytes <= 0) { cpu.rip = i.ip; return; }
    const d = dstAddr(cpu, i);
    let m = Math.floor(Math.min(4096 - (d & 0xfff), wrapRoom(cpu, RDI, asz), bytes) / osz);
    if (m > n) m = n;
    if (m === 0) {
      stosOne(cpu, i, osz);
      consume(cpu, asz, 1);
      n--; bytes -= osz;
      continue;
    }
    const pd = cpu.mem.physW(d);
    const len = m * osz;
    switch (osz) {
      case 1: ram.fill(v & 0xff, pd, pd + len); break;
      case 2: for (let k = 0; k < len; k += 2) dv.setUint16(pd + k, v, true); break;
      case 4: for (let k = 0; k < len; k += 4) dv.setInt32(pd + k, v, true); break;
      default: for (let k = 0; k < len; k += 8) { dv.setInt32(pd + k, v, true); dv.setInt32(pd + k + 4, vh, true); }
    }
    advance(cpu, RDI, asz, len);
    consume(cpu, asz, m);
    n -= m; bytes -= len;
  }
};

const REP_MOVS_SLOW = repeat(movsOne, -1);
const REP_STOS_SLOW = repeat(stosOne, -1);

/** REP forms end their block: they may put RIP back on themselves to yield. */
function strBinder(one: One, rep: Handler | null, compare: boolean): (i: Insn) => Handler {
  const plain = single(one);
  const repe = repeat(one, 1), repne = repeat(one, 0), any = rep ?? repeat(one, -1);
  return (i) => {
    if (i.rep === 0) return plain;
    i.term = true;
    if (!compare) return any;
    return i.rep === 0xf3 ? repe : repne;
  };
}
for (const op of [0xa4, 0xa5]) def(op, strBinder(movsOne, repMovs, false));
for (const op of [0xa6, 0xa7]) def(op, strBinder(cmpsOne, null, true));
for (const op of [0xaa, 0xab]) def(op, strBinder(stosOne, repStos, false));
for (const op of [0xac, 0xad]) def(op, strBinder(lodsOne, null, false));
for (const op of [0xae, 0xaf]) def(op, strBinder(scasOne, null, true));

// --- Port I/O. No device sits behind any port. Above IOPL the TSS I/O permission bitmap would be
// consulted; this machine's TSS has none (Linux's default for tasks without ioperm), so the
// access raises #GP(0) — SIGSEGV for a Linux program. At sufficient privilege reads return all
// ones (an empty bus) and writes are dropped.
function ioCheck(cpu: Cpu): void {
  if (cpu.cpl > ((cpu.flags & IOPL) >> 12)) raise(cpu, GP, 0);
}
/** IN/OUT operand size: 1, 2 or 4 (REX.W does not make a 64-bit port access). */
function ioSize(i: Insn): number {
  return i.osz === 8 ? 4 : i.osz;
}
const inAcc: Handler = (cpu, i) => {
  ioCheck(cpu);
  setReg(cpu, 0, ioSize(i), -1, 0);
};
const outAcc: Handler = (cpu) => ioCheck(cpu);
def(0xe4, () => inAcc);
def(0xe5, () => inAcc);
def(0xec, () => inAcc);
def(0xed, () => inAcc);
def(0xe6, () => outAcc);
def(0xe7, () => outAcc);
def(0xee, () => outAcc);
def(0xef, () => outAcc);

// INS stores what the port returned (all ones) at ES:[rDI]; OUTS reads [seg:rSI] and drops it.
function insOne(cpu: Cpu, i: Insn, d: number): void {
  ioCheck(cpu);
  writeMem(cpu, dstAddr(cpu, i), ioSize(i), -1, 0);
  advance(cpu, RDI, i.asz, d);
}
function outsOne(cpu: Cpu, i: Insn, d: number): void {
  ioCheck(cpu);
  readMem(cpu, srcAddr(cpu, i), ioSize(i));
  advance(cpu, RSI, i.asz, d);
}
function ioStrBinder(one: One): (i: Insn) => Handler {
  const plain: Handler = (cpu, i) => one(cpu, i, delta(cpu, ioSize(i)));
  const rep: Handler = (cpu, i) => {
    // The privilege check comes first even when the count is 0.
    ioCheck(cpu);
    const asz = i.asz;
    let n = count(cpu, asz);
    const d = delta(cpu, ioSize(i));
    let k = budget(cpu, REP_ELEMENTS);
    while (n > 0) {
      one(cpu, i, d);
      consume(cpu, asz, 1);
      n--;
      if (n > 0 && --k === 0) { cpu.rip = i.ip; return; }
    }
  };
  return (i) => {
    if (i.rep === 0) return plain;
    i.term = true;
    return rep;
  };
}
def(0x6c, ioStrBinder(insOne));
def(0x6d, ioStrBinder(insOne));
def(0x6e, ioStrBinder(outsOne));
def(0x6f, ioStrBinder(outsOne));
