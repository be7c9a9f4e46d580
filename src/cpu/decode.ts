// The instruction decoder: prefixes, REX, opcode maps, ModRM/SIB/displacement, immediates
// (SDM Vol. 2 chapter 2). It fills an Insn and says whether the bytes form an instruction;
// choosing the handler is exec/index.ts's job. It never raises anything itself: a block is
// decoded ahead of execution, so an invalid encoding becomes an instruction that raises #UD
// when (and only if) it is reached.

import { Insn, MAP_1, MAP_0F, MAP_0F38, MAP_0F3A, BASE_NONE, BASE_RIP } from './insn.js';
import {
  MAP1, MAP0F, MAP0F38, MAP0F3A, M, I8, I16, IZ, IV, IA, D64, F64, BYTE, INV64, REL, FAR, ENTER, GRP3, INV, NOMEM,
} from './opcodes.js';
import { ES, CS, SS, DS, FS, GS, RSP, RBP } from './regs.js';

export type FetchFn = (addr: number) => number;

export const DECODE_OK = 0;
/** Not an instruction (or one this CPU model refuses at decode: VEX, EVEX, XOP): #UD. */
export const DECODE_UD = 1;
/** Longer than 15 bytes: #GP(0) (SDM Vol. 2 §2.3.11). */
export const DECODE_TOO_LONG = 2;

const SEG_PREFIX: Record<number, number> = { 0x26: ES, 0x2e: CS, 0x36: SS, 0x3e: DS, 0x64: FS, 0x65: GS };

/**
 * Decode the instruction at linear address `ip`. `codeSize` is 8 in 64-bit mode, 4 or 2 in a
 * 32- or 16-bit code segment. Fetch faults propagate (the caller decides what they mean).
 */
