// Straight-line handlers for the 32- and 64-bit forms of ADD, SUB, CMP, AND, OR, XOR and TEST
// that compiled code executes most (register-register, register-immediate, register-memory and
// memory-register/immediate), for INC/DEC of a register, and for the byte CMP/TEST forms of
// string and byte-array loops. alu.ts binds them when an instruction's form matches and keeps
// its generic handlers for the rest (16-bit, most 8-bit forms, ADC, SBB, NOT, NEG).
//
// Why a handler per operation and form instead of closures over `op`: closures made by one
// function literal share their optimised code in V8, so `op` would be a run-time switch in every
// one of them; and a helper that returns a 64-bit result's two halves would need somewhere to
// put the high half. Here each kernel (add64 …) is small enough to be inlined, records its lazy
// flags (flags.ts) with no more stores than its size needs, and leaves a 64-bit result's high
// half in cpu.lazyResHi, where the flags need it anyway.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { K_ADD, K_SUB, K_LOGIC, K_INC, K_DEC, SZ8, SZ32, SZ64, setLazy32, setLogic, getCF } from '../flags.js';
import { ea } from '../operands.js';

const ADD32 = (K_ADD << 2) | SZ32, ADD64 = (K_ADD << 2) | SZ64;
const SUB8 = (K_SUB << 2) | SZ8, SUB32 = (K_SUB << 2) | SZ32, SUB64 = (K_SUB << 2) | SZ64;
const LOGIC8 = (K_LOGIC << 2) | SZ8, LOGIC32 = (K_LOGIC << 2) | SZ32, LOGIC64 = (K_LOGIC << 2) | SZ64;
const INC32 = (K_INC << 2) | SZ32, INC64 = (K_INC << 2) | SZ64, DEC32 = (K_DEC << 2) | SZ32, DEC64 = (K_DEC << 2) | SZ64;

// --- Kernels: compute, record the flags, return the low half (the high half is in lazyResHi).

function add32(cpu: Cpu, a: number, b: number): number {
  const r = (a + b) | 0;
  setLazy32(cpu, ADD32, r, a, b);
  return r;
}
function sub32(cpu: Cpu, a: number, b: number): number {
  const r = (a - b) | 0;
  setLazy32(cpu, SUB32, r, a, b);
  return r;
}
function add64(cpu: Cpu, a: number, ah: number, b: number, bh: number): number {
  const r = (a + b) | 0;
  cpu.lazyOp = ADD64; cpu.lazyRes = r; cpu.lazyA = a; cpu.lazyB = b;
  cpu.lazyResHi = (ah + bh + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0; cpu.lazyAHi = ah; cpu.lazyBHi = bh;
  return r;
}
function sub64(cpu: Cpu, a: number, ah: number, b: number, bh: number): number {
  const r = (a - b) | 0;
  cpu.lazyOp = SUB64; cpu.lazyRes = r; cpu.lazyA = a; cpu.lazyB = b;
  cpu.lazyResHi = (ah - bh - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0; cpu.lazyAHi = ah; cpu.lazyBHi = bh;
  return r;
}
function logic32(cpu: Cpu, r: number): number {
  cpu.lazyOp = LOGIC32;
  cpu.lazyRes = r;
  return r;
}
function logic64(cpu: Cpu, r: number, rh: number): number {
  setLogic(cpu, LOGIC64, r, rh);
  return r;
}

// Forms. RR1: 01-style, dst r/m (register), src reg. RR3: 03-style, dst reg, src r/m (register).
// RI: dst r/m register, immediate (81/83; sign-extended, high half in immHi). AI: rAX, immediate.
// RM: dst reg, src memory. MR: dst memory, src reg. MI: dst memory, immediate.
// 32-bit writes zero the high half (SDM Vol. 1 §3.4.1.1); CMP and TEST write nothing.

type Forms = { RR1: Handler; RR3: Handler; RI: Handler; AI: Handler; RM: Handler; MR: Handler; MI: Handler };

const ADD_32: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = add32(cpu, lo[d], lo[i.reg]); cpu.hi[d] = 0; },
  RR3: (cpu, i) => { const lo = cpu.lo, d = i.reg; lo[d] = add32(cpu, lo[d], lo[i.rm]); cpu.hi[d] = 0; },
  RI: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = add32(cpu, lo[d], i.imm); cpu.hi[d] = 0; },
  AI: (cpu, i) => { cpu.lo[0] = add32(cpu, cpu.lo[0], i.imm); cpu.hi[0] = 0; },
  RM: (cpu, i) => { const v = cpu.mem.read32(ea(cpu, i)); const lo = cpu.lo, d = i.reg; lo[d] = add32(cpu, lo[d], v); cpu.hi[d] = 0; },
  MR: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, add32(cpu, m.read32(a), cpu.lo[i.reg])); },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, add32(cpu, m.read32(a), i.imm)); },
};
const ADD_64: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm, s = i.reg; lo[d] = add64(cpu, lo[d], hi[d], lo[s], hi[s]); hi[d] = cpu.lazyResHi; },
  RR3: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.reg, s = i.rm; lo[d] = add64(cpu, lo[d], hi[d], lo[s], hi[s]); hi[d] = cpu.lazyResHi; },
  RI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm; lo[d] = add64(cpu, lo[d], hi[d], i.imm, i.immHi); hi[d] = cpu.lazyResHi; },
  AI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi; lo[0] = add64(cpu, lo[0], hi[0], i.imm, i.immHi); hi[0] = cpu.lazyResHi; },
  RM: (cpu, i) => {
    const m = cpu.mem, v = m.read64(ea(cpu, i)), vh = m.hi, lo = cpu.lo, hi = cpu.hi, d = i.reg;
    lo[d] = add64(cpu, lo[d], hi[d], v, vh); hi[d] = cpu.lazyResHi;
  },
  MR: (cpu, i) => {
    const a = ea(cpu, i), m = cpu.mem, v = m.read64(a), s = i.reg;
    m.write64(a, add64(cpu, v, m.hi, cpu.lo[s], cpu.hi[s]), cpu.lazyResHi);
  },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem, v = m.read64(a); m.write64(a, add64(cpu, v, m.hi, i.imm, i.immHi), cpu.lazyResHi); },
};

