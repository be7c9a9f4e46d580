// Event delivery through the 64-bit IDT and the return from it (SDM Vol. 3 §6.14 "Exception
// and Interrupt Handling in 64-bit Mode"; Vol. 2 INT n/INTO/INT3/INT1 and IRET pseudo-code).
//
// What a reader of entry code needs to see here: the gate's DPL is checked only for software
// interrupts; a privilege change loads RSP from TSS.RSPn and a null SS; a non-zero IST loads
// RSP from the TSS whatever the privilege; RSP is aligned down to 16 bytes before the pushes;
// SS:RSP are pushed even without a privilege change; interrupt gates clear IF, trap gates keep
// it; TF, NT and RF are cleared. IRETQ pops all five slots, and a return to CPL 3 with a
// non-canonical RIP faults with #GP at CPL 0.

import type { Cpu } from '../cpu.js';
import { FAULT, MachineStop } from '../fault.js';
import { getFlags, setFlags } from '../flags.js';
import { canonical, raise, isCanonical } from '../operands.js';
import {
  CS, SS, DS, ES, FS, GS, GP, NP, SS_, DF_, TS, IF, TF, NT, RF, VM, IOPL, AC, ID, ARITH_FLAGS, DF, FIXED1, VECTOR_NAMES,
} from '../regs.js';
import { Descriptor, readDescriptor, setCs, setSeg, asSupervisor, ATTR_L, ATTR_DB } from './segments.js';

export const EV_EXCEPTION = 0;   // raised by the processor (faults, traps, aborts)
export const EV_EXTERNAL = 1;    // INTR
export const EV_NMI = 2;
export const EV_SOFTWARE = 3;    // INT n, INT3, INTO: the gate's DPL is checked
export const EV_ICEBP = 4;       // INT1: delivered like a hardware #DB, no DPL check

const TWO32 = 4294967296;
const d = new Descriptor();

/**
 * Deliver an event. On a fault during delivery, delivers #DF; a fault while delivering #DF is a
 * triple fault, which stops the machine (as a real CPU would shut down).
 */
export function deliverEvent(cpu: Cpu, vector: number, kind: number, errorCode: number, hasErrorCode: boolean): void {
  cpu.hooks.onDeliver?.(cpu, vector, kind === EV_EXTERNAL ? 'interrupt' : kind === EV_NMI ? 'nmi' : kind === EV_SOFTWARE ? 'software' : 'exception', errorCode);
  // Delivery takes time of its own (gate and descriptor reads, stack switch, frame pushes,
  // pipeline flush): the cost model's figure, after the tracer has seen the event's start.
  cpu.tsc += cpu.cycles.event(vector, kind, cpu.cpl);
  try {
    deliver(cpu, vector, kind, errorCode, hasErrorCode);
  } catch (e) {
    if (e !== FAULT) throw e;
    // INT n, INT3, INTO: a fault while delivering them (the gate's DPL check above all) is a
    // fault of the instruction, delivered normally with RIP at it, never a double fault (SDM
    // Vol. 3 §6.12.1.1, Table 6-5: software interrupts are not in the contributory class).
    if (kind === EV_SOFTWARE) throw e;
    if (vector === DF_) {
      throw new MachineStop(`triple fault: ${VECTOR_NAMES[cpu.fault.vector] ?? cpu.fault.vector} while delivering #DF (rip ${hex(cpu.rip)})`, 'triple-fault');
    }
    const f = cpu.fault;
    if (f.vector === 14) cpu.cr2 = f.address;
    if (!doubleFault(vector, kind, f.vector)) {
      // Handled serially (SDM Vol. 3 Table 6-5): the second exception is delivered in place of
      // the first, e.g. #NP for an external interrupt through a not-present gate.
      deliverEvent(cpu, f.vector, EV_EXCEPTION, f.errorCode, f.hasErrorCode);
      return;
    }
    const first = VECTOR_NAMES[vector] ?? `vector ${vector}`;
    cpu.hooks.onTransition?.(cpu, `#DF (${VECTOR_NAMES[cpu.fault.vector] ?? cpu.fault.vector} while delivering ${first})`, cpu.rip);
    deliverEvent(cpu, DF_, EV_EXCEPTION, 0, true);
  }
  if (kind === EV_NMI) cpu.nmiBlocked = true;
  cpu.halted = false;
  cpu.hooks.onDelivered?.(cpu);
}

