// The processor's architectural state. Plain fields and typed arrays with a fixed shape, so
// that every handler sees one hidden class (SDM Vol. 1 §3.4, Vol. 3 §2).
//
// 64-bit general registers are held as two int32 halves (lo[r], hi[r]): no BigInt on the hot
// path. RIP and other linear addresses are JS numbers with the signed value of a canonical
// address (see memory.ts).

import { FaultRecord } from './fault.js';
import { Mmu, PhysicalMemory } from './memory.js';
import { UNIT_CYCLES, type CycleModel } from './cycles.js';
import { FIXED1, CR0_PE, CR0_PG, CR0_WP, CR0_ET, CR0_NE, CR0_MP, CR4_PAE, CR4_OSFXSR, CR4_OSXMMEXCPT, EFER_LMA, EFER_LME, EFER_NXE, EFER_SCE } from './regs.js';

export type Vendor = 'intel' | 'amd';

/** Hooks through which the machine around the CPU sees events. All optional, all cheap when unset. */
export interface CpuHooks {
  /** Execution reached a native-call address (the bridge to TypeScript kernel code). */
  nativeCall(cpu: Cpu, index: number): void;
  /** An exception or interrupt is about to be delivered (for tracing). */
  onDeliver?(cpu: Cpu, vector: number, kind: 'exception' | 'interrupt' | 'nmi' | 'software', errorCode: number): void;
  /** An event was delivered: RIP is now its handler. */
  onDelivered?(cpu: Cpu): void;
  /** A privilege-changing instruction retired (SYSCALL, SYSRET, IRET, …), for tracing. */
  onTransition?(cpu: Cpu, what: string, fromIp: number): void;
}

export class Cpu {
  readonly vendor: Vendor;
  readonly lo = new Int32Array(16);
  readonly hi = new Int32Array(16);
  rip = 0;

  // --- RFLAGS. The six status flags are computed lazily from the last flag-setting operation
  // (flags.ts); `flags` holds every other bit, and the status flags too when lazyOp is OP_NONE.
  flags = FIXED1;
  lazyOp = 0;
  lazyRes = 0;
  lazyResHi = 0;
  lazyA = 0;
  lazyAHi = 0;
  lazyB = 0;
  lazyBHi = 0;
  /** Carry in for ADC/SBB, carry out preserved across INC/DEC. */
  lazyAux = 0;

  // --- Segment registers: the visible selector and the hidden descriptor cache (SDM Vol. 3 §3.4.3).
  readonly sel = new Int32Array(6);
  readonly segBaseLo = new Int32Array(6);
  readonly segBaseHi = new Int32Array(6);
  readonly segLimit = new Float64Array(6);
  /** Descriptor bits 40..55 (type, S, DPL, P, AVL, L, D/B, G) as a 16-bit value. */
  readonly segAttr = new Int32Array(6);
  cpl = 0;
  /** Code size: 8 in 64-bit mode (CS.L=1), 4 in a 32-bit code segment, 2 in a 16-bit one. */
  codeSize = 8;

  // --- Control registers, EFER, descriptor tables.
  cr0 = CR0_PE | CR0_PG | CR0_WP | CR0_ET | CR0_NE | CR0_MP;
  cr2 = 0;
  cr3 = 0;
  cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
  efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
  gdtBase = 0;
  gdtLimit = 0;
  idtBase = 0;
  idtLimit = 0;
  ldtSel = 0;
  trSel = 0;
  trBase = 0;
  trLimit = 0;

  // --- MSRs that the entry code uses (SDM Vol. 4; SYSCALL/SYSENTER in Vol. 2).
  starLo = 0;
  starHi = 0;
  lstar = 0;
  cstar = 0;
  fmask = 0;
  sysenterCs = 0;
  sysenterEsp = 0;
  sysenterEip = 0;
  kernelGsBaseLo = 0;
  kernelGsBaseHi = 0;
  tscAux = 0;
  /** The time-stamp counter: modeled cycles (trace/costs.ts). An exact integer below 2^53. */
  tsc = 0;
  /** What instructions and event deliveries cost, in cycles (cycles.ts). */
  cycles: CycleModel = UNIT_CYCLES;
  /** Instructions retired, and the share retired at CPL 0. */
  icount = 0;
  kernelIcount = 0;