const SUB_32: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = sub32(cpu, lo[d], lo[i.reg]); cpu.hi[d] = 0; },
  RR3: (cpu, i) => { const lo = cpu.lo, d = i.reg; lo[d] = sub32(cpu, lo[d], lo[i.rm]); cpu.hi[d] = 0; },
  RI: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = sub32(cpu, lo[d], i.imm); cpu.hi[d] = 0; },
  AI: (cpu, i) => { cpu.lo[0] = sub32(cpu, cpu.lo[0], i.imm); cpu.hi[0] = 0; },
  RM: (cpu, i) => { const v = cpu.mem.read32(ea(cpu, i)); const lo = cpu.lo, d = i.reg; lo[d] = sub32(cpu, lo[d], v); cpu.hi[d] = 0; },
  MR: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, sub32(cpu, m.read32(a), cpu.lo[i.reg])); },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, sub32(cpu, m.read32(a), i.imm)); },
};
const SUB_64: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm, s = i.reg; lo[d] = sub64(cpu, lo[d], hi[d], lo[s], hi[s]); hi[d] = cpu.lazyResHi; },
  RR3: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.reg, s = i.rm; lo[d] = sub64(cpu, lo[d], hi[d], lo[s], hi[s]); hi[d] = cpu.lazyResHi; },
  RI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm; lo[d] = sub64(cpu, lo[d], hi[d], i.imm, i.immHi); hi[d] = cpu.lazyResHi; },
  AI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi; lo[0] = sub64(cpu, lo[0], hi[0], i.imm, i.immHi); hi[0] = cpu.lazyResHi; },
  RM: (cpu, i) => {
    const m = cpu.mem, v = m.read64(ea(cpu, i)), vh = m.hi, lo = cpu.lo, hi = cpu.hi, d = i.reg;
    lo[d] = sub64(cpu, lo[d], hi[d], v, vh); hi[d] = cpu.lazyResHi;
  },
  MR: (cpu, i) => {
    const a = ea(cpu, i), m = cpu.mem, v = m.read64(a), s = i.reg;
    m.write64(a, sub64(cpu, v, m.hi, cpu.lo[s], cpu.hi[s]), cpu.lazyResHi);
  },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem, v = m.read64(a); m.write64(a, sub64(cpu, v, m.hi, i.imm, i.immHi), cpu.lazyResHi); },
};

