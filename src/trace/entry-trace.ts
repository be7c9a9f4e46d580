// Following each kernel entry from the instruction that enters (SYSCALL, an exception, an
// interrupt) to the one that returns to user mode (SYSRET or IRET): which stub it landed in,
// how many ring-0 instructions ran, how it left and, when it left by IRET after a system call,
// which SYSRET condition failed. Fed by the CPU's transition hooks; feeds --trace=entry and
// --stats.

import type { Cpu } from '../cpu/cpu.js';
import { VECTOR_NAMES } from '../cpu/regs.js';
import { Stats } from './stats.js';
import {
  SYSCALL_WORK_ENTER, SYSCALL_WORK_SECCOMP, SYSCALL_WORK_SYSCALL_TRACEPOINT, SYSCALL_WORK_SYSCALL_TRACE,
  SYSCALL_WORK_SYSCALL_EMU, SYSCALL_WORK_SYSCALL_AUDIT, SYSCALL_WORK_SYSCALL_USER_DISPATCH,
  SYSCALL_WORK_SYSCALL_EXIT_TRAP, SYSCALL_WORK_CONTEXT_TRACKING,
} from '../kernel/entry/thread-info.js';

/** The SYSCALL_WORK_* names (include/linux/thread_info.h) by bit, for the trace. */
const WORK_NAMES: [number, string][] = [
  [SYSCALL_WORK_SECCOMP, 'SECCOMP'], [SYSCALL_WORK_SYSCALL_TRACEPOINT, 'SYSCALL_TRACEPOINT'],
  [SYSCALL_WORK_SYSCALL_TRACE, 'SYSCALL_TRACE'], [SYSCALL_WORK_SYSCALL_EMU, 'SYSCALL_EMU'],
  [SYSCALL_WORK_SYSCALL_AUDIT, 'SYSCALL_AUDIT'], [SYSCALL_WORK_SYSCALL_USER_DISPATCH, 'SYSCALL_USER_DISPATCH'],
  [SYSCALL_WORK_SYSCALL_EXIT_TRAP, 'SYSCALL_EXIT_TRAP'], [SYSCALL_WORK_CONTEXT_TRACKING, 'CONTEXT_TRACKING'],
];

/** "SECCOMP|SYSCALL_TRACE": the syscall_work bits set in `work`. */
export function syscallWorkNames(work: number): string {
  return WORK_NAMES.filter(([b]) => (work & (1 << b)) !== 0).map(([, n]) => n).join('|');
}

export interface EntryInfo {
  kind: 'syscall' | 'exception' | 'interrupt' | 'nmi' | 'software';
  label: string;
  stub: string;
  startKernelInsns: number;
  startCycles: number;
  /** Why the return used IRET (set by the kernel for system calls). */
  iretReason: string | null;
  /** The thread_info work the exit-to-user loop found (TIF_* bits), if any. */
  exitWork?: number;
}

/** TIF_* names for the exit-work bits (arch/x86/include/asm/thread_info.h). */
const TIF_NAMES: [number, string][] = [[1, 'NOTIFY_RESUME'], [2, 'SIGPENDING'], [3, 'NEED_RESCHED'], [11, 'USER_RETURN_NOTIFY'], [12, 'UPROBE'], [17, 'NOTIFY_SIGNAL']];

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
  onSyscall(cpu: Cpu, nr: number, name: string, syscallWork = 0): void {
    const slow = syscallWork & SYSCALL_WORK_ENTER;
    const label = slow ? `syscall ${nr} (${name}) [slow path: ${syscallWorkNames(slow)}]` : `syscall ${nr} (${name})`;
    this.begin(cpu, 'syscall', label, cpu.tsc - this.syscallCycles);
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

  /**
   * A restartable sequence was restarted: a kernel range on an interrupt's return to kernel
   * mode, or a user rseq critical section aborted on the way back to user mode.
   */
  onRestart(what: string, from: string, to: string): void {
    Stats.bump(this.stats.restarts, what);
    this.out?.(`[entry]   (restart) ${what}: ip ${from} -> ${to}`);
  }

  /** A signal was delivered to a handler on the way out of this entry. */
  onSignalDelivery(text: string): void {
    this.out?.(`[entry]   (signal) ${text}`);
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
        const work = e.exitWork ? ` [exit work: ${TIF_NAMES.filter(([b]) => (e.exitWork! & (1 << b)) !== 0).map(([, n]) => n).join('|')}]` : '';
        this.out(`[entry] ${e.label} via ${e.stub}: ${insns} kernel insns, ${cycles} cycles${work}, return ${how}${why}`);
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
