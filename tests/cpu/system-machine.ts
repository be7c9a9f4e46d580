// Shared set-up for the system-instruction tests (tests/cpu/system-*.test.ts): a TestMachine with
// user code, data and stack pages and a supervisor code page, and a runner that reports, for the
// event that stopped the run, three views an entry-code reader cares about:
//   `at`      the machine just before delivery (CPL, selectors, RFLAGS, RSP: the state the
//             instruction under test left, or the state it faulted in),
//   `frame`   what the CPU pushed (RIP, CS, RFLAGS, RSP, SS and the error code, if any),
//   `handler` the state at the handler's first instruction (stack switch, SS, RFLAGS).
// Every IDT gate of the TestMachine leads to a native-call slot that stops the run, so the first
// delivered event is the one reported.

import { TestMachine, KBASE, KSTACK_TOP, IST1_TOP, IDT, GDT, TSS } from '../harness/machine.js';
import type { Cpu, Vendor } from '../../src/cpu/cpu.js';
import { getFlags, setFlags } from '../../src/cpu/flags.js';
import { CS, SS, DS, ES, UD, hasErrorCode } from '../../src/cpu/regs.js';
import { setCs, flatCodeAttr } from '../../src/cpu/system/segments.js';
import { writeGate } from '../../src/kernel/arch/descriptors.js';
import { __KERNEL_CS, __KERNEL32_CS } from '../../src/kernel/arch/layout.js';

export { KBASE, KSTACK_TOP, IST1_TOP, IDT, GDT, TSS };

/** User code (two pages), data (two read/write pages, then a read-only one) and stack. */
export const CODE = 0x400000;
export const DATA = 0x600000;
export const RO = 0x602000;
export const USTACK_TOP = 0x710000;
/** Supervisor code (two pages) for tests that start at CPL 0. */
export const KCODE = KBASE + 0x40000;
/** The stack CPL-0 tests run on: below TSS.RSP0, so that a frame there shows no stack switch. */
export const KSTACK_CUR = KSTACK_TOP - 0x1000;

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R11 = 11;

export interface State {
  rip: number;
  cpl: number;
  codeSize: number;
  cs: number;
  ss: number;
  ds: number;
  es: number;
  ssAttr: number;
  flags: number;
  rsp: bigint;
}

export interface Event {
  vector: number;
  kind: 'exception' | 'interrupt' | 'nmi' | 'software';
  /** True when the run reached the UD2 placed after the code (no other event happened). */
  end: boolean;
  at: State;
  errorCode: number | null;
  frame: { rip: number; cs: number; rflags: number; rsp: bigint; ss: number };
  handler: { rsp: number; ss: number; flags: number; cpl: number };
}

export interface RunOptions {
  /** CPL to start at (default 3). */
  cpl?: 0 | 3;
  /** 64-bit mode or compatibility mode (default 64). */
  mode?: 64 | 32;
  /** Where the code is placed (default CODE at CPL 3, KCODE at CPL 0). */
  at?: number;
  /** Initial registers (the rest are 0; RSP defaults to the mode's stack). */
  regs?: Record<number, bigint>;
  /** Initial RFLAGS (default IF). */
  flags?: number;
  max?: number;
}

function snapshot(cpu: Cpu): State {
  return {
    rip: cpu.rip, cpl: cpu.cpl, codeSize: cpu.codeSize,
    cs: cpu.sel[CS], ss: cpu.sel[SS], ds: cpu.sel[DS], es: cpu.sel[ES], ssAttr: cpu.segAttr[SS],
    flags: getFlags(cpu), rsp: cpu.getReg(RSP),
  };
}

export class SysMachine {
  readonly m: TestMachine;
  readonly cpu: Cpu;
  private lastAt: State | null = null;
  private lastKind: Event['kind'] = 'exception';
  private event: Event | null = null;

  constructor(vendor: Vendor = 'intel') {
    const m = new TestMachine(vendor, 16);
    this.m = m;
    this.cpu = m.cpu;
    m.map(CODE, 0x2000, { write: false, user: true, exec: true });
    m.map(DATA, 0x2000, { write: true, user: true, exec: false });
    m.map(RO, 0x1000, { write: false, user: true, exec: false });
    m.map(USTACK_TOP - 0x4000, 0x4000, { write: true, user: true, exec: false });
    m.map(KCODE, 0x2000, { write: false, user: false, exec: true });
    const base = this.cpu.hooks;
    this.cpu.hooks = {
      ...base,
      onDeliver: (cpu, _vector, kind) => { this.lastAt = snapshot(cpu); this.lastKind = kind; },
      nativeCall: (cpu, index) => { this.record(cpu, index); base.nativeCall(cpu, index); },
    };
  }