const CMP_32: Forms = {
  RR1: (cpu, i) => { sub32(cpu, cpu.lo[i.rm], cpu.lo[i.reg]); },
  RR3: (cpu, i) => { sub32(cpu, cpu.lo[i.reg], cpu.lo[i.rm]); },
  RI: (cpu, i) => { sub32(cpu, cpu.lo[i.rm], i.imm); },
  AI: (cpu, i) => { sub32(cpu, cpu.lo[0], i.imm); },
  RM: (cpu, i) => { const v = cpu.mem.read32(ea(cpu, i)); sub32(cpu, cpu.lo[i.reg], v); },
  MR: (cpu, i) => { const v = cpu.mem.read32(ea(cpu, i)); sub32(cpu, v, cpu.lo[i.reg]); },
  MI: (cpu, i) => { sub32(cpu, cpu.mem.read32(ea(cpu, i)), i.imm); },
};
const CMP_64: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm, s = i.reg; sub64(cpu, lo[d], hi[d], lo[s], hi[s]); },
  RR3: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.reg, s = i.rm; sub64(cpu, lo[d], hi[d], lo[s], hi[s]); },
  RI: (cpu, i) => { const d = i.rm; sub64(cpu, cpu.lo[d], cpu.hi[d], i.imm, i.immHi); },
  AI: (cpu, i) => { sub64(cpu, cpu.lo[0], cpu.hi[0], i.imm, i.immHi); },
  RM: (cpu, i) => { const m = cpu.mem, v = m.read64(ea(cpu, i)), d = i.reg; sub64(cpu, cpu.lo[d], cpu.hi[d], v, m.hi); },
  MR: (cpu, i) => { const m = cpu.mem, v = m.read64(ea(cpu, i)), s = i.reg; sub64(cpu, v, m.hi, cpu.lo[s], cpu.hi[s]); },
  MI: (cpu, i) => { const m = cpu.mem, v = m.read64(ea(cpu, i)); sub64(cpu, v, m.hi, i.imm, i.immHi); },
};

