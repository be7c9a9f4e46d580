// The interpreter loop and its decoded-block cache.
//
// A block is a run of instructions decoded from one start address up to the first instruction
// that may change control flow, privilege or mode (Insn.term), at most MAX_BLOCK long and never
// past the end of its page (an instruction that straddles two pages may end a block). Blocks
// are keyed by the physical address of their first byte and the code size, and dropped when
// their page is written (memory.ts routes such writes here).
//
// Between blocks the loop takes pending events in the architectural order of priority
// (SDM Vol. 3 §6.9): NMI, then a maskable interrupt if IF=1 and no STI/MOV SS shadow.

import type { Cpu } from './cpu.js';
import { Insn } from './insn.js';
import { decode } from './decode.js';
import { bind } from './exec/table.js';
import { FAULT, MachineStop } from './fault.js';
import { IF, TF, PF_, DB, GP } from './regs.js';
import { deliverEvent, EV_EXCEPTION, EV_EXTERNAL, EV_NMI } from './system/interrupts.js';
import { pop64 } from './operands.js';
import './exec/index.js';

const MAX_BLOCK = 64;

/**
 * The virtually-indexed front of the block cache: a direct-mapped table keyed by the low bits
 * of the linear address, so that the common case (the block just ran, nothing was flushed)
 * costs a few compares instead of a TLB lookup and a Map probe.
 */
const VCACHE_BITS = 14;
const VCACHE_MASK = (1 << VCACHE_BITS) - 1;

export class Block {
  /**
   * MMU epoch (Mmu.epoch) at which the block was last found through the TLB, or -1 once its code
   * was written: an entry in the virtual front is used only while this matches.
   */
  epoch = -1;
  /** Mmu.tlbOff (user or supervisor view) plus the code size, for the virtual front's check. */
  ctx = 0;
  constructor(
    readonly ip: number,
    readonly key: number,
    readonly insns: Insn[],
    readonly cost: number,
    readonly frames: number[],
  ) {}
}

export class Interpreter {
  readonly cpu: Cpu;
  private readonly blocks = new Map<number, Block>();
  private readonly vcache: (Block | null)[] = new Array<Block | null>(1 << VCACHE_BITS).fill(null);
  private readonly byFrame = new Map<number, Block[]>();
  private readonly fetch: (a: number) => number;
  /** Execute one instruction per block (single-step, fault injection at every boundary). */
  stepMode = false;
  /** Set by handlers and hooks to end run() at the next boundary. */
  stopRequested = false;
  /** Modeled cycles at which onEvent is called (timer deadline); Infinity for none. */
  eventAt = Infinity;
  onEvent: (cpu: Cpu) => void = () => {};
  /**
   * Called before every instruction executed at CPL 0, which then runs one at a time (entry
   * checks and fault injection: --check-entry, --inject). Null for full speed.
   */
  kernelStep: ((cpu: Cpu) => void) | null = null;
  private lastKernelStep = -1;
  /** Called at each block boundary in step mode, before the next instruction (fault injection). */
  onBoundary: ((cpu: Cpu) => void) | null = null;
  blocksDecoded = 0;

  constructor(cpu: Cpu) {
    this.cpu = cpu;
    const mem = cpu.mem;
    this.fetch = (a: number) => mem.fetch8(a);
    mem.onCodeWrite = (frame) => this.invalidateFrame(frame);
  }

  /** Drop every block decoded from a physical frame. */
  invalidateFrame(frame: number): void {
    const list = this.byFrame.get(frame);
    if (list === undefined) return;
    this.byFrame.delete(frame);
    for (const b of list) {
      b.epoch = -1;
      if (this.blocks.get(b.key) === b) this.blocks.delete(b.key);
    }
  }

  flushCode(): void {
    for (const f of this.byFrame.keys()) this.cpu.mem.codeFrames[f] = 0;
    for (const b of this.blocks.values()) b.epoch = -1;
    this.blocks.clear();
    this.byFrame.clear();
    this.vcache.fill(null);
  }

  private lookup(ip: number): Block {
    const cpu = this.cpu;
    const mem = cpu.mem;
    const phys = mem.physX(ip);
    const key = phys * 4 + (cpu.codeSize >> 1);
    let b = this.blocks.get(key);
    if (b === undefined || b.ip !== ip) b = this.build(ip, key, phys);
    // The translation of ip was just checked (execute permission at this CPL included): the
    // block may be found by its linear address until the next flush or a write to its code.
    b.epoch = mem.epoch;
    b.ctx = mem.tlbOff + cpu.codeSize;
    this.vcache[ip & VCACHE_MASK] = b;
    return b;
  }

