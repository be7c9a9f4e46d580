// The cost model: modeled cycles for instructions, for event delivery and for the kernel's
// TypeScript functions, per named microarchitecture profile. The emulated cycle counter (RDTSC,
// guest time, --stats) follows it; src/cpu/cycles.ts says where the counter moves.
//
// Every figure names its source. Tags used below:
//   [ILX]    InstLatX64 measurements of an Intel Core i5-2400 (Sandy Bridge, 3.1 GHz; AIDA64
//            build of Dec 2010), file GenuineIntel00206A7_SandyBridge_InstLatX64.txt in
//            https://github.com/InstLatx64/InstLatx64 — the reciprocal-throughput ("T:") column.
//   [SDM]    Intel SDM Vol. 3A, section "Serializing Instructions": IRET, CPUID, WRMSR, MOV to a
//            control register (except CR8), LGDT/LIDT/LLDT/LTR, INVLPG, INVD, WBINVD serialize;
//            SYSCALL, SYSRET and SWAPGS do not.
//   [X86LOL] J. Stecklina, "1001 Ways of Implementing a System Call", x86.lol, 2019-07-04:
//            SYSCALL+SYSRET (and SYSENTER+SYSEXIT) round trip with an empty handler "around 70
//            cycles"; interrupt gate + IRET "a magnitude" slower.
//   [CORDES] P. Cordes, reverseengineering.stackexchange.com/questions/16454 (answer 16511): a
//            far `call [mem]` + `retf` pair, each loading CS from the GDT, takes 220 core cycles
//            on an i7-6700k (Skylake). No Sandy Bridge figure was found; it is used as is.
//   [LLVM]   LLVM's Sandy Bridge scheduling model, llvm/lib/Target/X86/X86SchedSandyBridge.td:
//            MispredictPenalty = 16 (the cost of refilling the pipeline).
//   [SYSRETL] Linux commit 4214a16b0297 ("x86/asm/entry/64/compat: Use SYSRETL to return from
//            compat mode SYSENTER", A. Lutomirski, 2015): the SYSRETL return is "30 cycles or so
//            faster" than POPFQ+STI+SYSEXIT, of which POPFQ and STI are "under half".
// The figure the model is tested against — getpid with forced context tracking, ~360 ns by IRET
// and ~280 ns with the opportunistic SYSRET (commit 2a23c6b8a9c4, "x86_64, entry: Use sysret to
// return to userspace when possible", A. Lutomirski, 2014/2015) — is not an input to any number
// here. Where no measurement was found a figure says "estimate" and why.

import type { Insn } from '../cpu/insn.js';
import { MAP_0F } from '../cpu/insn.js';
import type { CycleModel } from '../cpu/cycles.js';
import { EV_EXTERNAL, EV_NMI, EV_SOFTWARE, EV_ICEBP } from '../cpu/system/interrupts.js';

/** Instructions with a cost of their own; everything else costs the profile's base. */
export type InsnCostKey =
  | 'syscall' | 'sysret' | 'sysenter' | 'sysexit' | 'iret' | 'swapgs'
  | 'rdmsr' | 'wrmsr' | 'mov_cr3' | 'serializing' | 'cpuid' | 'rdtsc' | 'rdtscp'
  | 'lfence' | 'mfence' | 'sfence' | 'popf' | 'pause' | 'cld_std' | 'locked_rmw'
  | 'div_narrow' | 'div64' | 'idiv64';

/** Kernel work done in TypeScript, charged with Kernel.charge(name). */
export type KernelCostKey =
  | 'do_syscall_64' | 'sysret_checks' | 'exit_to_user_mode'
  | 'context_tracking_user_exit' | 'context_tracking_user_enter'
  /** A handler called from the split-tables fast table (no entry/exit work around it). */
  | 'fast_syscall';

export interface CostProfile {
  name: string;
  description: string;
  /** Clock rate that turns cycles into guest nanoseconds (and guest time). */
  hz: number;
  /** Cycles for an instruction without a cost of its own. */
  base: number;
  insn: Partial<Record<InsnCostKey, number>>;
  /** Delivering an event through the IDT, before the handler's first instruction. */
  delivery: { exception: number; interrupt: number; nmi: number; software: number };
  kernel: Partial<Record<KernelCostKey, number>>;
}