const AND_32: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = logic32(cpu, lo[d] & lo[i.reg]); cpu.hi[d] = 0; },
  RR3: (cpu, i) => { const lo = cpu.lo, d = i.reg; lo[d] = logic32(cpu, lo[d] & lo[i.rm]); cpu.hi[d] = 0; },
  RI: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = logic32(cpu, lo[d] & i.imm); cpu.hi[d] = 0; },
  AI: (cpu, i) => { cpu.lo[0] = logic32(cpu, cpu.lo[0] & i.imm); cpu.hi[0] = 0; },
  RM: (cpu, i) => { const v = cpu.mem.read32(ea(cpu, i)); const lo = cpu.lo, d = i.reg; lo[d] = logic32(cpu, lo[d] & v); cpu.hi[d] = 0; },
  MR: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, logic32(cpu, m.read32(a) & cpu.lo[i.reg])); },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, logic32(cpu, m.read32(a) & i.imm)); },
};
const OR_32: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = logic32(cpu, lo[d] | lo[i.reg]); cpu.hi[d] = 0; },
  RR3: (cpu, i) => { const lo = cpu.lo, d = i.reg; lo[d] = logic32(cpu, lo[d] | lo[i.rm]); cpu.hi[d] = 0; },
  RI: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = logic32(cpu, lo[d] | i.imm); cpu.hi[d] = 0; },
  AI: (cpu, i) => { cpu.lo[0] = logic32(cpu, cpu.lo[0] | i.imm); cpu.hi[0] = 0; },
  RM: (cpu, i) => { const v = cpu.mem.read32(ea(cpu, i)); const lo = cpu.lo, d = i.reg; lo[d] = logic32(cpu, lo[d] | v); cpu.hi[d] = 0; },
  MR: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, logic32(cpu, m.read32(a) | cpu.lo[i.reg])); },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, logic32(cpu, m.read32(a) | i.imm)); },
};
const XOR_32: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = logic32(cpu, lo[d] ^ lo[i.reg]); cpu.hi[d] = 0; },
  RR3: (cpu, i) => { const lo = cpu.lo, d = i.reg; lo[d] = logic32(cpu, lo[d] ^ lo[i.rm]); cpu.hi[d] = 0; },
  RI: (cpu, i) => { const lo = cpu.lo, d = i.rm; lo[d] = logic32(cpu, lo[d] ^ i.imm); cpu.hi[d] = 0; },
  AI: (cpu, i) => { cpu.lo[0] = logic32(cpu, cpu.lo[0] ^ i.imm); cpu.hi[0] = 0; },
  RM: (cpu, i) => { const v = cpu.mem.read32(ea(cpu, i)); const lo = cpu.lo, d = i.reg; lo[d] = logic32(cpu, lo[d] ^ v); cpu.hi[d] = 0; },
  MR: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, logic32(cpu, m.read32(a) ^ cpu.lo[i.reg])); },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem; m.write32(a, logic32(cpu, m.read32(a) ^ i.imm)); },
};
const AND_64: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm, s = i.reg; lo[d] = logic64(cpu, lo[d] & lo[s], hi[d] & hi[s]); hi[d] = cpu.lazyResHi; },
  RR3: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.reg, s = i.rm; lo[d] = logic64(cpu, lo[d] & lo[s], hi[d] & hi[s]); hi[d] = cpu.lazyResHi; },
  RI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm; lo[d] = logic64(cpu, lo[d] & i.imm, hi[d] & i.immHi); hi[d] = cpu.lazyResHi; },
  AI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi; lo[0] = logic64(cpu, lo[0] & i.imm, hi[0] & i.immHi); hi[0] = cpu.lazyResHi; },
  RM: (cpu, i) => {
    const m = cpu.mem, v = m.read64(ea(cpu, i)), vh = m.hi, lo = cpu.lo, hi = cpu.hi, d = i.reg;
    lo[d] = logic64(cpu, lo[d] & v, hi[d] & vh); hi[d] = cpu.lazyResHi;
  },
  MR: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem, v = m.read64(a), s = i.reg; m.write64(a, logic64(cpu, v & cpu.lo[s], m.hi & cpu.hi[s]), cpu.lazyResHi); },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem, v = m.read64(a); m.write64(a, logic64(cpu, v & i.imm, m.hi & i.immHi), cpu.lazyResHi); },
};
const OR_64: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm, s = i.reg; lo[d] = logic64(cpu, lo[d] | lo[s], hi[d] | hi[s]); hi[d] = cpu.lazyResHi; },
  RR3: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.reg, s = i.rm; lo[d] = logic64(cpu, lo[d] | lo[s], hi[d] | hi[s]); hi[d] = cpu.lazyResHi; },
  RI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm; lo[d] = logic64(cpu, lo[d] | i.imm, hi[d] | i.immHi); hi[d] = cpu.lazyResHi; },
  AI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi; lo[0] = logic64(cpu, lo[0] | i.imm, hi[0] | i.immHi); hi[0] = cpu.lazyResHi; },
  RM: (cpu, i) => {
    const m = cpu.mem, v = m.read64(ea(cpu, i)), vh = m.hi, lo = cpu.lo, hi = cpu.hi, d = i.reg;
    lo[d] = logic64(cpu, lo[d] | v, hi[d] | vh); hi[d] = cpu.lazyResHi;
  },
  MR: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem, v = m.read64(a), s = i.reg; m.write64(a, logic64(cpu, v | cpu.lo[s], m.hi | cpu.hi[s]), cpu.lazyResHi); },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem, v = m.read64(a); m.write64(a, logic64(cpu, v | i.imm, m.hi | i.immHi), cpu.lazyResHi); },
};
const XOR_64: Forms = {
  RR1: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm, s = i.reg; lo[d] = logic64(cpu, lo[d] ^ lo[s], hi[d] ^ hi[s]); hi[d] = cpu.lazyResHi; },
  RR3: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.reg, s = i.rm; lo[d] = logic64(cpu, lo[d] ^ lo[s], hi[d] ^ hi[s]); hi[d] = cpu.lazyResHi; },
  RI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi, d = i.rm; lo[d] = logic64(cpu, lo[d] ^ i.imm, hi[d] ^ i.immHi); hi[d] = cpu.lazyResHi; },
  AI: (cpu, i) => { const lo = cpu.lo, hi = cpu.hi; lo[0] = logic64(cpu, lo[0] ^ i.imm, hi[0] ^ i.immHi); hi[0] = cpu.lazyResHi; },
  RM: (cpu, i) => {
    const m = cpu.mem, v = m.read64(ea(cpu, i)), vh = m.hi, lo = cpu.lo, hi = cpu.hi, d = i.reg;
    lo[d] = logic64(cpu, lo[d] ^ v, hi[d] ^ vh); hi[d] = cpu.lazyResHi;
  },
  MR: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem, v = m.read64(a), s = i.reg; m.write64(a, logic64(cpu, v ^ cpu.lo[s], m.hi ^ cpu.hi[s]), cpu.lazyResHi); },
  MI: (cpu, i) => { const a = ea(cpu, i), m = cpu.mem, v = m.read64(a); m.write64(a, logic64(cpu, v ^ i.imm, m.hi ^ i.immHi), cpu.lazyResHi); },
};

