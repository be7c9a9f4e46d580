// Eager status flags for the instruction groups whose flags do not fit the lazy kinds of
// flags.ts (shifts, rotates, multiplies, bit scans, BCD): they compute CF/PF/AF/ZF/SF/OF at once
// and store them in cpu.flags with lazyOp = NONE.
//
// Several of these instructions leave flags "undefined" in the SDM, yet every real CPU writes
// something definite there, and software (and differential tests against a host) can see it.
// Intel and AMD differ on some of them; isAmd() below picks the vendor's behaviour. The AMD
// values were measured on an AMD EPYC (Zen) host. The Intel ones follow the SDM where it says more
// than "undefined" (IMUL's SF) and otherwise the choices of Bochs and QEMU; they have not been
// checked against an Intel part. Each use says which it is.

import type { Cpu } from '../cpu.js';
import { PARITY } from '../flags.js';
import { ARITH_FLAGS, ZF, SF } from '../regs.js';

/** Replace all six status flags (the caller computed every one of them). */
export function setStatus(cpu: Cpu, f: number): void {
  cpu.flags = (cpu.flags & ~ARITH_FLAGS) | f;
  cpu.lazyOp = 0;
}

/** SF, ZF and PF of a result of `osz` bytes (hi is the upper half of a 64-bit result). */
export function szp(osz: number, lo: number, hi: number): number {
  let f = PARITY[lo & 0xff];
  switch (osz) {
    case 1: if ((lo & 0xff) === 0) f |= ZF; if (lo & 0x80) f |= SF; break;
    case 2: if ((lo & 0xffff) === 0) f |= ZF; if (lo & 0x8000) f |= SF; break;
    case 4: if (lo === 0) f |= ZF; if (lo < 0) f |= SF; break;
    default: if ((lo | hi) === 0) f |= ZF; if (hi < 0) f |= SF; break;
  }
  return f;
}

/** Is this CPU modelled as an AMD part (for the flags the SDM leaves undefined)? */
export function isAmd(cpu: Cpu): boolean {
  return cpu.vendor === 'amd';
}
