// The cost model: modeled cycles for instructions and for the kernel's TypeScript functions,
// per named microarchitecture profile. The emulated cycle counter (RDTSC, guest time) follows
// it. Each figure cites its source.

export interface CostProfile {
  name: string;
  /** Clock rate used to turn cycles into guest nanoseconds. */
  hz: number;
  /** Cycles for an ordinary instruction (the interpreter's default). */
  base: number;
  /** Instruction costs by mnemonic-ish key (see src/cpu/exec bindings). */
  insn: Record<string, number>;
  /** Costs of kernel work done in TypeScript ("C" functions), by name. */
  kernel: Record<string, number>;
}

/** Placeholder profile until the measured table lands: every cost is the base cost. */
export const GENERIC: CostProfile = {
  name: 'generic',
  hz: 3e9,
  base: 1,
  insn: {},
  kernel: {},
};
