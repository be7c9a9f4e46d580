// The stack: PUSH/POP of registers, immediates and memory, PUSHF/POPF with their privilege
// rules, LEAVE and ENTER (SDM Vol. 1 §6.2, Vol. 2 PUSH/POP/POPF/ENTER/LEAVE).

import type { Handler } from '../insn.js';
import { def, defGroup } from './table.js';
import { pushSized, popSized, push64, pop64, readRm, writeRm, stackAddr } from '../operands.js';
import { getFlags, setFlags } from '../flags.js';
import { RF, VM, IOPL, IF, AC, ID, TF, DF, NT, ARITH_FLAGS, FIXED1 } from '../regs.js';

// In 64-bit mode PUSH/POP default to 64 bits (16 with 66h); 32-bit pushes do not exist there.
const pushReg: Handler = (cpu, i) => {
  if (i.osz === 8) push64(cpu, cpu.lo[i.rm], cpu.hi[i.rm]);
  else pushSized(cpu, i.osz, cpu.lo[i.rm], 0);
};
const popReg: Handler = (cpu, i) => {
  if (i.osz === 8) { const lo = pop64(cpu); cpu.lo[i.rm] = lo; cpu.hi[i.rm] = cpu.mem.hi; return; }
  const v = popSized(cpu, i.osz);
  if (i.osz === 4) { cpu.lo[i.rm] = v; cpu.hi[i.rm] = 0; }
  else cpu.lo[i.rm] = (cpu.lo[i.rm] & ~0xffff) | (v & 0xffff);
};
const pushReg64: Handler = (cpu, i) => push64(cpu, cpu.lo[i.rm], cpu.hi[i.rm]);
const popReg64: Handler = (cpu, i) => { const lo = pop64(cpu); cpu.lo[i.rm] = lo; cpu.hi[i.rm] = cpu.mem.hi; };
for (let r = 0; r < 8; r++) {
  def(0x50 + r, (i) => (i.osz === 8 ? pushReg64 : pushReg));
  def(0x58 + r, (i) => (i.osz === 8 ? popReg64 : popReg));
}
const pushImm: Handler = (cpu, i) => pushSized(cpu, i.osz, i.imm, i.immHi);
def(0x68, () => pushImm);
def(0x6a, () => pushImm);

const pushRm: Handler = (cpu, i) => {
  const v = readRm(cpu, i, i.osz);
  pushSized(cpu, i.osz, v, cpu.mem.hi);
};
// FF /6 defaults to 64-bit operands in 64-bit mode (the decoder's table cannot say so for one
// member of the group, so the binder does).
defGroup(0xff, 6, (i) => { if (i.codeSize === 8 && i.osz === 4) i.osz = 8; return pushRm; });

// POP r/m: RSP is incremented before the destination address is computed (SDM Vol. 2 POP:
// "If the ESP register is used as a base register ... the POP instruction computes the
// effective address of the operand after it increments the ESP register").
const popRm: Handler = (cpu, i) => {
  const saveLo = cpu.lo[4], saveHi = cpu.hi[4];
  const v = popSized(cpu, i.osz);
  const vh = cpu.mem.hi;
  try {
    writeRm(cpu, i, i.osz, v, vh);
  } catch (e) {
    cpu.lo[4] = saveLo; cpu.hi[4] = saveHi;
    throw e;
  }
};
defGroup(0x8f, 0, () => popRm);

// PUSHF pushes RFLAGS with VM and RF cleared (SDM Vol. 2 PUSHF).
const pushf: Handler = (cpu, i) => {
  const f = getFlags(cpu) & ~(VM | RF);
  pushSized(cpu, i.osz, f, 0);
};
// POPF: at CPL 0 everything but VM/RF(cleared)/VIF/VIP may change; IOPL only at CPL 0; IF only
// if CPL <= IOPL (otherwise silently kept) (SDM Vol. 2 POPF, protected-mode table).
const popf: Handler = (cpu, i) => {
  const v = popSized(cpu, i.osz);
  const cur = getFlags(cpu);
  let changeable = ARITH_FLAGS | TF | DF | NT | AC | ID;
  if (cpu.cpl === 0) changeable |= IOPL | IF;
  else if (cpu.cpl <= ((cur & IOPL) >> 12)) changeable |= IF;
  if (i.osz === 2) changeable &= 0xffff;
  setFlags(cpu, ((cur & ~changeable) | (v & changeable) | FIXED1) & ~RF);
};
def(0x9c, () => pushf);
def(0x9d, (i) => { i.term = true; return popf; });

// LEAVE: RSP ← RBP, then pop RBP.
const leave: Handler = (cpu, i) => {
  const saveLo = cpu.lo[4], saveHi = cpu.hi[4];
  if (i.osz === 8 || cpu.codeSize === 8) { cpu.lo[4] = cpu.lo[5]; cpu.hi[4] = cpu.hi[5]; }
  else cpu.lo[4] = cpu.lo[5];
  try {
    const v = popSized(cpu, i.osz);
    if (i.osz === 8) { cpu.lo[5] = v; cpu.hi[5] = cpu.mem.hi; }
    else if (i.osz === 4) { cpu.lo[5] = v; cpu.hi[5] = 0; }
    else cpu.lo[5] = (cpu.lo[5] & ~0xffff) | (v & 0xffff);
  } catch (e) {
    cpu.lo[4] = saveLo; cpu.hi[4] = saveHi;
    throw e;
  }
};
def(0xc9, () => leave);

// ENTER size, level (SDM Vol. 2 ENTER): nesting level taken modulo 32.
const enter: Handler = (cpu, i) => {
  const size = i.imm & 0xffff;
  const level = i.imm2 & 31;
  const osz = i.osz;
  const saveLo = cpu.lo[4], saveHi = cpu.hi[4];
  try {
    pushSized(cpu, osz, cpu.lo[5], cpu.hi[5]);
    const frameLo = cpu.lo[4], frameHi = cpu.hi[4];
    if (level > 0) {
      let bpLo = cpu.lo[5], bpHi = cpu.hi[5];
      for (let k = 1; k < level; k++) {
        const t = (bpLo >>> 0) - osz;
        bpHi = (bpHi - (t < 0 ? 1 : 0)) | 0;
        bpLo = t | 0;
        const a = stackAddr(cpu, bpLo, bpHi);
        const v = osz === 8 ? cpu.mem.read64(a) : osz === 4 ? cpu.mem.read32(a) : cpu.mem.read16(a);
        pushSized(cpu, osz, v, osz === 8 ? cpu.mem.hi : 0);
      }
      pushSized(cpu, osz, frameLo, frameHi);
    }
    // Probe the lowest byte of the new frame before committing (a #PF/#SS must leave RSP intact).
    const t = (cpu.lo[4] >>> 0) - size;
    const nlo = t | 0, nhi = (cpu.hi[4] - (t < 0 ? 1 : 0)) | 0;
    if (size > 0) cpu.mem.write8(stackAddr(cpu, nlo, nhi), cpu.mem.read8(stackAddr(cpu, nlo, nhi)));
    if (osz === 8 || cpu.codeSize === 8) { cpu.lo[5] = frameLo; cpu.hi[5] = frameHi; }
    else if (osz === 4) cpu.lo[5] = frameLo;
    else cpu.lo[5] = (cpu.lo[5] & ~0xffff) | (frameLo & 0xffff);
    cpu.lo[4] = nlo;
    if (cpu.codeSize === 8) cpu.hi[4] = nhi;
  } catch (e) {
    cpu.lo[4] = saveLo; cpu.hi[4] = saveHi;
    throw e;
  }
};
def(0xc8, () => enter);

