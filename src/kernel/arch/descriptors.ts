// Writing the GDT, the 64-bit TSS descriptor and IDT gates into guest memory, in the formats
// the CPU reads (SDM Vol. 3 §3.4.5, §8.2.3 "TSS Descriptor in 64-bit mode", §6.14.1).

import {
  GDT_ENTRY_KERNEL32_CS, GDT_ENTRY_KERNEL_CS, GDT_ENTRY_KERNEL_DS, GDT_ENTRY_DEFAULT_USER32_CS,
  GDT_ENTRY_DEFAULT_USER_DS, GDT_ENTRY_DEFAULT_USER_CS, GDT_ENTRY_TSS, TSS_SIZE,
} from './layout.js';

export type Write32 = (addr: number, v: number) => void;

/** A flat segment descriptor: base 0, limit 4 GiB (G=1), with access byte and L/D bits. */
export function flatDescriptor(access: number, long: boolean, db: boolean): [number, number] {
  const lo = 0x0000ffff;
  const hi = (access << 8) | 0x000f0000 | (long ? 1 << 21 : 0) | (db ? 1 << 22 : 0) | (1 << 23);
  return [lo, hi | 0];
}

/** Linux's GDT: kernel 32/64-bit code, kernel data, user 32-bit code, user data, user 64-bit code, TSS. */
export function writeGdt(w: Write32, gdt: number, tssBase: number): void {
  const put = (slot: number, [lo, hi]: [number, number]) => { w(gdt + slot * 8, lo); w(gdt + slot * 8 + 4, hi); };
  put(GDT_ENTRY_KERNEL32_CS, flatDescriptor(0x9b, false, true));
  put(GDT_ENTRY_KERNEL_CS, flatDescriptor(0x9b, true, false));
  put(GDT_ENTRY_KERNEL_DS, flatDescriptor(0x93, false, true));
  put(GDT_ENTRY_DEFAULT_USER32_CS, flatDescriptor(0xfb, false, true));
  put(GDT_ENTRY_DEFAULT_USER_DS, flatDescriptor(0xf3, false, true));
  put(GDT_ENTRY_DEFAULT_USER_CS, flatDescriptor(0xfb, true, false));
  // 64-bit available TSS (type 9), present, DPL 0; 16 bytes with base bits 63:32 in the second half.
  const lim = TSS_SIZE - 1;
  const baseLo = tssBase % 4294967296 >>> 0;
  const baseHi = Math.floor(tssBase / 4294967296) | 0;
  w(gdt + GDT_ENTRY_TSS * 8, ((baseLo & 0xffff) << 16) | lim);
  w(gdt + GDT_ENTRY_TSS * 8 + 4, ((baseLo >>> 16) & 0xff) | (0x89 << 8) | (baseLo & 0xff000000));
  w(gdt + GDT_ENTRY_TSS * 8 + 8, baseHi);
  w(gdt + GDT_ENTRY_TSS * 8 + 12, 0);
}

/**
 * An IDT gate: `type` 0xE (interrupt gate: IF cleared on entry) or 0xF (trap gate), `dpl` the
 * lowest CPL allowed to raise it with INT n, `ist` 0 or the IST slot (1-7).
 */
export function writeGate(w: Write32, idt: number, vector: number, target: number, sel: number, type: number, dpl: number, ist: number): void {
  const lo = target % 4294967296 >>> 0;
  const hi = Math.floor(target / 4294967296) | 0;
  const a = idt + vector * 16;
  w(a, (sel << 16) | (lo & 0xffff));
  w(a + 4, (lo & 0xffff0000) | 0x8000 | (dpl << 13) | (type << 8) | ist);
  w(a + 8, hi);
  w(a + 12, 0);
}