  private build(ip: number, key: number, phys: number): Block {
    const cpu = this.cpu;
    const insns: Insn[] = [];
    const frames = [Math.floor(phys / 4096)];
    let cost = 0;
    let at = ip;
    const max = this.stepMode ? 1 : MAX_BLOCK;
    const pageEnd = ip - (ip % 4096) + 4096;
    while (insns.length < max) {
      const i = new Insn();
      let status: number;
      try {
        status = decode(this.fetch, at, cpu.codeSize, i);
      } catch (e) {
        // A fetch fault ends the block before this instruction; if it is the first one, the
        // fault is the instruction's and is delivered now.
        if (e === FAULT && insns.length > 0) break;
        throw e;
      }
      if (cpu.codeSize !== 8) i.next = i.next % 4294967296;
      i.fn = bind(i, status);
      i.cost = cpu.cycles.insn(i);
      insns.push(i);
      cost += i.cost;
      at = i.ip + i.len;
      if (at > pageEnd) {
        const f2 = Math.floor(cpu.mem.physX(at - 1) / 4096);
        if (f2 !== frames[0]) frames.push(f2);
      }
      if (i.term || status !== 0 || at >= pageEnd) break;
    }
    const blk = new Block(ip, key, insns, cost, frames);
    this.blocks.set(key, blk);
    for (const f of frames) {
      let list = this.byFrame.get(f);
      if (list === undefined) { list = []; this.byFrame.set(f, list); }
      list.push(blk);
      if (cpu.mem.codeFrames[f] === 0) cpu.mem.protectCodeFrame(f);
    }
    this.blocksDecoded++;
    return blk;
  }

  /**
   * Run until `maxInsns` more instructions have retired, a handler or hook asks to stop, or the
   * machine stops (MachineStop is thrown to the caller).
   */
  run(maxInsns: number): void {
    const cpu = this.cpu;
    const limit = cpu.icount + maxInsns;
    this.stopRequested = false;
    while (cpu.icount < limit && !this.stopRequested) {
      if (cpu.tsc >= this.eventAt) this.onEvent(cpu);
      // Kernel single-stepping (entry checks, fault injection): the hook sees each ring-0
      // instruction boundary once, before pending events are taken there.
      if (this.kernelStep !== null && cpu.cpl === 0 && cpu.icount !== this.lastKernelStep) {
        this.lastKernelStep = cpu.icount;
        this.kernelStep(cpu);
      }
      if (cpu.nmiPending && !cpu.nmiBlocked && cpu.shadowUntil >= -1) {
        cpu.nmiPending = false;
        cpu.halted = false;
        this.deliver(2, EV_NMI, 0, false);
        continue;
      }
      if (cpu.irqVector >= 0 && (cpu.flags & IF) !== 0 && cpu.shadowUntil >= -1 && cpu.icount >= cpu.shadowUntil) {
        const v = cpu.irqVector;
        cpu.irqVector = -1;
        cpu.halted = false;
        this.deliver(v, EV_EXTERNAL, 0, false);
        continue;
      }
      if (cpu.halted) {
        if (this.eventAt === Infinity) throw new MachineStop('hlt with no interrupt that could wake the CPU', 'halt');
        cpu.tsc = Math.max(cpu.tsc, this.eventAt);
        continue;
      }
      if (this.onBoundary !== null) this.onBoundary(cpu);
      const ip = cpu.rip;
      // Fast path: the virtual front knows a block here, decoded for this view and code size and
      // checked through the TLB since the last flush (so ip is canonical and not a native-call
      // address: no block is ever built at one).
      const vb = this.vcache[ip & VCACHE_MASK];
      if (vb !== null && vb.ip === ip && vb.epoch === cpu.mem.epoch && vb.ctx === cpu.mem.tlbOff + cpu.codeSize &&
          cpu.shadowUntil >= -1 && (this.kernelStep === null || cpu.cpl !== 0)) {
        this.execBlock(vb);
        continue;
      }
      // A non-canonical RIP (only an AMD SYSRET can leave one) faults on fetch, at the new CPL.
      if (ip < -140737488355328 || ip >= 140737488355328) {
        cpu.fault.vector = GP; cpu.fault.errorCode = 0; cpu.fault.hasErrorCode = true;
        this.fault(ip);
        continue;
      }
      // An STI (-2) or MOV SS (-3) shadow covers exactly the next instruction: run it alone.
      if (cpu.shadowUntil < -1) {
        cpu.shadowUntil = cpu.icount + 1;
        this.stepOne(ip, (cpu.flags & TF) !== 0);
        continue;
      }
      const rel = ip - cpu.nativeBase;
      if (rel >= 0 && rel < cpu.nativeCount * 16) {
        this.nativeCall(rel >> 4);
        this.lastKernelStep = -1;
        continue;
      }
      if (this.kernelStep !== null && cpu.cpl === 0) {
        this.stepOne(ip, (cpu.flags & TF) !== 0);
        continue;
      }
      this.runBlock(ip);
    }
  }

