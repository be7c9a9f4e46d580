// Data movement: MOV (88-8B, A0-A3, B0-BF, C6/C7 /0), LEA, MOVZX/MOVSX/MOVSXD, XCHG, NOP and
// PAUSE, and the accumulator conversions CBW/CWDE/CDQE and CWD/CDQ/CQO. None touch flags.

import type { Handler, Insn } from '../insn.js';
import { BASE_NONE, BASE_RIP, MAP_0F } from '../insn.js';
import type { Cpu } from '../cpu.js';
import { def, defGroup } from './table.js';
import { arpl } from './legacy32.js';
import { ea, getReg, setReg, readRm, writeRm, readMem, writeMem, canonical, setR32 } from '../operands.js';

const TWO32 = 4294967296;

// --- MOV.
const movRmReg: Handler = (cpu, i) => {
  const osz = i.osz;
  const v = getReg(cpu, osz === 1 ? i.reg8 : i.reg, osz);
  writeRm(cpu, i, osz, v, cpu.mem.hi);
};
const movRegRm: Handler = (cpu, i) => {
  const osz = i.osz;
  const v = readRm(cpu, i, osz);
  setReg(cpu, osz === 1 ? i.reg8 : i.reg, osz, v, cpu.mem.hi);
};
// Register-to-register 64/32-bit moves, the most common instructions of all.
const movR64: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.lo[i.rm]; cpu.hi[i.reg] = cpu.hi[i.rm]; };
const movR64r: Handler = (cpu, i) => { cpu.lo[i.rm] = cpu.lo[i.reg]; cpu.hi[i.rm] = cpu.hi[i.reg]; };
const movR32: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.lo[i.rm]; cpu.hi[i.reg] = 0; };
const movR32r: Handler = (cpu, i) => { cpu.lo[i.rm] = cpu.lo[i.reg]; cpu.hi[i.rm] = 0; };
// Loads from memory at 64/32 bits.
const load64: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.mem.read64(ea(cpu, i)); cpu.hi[i.reg] = cpu.mem.hi; };
const load32: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.mem.read32(ea(cpu, i)); cpu.hi[i.reg] = 0; };
const store64: Handler = (cpu, i) => { cpu.mem.write64(ea(cpu, i), cpu.lo[i.reg], cpu.hi[i.reg]); };
const store32: Handler = (cpu, i) => { cpu.mem.write32(ea(cpu, i), cpu.lo[i.reg]); };

def(0x89, (i) => i.mod === 3 ? (i.osz === 8 ? movR64r : i.osz === 4 ? movR32r : movRmReg)
  : i.osz === 8 ? store64 : i.osz === 4 ? store32 : movRmReg);
def(0x8b, (i) => i.mod === 3 ? (i.osz === 8 ? movR64 : i.osz === 4 ? movR32 : movRegRm)
  : i.osz === 8 ? load64 : i.osz === 4 ? load32 : movRegRm);

// Byte moves between memory and a low-byte register (no AH..BH), as string and byte-array code
// does them.
const store8: Handler = (cpu, i) => { cpu.mem.write8(ea(cpu, i), cpu.lo[i.reg8]); };
const load8: Handler = (cpu, i) => { const v = cpu.mem.read8(ea(cpu, i)), r = i.reg8; cpu.lo[r] = (cpu.lo[r] & ~0xff) | v; };
def(0x88, (i) => (i.mod !== 3 && i.reg8 < 16 ? store8 : movRmReg));
def(0x8a, (i) => (i.mod !== 3 && i.reg8 < 16 ? load8 : movRegRm));