  // --- x87: eight 80-bit registers as a 64-bit significand (two uint32) and sign|exponent.
  readonly fpMant = new Uint32Array(16);
  readonly fpExp = new Uint16Array(8);
  fpTop = 0;
  fpSw = 0;
  fpCw = 0x37f;
  /** Abridged tag: bit i set when physical register i is not empty. */
  fpTag = 0;
  fpIp = 0;
  fpDp = 0;
  fpOp = 0;

  // --- SSE: sixteen 128-bit registers as four int32 lanes each (xmm r at [4r, 4r+4), little-endian
  // lane order as on x86), then two scratch registers, 16 and 17, that SSE handlers use for a
  // memory operand and for results held back until no unmasked SIMD exception can occur
  // (exec/sse-state.ts). Float views over the same bytes. MXCSR.
  readonly xmm = new Int32Array(72);
  readonly xmmF32 = new Float32Array(this.xmm.buffer);
  readonly xmmF64 = new Float64Array(this.xmm.buffer);
  mxcsr = 0x1f80;

  // --- Interrupts (SDM Vol. 3 §6.8): the INTR line, NMI, and the one-instruction shadows.
  /** Vector asserted on the INTR line, or -1. The local APIC model in the kernel sets it. */
  irqVector = -1;
  nmiPending = false;
  /** Set from NMI delivery until the next IRET (SDM Vol. 3 §6.7.1). */
  nmiBlocked = false;
  /**
   * Instruction count until which interrupts stay inhibited (STI and MOV SS/POP SS shadows); set
   * to -2 by STI and -3 by MOV SS (which also holds back debug traps) until the loop starts the
   * shadowed instruction.
   */
  shadowUntil = -1;
  halted = false;

  readonly fault = new FaultRecord();
  readonly mem: Mmu;
  hooks: CpuHooks;
  /** Address range [nativeBase, nativeBase + nativeCount*16) that calls into TypeScript. */
  nativeBase = 0;
  nativeCount = 0;

  constructor(phys: PhysicalMemory, hooks: CpuHooks, vendor: Vendor = 'intel') {
    this.vendor = vendor;
    this.mem = new Mmu(phys, this.fault);
    this.hooks = hooks;
  }

  get longMode(): boolean {
    return (this.efer & EFER_LMA) !== 0;
  }

  /** Change CPL and keep the MMU's user/supervisor TLB half in step (CPL 3 accesses are user accesses). */
  setCpl(cpl: number): void {
    this.cpl = cpl;
    this.mem.setUser(cpl === 3);
  }

  setCr3(v: number): void {
    this.cr3 = v;
    this.mem.cr3 = v - (v % 4096);
    this.mem.flushTlb();
  }

  // Register helpers used outside the hot path (kernel, loader, tests). Values as BigInt for
  // clarity there; handlers use lo/hi directly.
  getReg(r: number): bigint {
    return (BigInt(this.hi[r] >>> 0) << 32n) | BigInt(this.lo[r] >>> 0);
  }
  setReg(r: number, v: bigint): void {
    this.lo[r] = Number(v & 0xffffffffn) | 0;
    this.hi[r] = Number((v >> 32n) & 0xffffffffn) | 0;
  }
  /** A register holding a canonical address, as a linear-address number. */
  getRegNum(r: number): number {
    return this.hi[r] * 4294967296 + (this.lo[r] >>> 0);
  }
  setRegNum(r: number, v: number): void {
    this.lo[r] = v | 0;
    this.hi[r] = Math.floor(v / 4294967296) | 0;
  }
}

/** Convert a linear-address number to the unsigned 64-bit BigInt it stands for. */
export function linearToBig(a: number): bigint {
  return BigInt.asUintN(64, BigInt(a));
}

/** Convert an unsigned 64-bit BigInt holding a canonical address to a linear-address number. */
export function bigToLinear(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}