export function decode(fetch: FetchFn, ip: number, codeSize: number, i: Insn): number {
  const mode64 = codeSize === 8;
  let p = ip;
  let n = 0;
  const next = (): number => {
    n++;
    return fetch(p++);
  };
  let opsize = false, addrsize = false, seg = -1, rep = 0, lock = false, rex = 0, pfx = 0;
  let b = next();
  for (;;) {
    if (n > 15) return finish(i, ip, n, DECODE_TOO_LONG);
    if (b === 0x66) { opsize = true; }
    else if (b === 0x67) { addrsize = true; }
    else if (b === 0xf0) { lock = true; }
    else if (b === 0xf2 || b === 0xf3) { rep = b; pfx = b; }
    else if (b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e || b === 0x64 || b === 0x65) {
      // In 64-bit mode ES/CS/SS/DS overrides are ignored (SDM Vol. 1 §3.3.7.1) but still count.
      const s = SEG_PREFIX[b];
      if (!mode64 || s === FS || s === GS) seg = s;
    } else if (mode64 && (b & 0xf0) === 0x40) {
      rex = b;
      b = next();
      // A REX prefix is only meaningful right before the opcode; a legacy prefix after it
      // cancels it (SDM Vol. 2 §2.2.1).
      if (isLegacyPrefix(b)) { rex = 0; continue; }
      if ((b & 0xf0) === 0x40) continue;
      break;
    } else break;
    b = next();
  }
  if (n > 15) return finish(i, ip, n, DECODE_TOO_LONG);

  const rexW = (rex & 8) !== 0, rexR = (rex & 4) << 1, rexX = (rex & 2) << 2, rexB = (rex & 1) << 3;
  let map = MAP_1;
  let props: number;
  let opc = b;
  if (b === 0x0f) {
    opc = next();
    if (opc === 0x38) { map = MAP_0F38; opc = next(); props = MAP0F38[opc]; }
    else if (opc === 0x3a) { map = MAP_0F3A; opc = next(); props = MAP0F3A[opc]; }
    else { map = MAP_0F; props = MAP0F[opc]; }
  } else {
    props = MAP1[opc];
    // VEX (C4/C5) and EVEX (62): in 64-bit mode always; outside it only when the next byte
    // would be a register-form ModRM (otherwise the byte is LES/LDS/BOUND). This CPU model
    // advertises no AVX, so these are #UD; their length is still found for the trace.
    if (opc === 0xc4 || opc === 0xc5 || opc === 0x62) {
      const peek = fetch(p);
      if (mode64 || (peek & 0xc0) === 0xc0) return skipVex(i, ip, opc, fetch, p, n, codeSize);
    }
    // XOP (8F with ModRM.reg != 0) is AMD-only and not modelled.
    if (opc === 0x8f && (fetch(p) & 0x38) !== 0) return finish(i, ip, n + 1, DECODE_UD);
  }

  // Operand size (SDM Vol. 1 §3.6; Vol. 2 §2.2.1.2 for 64-bit defaults).
  let osz: number;
  if (props & BYTE) osz = 1;
  else if (mode64) {
    if (rexW || (props & F64)) osz = 8;
    else if (props & D64) osz = opsize ? 2 : 8;
    else osz = opsize ? 2 : 4;
  } else {
    const def = codeSize;
    osz = opsize ? (def === 4 ? 2 : 4) : def;
  }
  const asz = mode64 ? (addrsize ? 4 : 8) : (addrsize ? (codeSize === 4 ? 2 : 4) : codeSize);

  i.ip = ip;
  i.codeSize = codeSize;
  i.op = map | opc;
  i.osz = osz;
  i.asz = asz;
  i.rex = rex;
  i.rep = rep;
  i.pfx = pfx !== 0 ? pfx : opsize ? 0x66 : 0;
  i.lock = lock;
  i.hasModrm = false;
  i.mod = 3;
  i.reg = 0;
  i.rm = 0;
  i.base = BASE_NONE;
  i.index = BASE_NONE;
  i.scale = 0;
  i.disp = 0;
  i.seg = seg >= 0 ? seg : DS;
  i.imm = 0;
  i.immHi = 0;
  i.imm2 = 0;
  // Outside 64-bit mode every segment base applies; inside it only FS and GS have one.
  i.segBase = !mode64 || seg === FS || seg === GS;

  let status = DECODE_OK;
  if ((props & INV) || (mode64 && (props & INV64))) status = DECODE_UD;

  if (props & M) {
    const modrm = next();
    const mod = modrm >> 6;
    i.hasModrm = true;
    i.mod = mod;
    i.reg = ((modrm >> 3) & 7) | rexR;
    i.rm = (modrm & 7) | rexB;
    if (mod !== 3 && !(props & NOMEM)) {
      if (asz === 2) {
        decodeMem16(i, modrm & 7);
        if (mod === 0 && (modrm & 7) === 6) { i.disp = (next() | (next() << 8)); i.base = BASE_NONE; i.index = BASE_NONE; }
        else if (mod === 1) i.disp = (next() << 24) >> 24;
        else if (mod === 2) i.disp = next() | (next() << 8);
      } else {
        let rm = modrm & 7;
        if (rm === 4) {
          const sib = next();
          i.scale = sib >> 6;
          const idx = ((sib >> 3) & 7) | rexX;
          i.index = idx === 4 ? BASE_NONE : idx;
          rm = sib & 7;
          if (rm === 5 && mod === 0) { i.base = BASE_NONE; i.disp = read32(next); }
          else i.base = rm | rexB;
        } else if (rm === 5 && mod === 0) {
          i.base = mode64 ? BASE_RIP : BASE_NONE;
          i.disp = read32(next);
        } else i.base = rm | rexB;
        if (mod === 1) i.disp = (next() << 24) >> 24;
        else if (mod === 2) i.disp = read32(next);
      }
      if (seg < 0 && (i.base === RSP || i.base === RBP) ) i.seg = SS;
      if (seg < 0 && asz === 2 && ((modrm & 7) === 2 || (modrm & 7) === 3 || ((modrm & 7) === 6 && mod !== 0))) i.seg = SS;
    } else {
      i.mod = 3;
    }
  } else {
    // Opcodes with the register in their low three bits (50+r, B8+r, 90+r, C8+r …) extend it with REX.B.
    i.rm = (opc & 7) | rexB;
  }
  // Byte-register ids: with any REX prefix, encodings 4-7 are SPL/BPL/SIL/DIL; without, AH/CH/DH/BH.
  i.reg8 = byteReg(i.reg, rex);
  i.rm8 = byteReg(i.rm, rex);

  // Immediates.
  if (props & (I8 | I16 | IZ | IV | IA | FAR | ENTER | GRP3)) {
    if (props & GRP3) {
      // F6/F7: only TEST (/0, and its alias /1) has an immediate.
      if ((i.reg & 7) < 2) {
        if (props & BYTE) i.imm = (next() << 24) >> 24;
        else if (osz === 2) i.imm = ((next() | (next() << 8)) << 16) >> 16;
        else { i.imm = read32(next); i.immHi = i.imm >> 31; }
      }
    }
    if (props & I8) i.imm = (next() << 24) >> 24;
    if (props & I16) i.imm = next() | (next() << 8);
    if (props & IZ) {
      // Near branches in 64-bit mode always take rel32 (Intel ignores 66h there).
      const size16 = (props & REL) ? (!mode64 && osz === 2) : osz === 2;
      if (size16) i.imm = ((next() | (next() << 8)) << 16) >> 16;
      else i.imm = read32(next);
      i.immHi = i.imm >> 31;
    }
    if (props & IV) {
      if (osz === 8) { i.imm = read32(next); i.immHi = read32(next); }
      else if (osz === 4) { i.imm = read32(next); i.immHi = 0; }
      else { i.imm = next() | (next() << 8); }
    }
    if (props & IA) {
      if (asz === 8) { i.imm = read32(next); i.immHi = read32(next); }
      else if (asz === 4) { i.imm = read32(next); }
      else i.imm = next() | (next() << 8);
    }
    if (props & FAR) {
      i.imm = osz === 2 ? (next() | (next() << 8)) : read32(next);
      i.imm2 = next() | (next() << 8);
    }
    if (props & ENTER) { i.imm = next() | (next() << 8); i.imm2 = next(); }
    if (props & I8) i.immHi = i.imm >> 31;
  }

  // XBEGIN (C7 F8 rel16/32) and XABORT (C6 F8 ib) are RTM: not advertised, #UD.
  if (map === MAP_1 && (opc === 0xc6 || opc === 0xc7) && (i.reg & 7) !== 0) status = DECODE_UD;
  if (lock && !lockable(i)) status = DECODE_UD;

  if (n > 15) status = DECODE_TOO_LONG;
  return finish(i, ip, n, status);
}

