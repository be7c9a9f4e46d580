// The dispatch table: for each opcode (map | byte) a binder that looks at a decoded Insn
// (operand size, ModRM.reg, mandatory prefix, register or memory form) and returns the one
// handler that executes it. Binding happens once per decode, so handlers can be specialised
// and free of per-execution tests on the encoding.
//
// Instruction groups live in files named for what they hold (alu.ts, shift.ts, string.ts …);
// each registers its opcodes with def() when loaded. index.ts loads them all.

import type { Handler, Insn } from '../insn.js';
import type { Cpu } from '../cpu.js';
import { raiseNoCode, raise } from '../operands.js';
import { UD, GP } from '../regs.js';
import { DECODE_OK, DECODE_TOO_LONG } from '../decode.js';

export type Binder = (i: Insn) => Handler | null;

const BINDERS: (Binder | undefined)[] = new Array(0x400);

/** Register the binder for an opcode. Registering one twice is a bug in the tables. */
export function def(op: number, b: Binder): void {
  if (BINDERS[op] !== undefined) throw new Error(`opcode 0x${op.toString(16)} defined twice`);
  BINDERS[op] = b;
}

const GROUP: (Binder | undefined)[] = new Array(0x400 * 8);

/**
 * Register the binder for one ModRM.reg extension of a group opcode (80-83, C0/C1, D0-D3,
 * F6/F7, FE/FF, 0F 00, 0F 01, 0F BA, 0F C7 …), so that each group member can live in the file
 * of its kind (DIV in muldiv.ts, CALL in branch.ts) without a shared switch.
 */
export function defGroup(op: number, reg: number, b: Binder): void {
  if (GROUP[op * 8 + reg] !== undefined) throw new Error(`opcode 0x${op.toString(16)} /${reg} defined twice`);
  GROUP[op * 8 + reg] = b;
  if (BINDERS[op] === undefined) BINDERS[op] = (i) => GROUP[op * 8 + (i.reg & 7)]?.(i) ?? null;
}

/** Register one handler for an opcode whatever its form. */
export function defFixed(op: number, h: Handler): void {
  def(op, () => h);
}

export const udHandler: Handler = (cpu: Cpu) => raiseNoCode(cpu, UD);
const tooLongHandler: Handler = (cpu: Cpu) => raise(cpu, GP, 0);

/** Choose the handler for a decoded instruction; encodings nobody claims raise #UD. */
export function bind(i: Insn, status: number): Handler {
  if (status !== DECODE_OK) return status === DECODE_TOO_LONG ? tooLongHandler : udHandler;
  const b = BINDERS[i.op];
  if (b === undefined) return udHandler;
  return b(i) ?? udHandler;
}

/** Is there any binder for this opcode? (for the README's coverage table and tests) */
export function isDefined(op: number): boolean {
  return BINDERS[op] !== undefined;
}
