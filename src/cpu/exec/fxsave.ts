// 0F AE /0-/3: FXSAVE, FXRSTOR, LDMXCSR, STMXCSR (memory forms, no prefix).
//
// The FXSAVE image (SDM Vol. 1 §10.5.1, Table 10-2; 512 bytes, 16-byte aligned or #GP(0)):
//   0 FCW, 2 FSW (with TOP), 4 abridged FTW (bit i: physical register i not empty), 6 FOP,
//   8 FPU IP, 16 FPU DP — 64-bit offsets with REX.W (FXSAVE64); without it a 32-bit offset and
//   a 16-bit selector each (8: FIP, 12: FCS, 16: FDP, 20: FDS),
//   24 MXCSR, 28 MXCSR_MASK, 32 + 16i ST(i) (80 bits; ST(i) is physical register (TOP+i) & 7),
//   160 + 16i XMMi (sixteen in 64-bit mode, eight outside it).
// Reserved bytes up to the end of the XMM area are written as zeros (as hardware does); bytes
// from there to 511 are left alone. The x87 state comes straight from the fields of cpu.ts that
// the x87 implementation keeps (fpMant, fpExp, fpTop, fpSw, fpCw, fpTag, fpIp, fpDp, fpOp): this
// file and the x87 files agree on that layout and nothing else. No FCS/FDS are modelled: their
// 32-bit-format slots read 0.

import type { Cpu } from '../cpu.js';
import type { Handler } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { defGroup } from './table.js';
import { ea, raise, raiseNoCode } from '../operands.js';
import { GP, NM, UD, CR0_EM, CR0_TS, CR4_OSFXSR } from '../regs.js';
import { MXCSR_MASK } from './sse-state.js';
import { fpuInit } from './x87-control.js';

const IMG = new Uint8Array(512);
const IMG_DV = new DataView(IMG.buffer);
const TWO32 = 4294967296;

function imageSize(cpu: Cpu): number {
  return 160 + (cpu.codeSize === 8 ? 16 : 8) * 16;
}

/** Build the FXSAVE image of the current state in IMG. */
export function fxsaveImage(cpu: Cpu, rexW: boolean): number {
  const n = imageSize(cpu);
  IMG.fill(0, 0, n);
  const dv = IMG_DV;
  dv.setUint16(0, cpu.fpCw, true);
  dv.setUint16(2, (cpu.fpSw & ~0x3800) | ((cpu.fpTop & 7) << 11), true);
  IMG[4] = cpu.fpTag & 0xff;
  dv.setUint16(6, cpu.fpOp & 0x7ff, true);
  if (rexW) {
    setU64(dv, 8, cpu.fpIp);
    setU64(dv, 16, cpu.fpDp);
  } else {
    dv.setUint32(8, cpu.fpIp >>> 0, true);
    dv.setUint32(16, cpu.fpDp >>> 0, true);
  }
  dv.setUint32(24, cpu.mxcsr, true);
  dv.setUint32(28, MXCSR_MASK, true);
  for (let i = 0; i < 8; i++) {
    const p = (cpu.fpTop + i) & 7;
    dv.setUint32(32 + 16 * i, cpu.fpMant[2 * p], true);
    dv.setUint32(36 + 16 * i, cpu.fpMant[2 * p + 1], true);
    dv.setUint16(40 + 16 * i, cpu.fpExp[p], true);
  }
  for (let k = 0; k < (n - 160) / 4; k++) dv.setInt32(160 + 4 * k, cpu.xmm[k], true);
  return n;
}

/** Load the state from an FXSAVE image in IMG (MXCSR already checked). */
export function fxrstorImage(cpu: Cpu, rexW: boolean): void {
  const dv = IMG_DV;
  cpu.fpCw = dv.getUint16(0, true);
  const sw = dv.getUint16(2, true);
  cpu.fpTop = (sw >> 11) & 7;
  cpu.fpSw = sw & ~0x3800;
  cpu.fpTag = IMG[4];
  cpu.fpOp = dv.getUint16(6, true) & 0x7ff;
  if (rexW) {
    cpu.fpIp = dv.getInt32(12, true) * TWO32 + dv.getUint32(8, true);
    cpu.fpDp = dv.getInt32(20, true) * TWO32 + dv.getUint32(16, true);
  } else {
    cpu.fpIp = dv.getUint32(8, true);
    cpu.fpDp = dv.getUint32(16, true);
  }
  cpu.mxcsr = dv.getUint32(24, true);
  for (let i = 0; i < 8; i++) {
    const p = (cpu.fpTop + i) & 7;
    cpu.fpMant[2 * p] = dv.getUint32(32 + 16 * i, true);
    cpu.fpMant[2 * p + 1] = dv.getUint32(36 + 16 * i, true);
    cpu.fpExp[p] = dv.getUint16(40 + 16 * i, true);
  }
  const n = imageSize(cpu);
  for (let k = 0; k < (n - 160) / 4; k++) cpu.xmm[k] = dv.getInt32(160 + 4 * k, true);
}