// MOV r/m, imm (C6/C7 /0; C7's imm32 is sign-extended to 64 bits) and MOV r, imm (B0-BF; B8+r
// with REX.W takes a full 64-bit immediate).
const movRmImm: Handler = (cpu, i) => writeRm(cpu, i, i.osz, i.imm, i.immHi);
const movRegImm32: Handler = (cpu, i) => { cpu.lo[i.rm] = i.imm; cpu.hi[i.rm] = 0; };
const movRegImm64: Handler = (cpu, i) => { cpu.lo[i.rm] = i.imm; cpu.hi[i.rm] = i.immHi; };
const movMemImm8: Handler = (cpu, i) => { cpu.mem.write8(ea(cpu, i), i.imm); };
const movMemImm32: Handler = (cpu, i) => { cpu.mem.write32(ea(cpu, i), i.imm); };
const movMemImm64: Handler = (cpu, i) => { cpu.mem.write64(ea(cpu, i), i.imm, i.immHi); };
defGroup(0xc6, 0, (i) => (i.mod !== 3 ? movMemImm8 : movRmImm));
defGroup(0xc7, 0, (i) => i.mod === 3 ? (i.osz === 8 ? movRegImm64 : i.osz === 4 ? movRegImm32 : movRmImm)
  : i.osz === 8 ? movMemImm64 : i.osz === 4 ? movMemImm32 : movRmImm);

const movRegImm: Handler = (cpu, i) => setReg(cpu, i.osz === 1 ? i.rm8 : i.rm, i.osz, i.imm, i.immHi);
for (let r = 0; r < 16; r++) def(0xb0 + r, (i) => (i.osz === 8 ? movRegImm64 : i.osz === 4 ? movRegImm32 : movRegImm));

// MOV AL/rAX, moffs and back: the immediate is an address (SDM Vol. 2 MOV, "moffs").
function moffs(cpu: Cpu, i: Insn): number {
  let lo = i.imm, hi = i.asz === 8 ? i.immHi : 0;
  if (i.asz === 2) lo &= 0xffff;
  if (i.segBase) {
    const t = (lo >>> 0) + (cpu.segBaseLo[i.seg] >>> 0);
    lo = t | 0;
    hi = (hi + cpu.segBaseHi[i.seg] + (t >= TWO32 ? 1 : 0)) | 0;
  }
  if (cpu.codeSize !== 8) return lo >>> 0;
  return canonical(cpu, lo, hi, i.seg);
}
const movAccMoffs: Handler = (cpu, i) => { const v = readMem(cpu, moffs(cpu, i), i.osz); setReg(cpu, 0, i.osz, v, cpu.mem.hi); };
const movMoffsAcc: Handler = (cpu, i) => { const v = getReg(cpu, 0, i.osz); writeMem(cpu, moffs(cpu, i), i.osz, v, cpu.mem.hi); };
def(0xa0, () => movAccMoffs);
def(0xa1, () => movAccMoffs);
def(0xa2, () => movMoffsAcc);
def(0xa3, () => movMoffsAcc);