  private nativeCall(index: number): void {
    const cpu = this.cpu;
    cpu.hooks.nativeCall(cpu, index);
    // The bridge behaves as a function that returns: RIP comes off the (possibly switched) stack.
    const lo = pop64(cpu);
    cpu.rip = cpu.mem.hi * 4294967296 + (lo >>> 0);
    cpu.icount++;
    cpu.kernelIcount++;
  }

  private runBlock(ip: number): void {
    let blk: Block;
    try {
      blk = this.lookup(ip);
    } catch (e) {
      if (e !== FAULT) throw e;
      this.fault(ip);
      return;
    }
    this.execBlock(blk);
  }

  private execBlock(blk: Block): void {
    const cpu = this.cpu;
    const ip = blk.ip;
    const insns = blk.insns;
    const n = insns.length;
    const tf = (cpu.flags & TF) !== 0;
    if (tf && n > 1 && !this.stepMode) { this.stepOne(ip, true); return; }
    // Instructions count as kernel ones by the CPL they started at (a block may end in SYSRET).
    const kernel = cpu.cpl === 0;
    // Cycles are charged before the block runs, so that the instruction ending it (SYSCALL,
    // SYSRET, IRET, RDTSC: see cycles.ts) sees the count at its own retirement.
    cpu.tsc += blk.cost;
    let k = 0;
    const last = n - 1;
    try {
      // RIP is advanced only before the block's last instruction: those before it neither change
      // control flow (Insn.term ends a block) nor read RIP (handlers use i.ip and i.next), and a
      // fault is reported at insns[k].ip whatever RIP holds. One store per block, not per insn.
      for (; k < last; k++) {
        const i = insns[k];
        i.fn(cpu, i);
      }
      const i = insns[last];
      cpu.rip = i.next;
      i.fn(cpu, i);
    } catch (e) {
      if (e !== FAULT) {
        // Not a guest exception (MachineStop …): leave RIP as the instruction left it.
        if (k < last) cpu.rip = insns[k].next;
        throw e;
      }
      cpu.icount += k;
      if (kernel) cpu.kernelIcount += k;
      // The faulting instruction and those after it did not retire.
      for (let j = k; j < n; j++) cpu.tsc -= insns[j].cost;
      this.fault(insns[k].ip);
      return;
    }
    cpu.icount += n;
    if (kernel) cpu.kernelIcount += n;
    // Single-step trap after an instruction that began with TF=1 (SDM Vol. 3 §17.3.1.4), held
    // after MOV SS until the next instruction completes (SDM Vol. 3 §6.8.3) — except for the
    // instructions that decide with TF as they leave it (Insn.tfAfter).
    if ((insns[last].tfAfter ? (cpu.flags & TF) !== 0 : tf) && cpu.shadowUntil !== -3) this.deliver(DB, EV_EXCEPTION, 0, false);
  }

  /**
   * Execute exactly one instruction, decoded alone (TF set, or an interrupt shadow); with
   * `trap`, the single-step #DB follows it.
   */
  private stepOne(ip: number, trap: boolean): void {
    const save = this.stepMode;
    this.stepMode = true;
    const cpu = this.cpu;
    let i: Insn;
    try {
      // A one-instruction block of its own, so that it does not replace the full block.
      i = this.buildSingle(ip, cpu.mem.physX(ip)).insns[0];
    } catch (e) {
      this.stepMode = save;
      if (e !== FAULT) throw e;
      this.fault(ip);
      return;
    }
    this.stepMode = save;
    const kernel = cpu.cpl === 0;
    cpu.tsc += i.cost;
    try {
      cpu.rip = i.next;
      i.fn(cpu, i);
    } catch (e) {
      if (e !== FAULT) throw e;
      cpu.tsc -= i.cost;
      this.fault(i.ip);
      return;
    }
    cpu.icount++;
    if (kernel) cpu.kernelIcount++;
    if ((i.tfAfter ? (cpu.flags & TF) !== 0 : trap) && cpu.shadowUntil !== -3) this.deliver(DB, EV_EXCEPTION, 0, false);
  }

  private buildSingle(ip: number, phys: number): Block {
    const i = new Insn();
    const status = decode(this.fetch, ip, this.cpu.codeSize, i);
    if (this.cpu.codeSize !== 8) i.next = i.next % 4294967296;
    i.fn = bind(i, status);
    i.cost = this.cpu.cycles.insn(i);
    return new Block(ip, -1, [i], i.cost, [Math.floor(phys / 4096)]);
  }

  /** Deliver the exception recorded in cpu.fault, raised by the instruction at `ip`. */
  private fault(ip: number): void {
    const cpu = this.cpu;
    const f = cpu.fault;
    cpu.rip = ip;
    if (f.vector === PF_) cpu.cr2 = f.address;
    this.deliver(f.vector, EV_EXCEPTION, f.errorCode, f.hasErrorCode);
  }

  private deliver(vector: number, kind: number, errorCode: number, hasErrorCode: boolean): void {
    deliverEvent(this.cpu, vector, kind, errorCode, hasErrorCode);
  }
}
