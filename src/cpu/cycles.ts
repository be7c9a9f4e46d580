// The CPU's side of the cost model: the two questions the machine asks it. The answers (named
// microarchitecture profiles, each figure with its source) live in src/trace/costs.ts; the CPU
// only knows this interface, so that src/cpu depends on nothing above it.
//
// Where the time stamp counter (cpu.tsc, read by RDTSC) moves:
//   - per block: interp.ts adds the block's summed Insn.cost *before* running it and takes back
//     the share of instructions that did not retire when one faults. An instruction that ends its
//     block (SYSCALL, SYSRET, IRET, RDTSC, RDMSR …) therefore sees the count at its own
//     retirement, which is what the entry tracer and RDTSC report;
//   - per event: deliverEvent (system/interrupts.ts) adds the delivery cost of an exception,
//     interrupt or software INT;
//   - per kernel function: Kernel.charge() adds the cost of work done in TypeScript.

import type { Insn } from './insn.js';

export interface CycleModel {
  /** Modeled cycles of a decoded, bound instruction. Asked once, when its block is built. */
  insn(i: Insn): number;
  /**
   * Modeled cycles to deliver an event through the IDT. `kind` is one of interrupts.ts's EV_*
   * constants; `fromCpl` is the privilege level the event interrupted.
   */
  event(vector: number, kind: number, fromCpl: number): number;
}

/** One cycle per instruction, free delivery: the machine's behaviour before a profile is chosen. */
export const UNIT_CYCLES: CycleModel = {
  insn: () => 1,
  event: () => 0,
};
