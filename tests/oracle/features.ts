// CPUID feature bits a form may need. A form runs only when the host has the feature (or the
// native run would #UD) and ringside advertises it (otherwise the encoding means something else
// there, e.g. F3 0F BC is BSF on a CPU without BMI1, or nothing at all).

import { cpuid } from '../../src/cpu/cpuid.js';
import type { Vendor } from '../../src/cpu/cpu.js';
import type { HostInfo } from './protocol.js';

export type Feature = 'sse2' | 'sse3' | 'ssse3' | 'sse41' | 'sse42' | 'popcnt' | 'movbe' | 'cx16' | 'lzcnt' | 'bmi1' | 'fpu';

type Where = 'leaf1Ecx' | 'leaf1Edx' | 'leaf7Ebx' | 'ext1Ecx';
const BITS: Record<Feature, [Where, number]> = {
  fpu: ['leaf1Edx', 0],
  sse2: ['leaf1Edx', 26],
  sse3: ['leaf1Ecx', 0],
  ssse3: ['leaf1Ecx', 9],
  sse41: ['leaf1Ecx', 19],
  sse42: ['leaf1Ecx', 20],
  cx16: ['leaf1Ecx', 13],
  movbe: ['leaf1Ecx', 22],
  popcnt: ['leaf1Ecx', 23],
  bmi1: ['leaf7Ebx', 3],
  lzcnt: ['ext1Ecx', 5],
};

export function hostHas(h: HostInfo, f: Feature): boolean {
  const [where, bit] = BITS[f];
  return ((h[where] >>> bit) & 1) !== 0;
}

export function ringsideHas(vendor: Vendor, f: Feature): boolean {
  const [where, bit] = BITS[f];
  const [leaf, sub, reg] = where === 'leaf1Ecx' ? [1, 0, 2] : where === 'leaf1Edx' ? [1, 0, 3] : where === 'leaf7Ebx' ? [7, 0, 1] : [0x80000001, 0, 2];
  return ((cpuid(vendor, leaf, sub)[reg] >>> bit) & 1) !== 0;
}