// Indexed by the ALU operation number of alu.ts (ADD OR ADC SBB AND SUB XOR CMP); null where
// the generic handler stays (ADC, SBB read CF and are rarer).
const BY_OP_32: (Forms | null)[] = [ADD_32, OR_32, null, null, AND_32, SUB_32, XOR_32, CMP_32];
const BY_OP_64: (Forms | null)[] = [ADD_64, OR_64, null, null, AND_64, SUB_64, XOR_64, CMP_64];

/**
 * The specialised handler for ALU operation `op` in `form` (the register or memory variant is
 * picked from i.mod), or null when the generic one must run (8/16-bit sizes, ADC, SBB). A
 * LOCK prefix changes nothing here: one CPU, and each handler's read and write are one step.
 */
export function fastAlu(op: number, form: 'RR1' | 'RR3' | 'RI' | 'AI', i: Insn): Handler | null {
  const table = i.osz === 8 ? BY_OP_64[op] : i.osz === 4 ? BY_OP_32[op] : null;
  if (table === null) return null;
  if (form === 'AI') return table.AI;
  if (i.mod === 3) return table[form];
  return form === 'RR1' ? table.MR : form === 'RR3' ? table.RM : table.MI;
}

// --- TEST (84/85, A8/A9, F6/F7 /0): AND without a destination.
const TEST_RR32: Handler = (cpu, i) => { logic32(cpu, cpu.lo[i.rm] & cpu.lo[i.reg]); };
const TEST_RR64: Handler = (cpu, i) => {
  const lo = cpu.lo, hi = cpu.hi, d = i.rm, s = i.reg;
  logic64(cpu, lo[d] & lo[s], hi[d] & hi[s]);
};
const TEST_MR32: Handler = (cpu, i) => { logic32(cpu, cpu.mem.read32(ea(cpu, i)) & cpu.lo[i.reg]); };
const TEST_MR64: Handler = (cpu, i) => { const m = cpu.mem, v = m.read64(ea(cpu, i)), s = i.reg; logic64(cpu, v & cpu.lo[s], m.hi & cpu.hi[s]); };
const TEST_RI32: Handler = (cpu, i) => { logic32(cpu, cpu.lo[i.rm] & i.imm); };
const TEST_RI64: Handler = (cpu, i) => { const d = i.rm; logic64(cpu, cpu.lo[d] & i.imm, cpu.hi[d] & i.immHi); };
const TEST_AI32: Handler = (cpu, i) => { logic32(cpu, cpu.lo[0] & i.imm); };
const TEST_AI64: Handler = (cpu, i) => { logic64(cpu, cpu.lo[0] & i.imm, cpu.hi[0] & i.immHi); };
const TEST_MI32: Handler = (cpu, i) => { logic32(cpu, cpu.mem.read32(ea(cpu, i)) & i.imm); };
const TEST_MI64: Handler = (cpu, i) => { const m = cpu.mem, v = m.read64(ea(cpu, i)); logic64(cpu, v & i.imm, m.hi & i.immHi); };
// Byte forms that loops over byte arrays use (TEST/CMP byte [m], imm8; TEST r8, r8 on low bytes).
const TEST_MI8: Handler = (cpu, i) => { cpu.lazyOp = LOGIC8; cpu.lazyRes = cpu.mem.read8(ea(cpu, i)) & i.imm; };
const CMP_MI8: Handler = (cpu, i) => { const a = cpu.mem.read8(ea(cpu, i)); setLazy32(cpu, SUB8, (a - i.imm) | 0, a, i.imm); };
// The register forms below only take low-byte registers (no AH..BH): the binders check.
const CMP_RM8: Handler = (cpu, i) => {
  const b = cpu.mem.read8(ea(cpu, i)), a = cpu.lo[i.reg8] & 0xff;
  setLazy32(cpu, SUB8, (a - b) | 0, a, b);
};
const CMP_RR8: Handler = (cpu, i) => {
  const a = cpu.lo[i.rm8] & 0xff, b = cpu.lo[i.reg8] & 0xff;
  setLazy32(cpu, SUB8, (a - b) | 0, a, b);
};
const CMP_RI8: Handler = (cpu, i) => { const a = cpu.lo[i.rm8] & 0xff; setLazy32(cpu, SUB8, (a - i.imm) | 0, a, i.imm); };
const CMP_AI8: Handler = (cpu, i) => { const a = cpu.lo[0] & 0xff; setLazy32(cpu, SUB8, (a - i.imm) | 0, a, i.imm); };
const TEST_RR8: Handler = (cpu, i) => { cpu.lazyOp = LOGIC8; cpu.lazyRes = cpu.lo[i.rm8] & cpu.lo[i.reg8] & 0xff; };

