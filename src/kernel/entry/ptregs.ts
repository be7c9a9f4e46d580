// struct pt_regs (arch/x86/include/asm/ptrace.h): the register frame the entry code builds on
// the kernel stack, 21 quadwords, IRET frame at the top. TypeScript reads and writes it in
// guest memory through PtRegs (rule 4 of the design).

import type { Cpu } from '../../cpu/cpu.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';

export const PT_REGS_OFFSETS = {
  r15: 0, r14: 8, r13: 16, r12: 24, rbp: 32, rbx: 40, r11: 48, r10: 56, r9: 64, r8: 72,
  rax: 80, rcx: 88, rdx: 96, rsi: 104, rdi: 112, orig_rax: 120, rip: 128, cs: 136, eflags: 144, rsp: 152, ss: 160,
} as const;
export const PT_REGS_SIZE = 168;
export type PtRegName = keyof typeof PT_REGS_OFFSETS;

const TWO32 = 4294967296;

/**
 * A typed view of a pt_regs frame at kernel address `base`. Accesses go through the CPU's MMU
 * as supervisor accesses (the kernel stack is kernel memory). Values come as lo/hi int32
 * halves or, for addresses and small values, as numbers.
 */
export class PtRegs {
  constructor(readonly cpu: Cpu, public base: number) {}

  lo(name: PtRegName): number {
    return this.cpu.mem.kread32(this.base + PT_REGS_OFFSETS[name]);
  }
  hi(name: PtRegName): number {
    return this.cpu.mem.kread32(this.base + PT_REGS_OFFSETS[name] + 4);
  }
  /** The slot as a number: exact for canonical addresses and values below 2^53 in magnitude. */
  num(name: PtRegName): number {
    return this.hi(name) * TWO32 + (this.lo(name) >>> 0);
  }
  big(name: PtRegName): bigint {
    return (BigInt(this.hi(name) >>> 0) << 32n) | BigInt(this.lo(name) >>> 0);
  }
  set(name: PtRegName, lo: number, hi: number): void {
    this.cpu.mem.kwrite64(this.base + PT_REGS_OFFSETS[name], lo, hi);
  }
  setNum(name: PtRegName, v: number): void {
    this.set(name, v | 0, Math.floor(v / TWO32) | 0);
  }
  setBig(name: PtRegName, v: bigint): void {
    this.set(name, Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0);
  }
}

/** The user-mode register frame of a task: every entry from user mode builds it at the stack top. */
export function userRegs(k: Kernel, t: Task): PtRegs {
  return new PtRegs(k.cpu, t.kstackTop - PT_REGS_SIZE);
}
