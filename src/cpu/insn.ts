// A decoded instruction: everything the decoder learned, in one fixed-shape object, plus the
// handler chosen for it. Decoded once, cached in a block (see blocks.ts), executed many times.

import type { Cpu } from './cpu.js';

/**
 * Executes one decoded instruction. cpu.rip already points past it only when it is the last of
 * its block (interp.ts): handlers use i.ip and i.next, and an instruction whose semantics need
 * RIP itself sets Insn.term, which always ends the block.
 */
export type Handler = (cpu: Cpu, i: Insn) => void;

/** Opcode maps, kept in bits 8.. of Insn.op so that one number names an opcode. */
export const MAP_1 = 0x000, MAP_0F = 0x100, MAP_0F38 = 0x200, MAP_0F3A = 0x300;

/** Memory-operand base values that are not general registers. */
export const BASE_NONE = -1, BASE_RIP = -2;

export class Insn {
  fn: Handler = null as unknown as Handler;
  /** Linear address of the first byte, and of the next instruction (wrapped to 32 bits outside 64-bit mode). */
  ip = 0;
  next = 0;
  len = 0;
  /** Code size the instruction was decoded for: 8 (64-bit mode), 4 or 2. */
  codeSize = 8;
  /** Opcode: map | byte (MAP_0F | 0xaf is IMUL r, r/m). */
  op = 0;
  /** Operand size in bytes (1, 2, 4, 8) after 66h, REX.W and the opcode's default. */
  osz = 4;
  /** Address size in bytes (2, 4, 8). */
  asz = 8;
  /** ModRM fields; reg and rm carry REX.R / REX.B. mod = 3 means rm names a register. */
  hasModrm = false;
  mod = 0;
  reg = 0;
  rm = 0;
  /** Memory operand: base register, index register (or BASE_NONE), scale as a shift, disp32. */
  base = BASE_NONE;
  index = BASE_NONE;
  scale = 0;
  disp = 0;
  /** Segment of the memory operand (ES=0 … GS=5) after defaults and overrides. */
  seg = 3;
  /** True when the memory operand's segment base must be added (FS/GS in 64-bit mode, every segment outside it). */
  segBase = false;
  /** Immediate (sign- or zero-extended per the opcode) as lo/hi halves; imm2 for ENTER and far pointers. */
  imm = 0;
  immHi = 0;
  imm2 = 0;
  /** 0: none, 0xf3: REP/REPE, 0xf2: REPNE. Also the mandatory prefix for SSE forms with pfx. */
  rep = 0;
  /** SSE mandatory prefix: 0 none, 0x66, 0xf3, 0xf2 (the last of F2/F3 wins; 66 only when neither). */
  pfx = 0;
  lock = false;
  /** The REX byte (0 when absent). */
  rex = 0;
  /** Byte-register ids for reg and rm: 0-15 low bytes, 16-19 AH/CH/DH/BH (only without REX). */
  reg8 = 0;
  rm8 = 0;
  /**
   * The instruction may change control flow, privilege, mode, paging or interrupt state, so the
   * block ends after it (set by the binder).
   */
  term = false;
  /**
   * The single-step trap follows TF as the instruction leaves it, not as it found it: SYSCALL
   * and INT n clear TF and take no trap (Linux's syscall exit work reports a single-step itself
   * for that reason); SYSRET that sets TF from R11 traps at once, before the first user
   * instruction (Linux's entry_64.S comment on why TF forces IRET).
   */
  tfAfter = false;
  /** Modeled cost in cycles (trace/costs.ts), summed per block. */
  cost = 1;
}