  private record(cpu: Cpu, vector: number): void {
    if (this.event !== null) return;
    const sp = cpu.getRegNum(RSP);
    const pushed = this.lastKind === 'exception' && hasErrorCode(vector);
    const slot = (k: number): bigint => this.m.read64(sp + k * 8);
    const num = (v: bigint): number => Number(BigInt.asIntN(64, v));
    const o = pushed ? 1 : 0;
    this.event = {
      vector,
      kind: this.lastKind,
      end: false,
      at: this.lastAt ?? snapshot(cpu),
      errorCode: pushed ? num(slot(0)) : null,
      frame: { rip: num(slot(o)), cs: num(slot(o + 1)), rflags: num(slot(o + 2)), rsp: slot(o + 3), ss: num(slot(o + 4)) },
      handler: { rsp: sp, ss: cpu.sel[SS], flags: getFlags(cpu), cpl: cpu.cpl },
    };
  }

  /** Write a UD2 at `va` (a landing place that stops the run with #UD there). */
  ud2(va: number): void { this.m.writeBytes(va, [0x0f, 0x0b]); }

  /** Rewrite IDT gate `vector` (interrupt gate 0xE or trap gate 0xF), present or not. */
  gate(vector: number, o: { dpl?: number; type?: number; ist?: number; present?: boolean } = {}): void {
    const w = (a: number, v: number) => this.m.write32(a, v);
    writeGate(w, IDT, vector, this.cpu.nativeBase + vector * 16, __KERNEL_CS, o.type ?? 0xe, o.dpl ?? 0, o.ist ?? 0);
    if (o.present === false) {
      const a = IDT + vector * 16 + 5;
      this.m.write8(a, this.m.read8(a) & 0x7f);
    }
  }

  /** Write a 64-bit value (exactly) at a virtual address. */
  put64(va: number, v: bigint): void {
    const b: number[] = [];
    for (let k = 0n; k < 64n; k += 8n) b.push(Number((BigInt.asUintN(64, v) >> k) & 0xffn));
    this.m.writeBytes(va, b);
  }

  /** Enter the requested mode and privilege, set registers and flags: the start of every run. */
  prepare(o: RunOptions): void {
    const cpu = this.cpu;
    const cpl = o.cpl ?? 3, mode = o.mode ?? 64;
    if (cpl === 3) this.m.enterUser(mode);
    else {
      this.m.enterKernel();
      if (mode === 32) setCs(cpu, __KERNEL32_CS, flatCodeAttr(0, false));
    }
    for (let r = 0; r < 16; r++) cpu.setReg(r, 0n);
    cpu.setRegNum(RSP, cpl === 3 ? USTACK_TOP : KSTACK_CUR);
    for (const [k, v] of Object.entries(o.regs ?? {})) cpu.setReg(Number(k), BigInt.asUintN(64, v));
    setFlags(cpu, (o.flags ?? 0x200) | 2);
  }

  /**
   * Run `code` until an event reaches its handler (an exception, an interrupt, or the UD2 placed
   * after the code, reported with `end` set).
   */
  run(code: number[], o: RunOptions = {}): Event {
    const at = o.at ?? ((o.cpl ?? 3) === 3 || o.mode === 32 ? CODE : KCODE);
    this.prepare(o);
    return this.go(at, code, o.max);
  }

  /** Run from the current state (after prepare() and any adjustment the test makes). */
  go(at: number, code: number[], max = 100_000): Event {
    this.event = null;
    this.lastAt = null;
    this.m.run(at, code, max);
    const ev = this.event as Event | null;
    if (ev === null) throw new Error(`no event within ${max} instructions (rip ${this.cpu.rip.toString(16)})`);
    ev.end = ev.vector === UD && ev.frame.rip === at + code.length && ev.kind === 'exception';
    return ev;
  }
}

/** Little-endian bytes of a 32-bit value. */
export function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** Little-endian bytes of a 64-bit value. */
export function le64(v: bigint): number[] {
  const b: number[] = [];
  for (let k = 0n; k < 64n; k += 8n) b.push(Number((BigInt.asUintN(64, v) >> k) & 0xffn));
  return b;
}

/** An unsigned 64-bit BigInt for a signed linear-address number. */
export function u64(a: number): bigint {
  return BigInt.asUintN(64, BigInt(a));
}