/**
 * Does `second`, raised while delivering `first`, make a double fault? Only a contributory
 * exception (#DE, #TS, #NP, #SS, #GP) after a contributory one or #PF, or a #PF after #PF (SDM
 * Vol. 3 §6.15 "Interrupt 8", Table 6-5). Interrupts, NMI and the benign exceptions never do.
 */
function doubleFault(first: number, kind: number, second: number): boolean {
  if (kind !== EV_EXCEPTION) return false;
  const contributory = (v: number) => v === 0 || (v >= TS && v <= GP);
  if (first === 14) return second === 14 || contributory(second);
  return contributory(first) && contributory(second);
}

function deliver(cpu: Cpu, vector: number, kind: number, errorCode: number, hasErrorCode: boolean): void {
  const ext = kind === EV_EXTERNAL || kind === EV_NMI || kind === EV_EXCEPTION ? 1 : 0;
  const gateErr = vector * 8 + 2 + ext;
  if (vector * 16 + 15 > cpu.idtLimit) raise(cpu, GP, gateErr);
  const mem = cpu.mem;
  let g0 = 0, g1 = 0, g2 = 0;
  asSupervisor(cpu, () => {
    const a = cpu.idtBase + vector * 16;
    g0 = mem.read32(a);
    g1 = mem.read32(a + 4);
    g2 = mem.read32(a + 8);
  });
  const type = (g1 >>> 8) & 0xf;
  if (type !== 0xe && type !== 0xf) raise(cpu, GP, gateErr);
  const gateDpl = (g1 >>> 13) & 3;
  if (kind === EV_SOFTWARE && gateDpl < cpu.cpl) raise(cpu, GP, vector * 8 + 2);
  if ((g1 & 0x8000) === 0) raise(cpu, NP, gateErr);
  const sel = g0 >>> 16;
  const targetLo = (g0 & 0xffff) | (g1 & 0xffff0000);
  const targetHi = g2;
  const ist = (g1 & 7);
  if ((sel & 0xfffc) === 0) raise(cpu, GP, ext);
  readDescriptor(cpu, sel, d);
  if (!d.isCode || d.dpl > cpu.cpl) raise(cpu, GP, (sel & 0xfffc) + ext);
  if (!d.present) raise(cpu, NP, (sel & 0xfffc) + ext);
  if ((d.attr & ATTR_L) === 0 || (d.attr & ATTR_DB) !== 0) raise(cpu, GP, (sel & 0xfffc) + ext);
  const newCpl = d.conforming ? cpu.cpl : d.dpl;
  const target = canonicalOr(cpu, targetLo, targetHi);

  // Choose the new stack.
  let rspLo = cpu.lo[4], rspHi = cpu.hi[4];
  if (cpu.codeSize !== 8) rspHi = 0; // compatibility mode: RSP's upper half is not meaningful
  const oldRspLo = cpu.lo[4], oldRspHi = cpu.codeSize !== 8 ? 0 : cpu.hi[4];
  const oldSs = cpu.sel[SS];
  const changing = newCpl < cpu.cpl;
  if (ist !== 0 || changing) {
    const off = ist !== 0 ? 0x24 + (ist - 1) * 8 : 4 + newCpl * 8;
    if (off + 7 > cpu.trLimit) raise(cpu, TS, (cpu.trSel & 0xfffc) + ext);
    asSupervisor(cpu, () => {
      rspLo = mem.read32(cpu.trBase + off);
      rspHi = mem.read32(cpu.trBase + off + 4);
    });
    if (((rspHi << 16) >> 16) !== rspHi) raise(cpu, SS_, ext);
  }
  // 64-bit mode aligns the new stack to 16 bytes before pushing (SDM Vol. 3 §6.14.2).
  rspLo = rspLo & ~0xf;
  const flags = getFlags(cpu);
  let sp = rspHi * TWO32 + (rspLo >>> 0);
  const frame = hasErrorCode ? 6 : 5;
  const rip = cpu.rip;
  // Pushes are supervisor accesses to the new stack; a fault here becomes #DF via the caller.
  asSupervisor(cpu, () => {
    const base = sp - frame * 8;
    if (!isCanonical(base)) raise(cpu, SS_, ext);
    mem.write64(sp - 8, oldSs, 0);
    mem.write64(sp - 16, oldRspLo, oldRspHi);
    mem.write64(sp - 24, flags, 0);
    mem.write64(sp - 32, cpu.sel[CS], 0);
    mem.write64(sp - 40, rip | 0, Math.floor(rip / TWO32) | 0);
    if (hasErrorCode) mem.write64(sp - 48, errorCode, 0);
  });
  sp -= frame * 8;

  if (changing) setSeg(cpu, SS, newCpl, 0, 0, 0); // null SS with RPL = new CPL
  setCs(cpu, (sel & 0xfffc) | newCpl, d.attr, 0, 0xffffffff);
  cpu.lo[4] = sp | 0;
  cpu.hi[4] = Math.floor(sp / TWO32) | 0;
  let nf = flags & ~(TF | NT | RF | VM);
  if (type === 0xe) nf &= ~IF;
  setFlags(cpu, nf);
  cpu.rip = target;
}

