// The instruction decoder: prefixes, REX, opcode maps, ModRM/SIB/displacement, immediates
// (SDM Vol. 2 chapter 2). It fills an Insn and says whether the bytes form an instruction;
// choosing the handler is exec/index.ts's job. It never raises anything itself: a block is
// decoded ahead of execution, so an invalid encoding becomes an instruction that raises #UD
// when (and only if) it is reached.
//
// "Forms an instruction" means the encoding exists in the opcode maps (opcodes.ts: per opcode,
// mandatory prefix, ModRM.reg/rm and register or memory form), on some Intel or AMD processor:
// whether this CPU implements it is the execution table's business. Encodings outside the
// legacy maps (VEX, EVEX, XOP, 3DNow!) are measured and refused: this CPU advertises none of
// them. tests/cpu/decoder-iced.test.ts checks all of it against iced-x86.

import { Insn, MAP_1, MAP_0F, MAP_0F38, MAP_0F3A, BASE_NONE, BASE_RIP } from './insn.js';
import {
  MAP1, MAP0F, MAP0F38, MAP0F3A, M, I8, I16, IZ, IV, IA, D64, F64, BYTE, INV64, REL, FAR, ENTER, GRP3, INV, NOMEM,
  VT, SSE4A, VALID_64, VALID_32, PFX_NONE, PFX_66, PFX_F3, PFX_F2,
} from './opcodes.js';
import { ES, CS, SS, DS, FS, GS, RSP, RBP } from './regs.js';

export type FetchFn = (addr: number) => number;

export const DECODE_OK = 0;
/** Not an instruction (or one this CPU model refuses at decode: VEX, EVEX, XOP, 3DNow!): #UD. */
export const DECODE_UD = 1;
/** Longer than 15 bytes: #GP(0) (SDM Vol. 2 §2.3.11). */
export const DECODE_TOO_LONG = 2;

/** The longest instruction the processor accepts (SDM Vol. 2 §2.3.11). */
const MAX_LEN = 15;

// The byte cursor of the decode in progress. Module state rather than a closure, so that
// decoding allocates nothing (decode() is not reentrant, and nothing needs it to be).
let fetchFn: FetchFn = () => 0;
let cur = 0;
let count = 0;
function next(): number {
  count++;
  return fetchFn(cur++);
}
function peek(): number {
  return fetchFn(cur);
}
function next16(): number {
  return next() | (next() << 8);
}
function next32(): number {
  return next() | (next() << 8) | (next() << 16) | (next() << 24);
}

/**
 * Decode the instruction at linear address `ip`. `codeSize` is 8 in 64-bit mode, 4 or 2 in a
 * 32- or 16-bit code segment. Fetch faults propagate (the caller decides what they mean).
 */
