// Shifts and rotates: group 2 (C0/C1 by imm8, D0/D1 by one, D2/D3 by CL) — ROL ROR RCL RCR
// SHL SHR SAL SAR — and the double shifts SHLD/SHRD (0F A4/A5/AC/AD). SDM Vol. 2 "SAL/SAR/SHL/SHR",
// "RCL/RCR/ROL/ROR", "SHLD", "SHRD".
//
// The count is masked to 5 bits (6 with a 64-bit operand); a masked count of 0 changes no flag.
// Flags the SDM leaves undefined are computed as the hardware does (status.ts; measured on AMD):
// - OF for counts above 1 uses the count-1 formula on the final result (SHL/ROL/RCL: MSB(result)
//   XOR CF; SHR/SHRD/ROR/RCR: XOR of the two top bits of the result; SAR: 0). Bochs models Intel
//   CPUs the same way, so both vendors use it.
// - AF after SHL/SHR/SAR/SHLD/SHRD: AMD sets it; for Intel it is cleared, as Bochs and QEMU do
//   (not checked on an Intel part).
// - 8/16-bit SHL/SHR with counts at or above the width behave as that many one-bit steps (CF is
//   the last bit out, so 0 past the width).

import type { Cpu } from '../cpu.js';
import type { Handler, Insn } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def, defGroup } from './table.js';
import { ea, readMem, writeMem, getReg, setReg } from '../operands.js';
import { getCF, getFlags } from '../flags.js';
import { CF, OF, AF, ARITH_FLAGS } from '../regs.js';
import { setStatus, szp, isAmd } from './status.js';

const ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAR = 7;

/** High half of the last 64-bit result. */
let shiftHi = 0;

// The flags an operation produces are held here until its result has been stored: a store to
// memory may fault, and a faulting instruction must leave RFLAGS as it was.
/** New values of the status flags in pendMask. */
let pendFlags = 0;
let pendMask = 0;

/** CF and OF only (rotates keep SF, ZF, AF and PF). */
function setCfOf(cf: number, of: number): void {
  pendFlags = (cf ? CF : 0) | (of ? OF : 0);
  pendMask = CF | OF;
}
function setAll(f: number): void {
  pendFlags = f;
  pendMask = ARITH_FLAGS;
}
function commit(cpu: Cpu): void {
  // AF after SHL/SHR/SAR/SHLD/SHRD: set on AMD, clear on Intel.
  if (pendMask === ARITH_FLAGS) setStatus(cpu, pendFlags | (isAmd(cpu) ? AF : 0));
  else {
    cpu.flags = (getFlags(cpu) & ~pendMask) | pendFlags;
    cpu.lazyOp = 0;
  }
}

/**
 * Shift or rotate `v` (8/16-bit values zero-extended, 32-bit as int32, 64-bit as v:vh) by a
 * masked, non-zero count `c`; records the flags (pendFlags) and returns the result (high half
 * in shiftHi).
 */
