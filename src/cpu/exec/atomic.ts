// Atomic read-modify-write instructions: CMPXCHG (0F B0/B1), CMPXCHG8B/CMPXCHG16B (0F C7 /1)
// and XADD (0F C0/C1). SDM Vol. 2 under each name. The interpreter runs one CPU, so a LOCK prefix
// (accepted by the decoder only on memory forms) needs no extra work.
//
// A memory destination is always written, also when the comparison fails ("the destination
// operand receives a write cycle without regard to the result of the comparison"): a read-only
// page faults either way. A register destination is different: when CMPXCHG fails it is not
// written at all (a 32-bit one keeps bits 63:32), and when it succeeds the accumulator is not
// written (RAX keeps bits 63:32) — observed on Intel and AMD.

import type { Handler } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def, defGroup } from './table.js';
import { ea, readMem, writeMem, getReg, setReg, raise } from '../operands.js';
import { alu, aluHi, OP_ADD, OP_CMP } from './alu.js';
import { getFlags } from '../flags.js';
import { ZF, GP } from '../regs.js';

// --- CMPXCHG r/m, r: compare the accumulator with the destination (flags as CMP acc, dest).
const cmpxchg: Handler = (cpu, i) => {
  const osz = i.osz;
  const acc = getReg(cpu, 0, osz), acch = cpu.mem.hi;
  const src = getReg(cpu, osz === 1 ? i.reg8 : i.reg, osz), srch = cpu.mem.hi;
  if (i.mod === 3) {
    const r = osz === 1 ? i.rm8 : i.rm;
    const d = getReg(cpu, r, osz), dh = cpu.mem.hi;
    alu(cpu, OP_CMP, osz, acc, acch, d, dh);
    if (equal(osz, acc, acch, d, dh)) setReg(cpu, r, osz, src, srch);
    else setReg(cpu, 0, osz, d, dh);
    return;
  }
  const a = ea(cpu, i);
  const d = readMem(cpu, a, osz), dh = cpu.mem.hi;
  const eq = equal(osz, acc, acch, d, dh);
  writeMem(cpu, a, osz, eq ? src : d, eq ? srch : dh);
  alu(cpu, OP_CMP, osz, acc, acch, d, dh);
  if (!eq) setReg(cpu, 0, osz, d, dh);
};

function equal(osz: number, a: number, ah: number, b: number, bh: number): boolean {
  switch (osz) {
    case 1: return ((a ^ b) & 0xff) === 0;
    case 2: return ((a ^ b) & 0xffff) === 0;
    case 4: return a === b;
    default: return a === b && ah === bh;
  }
}
def(MAP_0F | 0xb0, () => cmpxchg);
def(MAP_0F | 0xb1, () => cmpxchg);

// --- XADD r/m, r: TEMP ← SRC + DEST; SRC ← DEST; DEST ← TEMP (so with one register for both,
// the sum wins). Flags as ADD.
const xadd: Handler = (cpu, i) => {
  const osz = i.osz;
  const sr = osz === 1 ? i.reg8 : i.reg;
  const s = getReg(cpu, sr, osz), sh = cpu.mem.hi;
  if (i.mod === 3) {
    const r = osz === 1 ? i.rm8 : i.rm;
    const d = getReg(cpu, r, osz), dh = cpu.mem.hi;
    const t = alu(cpu, OP_ADD, osz, d, dh, s, sh), th = aluHi;
    setReg(cpu, sr, osz, d, dh);
    setReg(cpu, r, osz, t, th);
    return;
  }
  const a = ea(cpu, i);
  const d = readMem(cpu, a, osz), dh = cpu.mem.hi;
  // Store first: a faulting store must leave the flags alone (alu records them).
  const t = (d + s) | 0;
  writeMem(cpu, a, osz, t, (dh + sh + ((t >>> 0) < (d >>> 0) ? 1 : 0)) | 0);
  alu(cpu, OP_ADD, osz, d, dh, s, sh);
  setReg(cpu, sr, osz, d, dh);
};
def(MAP_0F | 0xc0, () => xadd);
def(MAP_0F | 0xc1, () => xadd);

// --- CMPXCHG8B m64 / CMPXCHG16B m128 (REX.W): compare EDX:EAX (RDX:RAX) with memory; if equal
// store ECX:EBX (RCX:RBX), else load memory into EDX:EAX (RDX:RAX). Only ZF changes.
// CMPXCHG16B needs a 16-byte aligned operand (#GP(0)); CPUID advertises CX8 and CX16.
function setZf(cpu: Parameters<Handler>[0], eq: boolean): void {
  cpu.flags = (getFlags(cpu) & ~ZF) | (eq ? ZF : 0);
  cpu.lazyOp = 0;
}
const cmpxchg8b: Handler = (cpu, i) => {
  const a = ea(cpu, i);
  const lo = cpu.mem.read32(a), hi = cpu.mem.read32(a + 4);
  const eq = lo === cpu.lo[0] && hi === cpu.lo[2];
  // One 8-byte write (checked for both pages before any byte changes).
  if (eq) cpu.mem.write64(a, cpu.lo[3], cpu.lo[1]);
  else cpu.mem.write64(a, lo, hi);
  if (!eq) { cpu.lo[0] = lo; cpu.hi[0] = 0; cpu.lo[2] = hi; cpu.hi[2] = 0; }
  setZf(cpu, eq);
};
const cmpxchg16b: Handler = (cpu, i) => {
  const a = ea(cpu, i);
  if (a % 16 !== 0) raise(cpu, GP, 0);
  const m = cpu.mem;
  const l0 = m.read64(a), h0 = m.hi;
  const l1 = m.read64(a + 8), h1 = m.hi;
  const eq = l0 === cpu.lo[0] && h0 === cpu.hi[0] && l1 === cpu.lo[2] && h1 === cpu.hi[2];
  // Aligned, so both halves lie in one page: the first write checks it for both.
  if (eq) { m.write64(a, cpu.lo[3], cpu.hi[3]); m.write64(a + 8, cpu.lo[1], cpu.hi[1]); }
  else { m.write64(a, l0, h0); m.write64(a + 8, l1, h1); }
  if (!eq) { cpu.lo[0] = l0; cpu.hi[0] = h0; cpu.lo[2] = l1; cpu.hi[2] = h1; }
  setZf(cpu, eq);
};
defGroup(MAP_0F | 0xc7, 1, (i) => (i.mod === 3 ? null : i.osz === 8 ? cmpxchg16b : cmpxchg8b));