/** Every instruction one cycle, delivery and kernel work free: the placeholder, kept for comparison. */
export const GENERIC: CostProfile = {
  name: 'generic',
  description: 'one cycle per instruction, nothing else charged (3 GHz)',
  hz: 3e9,
  base: 1,
  insn: {},
  delivery: { exception: 0, interrupt: 0, nmi: 0, software: 0 },
  kernel: {},
};

// --- Intel Sandy Bridge. Measured building blocks first, then what is made of them.

/** [ILX] PUSHFQ+POPFQ pair 23.00c with PUSHFQ alone 1.00c: POPFQ (it writes IF) ≈ 22. */
const POPF = 22;
/** [ILX] LOCK ADD [m64],r64 and XCHG r64,[m64] (implicitly locked): 25.00c each. */
const LOCKED_RMW = 25;
/** [ILX] RDTSC 28.00c. */
const RDTSC = 28;
/**
 * The cheapest serializing instruction measured on the machine: CPUID leaf 0, 96.17c [ILX]
 * (leaf 1: 335c). Used as the floor for what a serializing instruction costs [SDM].
 */
const SERIALIZE = 96;
/** [CORDES] half of the 220-cycle far CALL+RETF pair: one control transfer that loads CS. */
const FAR_TRANSFER = 110;
/** [LLVM] pipeline refill after a redirect the front end did not predict. */
const PIPELINE_FLUSH = 16;
/** [ILX] DIV r64 with RDX=0 and small operands ("1/1", "0/64b"): 29.25c. */
const DIV64 = 29;
/** local_irq_save() + local_irq_restore(): pushfq; pop; cli … push; popfq (asm/irqflags.h). */
const IRQ_SAVE_RESTORE = 1 + POPF + 2;
/** native_sched_clock(): RDTSC, then cycles_2_ns's per-CPU multiply and shift (~8 instructions). */
const SCHED_CLOCK = RDTSC + 8;

/**
 * Context tracking as Linux 3.18 did it — the kernel the 360/280 ns figure was measured on
 * (kernel/context_tracking.c, kernel/rcu/tree.c, kernel/sched/cputime.c, kernel/tsacct.c).
 * Instruction counts are estimates from reading that code, one base cycle each; the expensive
 * operations are counted by name.
 */
const CT_USER_EXIT =
  // context_tracking_user_exit(): static key, in_interrupt(), state checks and write (~12),
  // inside local_irq_save/restore.
  12 + IRQ_SAVE_RESTORE
  // rcu_user_exit() -> rcu_eqs_exit(): its own irq save/restore, dynticks_nesting bookkeeping
  // (~20), atomic_inc(&rdtp->dynticks) — smp_mb__{before,after}_atomic() are compiler barriers
  // on x86, the locked instruction is the fence.
  + IRQ_SAVE_RESTORE + 20 + LOCKED_RMW
  // vtime_user_exit(): get_vtime_delta() reads sched_clock (~6 more); write_seqlock() takes a
  // ticket spinlock (a locked xadd, ~4); account_user_time() (~25: utime, group cputimer check,
  // per-CPU cpustat, cpuacct); acct_account_cputime() -> __acct_update_integrals() under
  // local_irq_save with two 64-bit divisions (cputime_to_jiffies, jiffies_to_timeval; ~10);
  // write_sequnlock() (~4, the unlock is a plain add on x86).
  + SCHED_CLOCK + 6 + LOCKED_RMW + 4 + 25 + IRQ_SAVE_RESTORE + 2 * DIV64 + 10 + 4;
const CT_USER_ENTER =
  // context_tracking_user_enter(): the same wrapper.
  12 + IRQ_SAVE_RESTORE
  // vtime_user_enter(): write_seqlock, __vtime_account_system() -> get_vtime_delta() and
  // account_system_time() (~28: hardirq/softirq checks, stime, cpustat, cpuacct) with the same
  // acct_account_cputime(), write_sequnlock.
  + LOCKED_RMW + 4 + SCHED_CLOCK + 6 + 28 + IRQ_SAVE_RESTORE + 2 * DIV64 + 10 + 4
  // rcu_user_enter() -> rcu_eqs_enter(): irq save/restore, nesting and rcu_prepare_for_idle()
  // checks (~24), atomic_inc(&rdtp->dynticks).
  + IRQ_SAVE_RESTORE + 24 + LOCKED_RMW;