function shift(cpu: Cpu, op: number, osz: number, v: number, vh: number, c: number): number {
  if (osz === 8) return shift64(cpu, op, v, vh, c);
  const w = osz * 8;
  const m = osz === 4 ? -1 : (1 << w) - 1;
  const top = w - 1;
  let res: number, cf: number;
  switch (op) {
    case ROL: {
      const r = c & top;
      res = r === 0 ? v : ((v << r) | ((v & m) >>> (w - r))) & m;
      cf = res & 1;
      setCfOf(cf, ((res >>> top) & 1) ^ cf);
      return res;
    }
    case ROR: {
      const r = c & top;
      res = r === 0 ? v : (((v & m) >>> r) | (v << (w - r))) & m;
      cf = (res >>> top) & 1;
      setCfOf(cf, cf ^ ((res >>> (top - 1)) & 1));
      return res;
    }
    case RCL: {
      const cin = getCF(cpu) ? 1 : 0;
      if (osz === 4) {
        res = (v << c) | (cin << (c - 1)) | (c > 1 ? v >>> (33 - c) : 0);
        cf = (v >>> (32 - c)) & 1;
      } else {
        const r = c % (w + 1);
        const x = v | (cin << w);
        const x2 = r === 0 ? x : ((x << r) | (x >>> (w + 1 - r))) & ((m << 1) | 1);
        res = x2 & m;
        cf = (x2 >>> w) & 1;
      }
      setCfOf(cf, ((res >>> top) & 1) ^ cf);
      return res;
    }
    case RCR: {
      const cin = getCF(cpu) ? 1 : 0;
      if (osz === 4) {
        res = (v >>> c) | (cin << (32 - c)) | (c > 1 ? v << (33 - c) : 0);
        cf = (v >>> (c - 1)) & 1;
      } else {
        const r = c % (w + 1);
        const x = v | (cin << w);
        const x2 = r === 0 ? x : ((x >>> r) | (x << (w + 1 - r))) & ((m << 1) | 1);
        res = x2 & m;
        cf = (x2 >>> w) & 1;
      }
      setCfOf(cf, ((res >>> top) ^ (res >>> (top - 1))) & 1);
      return res;
    }
    case SHL: {
      res = c < w ? (v << c) & m : 0;
      cf = c <= w ? ((v & m) >>> (w - c)) & 1 : 0;
      setAll(szp(osz, res, 0) | cf | ((((res >>> top) & 1) ^ cf) ? OF : 0));
      return res;
    }
    case SHR: {
      const u = v & m;
      res = c < w ? (u >>> c) & m : 0;
      cf = c <= w ? (u >>> (c - 1)) & 1 : 0;
      setAll(szp(osz, res, 0) | cf | (c === 1 && ((u >>> top) & 1) ? OF : 0));
      return res;
    }
    default: { // SAR
      const s = osz === 1 ? (v << 24) >> 24 : osz === 2 ? (v << 16) >> 16 : v;
      res = (s >> (c > 31 ? 31 : c)) & m;
      cf = (s >> (c - 1 > 31 ? 31 : c - 1)) & 1;
      setAll(szp(osz, res, 0) | cf);
      return res;
    }
  }
}

function shift64(cpu: Cpu, op: number, l: number, h: number, c: number): number {
  let rl: number, rh: number, cf: number;
  switch (op) {
    case ROL: case ROR: {
      // A right rotation by c is a left rotation by 64 - c.
      let r = op === ROL ? c : 64 - c;
      let a = l, b = h;
      if (r >= 32) { a = h; b = l; r -= 32; }
      if (r === 0) { rl = a; rh = b; }
      else { rh = (b << r) | (a >>> (32 - r)); rl = (a << r) | (b >>> (32 - r)); }
      if (op === ROL) { cf = rl & 1; setCfOf(cf, (rh >>> 31) ^ cf); }
      else { cf = rh >>> 31; setCfOf(cf, cf ^ ((rh >>> 30) & 1)); }
      shiftHi = rh;
      return rl;
    }
    case RCL: case RCR: {
      // Rare with counts above 1: one bit at a time through CF.
      cf = getCF(cpu) ? 1 : 0;
      rl = l; rh = h;
      for (let k = 0; k < c; k++) {
        if (op === RCL) {
          const out = rh >>> 31;
          rh = (rh << 1) | (rl >>> 31);
          rl = (rl << 1) | cf;
          cf = out;
        } else {
          const out = rl & 1;
          rl = (rl >>> 1) | (rh << 31);
          rh = (rh >>> 1) | (cf << 31);
          cf = out;
        }
      }
      setCfOf(cf, op === RCL ? (rh >>> 31) ^ cf : ((rh >>> 31) ^ (rh >>> 30)) & 1);
      shiftHi = rh;
      return rl;
    }
    case SHL:
      if (c < 32) { rh = (h << c) | (l >>> (32 - c)); rl = l << c; cf = (h >>> (32 - c)) & 1; }
      else if (c === 32) { rh = l; rl = 0; cf = h & 1; }
      else { rh = l << (c - 32); rl = 0; cf = (l >>> (64 - c)) & 1; }
      setAll(szp(8, rl, rh) | cf | (((rh >>> 31) ^ cf) ? OF : 0));
      shiftHi = rh;
      return rl;
    case SHR:
      if (c < 32) { rl = (l >>> c) | (c === 0 ? 0 : h << (32 - c)); rh = h >>> c; cf = (l >>> (c - 1)) & 1; }
      else if (c === 32) { rl = h; rh = 0; cf = l >>> 31; }
      else { rl = h >>> (c - 32); rh = 0; cf = (h >>> (c - 33)) & 1; }
      rl |= 0; rh |= 0;
      setAll(szp(8, rl, rh) | cf | (c === 1 && h < 0 ? OF : 0));
      shiftHi = rh;
      return rl;
    default: // SAR
      if (c < 32) { rl = (l >>> c) | (h << (32 - c)); rh = h >> c; cf = (l >>> (c - 1)) & 1; }
      else if (c === 32) { rl = h; rh = h >> 31; cf = l >>> 31; }
      else { rl = h >> (c - 32); rh = h >> 31; cf = (h >>> (c - 33)) & 1; }
      setAll(szp(8, rl, rh) | cf);
      shiftHi = rh;
      return rl;
  }
}

