// The fast system-call instructions: SYSCALL, SYSRET (64- and 32-bit forms), SYSENTER and
// SYSEXIT, as the SDM's Vol. 2 pseudo-code gives them, with the AMD APM's differences behind
// the vendor setting. These load CS and SS with fixed flat descriptors; they never read the GDT.

import type { Cpu } from '../cpu.js';
import { getFlags, setFlags } from '../flags.js';
import { raise, raiseNoCode } from '../operands.js';
import { SS, GP, UD, RF, VM, IF, FIXED1, EFER_SCE } from '../regs.js';
import { setCs, setSeg, flatCodeAttr, flatDataAttr } from './segments.js';

const TWO32 = 4294967296;

/** SYSCALL (SDM Vol. 2 SYSCALL; AMD APM Vol. 3 SYSCALL for compatibility mode). */
export function syscall(cpu: Cpu): void {
  if (!cpu.longMode || (cpu.efer & EFER_SCE) === 0) raiseNoCode(cpu, UD);
  const compat = cpu.codeSize !== 8;
  // Intel: SYSCALL exists only in 64-bit mode. AMD also accepts it from compatibility mode and
  // enters at MSR_CSTAR (Linux's entry_SYSCALL_compat).
  if (compat && cpu.vendor === 'intel') raiseNoCode(cpu, UD);
  const from = cpu.rip;
  const next = cpu.rip; // the loop has already advanced RIP past SYSCALL
  const flags = getFlags(cpu);
  // RCX ← next RIP; R11 ← RFLAGS with RF cleared.
  cpu.lo[1] = next | 0;
  cpu.hi[1] = compat ? 0 : Math.floor(next / TWO32) | 0;
  cpu.lo[11] = flags & ~RF;
  cpu.hi[11] = 0;
  const sel = (cpu.starHi & 0xffff);
  setCs(cpu, sel & 0xfffc, flatCodeAttr(0, true));
  setSeg(cpu, SS, (sel + 8) & 0xffff, flatDataAttr(0));
  setFlags(cpu, (flags & ~cpu.fmask & ~RF) | FIXED1);
  cpu.rip = compat ? cpu.cstar : cpu.lstar;
  cpu.hooks.onTransition?.(cpu, compat ? 'syscall32' : 'syscall', from);
}

/**
 * SYSRET. `osz` 8 is SYSRETQ (return to 64-bit mode), 4 is SYSRETL (return to compatibility
 * mode). On Intel a non-canonical RCX raises #GP(0) here, at CPL 0, after the kernel has
 * already put the user's RSP back: the reason Linux checks RCX before choosing SYSRET.
 * AMD loads the non-canonical RIP and faults at CPL 3 on the next fetch instead.
 */
export function sysret(cpu: Cpu, osz: number): void {
  if (!cpu.longMode || (cpu.efer & EFER_SCE) === 0 || cpu.codeSize !== 8) raiseNoCode(cpu, UD);
  if (cpu.cpl !== 0) raise(cpu, GP, 0);
  const from = cpu.rip;
  let rip: number;
  if (osz === 8) {
    const lo = cpu.lo[1], hi = cpu.hi[1];
    if (((hi << 16) >> 16) !== hi) {
      if (cpu.vendor === 'intel') raise(cpu, GP, 0);
      // A number outside the canonical range: the next fetch faults (interp.ts). Exact only
      // to 53 bits, which is all the pushed RIP of that #GP can show.
      rip = hi * TWO32 + (lo >>> 0);
    } else rip = hi * TWO32 + (lo >>> 0);
  } else rip = cpu.lo[1] >>> 0;
  const r11 = cpu.lo[11];
  const base = (cpu.starHi >>> 16) & 0xffff;
  const csSel = ((osz === 8 ? base + 16 : base) | 3) & 0xffff;
  setCs(cpu, csSel, flatCodeAttr(3, osz === 8));
  if (cpu.vendor === 'amd') {
    // AMD reloads only the SS selector; the hidden attributes keep what they held (Linux's
    // X86_BUG_SYSRET_SS_ATTRS).
    cpu.sel[SS] = ((base + 8) | 3) & 0xffff;
  } else setSeg(cpu, SS, ((base + 8) | 3) & 0xffff, flatDataAttr(3));
  setFlags(cpu, (r11 & 0x3c7fd7) | FIXED1);
  cpu.rip = rip;
  cpu.hooks.onTransition?.(cpu, osz === 8 ? 'sysretq' : 'sysretl', from);
}

/** SYSENTER (SDM Vol. 2 SYSENTER). #UD on AMD in long mode (AMD APM). */
export function sysenter(cpu: Cpu): void {
  if (cpu.vendor === 'amd' && cpu.longMode) raiseNoCode(cpu, UD);
  if ((cpu.sysenterCs & 0xfffc) === 0) raise(cpu, GP, 0);
  const from = cpu.rip;
  const flags = getFlags(cpu);
  setFlags(cpu, flags & ~(VM | IF | RF));
  const sel = cpu.sysenterCs & 0xfffc;
  setCs(cpu, sel, flatCodeAttr(0, cpu.longMode));
  setSeg(cpu, SS, (sel + 8) & 0xffff, flatDataAttr(0));
  cpu.lo[4] = cpu.sysenterEsp | 0;
  cpu.hi[4] = Math.floor(cpu.sysenterEsp / TWO32) | 0;
  cpu.rip = cpu.sysenterEip;
  cpu.hooks.onTransition?.(cpu, 'sysenter', from);
}

/** SYSEXIT (SDM Vol. 2 SYSEXIT): RIP ← RDX, RSP ← RCX. */
export function sysexit(cpu: Cpu, osz: number): void {
  if (cpu.vendor === 'amd' && cpu.longMode) raiseNoCode(cpu, UD);
  if ((cpu.sysenterCs & 0xfffc) === 0 || cpu.cpl !== 0) raise(cpu, GP, 0);
  const from = cpu.rip;
  let rip: number, rsp: number;
  if (osz === 8) {
    const hi = cpu.hi[2];
    if (((hi << 16) >> 16) !== hi) raise(cpu, GP, 0);
    const shi = cpu.hi[1];
    if (((shi << 16) >> 16) !== shi) raise(cpu, GP, 0);
    rip = hi * TWO32 + (cpu.lo[2] >>> 0);
    rsp = shi * TWO32 + (cpu.lo[1] >>> 0);
  } else {
    rip = cpu.lo[2] >>> 0;
    rsp = cpu.lo[1] >>> 0;
  }
  const base = cpu.sysenterCs & 0xffff;
  const csSel = ((osz === 8 ? base + 32 : base + 16) | 3) & 0xffff;
  setCs(cpu, csSel, flatCodeAttr(3, osz === 8));
  setSeg(cpu, SS, (csSel + 8) & 0xffff, flatDataAttr(3));
  cpu.lo[4] = rsp | 0;
  cpu.hi[4] = Math.floor(rsp / TWO32) | 0;
  cpu.rip = rip;
  cpu.hooks.onTransition?.(cpu, osz === 8 ? 'sysexitq' : 'sysexit', from);
}