function setU64(dv: DataView, off: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  dv.setUint32(off, (v - hi * TWO32) >>> 0, true);
  dv.setInt32(off + 4, hi | 0, true);
}

/**
 * FXSAVE/FXRSTOR: #NM while CR0.TS or CR0.EM is set (a lazy-FPU kernel's trap); LDMXCSR/STMXCSR:
 * #UD with CR0.EM or without CR4.OSFXSR, else #NM with CR0.TS (SDM Vol. 2, each instruction).
 * The other SSE instructions skip these checks: Linux keeps TS and EM clear (eager FPU since 4.6)
 * and the test costs every instruction.
 */
function fxCheck(cpu: Cpu): void {
  if ((cpu.cr0 & (CR0_TS | CR0_EM)) !== 0) raiseNoCode(cpu, NM);
}
function mxcsrCheck(cpu: Cpu): void {
  if ((cpu.cr0 & CR0_EM) !== 0 || (cpu.cr4 & CR4_OSFXSR) === 0) raiseNoCode(cpu, UD);
  if ((cpu.cr0 & CR0_TS) !== 0) raiseNoCode(cpu, NM);
}

const fxsave: Handler = (cpu, i) => {
  fxCheck(cpu);
  const a = ea(cpu, i);
  if ((a & 15) !== 0) raise(cpu, GP, 0);
  const n = fxsaveImage(cpu, (i.rex & 8) !== 0);
  // Translate both ends first: a fault must leave memory unchanged.
  cpu.mem.physW(a);
  cpu.mem.physW(a + n - 1);
  for (let k = 0; k < n; k += 8) cpu.mem.write64(a + k, IMG_DV.getInt32(k, true), IMG_DV.getInt32(k + 4, true));
};

const fxrstor: Handler = (cpu, i) => {
  fxCheck(cpu);
  const a = ea(cpu, i);
  if ((a & 15) !== 0) raise(cpu, GP, 0);
  const n = imageSize(cpu);
  for (let k = 0; k < n; k += 8) {
    IMG_DV.setInt32(k, cpu.mem.read64(a + k), true);
    IMG_DV.setInt32(k + 4, cpu.mem.hi, true);
  }
  // Reserved MXCSR bits set in the image: #GP(0), nothing loaded (SDM Vol. 2 FXRSTOR).
  if ((IMG_DV.getUint32(24, true) & ~MXCSR_MASK) !== 0) raise(cpu, GP, 0);
  fxrstorImage(cpu, (i.rex & 8) !== 0);
};

const ldmxcsr: Handler = (cpu, i) => {
  mxcsrCheck(cpu);
  const v = cpu.mem.read32(ea(cpu, i));
  if ((v & ~MXCSR_MASK) !== 0) raise(cpu, GP, 0);
  cpu.mxcsr = v;
};
const stmxcsr: Handler = (cpu, i) => { mxcsrCheck(cpu); cpu.mem.write32(ea(cpu, i), cpu.mxcsr); };

for (const [ext, h] of [[0, fxsave], [1, fxrstor], [2, ldmxcsr], [3, stmxcsr]] as [number, Handler][]) {
  defGroup(MAP_0F | 0xae, ext, (i) => (i.mod !== 3 && i.pfx === 0 ? h : null));
}

/**
 * The kernel's view of a task's FPU/SSE state (Linux's fpstate in the FXSAVE format): a copy of
 * the 64-bit FXSAVE image, bytes 464-511 (left to software) zeroed. Used by the context switch
 * and by the signal frame.
 */
export function fpuSave(cpu: Cpu): Uint8Array {
  const n = fxsaveImage(cpu, true);
  const out = new Uint8Array(512);
  out.set(IMG.subarray(0, n));
  return out;
}

/** Load a state saved by fpuSave (or read from a signal frame: the caller checks MXCSR first). */
export function fpuRestore(cpu: Cpu, image: Uint8Array): void {
  IMG.set(image.subarray(0, 512));
  fxrstorImage(cpu, true);
}

/** The state after FNINIT and a default MXCSR, with the XMM registers cleared (Linux's init_fpstate). */
export function fpuInitAll(cpu: Cpu): void {
  fpuInit(cpu);
  cpu.mxcsr = 0x1f80;
  cpu.xmm.fill(0);
}