// --- LEA: the offset part of the address, truncated to address size then operand size; no
// segment base, no canonical check, no memory access (SDM Vol. 2 LEA).
export let leaHi = 0;
export function leaOffset(cpu: Cpu, i: Insn): number {
  let lo = i.disp, hi = i.disp >> 31;
  if (i.base >= 0) {
    const t = (lo >>> 0) + (cpu.lo[i.base] >>> 0);
    lo = t | 0;
    hi = (hi + cpu.hi[i.base] + (t >= TWO32 ? 1 : 0)) | 0;
  } else if (i.base === BASE_RIP) {
    const a = i.next + i.disp;
    lo = a | 0;
    hi = Math.floor(a / TWO32) | 0;
  }
  if (i.index !== BASE_NONE) {
    const s = 1 << i.scale;
    const t = (lo >>> 0) + (cpu.lo[i.index] >>> 0) * s;
    hi = (hi + cpu.hi[i.index] * s + Math.floor(t / TWO32)) | 0;
    lo = t | 0;
  }
  if (i.asz === 4) hi = 0;
  else if (i.asz === 2) { lo &= 0xffff; hi = 0; }
  leaHi = hi;
  return lo;
}
const lea: Handler = (cpu, i) => {
  const lo = leaOffset(cpu, i);
  setReg(cpu, i.reg, i.osz, lo, leaHi);
};
// The forms compilers emit for arithmetic (64-bit address size, no RIP): a 32-bit result is the
// low half of the sum whatever the high halves hold; a 64-bit one carries out of the low half.
const lea32: Handler = (cpu, i) => {
  const lo = cpu.lo;
  let v = i.disp;
  if (i.base >= 0) v = (v + lo[i.base]) | 0;
  if (i.index >= 0) v = (v + (lo[i.index] << i.scale)) | 0;
  lo[i.reg] = v;
  cpu.hi[i.reg] = 0;
};
const lea64Base: Handler = (cpu, i) => {
  const lo = cpu.lo, hi = cpu.hi, b = i.base, d = i.disp;
  const t = (lo[b] >>> 0) + (d >>> 0);
  const r = i.reg;
  hi[r] = (hi[b] + (d >> 31) + (t >= TWO32 ? 1 : 0)) | 0;
  lo[r] = t | 0;
};
const lea64BaseIndex: Handler = (cpu, i) => {
  const lo = cpu.lo, hi = cpu.hi, b = i.base, x = i.index, d = i.disp, s = 1 << i.scale;
  // At most 2^32 + 2^32 + 2^35: exact in a double, so the carry into the high half is too.
  const t = (lo[b] >>> 0) + (d >>> 0) + (lo[x] >>> 0) * s;
  const r = i.reg;
  hi[r] = (hi[b] + (d >> 31) + hi[x] * s + Math.floor(t / TWO32)) | 0;
  lo[r] = t | 0;
};
def(0x8d, (i) => {
  if (i.mod === 3) return null;
  if (i.asz !== 8 || i.base === BASE_RIP) return lea;
  if (i.osz === 4) return lea32;
  if (i.osz === 8 && i.base >= 0) return i.index >= 0 ? lea64BaseIndex : lea64Base;
  return lea;
});

// --- MOVZX / MOVSX / MOVSXD.
const movzx8: Handler = (cpu, i) => setReg(cpu, i.reg, i.osz, readRm(cpu, i, 1), 0);
const movzx16: Handler = (cpu, i) => setReg(cpu, i.reg, i.osz, readRm(cpu, i, 2), 0);
const movsx8: Handler = (cpu, i) => { const v = (readRm(cpu, i, 1) << 24) >> 24; setReg(cpu, i.reg, i.osz, v, v >> 31); };
const movsx16: Handler = (cpu, i) => { const v = (readRm(cpu, i, 2) << 16) >> 16; setReg(cpu, i.reg, i.osz, v, v >> 31); };
const movsxd: Handler = (cpu, i) => { const v = readRm(cpu, i, 4); setReg(cpu, i.reg, i.osz, v, v >> 31); };
// 32/64-bit destinations (a zero-extended result clears bits 63:32 either way).
const movzx8m: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.mem.read8(ea(cpu, i)); cpu.hi[i.reg] = 0; };
const movzx8r: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.lo[i.rm8] & 0xff; cpu.hi[i.reg] = 0; };
const movzx16m: Handler = (cpu, i) => { cpu.lo[i.reg] = cpu.mem.read16(ea(cpu, i)); cpu.hi[i.reg] = 0; };
const movsx8m64: Handler = (cpu, i) => { const v = (cpu.mem.read8(ea(cpu, i)) << 24) >> 24; cpu.lo[i.reg] = v; cpu.hi[i.reg] = v >> 31; };
const movsxdm64: Handler = (cpu, i) => { const v = cpu.mem.read32(ea(cpu, i)); cpu.lo[i.reg] = v; cpu.hi[i.reg] = v >> 31; };
const movsxdr64: Handler = (cpu, i) => { const v = cpu.lo[i.rm]; cpu.lo[i.reg] = v; cpu.hi[i.reg] = v >> 31; };
const wide = (i: Insn) => i.osz === 4 || i.osz === 8;
def(MAP_0F | 0xb6, (i) => (!wide(i) ? movzx8 : i.mod !== 3 ? movzx8m : i.rm8 < 16 ? movzx8r : movzx8));
def(MAP_0F | 0xb7, (i) => (wide(i) && i.mod !== 3 ? movzx16m : movzx16));
def(MAP_0F | 0xbe, (i) => (i.osz === 8 && i.mod !== 3 ? movsx8m64 : movsx8));
def(MAP_0F | 0xbf, () => movsx16);
// 63: MOVSXD in 64-bit mode (without REX.W it moves 32 bits); ARPL outside it (not modelled: #UD).
// Outside 64-bit mode 63 is ARPL (legacy32.ts).
def(0x63, (i) => (i.codeSize !== 8 ? arpl : i.osz !== 8 ? movsxd : i.mod === 3 ? movsxdr64 : movsxdm64));

