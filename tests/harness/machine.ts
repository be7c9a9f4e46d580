// A bare machine for CPU tests and benchmarks: paging, Linux's GDT, an IDT whose every gate
// lands on a native-call address that records the exception, a TSS with RSP0 and IST1, and
// helpers to place code and data. No kernel: the code under test runs alone.

import { Cpu, type Vendor } from '../../src/cpu/cpu.js';
import { Interpreter } from '../../src/cpu/interp.js';
import { PhysicalMemory } from '../../src/cpu/memory.js';
import { setFlags } from '../../src/cpu/flags.js';
import { SS, DS, ES, FS, GS, UD, hasErrorCode } from '../../src/cpu/regs.js';
import { setCs, setSeg, flatCodeAttr, flatDataAttr } from '../../src/cpu/system/segments.js';
import { FrameAllocator, PageTable, PAGE } from '../../src/kernel/mm/pagetable.js';
import { writeGdt, writeGate } from '../../src/kernel/arch/descriptors.js';
import { __KERNEL_CS, __KERNEL_DS, __USER_CS, __USER_DS, __USER32_CS, __TSS_SEL, TSS_sp0, TSS_ist, GDT_ENTRIES } from '../../src/kernel/arch/layout.js';

export const KBASE = -140737488355328; // 0xffff800000000000
export const GDT = KBASE + 0x1000;
export const IDT = KBASE + 0x2000;
export const TSS = KBASE + 0x3000;
export const KSTACK_TOP = KBASE + 0x14000;
export const IST1_TOP = KBASE + 0x24000;
export const NATIVE = KBASE + 0x100000;

export interface Trap {
  vector: number;
  errorCode: number;
  rip: number;
  cs: number;
}

export class TestMachine {
  readonly phys: PhysicalMemory;
  readonly cpu: Cpu;
  readonly interp: Interpreter;
  readonly frames: FrameAllocator;
  readonly pt: PageTable;
  /** The exception that stopped the last run, if any. */
  trap: Trap | null = null;

  constructor(vendor: Vendor = 'intel', memMiB = 64) {
    this.phys = new PhysicalMemory(memMiB * 1024 * 1024);
    this.frames = new FrameAllocator(this.phys, 0x100000);
    this.pt = new PageTable(this.phys, this.frames);
    this.cpu = new Cpu(this.phys, {
      nativeCall: (cpu, index) => this.onVector(cpu, index),
    }, vendor);
    this.interp = new Interpreter(this.cpu);
    const cpu = this.cpu;
    cpu.setCr3(this.pt.root);
    for (const [va, n] of [[GDT, 1], [IDT, 1], [TSS, 1], [KSTACK_TOP - 0x4000, 4], [IST1_TOP - 0x4000, 4]] as const) {
      this.map(va, n * PAGE, { write: true, user: false, exec: false });
    }
    const w = (a: number, v: number) => this.write32(a, v);
    writeGdt(w, GDT, TSS);
    cpu.gdtBase = GDT;
    cpu.gdtLimit = GDT_ENTRIES * 8 - 1;
    for (let v = 0; v < 256; v++) writeGate(w, IDT, v, NATIVE + v * 16, __KERNEL_CS, 0xe, v === 3 || v === 4 ? 3 : 0, v === 2 || v === 8 ? 1 : 0);
    cpu.idtBase = IDT;
    cpu.idtLimit = 256 * 16 - 1;
    this.write64(TSS + TSS_sp0, KSTACK_TOP);
    this.write64(TSS + TSS_ist, IST1_TOP);
    cpu.trSel = __TSS_SEL;
    cpu.trBase = TSS;
    cpu.trLimit = 0x67;
    cpu.nativeBase = NATIVE;
    cpu.nativeCount = 256;
    this.enterKernel();
  }

