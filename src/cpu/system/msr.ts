// Model-specific registers that this CPU has (SDM Vol. 4). RDMSR/WRMSR of any other number
// raises #GP(0), as does writing a non-canonical address to an address-holding MSR.

import type { Cpu } from '../cpu.js';
import { raise } from '../operands.js';
import {
  GP, FS, GS, MSR_TSC, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_EFER, MSR_STAR, MSR_LSTAR,
  MSR_CSTAR, MSR_FMASK, MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_TSC_AUX, MSR_APIC_BASE,
  EFER_SCE, EFER_NXE,
} from '../regs.js';

const TWO32 = 4294967296;

function toNum(lo: number, hi: number): number {
  return hi * TWO32 + (lo >>> 0);
}
function fromNum(v: number): [number, number] {
  return [v | 0, Math.floor(v / TWO32) | 0];
}
function canonicalOrGp(cpu: Cpu, lo: number, hi: number): number {
  if (((hi << 16) >> 16) !== hi) raise(cpu, GP, 0);
  return toNum(lo, hi);
}

/** Read an MSR as [lo, hi]. */
export function readMsr(cpu: Cpu, msr: number): [number, number] {
  switch (msr >>> 0) {
    case MSR_TSC: return fromNum(cpu.tsc);
    case MSR_APIC_BASE: return [0xfee00900 | 0, 0]; // BSP, APIC globally enabled, default base
    case MSR_SYSENTER_CS: return [cpu.sysenterCs, 0];
    case MSR_SYSENTER_ESP: return fromNum(cpu.sysenterEsp);
    case MSR_SYSENTER_EIP: return fromNum(cpu.sysenterEip);
    case MSR_EFER: return [cpu.efer, 0];
    case MSR_STAR: return [cpu.starLo, cpu.starHi];
    case MSR_LSTAR: return fromNum(cpu.lstar);
    case MSR_CSTAR: return fromNum(cpu.cstar);
    case MSR_FMASK: return [cpu.fmask, 0];
    case MSR_FS_BASE: return [cpu.segBaseLo[FS], cpu.segBaseHi[FS]];
    case MSR_GS_BASE: return [cpu.segBaseLo[GS], cpu.segBaseHi[GS]];
    case MSR_KERNEL_GS_BASE: return [cpu.kernelGsBaseLo, cpu.kernelGsBaseHi];
    case MSR_TSC_AUX: return [cpu.tscAux, 0];
    default: return raise(cpu, GP, 0);
  }
}

export function writeMsr(cpu: Cpu, msr: number, lo: number, hi: number): void {
  switch (msr >>> 0) {
    case MSR_TSC: cpu.tsc = toNum(lo, hi); return;
    case MSR_APIC_BASE: return;
    case MSR_SYSENTER_CS: cpu.sysenterCs = lo & 0xffff; return;
    case MSR_SYSENTER_ESP: cpu.sysenterEsp = canonicalOrGp(cpu, lo, hi); return;
    case MSR_SYSENTER_EIP: cpu.sysenterEip = canonicalOrGp(cpu, lo, hi); return;
    case MSR_EFER: {
      // LME/LMA cannot change while paging is on; only SCE and NXE are writable here.
      if (hi !== 0 || (lo & ~(EFER_SCE | EFER_NXE | 0x500)) !== 0) raise(cpu, GP, 0);
      cpu.efer = (cpu.efer & ~(EFER_SCE | EFER_NXE)) | (lo & (EFER_SCE | EFER_NXE));
      cpu.mem.nxe = (cpu.efer & EFER_NXE) !== 0;
      cpu.mem.flushTlb();
      return;
    }
    case MSR_STAR: cpu.starLo = lo; cpu.starHi = hi; return;
    case MSR_LSTAR: cpu.lstar = canonicalOrGp(cpu, lo, hi); return;
    case MSR_CSTAR: cpu.cstar = canonicalOrGp(cpu, lo, hi); return;
    case MSR_FMASK: cpu.fmask = lo; return;
    case MSR_FS_BASE: canonicalOrGp(cpu, lo, hi); cpu.segBaseLo[FS] = lo; cpu.segBaseHi[FS] = hi; return;
    case MSR_GS_BASE: canonicalOrGp(cpu, lo, hi); cpu.segBaseLo[GS] = lo; cpu.segBaseHi[GS] = hi; return;
    case MSR_KERNEL_GS_BASE: canonicalOrGp(cpu, lo, hi); cpu.kernelGsBaseLo = lo; cpu.kernelGsBaseHi = hi; return;
    case MSR_TSC_AUX: if (hi !== 0) raise(cpu, GP, 0); cpu.tscAux = lo; return;
    default: raise(cpu, GP, 0);
  }
}
