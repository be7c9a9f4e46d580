// A small x86-64 encoder for the instruction forms the oracle generates: legacy prefixes, REX,
// one- to three-byte opcodes, ModRM with register or memory operands (SIB, disp8/disp32,
// RIP-relative, 32-bit address size), and immediates (SDM Vol. 2 chapter 2). It does only what
// the forms need and refuses impossible combinations (AH..BH with a REX prefix).

/** Byte-register ids: 0-15 are AL..R15B (SPL..DIL for 4-7, which need a REX prefix), 16-19 AH, CH, DH, BH. */
export const AH = 16, CH = 17, DH = 18, BH = 19;

export const BASE_NONE = -1, BASE_RIP = -2;

export interface Mem {
  base: number;
  index: number;
  scale: number;
  /** Displacement; for RIP-relative operands the absolute target address instead. */
  disp: number;
  /** 0: none (mod 00), 1: disp8, 4: disp32. Forced to what the encoding needs. */
  dispSize: 0 | 1 | 4;
  /** 67h: 32-bit address size. */
  addr32?: boolean;
}

export type Rm = { reg: number } | { mem: Mem };

export interface Enc {
  /** Legacy prefixes in order (LOCK, REP, segment, mandatory 66/F2/F3 …), before any 66 from osz. */
  pfx?: number[];
  /** Operand size: 2 adds 66h, 8 adds REX.W; 1 marks reg/rm as byte-register ids. */
  osz?: 1 | 2 | 4 | 8;
  /** Opcode bytes after the prefixes and REX (0F, 0F 38 … included). */
  op: number[];
  /** ModRM.reg as a register id. */
  reg?: number;
  /** ModRM.reg as an opcode extension (/digit). */
  ext?: number;
  rm?: Rm;
  /** Register encoded in the opcode's low three bits (50+r, B8+r, C8+r …). */
  opreg?: number;
  /** Immediates in order, each as [size in bytes, value]. */
  imm?: [number, bigint][];
  /** Force a REX prefix even when no bit is needed (40h). */
  rex?: boolean;
  /** Byte-register ids for reg / rm / opreg independently of osz (MOVZX Gv,Eb; SETcc Eb). */
  regByte?: boolean;
  rmByte?: boolean;
}

function isByteHigh(r: number): boolean { return r >= 16 && r <= 19; }

/** Encode one instruction placed at address `at`. */
export function encode(e: Enc, at: number): number[] {
  const out: number[] = [];
  const byteReg = e.regByte ?? e.osz === 1;
  const byteRm = e.rmByte ?? e.osz === 1;
  const prefixes = [...(e.pfx ?? [])];
  if (e.osz === 2) prefixes.push(0x66);
  const mem = e.rm !== undefined && 'mem' in e.rm ? e.rm.mem : null;
  if (mem?.addr32) prefixes.push(0x67);
  let rex = e.osz === 8 ? 8 : 0;
  let needRex = e.rex === true;
  let forbidRex = false;
  const regField = e.reg ?? e.ext ?? 0;
  if (e.reg !== undefined) {
    if (byteReg && isByteHigh(regField)) forbidRex = true;
    else {
      if (regField & 8) rex |= 4;
      if (byteReg && regField >= 4 && regField < 8) needRex = true;
    }
  }
  if (e.rm !== undefined && 'reg' in e.rm) {
    const r = e.rm.reg;
    if (byteRm && isByteHigh(r)) forbidRex = true;
    else {
      if (r & 8) rex |= 1;
      if (byteRm && r >= 4 && r < 8) needRex = true;
    }
  }
  if (mem) {
    if (mem.base >= 8) rex |= 1;
    if (mem.index >= 8) rex |= 2;
  }
  if (e.opreg !== undefined) {
    if (byteRm && isByteHigh(e.opreg)) forbidRex = true;
    else {
      if (e.opreg & 8) rex |= 1;
      if (byteRm && e.opreg >= 4 && e.opreg < 8) needRex = true;
    }
  }
  if (forbidRex && (rex !== 0 || needRex)) throw new Error('encode: AH/CH/DH/BH cannot be used with a REX prefix');
  out.push(...prefixes);
  if (rex !== 0 || needRex) out.push(0x40 | rex);
  const op = [...e.op];
  if (e.opreg !== undefined) op[op.length - 1] |= (isByteHigh(e.opreg) ? e.opreg - 12 : e.opreg) & 7;
  out.push(...op);
  let ripFix = -1;
  if (e.rm !== undefined) {
    const reg3 = (e.reg !== undefined && isByteHigh(regField) && byteReg ? regField - 12 : regField) & 7;
    if ('reg' in e.rm) {
      const r = e.rm.reg;
      out.push(0xc0 | (reg3 << 3) | ((byteRm && isByteHigh(r) ? r - 12 : r) & 7));
    } else {
      const m = e.rm.mem;
      let disp = m.disp | 0;
      if (m.base === BASE_RIP) {
        out.push((reg3 << 3) | 5);
        ripFix = out.length;
        out.push(0, 0, 0, 0);
      } else if (m.base === BASE_NONE) {
        // No base: SIB with base 101 and mod 00 means disp32 (+ index*scale).
        out.push((reg3 << 3) | 4, (m.scale << 6) | ((m.index < 0 ? 4 : m.index) & 7) << 3 | 5);
        push32(out, disp);
      } else {
        let ds = m.dispSize;
        if (ds === 0 && (m.base & 7) === 5) ds = 1; // [rbp]/[r13] have no mod-00 form
        if (ds === 1 && (disp < -128 || disp > 127)) ds = 4;
        const mod = ds === 0 ? 0 : ds === 1 ? 1 : 2;
        if (m.index >= 0 || (m.base & 7) === 4) {
          if (m.index === 4) throw new Error('encode: RSP cannot be an index');
          out.push((mod << 6) | (reg3 << 3) | 4, (m.scale << 6) | (((m.index < 0 ? 4 : m.index) & 7) << 3) | (m.base & 7));
        } else {
          out.push((mod << 6) | (reg3 << 3) | (m.base & 7));
        }
        if (ds === 1) out.push(disp & 0xff);
        else if (ds === 4) push32(out, disp);
      }
    }
  }
  for (const [size, v] of e.imm ?? []) {
    for (let k = 0; k < size; k++) out.push(Number((v >> BigInt(8 * k)) & 0xffn));
  }
  if (ripFix >= 0 && mem) {
    const rel = mem.disp - (at + out.length);
    const b = [rel & 0xff, (rel >> 8) & 0xff, (rel >> 16) & 0xff, (rel >>> 24) & 0xff];
    for (let k = 0; k < 4; k++) out[ripFix + k] = b[k];
  }
  return out;
}

function push32(out: number[], v: number): void {
  out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
}
