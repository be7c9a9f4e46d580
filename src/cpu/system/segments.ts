// Segment descriptors (SDM Vol. 3 §3.4.5) and loading the hidden part of a segment register.
// In 64-bit mode only CS's L/D bits and DPL, and SS's DPL, matter; bases of FS and GS come from
// MSRs. Compatibility mode uses every field.

import type { Cpu } from '../cpu.js';
import { CS, SS, GP, NP, SS_ } from '../regs.js';
import { raise } from '../operands.js';

/** segAttr layout: bits 0-7 are the access byte (type, S, DPL, P), bits 8-11 AVL, L, D/B, G. */
export const ATTR_P = 0x80, ATTR_S = 0x10, ATTR_CODE = 0x08, ATTR_L = 0x200, ATTR_DB = 0x400, ATTR_G = 0x800;
export function attrDpl(attr: number): number { return (attr >> 5) & 3; }

/** A descriptor read from the GDT or LDT: its two dwords. */
export class Descriptor {
  lo = 0;
  hi = 0;
  get attr(): number { return ((this.hi >>> 8) & 0xff) | (((this.hi >>> 20) & 0xf) << 8); }
  get base(): number { return ((this.lo >>> 16) | ((this.hi & 0xff) << 16) | (this.hi & 0xff000000)) >>> 0; }
  get limit(): number {
    const raw = (this.lo & 0xffff) | (this.hi & 0xf0000);
    return (this.hi & 0x800000) ? raw * 4096 + 4095 : raw;
  }
  get dpl(): number { return (this.hi >>> 13) & 3; }
  get present(): boolean { return (this.hi & 0x8000) !== 0; }
  get isCode(): boolean { return (this.hi & 0x1800) === 0x1800; }
  get isData(): boolean { return (this.hi & 0x1800) === 0x1000; }
  get writable(): boolean { return (this.hi & 0x1a00) === 0x1200; }
  get conforming(): boolean { return (this.hi & 0x1c00) === 0x1c00; }
}

/** Run `fn` with supervisor (implicit) memory accesses whatever the CPL (SDM Vol. 3 §5.6). */
export function asSupervisor<T>(cpu: Cpu, fn: () => T): T {
  const save = cpu.mem.tlbOff;
  cpu.mem.setUser(false);
  try { return fn(); } finally { cpu.mem.tlbOff = save; }
}

/**
 * Read the descriptor a selector names, or raise `vector` with the selector as error code if it
 * lies outside the table. (LDT selectors are accepted only if an LDT is loaded: none is here.)
 */
export function readDescriptor(cpu: Cpu, sel: number, d: Descriptor, vector = GP): Descriptor {
  const index = sel & 0xfff8;
  if ((sel & 4) !== 0 || index + 7 > cpu.gdtLimit) raise(cpu, vector, sel & 0xfffc);
  asSupervisor(cpu, () => {
    d.lo = cpu.mem.read32(cpu.gdtBase + index);
    d.hi = cpu.mem.read32(cpu.gdtBase + index + 4);
  });
  return d;
}

/** Set CS's selector and hidden part; the code size follows L and D. */
export function setCs(cpu: Cpu, sel: number, attr: number, base = 0, limit = 0xffffffff): void {
  cpu.sel[CS] = sel;
  cpu.segAttr[CS] = attr;
  cpu.segBaseLo[CS] = base | 0;
  cpu.segBaseHi[CS] = 0;
  cpu.segLimit[CS] = limit;
  cpu.codeSize = (attr & ATTR_L) && cpu.longMode ? 8 : (attr & ATTR_DB) ? 4 : 2;
  cpu.setCpl(sel & 3);
}

export function setSeg(cpu: Cpu, seg: number, sel: number, attr: number, base = 0, limit = 0xffffffff): void {
  cpu.sel[seg] = sel;
  cpu.segAttr[seg] = attr;
  cpu.segBaseLo[seg] = base | 0;
  cpu.segBaseHi[seg] = 0;
  cpu.segLimit[seg] = limit;
}

/** Flat 64-bit code and flat data attributes at a DPL, as SYSCALL/SYSRET load them (SDM Vol. 2 SYSCALL). */
export function flatCodeAttr(dpl: number, long: boolean): number {
  return ATTR_P | ATTR_S | ATTR_CODE | 0x3 /* execute/read, accessed */ | (dpl << 5) | ATTR_G | (long ? ATTR_L : ATTR_DB);
}
export function flatDataAttr(dpl: number): number {
  return ATTR_P | ATTR_S | 0x3 /* read/write, accessed */ | (dpl << 5) | ATTR_G | ATTR_DB;
}

/**
 * MOV to a data segment register or POP of one, with the protected-mode checks (SDM Vol. 2 MOV,
 * "IF SS is loaded" / "IF DS, ES, FS, or GS is loaded"). In 64-bit mode a null selector may be
 * loaded into SS only at CPL < 3.
 */
export function loadDataSeg(cpu: Cpu, seg: number, sel: number): void {
  const rpl = sel & 3;
  if ((sel & 0xfffc) === 0) {
    if (seg === SS && (cpu.codeSize !== 8 || cpu.cpl === 3 || rpl !== cpu.cpl)) raise(cpu, GP, 0);
    // A null selector: in 64-bit mode FS/GS keep their base (only the selector changes here;
    // Intel zeroes the base, AMD keeps it — we follow Intel when vendor is intel).
    const keepBase = cpu.vendor === 'amd' && seg >= 4;
    const lo = keepBase ? cpu.segBaseLo[seg] : 0, hi = keepBase ? cpu.segBaseHi[seg] : 0;
    setSeg(cpu, seg, sel, 0);
    cpu.segBaseLo[seg] = lo; cpu.segBaseHi[seg] = hi;
    return;
  }
  const d = readDescriptor(cpu, sel, new Descriptor());
  if (seg === SS) {
    if (rpl !== cpu.cpl || d.dpl !== cpu.cpl || !d.writable) raise(cpu, GP, sel & 0xfffc);
    if (!d.present) raise(cpu, SS_, sel & 0xfffc);
  } else {
    const readable = d.isData || (d.isCode && (d.hi & 0x200) !== 0);
    if (!readable) raise(cpu, GP, sel & 0xfffc);
    if (!d.conforming && (d.dpl < cpu.cpl || d.dpl < rpl)) raise(cpu, GP, sel & 0xfffc);
    if (!d.present) raise(cpu, NP, sel & 0xfffc);
  }
  setSeg(cpu, seg, sel, d.attr, d.base, d.limit);
}
