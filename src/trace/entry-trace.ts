// Following each kernel entry from the instruction that enters (SYSCALL, an exception, an
// interrupt) to the one that returns to user mode (SYSRET or IRET): which stub it landed in,
// how many ring-0 instructions ran, how it left and, when it left by IRET after a system call,
// which SYSRET condition failed. Fed by the CPU's transition hooks; feeds --trace=entry and
// --stats.

import type { Cpu } from '../cpu/cpu.js';
import { VECTOR_NAMES } from '../cpu/regs.js';
import { Stats } from './stats.js';

export interface EntryInfo {
  kind: 'syscall' | 'exception' | 'interrupt' | 'nmi' | 'software';
  label: string;
  stub: string;
  startKernelInsns: number;
  startCycles: number;
  /** Why the return used IRET (set by the kernel for system calls). */
  iretReason: string | null;
}

export class EntryTracer {
  current: EntryInfo | null = null;
  depth = 0;
  /**
   * The modeled cost of the SYSCALL instruction. The counter moves per block, before the block
   * runs (cpu/cycles.ts), so when SYSCALL reports itself the count already includes it: the
   * entry began that many cycles earlier.
   */
  syscallCycles = 0;
  constructor(
    readonly stats: Stats,
    readonly symbolize: (addr: number) => string,
    readonly out: ((line: string) => void) | null,
  ) {}

  /** Called when the CPU has moved to ring 0 by SYSCALL. */
  onSyscall(cpu: Cpu, nr: number, name: string): void {
    this.begin(cpu, 'syscall', `syscall ${nr} (${name})`, cpu.tsc - this.syscallCycles);
  }

  /** Called before an exception or interrupt is delivered. */
  onDeliver(cpu: Cpu, vector: number, kind: EntryInfo['kind'], errorCode: number): void {
    if (cpu.cpl !== 3) {
      // An event taken in the kernel: counted, and shown nested in the trace.
      Stats.bump(this.stats.entries, `${kind} from kernel mode: ${VECTOR_NAMES[vector] ?? `vector ${vector}`}`);
      this.out?.(`[entry]   (in kernel) ${describe(vector, kind, errorCode, cpu)} at ${this.symbolize(cpu.rip)}`);
      return;
    }
    // The count now stands at the start of the delivery, whose cost follows.
    this.pendingDeliver = { vector, kind, errorCode, startCycles: cpu.tsc };
  }
  private pendingDeliver: { vector: number; kind: EntryInfo['kind']; errorCode: number; startCycles: number } | null = null;

  /** Called after delivery: now RIP is the stub. */
  afterDeliver(cpu: Cpu): void {
    const p = this.pendingDeliver;
    if (!p) return;
    this.pendingDeliver = null;
    this.begin(cpu, p.kind, describe(p.vector, p.kind, p.errorCode, cpu), p.startCycles);
  }

  private begin(cpu: Cpu, kind: EntryInfo['kind'], label: string, startCycles: number): void {
    const stub = this.symbolize(cpu.rip);
    this.current = { kind, label, stub, startKernelInsns: cpu.kernelIcount, startCycles, iretReason: null };
    Stats.bump(this.stats.entries, `${kind} via ${stub.replace(/\+.*/, '')}`);
  }

  /** Called when an instruction returned to CPL 3. */
  onReturn(cpu: Cpu, how: 'SYSRET' | 'SYSRETL' | 'IRET' | 'SYSEXIT'): void {
    const e = this.current;
    this.current = null;
    const insns = e ? cpu.kernelIcount - e.startKernelInsns : 0;
    const kind = e?.kind ?? 'start';
    Stats.bump(this.stats.returns, `${how} after ${kind}`);
    if (e) {
      // The return instruction ended its block, so the count includes it (cpu/cycles.ts).
      const cycles = cpu.tsc - e.startCycles;
      this.stats.entryCost(kind, how, cycles);
      if (this.out) {
        const why = how === 'IRET' && e.iretReason ? ` (${e.iretReason})` : '';
        this.out(`[entry] ${e.label} via ${e.stub}: ${insns} kernel insns, ${cycles} cycles, return ${how}${why}`);
      }
    }
  }
}

function describe(vector: number, kind: EntryInfo['kind'], errorCode: number, cpu: Cpu): string {
  if (kind === 'interrupt') return `irq vector ${vector}`;
  const name = VECTOR_NAMES[vector] ?? `vector ${vector}`;
  let s = name;
  if (vector === 14) s += ` (error 0x${errorCode.toString(16)}, cr2 0x${BigInt.asUintN(64, BigInt(cpu.cr2)).toString(16)})`;
  else if (errorCode > 0) s += ` (error 0x${errorCode.toString(16)})`;
  return s;
}