function finish(i: Insn, ip: number, n: number, status: number): number {
  i.ip = ip;
  i.len = n;
  i.next = ip + n;
  return status;
}

function read32(next: () => number): number {
  return next() | (next() << 8) | (next() << 16) | (next() << 24);
}

function isLegacyPrefix(b: number): boolean {
  return b === 0x66 || b === 0x67 || b === 0xf0 || b === 0xf2 || b === 0xf3 ||
    b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e || b === 0x64 || b === 0x65;
}

function byteReg(r: number, rex: number): number {
  return rex === 0 && r >= 4 && r < 8 ? 16 + (r - 4) : r;
}

// 16-bit addressing forms (SDM Vol. 2 Table 2-1): BX+SI, BX+DI, BP+SI, BP+DI, SI, DI, BP, BX.
const MEM16_BASE = [3, 3, 5, 5, 6, 7, 5, 3];
const MEM16_INDEX = [6, 7, 6, 7, BASE_NONE, BASE_NONE, BASE_NONE, BASE_NONE];
function decodeMem16(i: Insn, rm: number): void {
  i.base = MEM16_BASE[rm];
  i.index = MEM16_INDEX[rm];
  i.scale = 0;
  i.disp = 0;
}

/** LOCK is allowed only on read-modify-write memory forms (SDM Vol. 2, LOCK). */
function lockable(i: Insn): boolean {
  if (i.mod === 3) return false;
  const op = i.op;
  if (op < 0x100) {
    if (op < 0x40 && (op & 7) < 2 && (op >> 3) !== 7) return true; // ALU Eb,Gb / Ev,Gv except CMP
    if (op === 0x80 || op === 0x81 || op === 0x83) return (i.reg & 7) !== 7;
    if (op === 0x86 || op === 0x87) return true;
    if (op === 0xf6 || op === 0xf7) return (i.reg & 7) === 2 || (i.reg & 7) === 3;
    if (op === 0xfe || op === 0xff) return (i.reg & 7) < 2;
    return false;
  }
  if (op === (MAP_0F | 0xb0) || op === (MAP_0F | 0xb1) || op === (MAP_0F | 0xc0) || op === (MAP_0F | 0xc1)) return true;
  if (op === (MAP_0F | 0xab) || op === (MAP_0F | 0xb3) || op === (MAP_0F | 0xbb)) return true;
  if (op === (MAP_0F | 0xba)) return (i.reg & 7) >= 5;
  if (op === (MAP_0F | 0xc7)) return (i.reg & 7) === 1;
  return false;
}

/** Measure a VEX/EVEX-encoded instruction (so the trace can show it) and mark it #UD. */
function skipVex(i: Insn, ip: number, opc: number, fetch: FetchFn, p: number, n: number, codeSize: number): number {
  let map = 1;
  if (opc === 0xc5) { p++; n++; }
  else if (opc === 0xc4) { map = fetch(p) & 0x1f; p += 2; n += 2; }
  else { map = fetch(p) & 7; p += 3; n += 3; }
  const op = fetch(p++); n++;
  const modrm = fetch(p++); n++;
  const mod = modrm >> 6, rm = modrm & 7;
  if (mod !== 3) {
    if (codeSize !== 2 && rm === 4) { const sib = fetch(p++); n++; if ((sib & 7) === 5 && mod === 0) n += 4; }
    if (mod === 0 && rm === 5) n += 4;
    else if (mod === 1) n += 1;
    else if (mod === 2) n += 4;
  }
  if (map === 3) n += 1;
  else if (map === 1 && (op === 0x70 || op === 0x71 || op === 0x72 || op === 0x73 || op === 0xc2 || op === 0xc4 || op === 0xc5 || op === 0xc6)) n += 1;
  i.op = -1;
  return finish(i, ip, n, n > 15 ? DECODE_TOO_LONG : DECODE_UD);
}
