// CPUID: one consistent model that advertises exactly what this CPU implements (SDM Vol. 2
// CPUID; AMD APM Vol. 3 appendix E). When an instruction group is added, its feature bit is
// added here, and only then: glibc and musl pick code paths from these bits.

import type { Vendor } from './cpu.js';

/** Feature bits by leaf and register. Edit these when an extension is implemented. */
export const FEATURES = {
  // Leaf 1 EDX: FPU, TSC, MSR, PAE, CX8, SEP (SYSENTER/SYSEXIT), PGE, CMOV, FXSR, SSE, SSE2.
  leaf1Edx: (1 << 0) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 11) | (1 << 13) | (1 << 15) | (1 << 24) | (1 << 25) | (1 << 26),
  // Leaf 1 ECX: SSE3 (bit 0), SSSE3 (9), CX16 (13), SSE4.1 (19), SSE4.2 (20), MOVBE (22),
  // POPCNT (23). (SSE3's FISTTP lives in exec/x87.ts and binds on bit 0.)
  leaf1Ecx: (1 << 0) | (1 << 9) | (1 << 13) | (1 << 19) | (1 << 20) | (1 << 22) | (1 << 23),
  // Leaf 7 EBX: none (no FSGSBASE, no BMI, no AVX2, no SMEP/SMAP).
  leaf7Ebx: 0,
  // 0x80000001 EDX: SYSCALL (11), NX (20), RDTSCP (27), LM (29).
  ext1Edx: (1 << 11) | (1 << 20) | (1 << 27) | (1 << 29),
  // 0x80000001 ECX: LAHF/SAHF in 64-bit mode (0), ABM/LZCNT (5). Not BMI1 (leaf 7): without it
  // F3 0F BC (TZCNT) executes as BSF, see exec/bits.ts.
  ext1Ecx: (1 << 0) | (1 << 5),
};

const BRAND = 'ringside x86-64 emulated CPU';

function str4(s: string, k: number): number {
  let v = 0;
  for (let j = 3; j >= 0; j--) v = (v << 8) | (s.charCodeAt(k + j) || 0);
  return v | 0;
}

/** Returns [eax, ebx, ecx, edx] for a leaf and subleaf. */
export function cpuid(vendor: Vendor, leaf: number, subleaf: number): [number, number, number, number] {
  const vs = vendor === 'intel' ? 'GenuineIntel' : 'AuthenticAMD';
  leaf >>>= 0;
  switch (leaf) {
    case 0: return [7, str4(vs, 0), str4(vs, 8), str4(vs, 4)];
    case 1: {
      // Family 6 model 0x55 stepping 4 style signature; CLFLUSH line size 8 (×8 = 64 bytes);
      // one logical processor; APIC id 0.
      const eax = (6 << 8) | (5 << 4) | 4 | (5 << 16);
      const ebx = (8 << 8) | (1 << 16);
      return [eax, ebx, FEATURES.leaf1Ecx, FEATURES.leaf1Edx];
    }
    case 7: return subleaf === 0 ? [0, FEATURES.leaf7Ebx, 0, 0] : [0, 0, 0, 0];
    // AMD repeats the vendor string in the extended leaf 0; Intel returns zeros there.
    case 0x80000000: return vendor === 'amd' ? [0x80000008 | 0, str4(vs, 0), str4(vs, 8), str4(vs, 4)] : [0x80000008 | 0, 0, 0, 0];
    case 0x80000001: return [0, 0, FEATURES.ext1Ecx, FEATURES.ext1Edx];
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const b = (BRAND + ' '.repeat(48)).slice(0, 47) + '\0';
      const k = (leaf - 0x80000002) * 16;
      return [str4(b, k), str4(b, k + 4), str4(b, k + 8), str4(b, k + 12)];
    }
    // 48-bit virtual and 40-bit physical addresses.
    case 0x80000008: return [(48 << 8) | 40, 0, 0, 0];
    default:
      // Intel returns the highest basic leaf's data for leaves past the maximum; returning zeros
      // is what AMD does and what software tolerates.
      return [0, 0, 0, 0];
  }
}