function canonicalOr(cpu: Cpu, lo: number, hi: number): number {
  if (((hi << 16) >> 16) !== hi) raise(cpu, GP, 0);
  return hi * TWO32 + (lo >>> 0);
}

/**
 * IRET at operand size 8 (IRETQ), 4 or 2, in IA-32e mode (SDM Vol. 2 IRET, "IA-32e-MODE"
 * branch). Pops RIP, CS, RFLAGS, RSP and SS (64-bit mode always pops all five; from
 * compatibility mode SS:RSP are popped only on a privilege change).
 */
export function iret(cpu: Cpu, osz: number): void {
  const flagsNow = getFlags(cpu);
  if (flagsNow & NT) raise(cpu, GP, 0); // task return: not supported in IA-32e mode
  const mem = cpu.mem;
  const sp0 = cpu.codeSize === 8 ? cpu.hi[4] * TWO32 + (cpu.lo[4] >>> 0) : (cpu.lo[4] >>> 0);
  // Frame slot k: its low 32 bits, unsigned, with bits 63:32 left in slotHi. Kept as halves: a
  // 64-bit slot as one double loses its low bits past 2^53 (a user RSP such as
  // 0x8badf00d5aadc0de, of which a 32- or 16-bit SS keeps exactly the low bits).
  let slotHi = 0;
  const rd = (k: number): number => {
    const a = sp0 + k * osz;
    if (osz === 8) { const lo = mem.read64(a); slotHi = mem.hi; return lo >>> 0; }
    slotHi = 0;
    return osz === 4 ? mem.read32(a) >>> 0 : mem.read16(a);
  };
  const ripLo = rd(0), ripHi = slotHi;
  const csSel = rd(1) & 0xffff;
  const newFlagsRaw = rd(2);
  if ((csSel & 0xfffc) === 0) raise(cpu, GP, 0);
  const rpl = csSel & 3;
  if (rpl < cpu.cpl) raise(cpu, GP, csSel & 0xfffc);
  const cd = readDescriptor(cpu, csSel, new Descriptor());
  if (!cd.isCode) raise(cpu, GP, csSel & 0xfffc);
  if (cd.conforming ? cd.dpl > rpl : cd.dpl !== rpl) raise(cpu, GP, csSel & 0xfffc);
  if (!cd.present) raise(cpu, NP, csSel & 0xfffc);
  const to64 = (cd.attr & ATTR_L) !== 0;
  const popStack = cpu.codeSize === 8 || rpl > cpu.cpl;
  let rspLo = 0, rspHi = 0, ssSel = 0;
  let sd: Descriptor | null = null;
  if (popStack) {
    rspLo = rd(3);
    rspHi = slotHi;
    ssSel = rd(4) & 0xffff;
    if ((ssSel & 0xfffc) === 0) {
      // A null SS is allowed only when returning to 64-bit mode at CPL < 3.
      if (!to64 || rpl === 3) raise(cpu, GP, 0);
    } else {
      if ((ssSel & 3) !== rpl) raise(cpu, GP, ssSel & 0xfffc);
      sd = readDescriptor(cpu, ssSel, new Descriptor());
      if (!sd.writable || sd.dpl !== rpl) raise(cpu, GP, ssSel & 0xfffc);
      if (!sd.present) raise(cpu, SS_, ssSel & 0xfffc);
    }
  }
  // The new RIP must be canonical (64-bit target) or inside CS's limit (compatibility mode).
  let rip: number;
  if (to64) {
    if (((ripHi << 16) >> 16) !== ripHi) raise(cpu, GP, 0);
    rip = ripHi * TWO32 + ripLo;
  } else {
    rip = ripLo;
    if (rip > cd.limit) raise(cpu, GP, 0);
  }

  // RFLAGS: what may change depends on the CPL before the return (SDM IRET "EFLAGS" rules).
  let changeable = ARITH_FLAGS | TF | DF | NT | RF | AC | ID;
  if (cpu.cpl === 0) changeable |= IOPL | IF;
  else if (cpu.cpl <= ((flagsNow & IOPL) >> 12)) changeable |= IF;
  if (osz === 2) changeable &= 0xffff;
  const newFlags = ((flagsNow & ~changeable) | (newFlagsRaw & changeable) | FIXED1) & ~VM;

  const oldCpl = cpu.cpl;
  setCs(cpu, csSel, cd.attr, to64 ? 0 : cd.base, cd.limit);
  setFlags(cpu, newFlags);
  if (popStack) {
    if (sd) setSeg(cpu, SS, ssSel, sd.attr, to64 ? 0 : sd.base, sd.limit);
    else setSeg(cpu, SS, ssSel, 0, 0, 0);
    if (!to64 && sd && (sd.attr & ATTR_DB) === 0) {
      // IRET to a 16-bit stack segment loads only SP: bits 63:16 keep the kernel's RSP. This is
      // the leak that Linux's espfix64 exists to hide (SDM IRET: "ESP ← TEMP_ESP" at 16-bit
      // stack size only changes SP).
      cpu.lo[4] = (cpu.lo[4] & ~0xffff) | (rspLo & 0xffff);
    } else if (to64) {
      cpu.lo[4] = rspLo | 0;
      cpu.hi[4] = rspHi;
    } else {
      cpu.lo[4] = rspLo | 0;
      cpu.hi[4] = 0;
    }
  } else {
    const v = sp0 + 3 * osz;
    cpu.lo[4] = v | 0;
  }
  // Returning to an outer level nulls data segments the new CPL may not use (SDM IRET).
  if (rpl > oldCpl) {
    for (const s of [ES, DS, FS, GS]) {
      const a = cpu.segAttr[s];
      const dpl = (a >> 5) & 3;
      const isConfCode = (a & 0x1c) === 0x1c;
      if ((cpu.sel[s] & 0xfffc) !== 0 && !isConfCode && dpl < rpl) {
        const lo = cpu.segBaseLo[s], hi = cpu.segBaseHi[s];
        setSeg(cpu, s, 0, 0);
        if (s >= FS && cpu.codeSize === 8) { cpu.segBaseLo[s] = lo; cpu.segBaseHi[s] = hi; }
      }
    }
  }
  cpu.rip = rip;
  cpu.nmiBlocked = false;
}

function hex(v: number): string {
  return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
}

export { canonical };