export function decode(fetch: FetchFn, ip: number, codeSize: number, i: Insn): number {
  fetchFn = fetch;
  cur = ip;
  count = 0;
  const mode64 = codeSize === 8;
  let opsize = false, addrsize = false, seg = -1, rep = 0, lock = false, rex = 0;
  let b = next();
  // Prefixes (SDM Vol. 2 §2.1.1). Any number may repeat; only the 15-byte limit ends the run.
  for (;;) {
    if (b === 0x66) opsize = true;
    else if (b === 0x67) addrsize = true;
    else if (b === 0xf0) lock = true;
    else if (b === 0xf2 || b === 0xf3) rep = b;
    else if (b === 0x26 || b === 0x2e || b === 0x36 || b === 0x3e || b === 0x64 || b === 0x65) {
      // In 64-bit mode ES/CS/SS/DS overrides are ignored (SDM Vol. 1 §3.3.7.1) but still count.
      const s = segOfPrefix(b);
      if (!mode64 || s === FS || s === GS) seg = s;
    } else if (mode64 && (b & 0xf0) === 0x40) {
      // REX counts only right before the opcode: a legacy prefix after it cancels it, and of
      // several REX bytes the last wins (SDM Vol. 2 §2.2.1).
      rex = b;
      b = next();
      if (count > MAX_LEN) return finish(i, ip, DECODE_TOO_LONG);
      if (isLegacyPrefix(b)) { rex = 0; continue; }
      if ((b & 0xf0) === 0x40) continue;
      break;
    } else break;
    if (count >= MAX_LEN) return finish(i, ip, DECODE_TOO_LONG);
    b = next();
  }

  // The mandatory-prefix column of the validity table: the last F2/F3 if any, else 66.
  const pfxCol = rep === 0xf3 ? PFX_F3 : rep === 0xf2 ? PFX_F2 : opsize ? PFX_66 : PFX_NONE;
  const asz = mode64 ? (addrsize ? 4 : 8) : (addrsize ? (codeSize === 4 ? 2 : 4) : codeSize);

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
    // would be a register-form ModRM (otherwise the byte is LES/LDS/BOUND). XOP (8F): when the
    // next byte's map field is 8 or more, which POP Ev (8F /0) can never have. This CPU model
    // advertises no AVX and no XOP, so these are #UD; their length is still found for the trace.
    if (opc === 0xc4 || opc === 0xc5 || opc === 0x62) {
      if (mode64 || (peek() & 0xc0) === 0xc0) return skipVex(i, ip, opc, asz);
    } else if (opc === 0x8f && (peek() & 0x1f) >= 8) {
      return skipVex(i, ip, opc, asz);
    }
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

  i.ip = ip;
  i.codeSize = codeSize;
  i.op = map | opc;
  i.osz = osz;
  i.asz = asz;
  i.rex = rex;
  i.rep = rep;
  i.pfx = rep !== 0 ? rep : opsize ? 0x66 : 0;
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

  // The ModRM fields as encoded (without REX), for the validity table.
  let modrmReg = 0, modrmRm = 0, memForm = false;
  if (props & M) {
    const modrm = next();
    const mod = modrm >> 6;
    modrmReg = (modrm >> 3) & 7;
    modrmRm = modrm & 7;
    i.hasModrm = true;
    i.mod = mod;
    i.reg = modrmReg | rexR;
    i.rm = modrmRm | rexB;
    if (mod !== 3 && !(props & NOMEM)) {
      memForm = true;
      if (asz === 2) {
        decodeMem16(i, modrmRm);
        if (mod === 0 && modrmRm === 6) { i.disp = next16(); i.base = BASE_NONE; i.index = BASE_NONE; }
        else if (mod === 1) i.disp = (next() << 24) >> 24;
        else if (mod === 2) i.disp = next16();
      } else {
        let rm = modrmRm;
        if (rm === 4) {
          const sib = next();
          i.scale = sib >> 6;
          const idx = ((sib >> 3) & 7) | rexX;
          i.index = idx === 4 ? BASE_NONE : idx;
          rm = sib & 7;
          if (rm === 5 && mod === 0) { i.base = BASE_NONE; i.disp = next32(); }
          else i.base = rm | rexB;
        } else if (rm === 5 && mod === 0) {
          i.base = mode64 ? BASE_RIP : BASE_NONE;
          i.disp = next32();
        } else i.base = rm | rexB;
        if (mod === 1) i.disp = (next() << 24) >> 24;
        else if (mod === 2) i.disp = next32();
      }
      if (seg < 0 && (i.base === RSP || i.base === RBP)) i.seg = SS;
      if (seg < 0 && asz === 2 && (modrmRm === 2 || modrmRm === 3 || (modrmRm === 6 && mod !== 0))) i.seg = SS;
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

  // Does the encoding exist? (opcodes.ts, "Which encodings exist".)
  if (map !== MAP_1 || (props & VT)) {
    const t = mode64 ? VALID_64 : VALID_32;
    const mo = map | opc;
    const bit = memForm
      ? (t.mem[mo] >>> (pfxCol * 8 + modrmReg)) & 1
      : (t.reg[mo * 8 + modrmReg] >>> (pfxCol * 8 + modrmRm)) & 1;
    if (bit === 0) status = DECODE_UD;
    // MOV CRn/DRn: REX.R reaches CR8 (the TPR) and nothing else; there are no DR8-DR15 (SDM Vol. 2 MOV—Move to/from Control/Debug Registers).
    if (rexR !== 0 && map === MAP_0F && opc >= 0x20 && opc <= 0x23 && ((opc & 1) === 1 || i.reg !== 8)) status = DECODE_UD;
    // PadLock MONTMUL (F3 0F A6 C0) exists with 32-bit addressing only, unlike its neighbours.
    if (map === MAP_0F && opc === 0xa6 && modrmReg === 0 && asz !== 4) status = DECODE_UD;
    // PTWRITE (F3 0F AE /4) is #UD with a 66h prefix (SDM Vol. 2 PTWRITE, exceptions), which
    // other F3-prefixed forms ignore.
    if (map === MAP_0F && opc === 0xae && modrmReg === 4 && pfxCol === PFX_F3 && opsize) status = DECODE_UD;
  }

  // Immediates.
  if (props & (I8 | I16 | IZ | IV | IA | FAR | ENTER | GRP3 | SSE4A)) {
    if (props & GRP3) {
      // F6/F7: only TEST (/0, and its alias /1) has an immediate.
      if (modrmReg < 2) {
        if (props & BYTE) i.imm = (next() << 24) >> 24;
        else if (osz === 2) i.imm = (next16() << 16) >> 16;
        else { i.imm = next32(); i.immHi = i.imm >> 31; }
      }
    }
    if (props & I8) i.imm = (next() << 24) >> 24;
    if (props & I16) i.imm = next16();
    if (props & IZ) {
      // Near branches in 64-bit mode always take rel32 (Intel ignores 66h there).
      const size16 = (props & REL) ? (!mode64 && osz === 2) : osz === 2;
      if (size16) i.imm = (next16() << 16) >> 16;
      else i.imm = next32();
      i.immHi = i.imm >> 31;
    }
    if (props & IV) {
      if (osz === 8) { i.imm = next32(); i.immHi = next32(); }
      else if (osz === 4) { i.imm = next32(); i.immHi = 0; }
      else { i.imm = next16(); }
    }
    if (props & IA) {
      if (asz === 8) { i.imm = next32(); i.immHi = next32(); }
      else if (asz === 4) { i.imm = next32(); }
      else i.imm = next16();
    }
    if (props & FAR) {
      i.imm = osz === 2 ? next16() : next32();
      i.imm2 = next16();
    }
    if (props & ENTER) { i.imm = next16(); i.imm2 = next(); }
    if (props & I8) i.immHi = i.imm >> 31;
    // EXTRQ/INSERTQ (AMD SSE4a, 66/F2 0F 78): field length and index as two imm8.
    if ((props & SSE4A) && (pfxCol === PFX_66 || pfxCol === PFX_F2)) { i.imm = next(); i.imm2 = next(); }
  }

  if (lock && !lockable(i)) status = DECODE_UD;

  if (count > MAX_LEN) status = DECODE_TOO_LONG;
  return finish(i, ip, status);
}

function finish(i: Insn, ip: number, status: number): number {
  i.ip = ip;
  i.len = count;
  i.next = ip + count;
  return status;
}

function segOfPrefix(b: number): number {
  switch (b) {
    case 0x26: return ES;
    case 0x2e: return CS;
    case 0x36: return SS;
    case 0x3e: return DS;
    case 0x64: return FS;
    default: return GS;
  }
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
    if (op >= 0x80 && op <= 0x83) return (i.reg & 7) !== 7; // 82 is 80 outside 64-bit mode
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

/**
 * Measure a VEX (C4/C5), EVEX (62) or XOP (8F) instruction, so that the trace can show it,
 * and mark it #UD. The cursor is just after the lead byte. Layouts: SDM Vol. 2 §2.3 (VEX) and
 * §2.7 (EVEX), AMD APM Vol. 3 §1.8 (XOP). After the payload come opcode, ModRM, SIB and
 * displacement as usual (by address size), then the immediate, which depends on map and opcode.
 */
function skipVex(i: Insn, ip: number, lead: number, asz: number): number {
  let map: number;
  if (lead === 0xc5) { next(); map = 1; }
  else if (lead === 0xc4) { map = next() & 0x1f; next(); }
  else if (lead === 0x8f) { map = next() & 0x1f; next(); }
  else { map = next() & 7; next(); next(); }
  const op = next();
  // VZEROUPPER/VZEROALL (VEX.0F 77) is the one VEX instruction without a ModRM byte.
  if (lead !== 0x62 && lead !== 0x8f && map === 1 && op === 0x77) return finish(i, ip, count > MAX_LEN ? DECODE_TOO_LONG : DECODE_UD);
  const modrm = next();
  const mod = modrm >> 6, rm = modrm & 7;
  if (mod !== 3) {
    if (asz === 2) {
      if (mod === 0 && rm === 6) count += 2;
      else if (mod === 1) count += 1;
      else if (mod === 2) count += 2;
    } else {
      if (rm === 4 && (next() & 7) === 5 && mod === 0) count += 4;
      if (mod === 0 && rm === 5) count += 4;
      else if (mod === 1) count += 1;
      else if (mod === 2) count += 4;
    }
  }
  if (lead === 0x8f) {
    // XOP map 8 takes imm8, map 9 none, map 10 (BEXTR, LWPINS, LWPVAL) imm32.
    if (map === 8) count += 1;
    else if (map === 10) count += 4;
  } else if (map === 3) count += 1;
  else if (map === 1 && ((op >= 0x70 && op <= 0x73) || op === 0xc2 || op === 0xc4 || op === 0xc5 || op === 0xc6)) count += 1;
  i.op = -1;
  return finish(i, ip, count > MAX_LEN ? DECODE_TOO_LONG : DECODE_UD);
}
