// Far control transfers: JMP and CALL to a far pointer (EA and 9A with an immediate ptr16:16/32,
// outside 64-bit mode; FF /5 and FF /3 with a memory m16:16/32/64) and far RET (CB, CA imm16).
// SDM Vol. 2 "JMP", "CALL", "RET" (protected-mode and IA-32e branches).
//
// What this machine needs is moving between 64-bit and compatibility-mode code segments (a
// 64-bit program calling 32-bit code and back, the vDSO's far returns): transfers to a code
// segment at the same privilege, with the descriptor checks, and RETF to an outer level (which
// also pops SS:rSP). Call gates, task gates and TSS targets are not modelled: #GP(selector).

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { def, defGroup } from './table.js';
import { ea, raise, pushSized, popSized, isCanonical } from '../operands.js';
import { GP, NP, SS, SS_, ES, DS, FS, GS } from '../regs.js';
import { readDescriptor, Descriptor, setCs, setSeg, ATTR_L, ATTR_DB } from '../system/segments.js';

const TWO32 = 4294967296;

const desc = new Descriptor();
const ssDesc = new Descriptor();

/**
 * Check a far JMP/CALL target selector (SDM Vol. 2 JMP, "IF segment type is code"): a present
 * code segment reachable at the current privilege. Returns its descriptor in `desc`.
 */
function checkTarget(cpu: Cpu, sel: number): Descriptor {
  if ((sel & 0xfffc) === 0) raise(cpu, GP, 0);
  const d = readDescriptor(cpu, sel, desc);
  // System descriptors (call gates, TSS, task gates) and data segments.
  if (!d.isCode) raise(cpu, GP, sel & 0xfffc);
  if (d.conforming) {
    if (d.dpl > cpu.cpl) raise(cpu, GP, sel & 0xfffc);
  } else if ((sel & 3) > cpu.cpl || d.dpl !== cpu.cpl) raise(cpu, GP, sel & 0xfffc);
  if (!d.present) raise(cpu, NP, sel & 0xfffc);
  // L and D together are reserved in IA-32e mode.
  if (cpu.longMode && (d.attr & ATTR_L) !== 0 && (d.attr & ATTR_DB) !== 0) raise(cpu, GP, sel & 0xfffc);
  return d;
}

/** Check the new instruction pointer for the target segment: canonical for 64-bit code, within the limit otherwise. */
function checkOffset(cpu: Cpu, d: Descriptor, off: number): number {
  if (cpu.longMode && (d.attr & ATTR_L) !== 0) {
    if (!isCanonical(off)) raise(cpu, GP, 0);
    return off;
  }
  const o = ((off % TWO32) + TWO32) % TWO32;
  if (o > d.limit) raise(cpu, GP, 0);
  return o;
}

function enter(cpu: Cpu, sel: number, d: Descriptor, off: number, rpl: number): void {
  const to64 = cpu.longMode && (d.attr & ATTR_L) !== 0;
  setCs(cpu, (sel & 0xfffc) | rpl, d.attr, to64 ? 0 : d.base, d.limit);
  cpu.rip = off;
}

/** Read a far pointer m16:16, m16:32 or m16:64: offset (as a signed-canonical number) then selector. */
let ptrSel = 0;
function readFarPtr(cpu: Cpu, i: Insn, osz: number): number {
  const a = ea(cpu, i);
  let off: number;
  if (osz === 8) { const lo = cpu.mem.read64(a); off = cpu.mem.hi * TWO32 + (lo >>> 0); }
  else off = osz === 4 ? cpu.mem.read32(a) >>> 0 : cpu.mem.read16(a);
  ptrSel = cpu.mem.read16(a + osz);
  return off;
}

/** Far pointers in memory are m16:64 with REX.W on Intel; AMD ignores REX.W there (m16:32). */
function farOsz(cpu: Cpu, i: Insn): number {
  return i.osz === 8 && cpu.vendor === 'amd' ? 4 : i.osz;
}

function farJmp(cpu: Cpu, sel: number, off: number): void {
  const d = checkTarget(cpu, sel);
  const o = checkOffset(cpu, d, off);
  enter(cpu, sel, d, o, cpu.cpl);
}

function farCall(cpu: Cpu, i: Insn, osz: number, sel: number, off: number): void {
  const d = checkTarget(cpu, sel);
  const o = checkOffset(cpu, d, off);
  // Push CS then the return offset on the current stack; a fault leaves RSP as it was.
  const saveLo = cpu.lo[4], saveHi = cpu.hi[4];
  const ret = i.next;
  try {
    pushSized(cpu, osz, cpu.sel[1], 0);
    pushSized(cpu, osz, ret | 0, osz === 8 ? Math.floor(ret / TWO32) | 0 : 0);
  } catch (e) {
    cpu.lo[4] = saveLo; cpu.hi[4] = saveHi;
    throw e;
  }
  enter(cpu, sel, d, o, cpu.cpl);
}

// EA / 9A: ptr16:16 or ptr16:32 in the instruction (the decoder marks them #UD in 64-bit mode).
def(0xea, (i) => { i.term = true; return (cpu, i) => farJmp(cpu, i.imm2, i.osz === 2 ? i.imm & 0xffff : i.imm >>> 0); });
def(0x9a, (i) => { i.term = true; return (cpu, i) => farCall(cpu, i, i.osz, i.imm2, i.osz === 2 ? i.imm & 0xffff : i.imm >>> 0); });