// --- XCHG. With a memory operand it is locked whatever the prefix (SDM Vol. 2 XCHG).
const xchgRm: Handler = (cpu, i) => {
  const osz = i.osz;
  const r = osz === 1 ? i.reg8 : i.reg;
  const a = getReg(cpu, r, osz), ah = cpu.mem.hi;
  if (i.mod === 3) {
    const q = osz === 1 ? i.rm8 : i.rm;
    const b = getReg(cpu, q, osz), bh = cpu.mem.hi;
    setReg(cpu, q, osz, a, ah);
    setReg(cpu, r, osz, b, bh);
  } else {
    const addr = ea(cpu, i);
    const b = readMem(cpu, addr, osz), bh = cpu.mem.hi;
    writeMem(cpu, addr, osz, a, ah);
    setReg(cpu, r, osz, b, bh);
  }
};
def(0x86, () => xchgRm);
def(0x87, () => xchgRm);
const nop: Handler = () => {};
const xchgAcc: Handler = (cpu, i) => {
  const osz = i.osz, r = i.rm;
  const a = getReg(cpu, 0, osz), ah = cpu.mem.hi;
  const b = getReg(cpu, r, osz), bh = cpu.mem.hi;
  setReg(cpu, 0, osz, b, bh);
  setReg(cpu, r, osz, a, ah);
};
// 90 is NOP (and PAUSE with F3), except with REX.B where it exchanges rAX and r8.
def(0x90, (i) => (i.rm === 8 ? xchgAcc : nop));
for (let r = 1; r < 8; r++) def(0x90 + r, () => xchgAcc);
def(MAP_0F | 0x1f, () => nop);
for (const op of [0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e]) def(MAP_0F | op, () => nop); // hint NOPs
// 0F 18 /0-/3: PREFETCHh (memory forms only); other /r are hint NOPs too.
def(MAP_0F | 0x18, () => nop);
def(MAP_0F | 0x0d, (i) => (i.mod === 3 ? null : nop)); // PREFETCHW

// --- CBW/CWDE/CDQE (98) and CWD/CDQ/CQO (99).
const cbw: Handler = (cpu, i) => {
  switch (i.osz) {
    case 2: cpu.lo[0] = (cpu.lo[0] & ~0xffff) | (((cpu.lo[0] << 24) >> 24) & 0xffff); break;
    case 4: setR32(cpu, 0, (cpu.lo[0] << 16) >> 16); break;
    default: cpu.hi[0] = cpu.lo[0] >> 31; break;
  }
};
const cwd: Handler = (cpu, i) => {
  switch (i.osz) {
    case 2: cpu.lo[2] = (cpu.lo[2] & ~0xffff) | (((cpu.lo[0] << 16) >> 31) & 0xffff); break;
    case 4: setR32(cpu, 2, cpu.lo[0] >> 31); break;
    default: { const s = cpu.hi[0] >> 31; cpu.lo[2] = s; cpu.hi[2] = s; break; }
  }
};
def(0x98, () => cbw);
def(0x99, () => cwd);