export const SANDY_BRIDGE: CostProfile = {
  name: 'sandybridge',
  description: 'Intel Sandy Bridge (Core i5-2400, 3.1 GHz: the machine of the InstLatX64 figures)',
  hz: 3.1e9,
  // Entry code is mostly stack traffic: one store per cycle ([ILX] PUSH r64 and MOV [m],r64
  // 1.00c; POP r64 0.50c). Simple ALU operations reach 0.25-0.33c, dependent ones 1c. One
  // figure for all of them: 1.
  base: 1,
  insn: {
    // [X86LOL] round trip ~70 cycles, split evenly: no published figure separates the two.
    syscall: 35,
    sysret: 35,
    sysenter: 35,
    // [SYSRETL]: SYSEXIT is about 15 cycles slower than SYSRETL beyond the POPFQ and STI.
    sysexit: 35 + 15,
    // IRETQ serializes [SDM] (SYSRET does not); it pops CS:RIP and loads and checks the CS
    // descriptor as RETF does; and it loads RFLAGS, IF included, as POPFQ does. The SS load and
    // the RSP pop are taken to be covered by the far-transfer figure.
    iret: SERIALIZE + FAR_TRANSFER + POPF,
    // Estimate: no measurement found. Intel renames segment registers, so a single GS-base
    // update does not stall dispatch (Xen commit cbe69ba3e8e0, citing Intel's "Speculative
    // Behavior of SWAPGS and Segment Registers"): modeled as an ordinary instruction.
    swapgs: 1,
    // Estimate: RDMSR moves a model-specific register into EDX:EAX like RDTSC does ([ILX] 28c).
    rdmsr: RDTSC,
    // WRMSR, MOV to CR3 and the descriptor-table loads serialize [SDM]: the serializing floor.
    // The TLB refills after a CR3 write are not modeled.
    wrmsr: SERIALIZE,
    mov_cr3: SERIALIZE,
    serializing: SERIALIZE,
    cpuid: SERIALIZE,
    rdtsc: RDTSC,
    rdtscp: RDTSC, // estimate: not in [ILX]; the same counter read
    lfence: 4, // [ILX] 4.25c
    mfence: 33, // [ILX] 33.25c
    sfence: 6, // [ILX] 6.00c
    popf: POPF,
    pause: 11, // [ILX] 11.00c
    cld_std: 4, // [ILX] CLD, STD 4.00c
    locked_rmw: LOCKED_RMW,
    div_narrow: 26, // [ILX] DIV/IDIV r32 full width 26c; r8 and r16 19-24c
    div64: DIV64,
    idiv64: 39, // [ILX] IDIV r64 "1/1" and "0/63b" 38.8c (full width: 101c)
  },
  delivery: {
    // A gate: a CS-loading far transfer [CORDES], the new stack and a five- or six-slot frame at
    // one store per cycle [ILX], and — for faults, interrupts and NMIs, which redirect a pipeline
    // that did not expect it — a refill [LLVM].
    exception: FAR_TRANSFER + 6 + PIPELINE_FLUSH,
    interrupt: FAR_TRANSFER + 6 + PIPELINE_FLUSH,
    nmi: FAR_TRANSFER + 6 + PIPELINE_FLUSH,
    software: FAR_TRANSFER + 6,
  },
  kernel: {
    // do_syscall_64 for a trivial call (getpid), context tracking aside: entry work check and
    // local_irq_enable, the bounds check, array_index_nospec and indirect call, sys_getpid ->
    // task_tgid_vnr, the pt_regs->ax store, exit preparation with local_irq_disable. ~45
    // instructions (estimate from arch/x86/entry/common.c and kernel/entry/common.c).
    do_syscall_64: 45,
    // The opportunistic SYSRET test as Linux did it in assembly after commit 2a23c6b8a9c4: 17
    // instructions (loads, compares, the shl/sar canonical test, branches). Charged only when
    // the test runs (not with --sysret=never).
    sysret_checks: 17,
    // One round of the exit-to-user loop test: read thread_info->flags, test, branch, call/ret.
    exit_to_user_mode: 6,
    // A handler called straight from the split-tables fast table: the assembly around it does
    // the bounds check, the indirect call and the ax store itself, so only the C function is
    // charged — for getpid, sys_getpid -> task_tgid_vnr -> __task_pid_nr_ns and the call/ret:
    // ~15 instructions (the handler's share of do_syscall_64's 45 above; estimate).
    fast_syscall: 15,
    context_tracking_user_exit: CT_USER_EXIT,
    context_tracking_user_enter: CT_USER_ENTER,
  },
};