  private onVector(cpu: Cpu, vector: number): void {
    const sp = cpu.getRegNum(4);
    const code = hasErrorCode(vector);
    const rd = (k: number) => {
      const save = cpu.mem.tlbOff;
      cpu.mem.setUser(false);
      const lo = cpu.mem.read64(sp + k * 8);
      const v = cpu.mem.hi * 4294967296 + (lo >>> 0);
      cpu.mem.tlbOff = save;
      return v;
    };
    this.trap = {
      vector,
      errorCode: code ? rd(0) : -1,
      rip: rd(code ? 1 : 0),
      cs: rd(code ? 2 : 1),
    };
    this.interp.stopRequested = true;
  }

  map(va: number, size: number, f: { write: boolean; user: boolean; exec: boolean }): void {
    for (let off = 0; off < size; off += PAGE) {
      if (this.pt.lookup(va + off) >= 0) continue;
      const pa = this.frames.alloc();
      this.pt.map(va + off, pa, f);
    }
    this.cpu.mem.flushTlb();
  }

  private pa(va: number): number {
    const base = this.pt.lookup(va - (((va % PAGE) + PAGE) % PAGE));
    if (base < 0) throw new Error(`test machine: ${va.toString(16)} is not mapped`);
    return base + (((va % PAGE) + PAGE) % PAGE);
  }
  write8(va: number, v: number): void { const pa = this.pa(va); this.phys.bytes[pa] = v; this.cpu.mem.physWritten(pa, 1); }
  read8(va: number): number { return this.phys.bytes[this.pa(va)]; }
  write32(va: number, v: number): void { for (let k = 0; k < 4; k++) this.write8(va + k, (v >>> (8 * k)) & 0xff); }
  write64(va: number, v: number): void {
    this.write32(va, v % 4294967296 >>> 0);
    this.write32(va + 4, Math.floor(v / 4294967296) | 0);
  }
  writeBytes(va: number, bytes: Uint8Array | number[]): void { for (let k = 0; k < bytes.length; k++) this.write8(va + k, bytes[k]); }
  readBytes(va: number, n: number): Uint8Array { const out = new Uint8Array(n); for (let k = 0; k < n; k++) out[k] = this.read8(va + k); return out; }
  read64(va: number): bigint {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(this.read8(va + k));
    return v;
  }

  enterKernel(): void {
    const cpu = this.cpu;
    setCs(cpu, __KERNEL_CS, flatCodeAttr(0, true));
    setSeg(cpu, SS, __KERNEL_DS, flatDataAttr(0));
    for (const s of [DS, ES, FS, GS]) setSeg(cpu, s, 0, 0);
    cpu.setRegNum(4, KSTACK_TOP);
  }

  /** Put the CPU at CPL 3 in 64-bit mode (or 32-bit compatibility mode). */
  enterUser(mode: 64 | 32 = 64): void {
    const cpu = this.cpu;
    setCs(cpu, mode === 64 ? __USER_CS : __USER32_CS, flatCodeAttr(3, mode === 64));
    setSeg(cpu, SS, __USER_DS, flatDataAttr(3));
    for (const s of [DS, ES]) setSeg(cpu, s, mode === 64 ? 0 : __USER_DS, mode === 64 ? 0 : flatDataAttr(3));
  }

  /**
   * Run code placed at `at` until it reaches `end` (where a UD2 is placed), an exception
   * occurs, or `maxInsns` retire. Returns the exception, or null if `end` was reached.
   */
  run(at: number, code: Uint8Array | number[], maxInsns = 1_000_000): Trap | null {
    this.writeBytes(at, code);
    const end = at + code.length;
    this.writeBytes(end, [0x0f, 0x0b]);
    this.cpu.rip = at;
    this.trap = null;
    this.interp.run(maxInsns);
    const t = this.trap as Trap | null;
    if (t !== null && t.vector === UD && t.rip === end) return null;
    if (t === null) throw new Error(`test machine: did not finish within ${maxInsns} instructions (rip ${this.cpu.rip.toString(16)})`);
    return t;
  }

  setFlags(v: number): void { setFlags(this.cpu, v); }
}