// FF /5 and FF /3: the pointer in memory (a register operand is #UD).
const jmpM: Handler = (cpu, i) => {
  const osz = farOsz(cpu, i);
  const off = readFarPtr(cpu, i, osz);
  farJmp(cpu, ptrSel, off);
};
const callM: Handler = (cpu, i) => {
  const osz = farOsz(cpu, i);
  const off = readFarPtr(cpu, i, osz);
  farCall(cpu, i, osz, ptrSel, off);
};
defGroup(0xff, 5, (i) => { if (i.mod === 3) return null; i.term = true; return jmpM; });
defGroup(0xff, 3, (i) => { if (i.mod === 3) return null; i.term = true; return callM; });

// --- RETF (CB) and RETF imm16 (CA): pop the offset and CS at the operand size; to an outer
// privilege level also SS:rSP (SDM Vol. 2 RET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL").
function popValue(cpu: Cpu, osz: number): number {
  const lo = popSized(cpu, osz);
  if (osz === 8) return cpu.mem.hi * TWO32 + (lo >>> 0);
  return osz === 4 ? lo >>> 0 : lo & 0xffff;
}
function release(cpu: Cpu, n: number): void {
  if (n === 0) return;
  if (cpu.codeSize === 8) {
    const t = (cpu.lo[4] >>> 0) + n;
    cpu.lo[4] = t | 0;
    if (t >= TWO32) cpu.hi[4] = (cpu.hi[4] + 1) | 0;
  } else if ((cpu.segAttr[SS] & ATTR_DB) !== 0) cpu.lo[4] = (cpu.lo[4] + n) | 0;
  else cpu.lo[4] = (cpu.lo[4] & ~0xffff) | ((cpu.lo[4] + n) & 0xffff);
}

const retf: Handler = (cpu, i) => {
  const osz = i.osz;
  const saveLo = cpu.lo[4], saveHi = cpu.hi[4];
  try {
    const off = popValue(cpu, osz);
    const sel = popValue(cpu, osz) & 0xffff;
    if ((sel & 0xfffc) === 0) raise(cpu, GP, 0);
    const rpl = sel & 3;
    if (rpl < cpu.cpl) raise(cpu, GP, sel & 0xfffc);
    const d = readDescriptor(cpu, sel, desc);
    if (!d.isCode) raise(cpu, GP, sel & 0xfffc);
    if (d.conforming ? d.dpl > rpl : d.dpl !== rpl) raise(cpu, GP, sel & 0xfffc);
    if (!d.present) raise(cpu, NP, sel & 0xfffc);
    if (cpu.longMode && (d.attr & ATTR_L) !== 0 && (d.attr & ATTR_DB) !== 0) raise(cpu, GP, sel & 0xfffc);
    const o = checkOffset(cpu, d, off);
    const n = i.imm & 0xffff;
    if (rpl === cpu.cpl) {
      release(cpu, n);
      enter(cpu, sel, d, o, rpl);
      return;
    }
    // Outer level: release the parameters, then pop the caller's stack pointer and SS.
    release(cpu, n);
    const sp = popValue(cpu, osz);
    const ssSel = popValue(cpu, osz) & 0xffff;
    const to64 = cpu.longMode && (d.attr & ATTR_L) !== 0;
    let sd: Descriptor | null = null;
    if ((ssSel & 0xfffc) === 0) {
      // A null SS is allowed only for a 64-bit return below CPL 3.
      if (!to64 || rpl === 3) raise(cpu, GP, 0);
    } else {
      sd = readDescriptor(cpu, ssSel, ssDesc);
      if ((ssSel & 3) !== rpl || !sd.writable || sd.dpl !== rpl) raise(cpu, GP, ssSel & 0xfffc);
      if (!sd.present) raise(cpu, SS_, ssSel & 0xfffc);
    }
    enter(cpu, sel, d, o, rpl);
    if (sd !== null) setSeg(cpu, SS, ssSel, sd.attr, to64 ? 0 : sd.base, sd.limit);
    else setSeg(cpu, SS, ssSel, 0, 0, 0);
    cpu.lo[4] = sp | 0;
    cpu.hi[4] = to64 ? Math.floor(sp / TWO32) | 0 : 0;
    release(cpu, n);
    // Data segments the new privilege level may not use become null (as IRET does).
    for (const s of [ES, DS, FS, GS]) {
      const a = cpu.segAttr[s];
      const conformingCode = (a & 0x1c) === 0x1c;
      if ((cpu.sel[s] & 0xfffc) !== 0 && !conformingCode && ((a >> 5) & 3) < rpl) {
        const lo = cpu.segBaseLo[s], hi = cpu.segBaseHi[s];
        setSeg(cpu, s, 0, 0);
        if (s >= FS && to64) { cpu.segBaseLo[s] = lo; cpu.segBaseHi[s] = hi; }
      }
    }
  } catch (e) {
    cpu.lo[4] = saveLo; cpu.hi[4] = saveHi;
    throw e;
  }
};
def(0xcb, (i) => { i.term = true; i.imm = 0; return retf; });
def(0xca, (i) => { i.term = true; return retf; });
