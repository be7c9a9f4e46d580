// Shared set-up for the integer-instruction tests (tests/cpu/int-*.test.ts): a TestMachine with
// user code, data and stack pages, and a one-call way to run a snippet from given registers and
// flags and look at the result.
//
// Expected values in these tests come from three places, named at each use: the SDM's rules
// (restated as a small BigInt model in the test, independent of the handler's limb arithmetic),
// values recorded from the host CPU (an AMD EPYC, Zen; recorded with a native run of the same
// bytes), and, for Intel-only choices, the rule the handler documents.

import { TestMachine, type Trap } from '../harness/machine.js';
import type { Vendor } from '../../src/cpu/cpu.js';
import { getFlags, setFlags } from '../../src/cpu/flags.js';

export const CODE = 0x400000;
/** Two read/write data pages, then a read-only one. */
export const DATA = 0x600000;
export const RO = 0x602000;
export const STACK_TOP = 0x710000;

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const STATUS = CF | PF | AF | ZF | SF | OF;

const modes = new WeakMap<TestMachine, 64 | 32>();

export function machine(vendor: Vendor = 'intel', mode: 64 | 32 = 64): TestMachine {
  const m = new TestMachine(vendor, 16);
  modes.set(m, mode);
  m.map(CODE, 0x2000, { write: false, user: true, exec: true });
  m.map(DATA, 0x2000, { write: true, user: true, exec: false });
  m.map(RO, 0x1000, { write: false, user: true, exec: false });
  m.map(STACK_TOP - 0x4000, 0x4000, { write: true, user: true, exec: false });
  m.enterUser(mode);
  return m;
}

export interface Result {
  trap: Trap | null;
  /** A register as an unsigned 64-bit value. */
  r(n: number): bigint;
  flags: number;
  m: TestMachine;
}

/**
 * Run `code` at CODE from the given registers (others 0, RSP at STACK_TOP) and RFLAGS; returns
 * the exception that stopped it (null when it ran to the end) and the state.
 */
export function run(m: TestMachine, code: number[], regs: Record<number, bigint> = {}, flags = IF): Result {
  const cpu = m.cpu;
  // A previous run ended in the exception handler at CPL 0: go back to user mode.
  m.enterUser(modes.get(m) ?? 64);
  for (let r = 0; r < 16; r++) cpu.setReg(r, 0n);
  for (const [k, v] of Object.entries(regs)) cpu.setReg(Number(k), BigInt.asUintN(64, v));
  cpu.setRegNum(RSP, STACK_TOP);
  setFlags(cpu, flags | 2);
  const trap = m.run(CODE, code, 1_000_000);
  return { trap, r: (n) => cpu.getReg(n), flags: getFlags(cpu), m };
}

/** Little-endian bytes of a 32-bit value (for immediates and displacements). */
export function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** A deterministic pseudo-random generator of 64-bit values mixing edge cases and noise. */
export function values(seed: number): () => bigint {
  let s = seed >>> 0;
  const next32 = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
  const edges = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n,
    0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn];
  return () => {
    const k = next32() % 8;
    if (k === 0) return edges[next32() % edges.length];
    const v = (BigInt(next32()) << 32n) | BigInt(next32());
    if (k === 1) return v & 0xffn;
    if (k === 2) return v & 0xffffffffn;
    if (k === 3) return BigInt.asUintN(64, -(v & 0xffn));
    return v;
  };
}

/** Write a 64-bit value (exactly: TestMachine.write64 takes a number) at a virtual address. */
export function put64(m: TestMachine, va: number, v: bigint): void {
  const b: number[] = [];
  for (let k = 0n; k < 64n; k += 8n) b.push(Number((BigInt.asUintN(64, v) >> k) & 0xffn));
  m.writeBytes(va, b);
}
