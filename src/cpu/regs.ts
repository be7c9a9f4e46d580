// Architectural constants: register numbers, segment indices, RFLAGS bits, control-register
// and EFER bits, MSR numbers. One place for the numbers the SDM gives names to.

// General registers in ModRM order (SDM Vol. 2 §2.1.5, Table 2-2 / 2-3 with REX).
export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;
export const REG_NAMES = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;

// Segment registers in the Sreg encoding order (SDM Vol. 2 §3.1.1.3).
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

// RFLAGS (SDM Vol. 1 §3.4.3).
export const CF = 1 << 0;
export const FIXED1 = 1 << 1; // bit 1 always reads as 1
export const PF = 1 << 2;
export const AF = 1 << 4;
export const ZF = 1 << 6;
export const SF = 1 << 7;
export const TF = 1 << 8;
export const IF = 1 << 9;
export const DF = 1 << 10;
export const OF = 1 << 11;
export const IOPL = 3 << 12;
export const NT = 1 << 14;
export const RF = 1 << 16;
export const VM = 1 << 17;
export const AC = 1 << 18;
export const VIF = 1 << 19;
export const VIP = 1 << 20;
export const ID = 1 << 21;
/** The six status flags that arithmetic computes (lazily, see flags.ts). */
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** Bits software can change with POPF at CPL 0 (VM, VIF and VIP are not modelled: no V86, no VME). */
export const FLAGS_WRITABLE = ARITH_FLAGS | TF | IF | DF | IOPL | NT | RF | AC | ID;

// CR0 (SDM Vol. 3 §2.5).
export const CR0_PE = 1 << 0, CR0_MP = 1 << 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3, CR0_ET = 1 << 4;
export const CR0_NE = 1 << 5, CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_PG = 1 << 31;
// CR4.
export const CR4_PAE = 1 << 5, CR4_PGE = 1 << 7, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10;
export const CR4_FSGSBASE = 1 << 16, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21;
// EFER (MSR 0xC0000080).
export const EFER_SCE = 1 << 0, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11;

// MSRs (SDM Vol. 4).
export const MSR_TSC = 0x10;
export const MSR_APIC_BASE = 0x1b;
export const MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176;
export const MSR_EFER = 0xc0000080;
export const MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082, MSR_CSTAR = 0xc0000083;
export const MSR_FMASK = 0xc0000084;
export const MSR_FS_BASE = 0xc0000100, MSR_GS_BASE = 0xc0000101, MSR_KERNEL_GS_BASE = 0xc0000102;
export const MSR_TSC_AUX = 0xc0000103;

// Exception vectors (SDM Vol. 3 §6.3.1, Table 6-1).
export const DE = 0, DB = 1, NMI = 2, BP = 3, OFV = 4, BR = 5, UD = 6, NM = 7, DF_ = 8;
export const TS = 10, NP = 11, SS_ = 12, GP = 13, PF_ = 14, MF = 16, AC_ = 17, MC = 18, XM = 19;
export const VECTOR_NAMES: Record<number, string> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF',
  10: '#TS', 11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 18: '#MC', 19: '#XM',
};
/** Vectors that push an error code (SDM Vol. 3 Table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17 || vector === 21;
}

// Page-table entry bits (SDM Vol. 3 §4.5, Table 4-19 and friends).
export const PTE_P = 1, PTE_W = 2, PTE_U = 4, PTE_PWT = 8, PTE_PCD = 16, PTE_A = 32, PTE_D = 64;
export const PTE_PS = 128, PTE_G = 256;
/** NX is bit 63: bit 31 of the high half. */
export const PTE_NX_HI = 1 << 31;
// #PF error code bits (SDM Vol. 3 §4.7).
export const PFEC_P = 1, PFEC_W = 2, PFEC_U = 4, PFEC_RSVD = 8, PFEC_I = 16;
