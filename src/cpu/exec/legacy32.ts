// Instructions that exist outside 64-bit mode only (the opcode table marks them INV64): what
// 32-bit programs running in compatibility mode still use. PUSH/POP of ES, CS, SS and DS
// (06/07, 0E, 16/17, 1E/1F), PUSHA/POPA (60/61), BOUND (62), ARPL (63, MOVSXD in 64-bit mode),
// LES/LDS (C4/C5, VEX in 64-bit mode), and the far-pointer loads LSS/LFS/LGS (0F B2/B4/B5), which
// are valid in every mode. SDM Vol. 2 per instruction.

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def } from './table.js';
import { ea, raiseNoCode, readRm, writeRm, setReg, getReg, pushSized, popSized } from '../operands.js';
import { getFlags, setFlags } from '../flags.js';
import { loadDataSeg } from '../system/segments.js';
import { ES, CS, SS, DS, FS, GS, BR, ZF } from '../regs.js';

const outside64 = (i: Insn): boolean => i.codeSize !== 8;

// PUSH Sreg: the selector, zero-extended to the operand size. (Recent Intel cores write only the
// low 16 bits of a 32-bit slot; the pushed value read back is the same either way.)
for (const [op, seg] of [[0x06, ES], [0x0e, CS], [0x16, SS], [0x1e, DS]] as const) {
  def(op, (i) => (outside64(i) ? (cpu, i) => pushSized(cpu, i.osz, cpu.sel[seg], 0) : null));
}

// POP Sreg: the full protected-mode load checks (loadDataSeg). POP SS holds back interrupts and
// debug traps for one instruction, as MOV SS does (SDM Vol. 3 §6.8.3).
for (const [op, seg] of [[0x07, ES], [0x17, SS], [0x1f, DS]] as const) {
  def(op, (i) => {
    if (!outside64(i)) return null;
    i.term = true;
    return (cpu, i) => {
      const sp = cpu.lo[4];
      const sel = popSized(cpu, i.osz) & 0xffff;
      try {
        loadDataSeg(cpu, seg, sel);
      } catch (e) {
        cpu.lo[4] = sp; // a faulting POP leaves ESP unchanged
        throw e;
      }
      if (seg === SS) cpu.shadowUntil = -3;
    };
  });
}

// PUSHA/PUSHAD: eAX, eCX, eDX, eBX, the original eSP, eBP, eSI, eDI. POPA skips the eSP slot.
const pusha: Handler = (cpu, i) => {
  const sp = getReg(cpu, 4, i.osz);
  for (let r = 0; r < 8; r++) pushSized(cpu, i.osz, r === 4 ? sp : getReg(cpu, r, i.osz), 0);
};
const popa: Handler = (cpu, i) => {
  for (let r = 7; r >= 0; r--) {
    const v = popSized(cpu, i.osz);
    if (r !== 4) setReg(cpu, r, i.osz, v, 0);
  }
};
def(0x60, (i) => (outside64(i) ? pusha : null));
def(0x61, (i) => (outside64(i) ? popa : null));

// BOUND r, m: #BR when the signed index lies outside [lower, upper] (the pair in memory).
const bound: Handler = (cpu, i) => {
  const a = ea(cpu, i);
  const idx = getReg(cpu, i.reg, i.osz);
  let lo: number, hi: number, v: number;
  if (i.osz === 2) {
    lo = (cpu.mem.read16(a) << 16) >> 16; hi = (cpu.mem.read16(a + 2) << 16) >> 16; v = (idx << 16) >> 16;
  } else {
    lo = cpu.mem.read32(a) | 0; hi = cpu.mem.read32(a + 4) | 0; v = idx | 0;
  }
  if (v < lo || v > hi) raiseNoCode(cpu, BR);
};
// The register form (62 with mod = 3) is EVEX outside 64-bit mode too: #UD on this CPU.
def(0x62, (i) => (outside64(i) && i.mod !== 3 ? bound : null));

// ARPL r/m16, r16: raise the destination selector's RPL to the source's; ZF says whether it did.
export const arpl: Handler = (cpu, i) => {
  const dst = readRm(cpu, i, 2) & 0xffff;
  const src = getReg(cpu, i.reg, 2) & 0xffff;
  const f = getFlags(cpu) & ~ZF;
  if ((dst & 3) < (src & 3)) {
    writeRm(cpu, i, 2, (dst & ~3) | (src & 3), 0);
    setFlags(cpu, f | ZF);
  } else setFlags(cpu, f);
};

// LES/LDS/LSS/LFS/LGS r, m16:16/m16:32: the offset into the register, the selector into the
// segment register (with the checks of a MOV to it). The register form is #UD.
function loadFarPointer(seg: number): (i: Insn) => Handler | null {
  return (i) => {
    if (i.mod === 3) return null;
    i.term = true;
    return (cpu, i) => {
      const a = ea(cpu, i);
      const off = i.osz === 2 ? cpu.mem.read16(a) : cpu.mem.read32(a);
      const sel = cpu.mem.read16(a + (i.osz === 2 ? 2 : 4));
      loadDataSeg(cpu, seg, sel);
      if (seg === SS) cpu.shadowUntil = -3;
      setReg(cpu, i.reg, i.osz, off, 0);
    };
  };
}
def(0xc4, (i) => (outside64(i) ? loadFarPointer(ES)(i) : null));
def(0xc5, (i) => (outside64(i) ? loadFarPointer(DS)(i) : null));
def(MAP_0F | 0xb2, (i) => (i.osz === 8 ? null : loadFarPointer(SS)(i)));
def(MAP_0F | 0xb4, (i) => (i.osz === 8 ? null : loadFarPointer(FS)(i)));
def(MAP_0F | 0xb5, (i) => (i.osz === 8 ? null : loadFarPointer(GS)(i)));