/** TEST in `form` (RR1 for 84/85, RI for F6/F7 /0 /1, AI for A8/A9), or null for the generic one. */
export function fastTest(form: 'RR1' | 'RI' | 'AI', i: Insn): Handler | null {
  if (i.osz === 1) {
    if (form === 'RI' && i.mod !== 3) return TEST_MI8;
    if (form === 'RR1' && i.mod === 3 && i.rm8 < 16 && i.reg8 < 16) return TEST_RR8;
    return null;
  }
  if (i.osz !== 4 && i.osz !== 8) return null;
  const w = i.osz === 8;
  if (form === 'AI') return w ? TEST_AI64 : TEST_AI32;
  if (form === 'RI') return i.mod === 3 ? (w ? TEST_RI64 : TEST_RI32) : (w ? TEST_MI64 : TEST_MI32);
  return i.mod === 3 ? (w ? TEST_RR64 : TEST_RR32) : (w ? TEST_MR64 : TEST_MR32);
}

/**
 * CMP byte forms: 80 /7 (`form` RI), 38 with registers (RR1), 3A with memory (RR3), 3C (AI);
 * null for the generic handler (AH..BH operands, 38/3A forms not listed).
 */
export function fastCmp8(form: 'RI' | 'RR1' | 'RR3' | 'AI', i: Insn): Handler | null {
  if (i.osz !== 1 || i.lock) return null;
  switch (form) {
    case 'AI': return CMP_AI8;
    case 'RI': return i.mod !== 3 ? CMP_MI8 : i.rm8 < 16 ? CMP_RI8 : null;
    case 'RR1': return i.mod === 3 && i.rm8 < 16 && i.reg8 < 16 ? CMP_RR8 : null;
    default: return i.mod !== 3 && i.reg8 < 16 ? CMP_RM8 : null;
  }
}

// --- INC/DEC of a 32/64-bit register (FF /0 /1): CF is kept, so its current value is saved in
// lazyAux first (a run of INC/DEC keeps finding it there).
const INC_R32: Handler = (cpu, i) => {
  const lo = cpu.lo, d = i.rm, v = lo[d], r = (v + 1) | 0;
  cpu.lazyAux = getCF(cpu) ? 1 : 0;
  setLazy32(cpu, INC32, r, v, 1);
  lo[d] = r; cpu.hi[d] = 0;
};
const DEC_R32: Handler = (cpu, i) => {
  const lo = cpu.lo, d = i.rm, v = lo[d], r = (v - 1) | 0;
  cpu.lazyAux = getCF(cpu) ? 1 : 0;
  setLazy32(cpu, DEC32, r, v, 1);
  lo[d] = r; cpu.hi[d] = 0;
};
const INC_R64: Handler = (cpu, i) => {
  const lo = cpu.lo, hi = cpu.hi, d = i.rm, v = lo[d], vh = hi[d], r = (v + 1) | 0, rh = r === 0 ? (vh + 1) | 0 : vh;
  cpu.lazyAux = getCF(cpu) ? 1 : 0;
  cpu.lazyOp = INC64; cpu.lazyRes = r; cpu.lazyResHi = rh; cpu.lazyA = v; cpu.lazyAHi = vh; cpu.lazyB = 1; cpu.lazyBHi = 0;
  lo[d] = r; hi[d] = rh;
};
const DEC_R64: Handler = (cpu, i) => {
  const lo = cpu.lo, hi = cpu.hi, d = i.rm, v = lo[d], vh = hi[d], r = (v - 1) | 0, rh = v === 0 ? (vh - 1) | 0 : vh;
  cpu.lazyAux = getCF(cpu) ? 1 : 0;
  cpu.lazyOp = DEC64; cpu.lazyRes = r; cpu.lazyResHi = rh; cpu.lazyA = v; cpu.lazyAHi = vh; cpu.lazyB = 1; cpu.lazyBHi = 0;
  lo[d] = r; hi[d] = rh;
};

/** INC (dec false) or DEC of a 32/64-bit register, or null for the generic handler. */
export function fastIncDec(dec: boolean, i: Insn): Handler | null {
  if (i.mod !== 3) return null;
  if (i.osz === 8) return dec ? DEC_R64 : INC_R64;
  if (i.osz === 4) return dec ? DEC_R32 : INC_R32;
  return null;
}