// --- Group 2 handlers. The count source (1, CL, imm8) is fixed by the opcode.
const BY_ONE = 0, BY_CL = 1, BY_IMM = 2;

function group2(op: number, by: number): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    const c = (by === BY_CL ? cpu.lo[1] : by === BY_IMM ? i.imm : 1) & (osz === 8 ? 63 : 31);
    if (i.mod === 3) {
      const r = osz === 1 ? i.rm8 : i.rm;
      if (c === 0) {
        // Nothing changes — except that a 32-bit destination register is still written, so its
        // upper half is zeroed (observed on Intel and AMD).
        if (osz === 4) cpu.hi[r] = 0;
        return;
      }
      const v = getReg(cpu, r, osz), vh = cpu.mem.hi;
      const res = shift(cpu, op, osz, v, vh, c);
      setReg(cpu, r, osz, res, shiftHi);
      commit(cpu);
    } else {
      const a = ea(cpu, i);
      const v = readMem(cpu, a, osz), vh = cpu.mem.hi;
      if (c === 0) return;
      const res = shift(cpu, op, osz, v, vh, c);
      writeMem(cpu, a, osz, res, shiftHi);
      commit(cpu);
    }
  };
}

// SHL/SHR/SAR of a 64- or 32-bit register — what compilers emit — without the generic path's
// size dispatch and deferred flags (a register store cannot fault).
function fastReg(op: number, by: number, osz: number): Handler {
  return (cpu, i) => {
    const c = (by === BY_CL ? cpu.lo[1] : by === BY_IMM ? i.imm : 1) & (osz === 8 ? 63 : 31);
    const r = i.rm;
    if (c === 0) { if (osz === 4) cpu.hi[r] = 0; return; }
    if (osz === 8) {
      const res = shift64(cpu, op, cpu.lo[r], cpu.hi[r], c);
      cpu.lo[r] = res; cpu.hi[r] = shiftHi;
    } else {
      cpu.lo[r] = shift(cpu, op, 4, cpu.lo[r], 0, c);
      cpu.hi[r] = 0;
    }
    setStatus(cpu, pendFlags | (isAmd(cpu) ? AF : 0));
  };
}

for (let op = 0; op < 8; op++) {
  // /6 is an undocumented alias of /4 (SAL = SHL), executed as such by Intel and AMD.
  const k = op === 6 ? SHL : op;
  const one = group2(k, BY_ONE), cl = group2(k, BY_CL), imm = group2(k, BY_IMM);
  const fast = k === SHL || k === SHR || k === SAR;
  const f64 = [fastReg(k, BY_ONE, 8), fastReg(k, BY_CL, 8), fastReg(k, BY_IMM, 8)];
  const f32 = [fastReg(k, BY_ONE, 4), fastReg(k, BY_CL, 4), fastReg(k, BY_IMM, 4)];
  const pickFor = (by: number, generic: Handler) => (i: Insn): Handler =>
    fast && i.mod === 3 && i.osz === 8 ? f64[by] : fast && i.mod === 3 && i.osz === 4 ? f32[by] : generic;
  defGroup(0xd0, op, () => one);
  defGroup(0xd1, op, pickFor(BY_ONE, one));
  defGroup(0xd2, op, () => cl);
  defGroup(0xd3, op, pickFor(BY_CL, cl));
  defGroup(0xc0, op, () => imm);
  defGroup(0xc1, op, pickFor(BY_IMM, imm));
}