export const PROFILES: Readonly<Record<string, CostProfile>> = {
  sandybridge: SANDY_BRIDGE,
  generic: GENERIC,
};
export const DEFAULT_PROFILE = 'sandybridge';

/** The profile of that name; throws for an unknown one (the CLI offers the names as choices). */
export function profileByName(name: string): CostProfile {
  const p = PROFILES[name];
  if (p === undefined) throw new Error(`unknown cost profile '${name}' (known: ${Object.keys(PROFILES).join(', ')})`);
  return p;
}

/** Which priced instruction a decoded instruction is, if any. Runs when a block is built. */
export function costKey(i: Insn): InsnCostKey | null {
  switch (i.op) {
    case MAP_0F | 0x05: return 'syscall';
    case MAP_0F | 0x07: return 'sysret';
    case MAP_0F | 0x34: return 'sysenter';
    case MAP_0F | 0x35: return 'sysexit';
    case 0xcf: return 'iret';
    case MAP_0F | 0x30: return 'wrmsr';
    case MAP_0F | 0x32: return 'rdmsr';
    case MAP_0F | 0x31: return 'rdtsc';
    case MAP_0F | 0xa2: return 'cpuid';
    // MOV to CRn: CR3 on its own; CR8 (the TPR) does not serialize [SDM].
    case MAP_0F | 0x22: return i.reg === 3 ? 'mov_cr3' : i.reg === 8 ? null : 'serializing';
    case MAP_0F | 0x08: case MAP_0F | 0x09: return 'serializing'; // INVD, WBINVD
    case MAP_0F | 0x00: return (i.reg & 7) === 2 || (i.reg & 7) === 3 ? 'serializing' : null; // LLDT, LTR
    case MAP_0F | 0x01:
      if (i.mod === 3) {
        if ((i.reg & 7) !== 7) return null;
        return (i.rm & 7) === 0 ? 'swapgs' : (i.rm & 7) === 1 ? 'rdtscp' : null;
      }
      return (i.reg & 7) === 2 || (i.reg & 7) === 3 || (i.reg & 7) === 7 ? 'serializing' : null; // LGDT, LIDT, INVLPG
    case MAP_0F | 0xae:
      if (i.mod !== 3) return null;
      return (i.reg & 7) === 5 ? 'lfence' : (i.reg & 7) === 6 ? 'mfence' : (i.reg & 7) === 7 ? 'sfence' : null;
    case 0x9d: return 'popf';
    case 0x90: return i.rep === 0xf3 && i.rm !== 8 ? 'pause' : null;
    case 0xfc: case 0xfd: return 'cld_std';
    // XCHG with a memory operand is locked whether or not it says so (SDM Vol. 2, XCHG).
    case 0x86: case 0x87: return i.mod !== 3 ? 'locked_rmw' : null;
    case 0xf6: case 0xf7: {
      const r = i.reg & 7;
      if (r === 6) return i.osz === 8 ? 'div64' : 'div_narrow';
      if (r === 7) return i.osz === 8 ? 'idiv64' : 'div_narrow';
      break;
    }
  }
  return i.lock ? 'locked_rmw' : null;
}

/** The CPU-side view of a profile (installed as cpu.cycles). */
export function cycleModel(p: CostProfile): CycleModel {
  const d = p.delivery;
  return {
    insn(i: Insn): number {
      const k = costKey(i);
      return (k === null ? undefined : p.insn[k]) ?? p.base;
    },
    event(_vector: number, kind: number, _fromCpl: number): number {
      if (kind === EV_EXTERNAL) return d.interrupt;
      if (kind === EV_NMI) return d.nmi;
      if (kind === EV_SOFTWARE || kind === EV_ICEBP) return d.software;
      return d.exception;
    },
  };
}

/** Cycles as nanoseconds at a profile's clock. */
export function cyclesToNs(p: CostProfile, cycles: number): number {
  return (cycles * 1e9) / p.hz;
}