// --- SHLD/SHRD: the destination shifted with bits coming in from the source register.
function doubleShift(left: boolean, osz: number, d: number, dh: number, s: number, sh: number, c: number): number {
  let res: number, cf: number, of: number;
  if (osz === 8) {
    let rl: number, rh: number;
    if (left) {
      // (d:s) << c, upper 64 bits.
      if (c < 32) { rh = (dh << c) | (d >>> (32 - c)); rl = (d << c) | (sh >>> (32 - c)); cf = (dh >>> (32 - c)) & 1; }
      else if (c === 32) { rh = d; rl = sh; cf = dh & 1; }
      else { rh = (d << (c - 32)) | (sh >>> (64 - c)); rl = (sh << (c - 32)) | (s >>> (64 - c)); cf = (d >>> (64 - c)) & 1; }
      of = (rh >>> 31) ^ cf;
    } else {
      // (s:d) >> c, lower 64 bits.
      if (c < 32) { rl = (d >>> c) | (dh << (32 - c)); rh = (dh >>> c) | (s << (32 - c)); cf = (d >>> (c - 1)) & 1; }
      else if (c === 32) { rl = dh; rh = s; cf = d >>> 31; }
      else { rl = (dh >>> (c - 32)) | (s << (64 - c)); rh = (s >>> (c - 32)) | (sh << (64 - c)); cf = (dh >>> (c - 33)) & 1; }
      of = ((rh >>> 31) ^ (rh >>> 30)) & 1;
    }
    setAll(szp(8, rl, rh) | cf | (of ? OF : 0));
    shiftHi = rh;
    return rl;
  }
  if (osz === 4) {
    if (left) { res = (d << c) | (s >>> (32 - c)); cf = (d >>> (32 - c)) & 1; of = (res >>> 31) ^ cf; }
    else { res = (d >>> c) | (s << (32 - c)); cf = (d >>> (c - 1)) & 1; of = ((res >>> 31) ^ (res >>> 30)) & 1; }
  } else {
    d &= 0xffff; s &= 0xffff;
    if (c <= 16) {
      if (left) { res = ((d << c) | (s >>> (16 - c))) & 0xffff; cf = (d >>> (16 - c)) & 1; }
      else { res = ((d >>> c) | (s << (16 - c))) & 0xffff; cf = (d >>> (c - 1)) & 1; }
      // SHLD by exactly 16 reports OF = CF (measured on AMD).
      of = left ? (c === 16 ? cf : ((res >>> 15) & 1) ^ cf) : ((res >>> 15) ^ (res >>> 14)) & 1;
    } else {
      // Counts 17-31 are undefined for 16-bit operands. The hardware keeps rotating the source
      // in (the result is the source rotated by count - 16) and clears CF (measured on AMD; the
      // 80386 rotates the same way). Used for both vendors.
      const r = c - 16;
      if (left) res = ((s << r) | (s >>> (16 - r))) & 0xffff;
      else res = ((s >>> r) | (s << (16 - r))) & 0xffff;
      cf = 0;
      of = left ? 0 : ((res >>> 15) ^ (res >>> 14)) & 1;
    }
  }
  setAll(szp(osz, res, 0) | cf | (of ? OF : 0));
  return res;
}

function shxd(left: boolean, byCl: boolean): Handler {
  return (cpu, i) => {
    const osz = i.osz;
    const c = (byCl ? cpu.lo[1] : i.imm) & (osz === 8 ? 63 : 31);
    const s = getReg(cpu, i.reg, osz), sh = cpu.mem.hi;
    if (i.mod === 3) {
      if (c === 0) { if (osz === 4) cpu.hi[i.rm] = 0; return; }
      const d = getReg(cpu, i.rm, osz), dh = cpu.mem.hi;
      setReg(cpu, i.rm, osz, doubleShift(left, osz, d, dh, s, sh, c), shiftHi);
      commit(cpu);
    } else {
      const a = ea(cpu, i);
      const d = readMem(cpu, a, osz), dh = cpu.mem.hi;
      if (c === 0) return;
      writeMem(cpu, a, osz, doubleShift(left, osz, d, dh, s, sh, c), shiftHi);
      commit(cpu);
    }
  };
}
const SHLD_IMM = shxd(true, false), SHLD_CL = shxd(true, true);
const SHRD_IMM = shxd(false, false), SHRD_CL = shxd(false, true);
def(MAP_0F | 0xa4, () => SHLD_IMM);
def(MAP_0F | 0xa5, () => SHLD_CL);
def(MAP_0F | 0xac, () => SHRD_IMM);
def(MAP_0F | 0xad, () => SHRD_CL);
