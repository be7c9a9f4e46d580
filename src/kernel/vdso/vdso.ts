// The vDSOs (Linux: arch/x86/entry/vdso/vma.c). Interface, for the exec paths (the 64-bit
// loader here, the ELF32 loader of compatibility mode):
//
//   mapVdso(k, mm, kind: 64 | 32, at?): VdsoMapping | null
//     Maps "[vvar]" (one read-only page) and right above it "[vdso]" (the image, read+exec)
//     into the address space `mm`, at `at` (the vvar page's address; default: VDSO64_VVAR or
//     VDSO32_VVAR). Returns null when the vDSO is off (--no-vdso). The result's `base` is the
//     image's address, for AT_SYSINFO_EHDR; `sym(name)` is the address of a symbol of the image
//     (sym('__kernel_vsyscall') is AT_SYSINFO; sym('int80_landing_pad') is where the compat fast
//     entries point the saved IP); it throws for a name the image does not have.
//
// The pages are the kernel's, shared by every process (each mapping takes a reference, so a
// process unmapping or exiting never frees them): fork keeps them (MAP_SHARED VMAs are shared,
// not copied), exec maps them again in the new address space. The 32-bit image is patched once,
// at boot, with the system-call entry chosen from the CPU vendor and --compat-entry, as Linux's
// ALTERNATIVE_2 patches __kernel_vsyscall.

import type { Kernel } from '../kernel.js';
import { VM_NO_MAYWRITE, Mm, Vma, PROT_READ, PROT_EXEC, MAP_SHARED } from '../mm/mm.js';
import { PAGE } from '../mm/pagetable.js';
import { PTE_P, PTE_U, PTE_NX_HI } from '../../cpu/regs.js';
import { VDSO64_BYTES, VDSO64_SIZE, VDSO64_SYMBOLS } from './generated/vdso-image-64.js';
import { VDSO32_BYTES, VDSO32_SIZE, VDSO32_SYMBOLS } from './generated/vdso-image-32.js';
import { Vvar } from './vvar.js';
import { initVsyscall } from './vsyscall.js';

/** Where the vvar page goes (the vDSO follows it), as Linux places them with ASLR off. */
export const VDSO64_VVAR = 0x7ffff7fc4000;
export const VDSO32_VVAR = 0xf7fc4000;

export interface VdsoMapping {
  /** The image's address: AT_SYSINFO_EHDR. */
  base: number;
  /** The vvar page's address. */
  vvar: number;
  /** Address of a symbol of the image. */
  sym(name: string): number;
}

/** How __kernel_vsyscall enters the kernel, and the 4 bytes patched over its NOP. */
export type CompatEntry = 'int80' | 'sysenter' | 'syscall32';
const ENTRY_SEQUENCE: Record<CompatEntry, number[]> = {
  int80: [0x0f, 0x1f, 0x40, 0x00],      // nopl 0(%eax): fall through to int $0x80
  sysenter: [0x89, 0xe5, 0x0f, 0x34],   // movl %esp,%ebp; sysenter
  syscall32: [0x89, 0xcd, 0x0f, 0x05],  // movl %ecx,%ebp; syscall
};

interface Image {
  frames: number[];
  symbols: Readonly<Record<string, number>>;
}

/** The kernel's vDSO state: the vvar page and the two images' frames. */
export class VdsoState {
  readonly vvar: Vvar;
  readonly compatEntry: CompatEntry;
  private images = new Map<64 | 32, Image>();
  constructor(readonly k: Kernel) {
    const pa = this.alloc();
    this.vvar = new Vvar(k.phys, pa, k.clock, Math.round(1e9 / k.opts.hz));
    k.clock.onUpdate = () => this.vvar.update();
    this.compatEntry = chooseCompatEntry(k);
  }

  private alloc(): number {
    const pa = this.k.frames.alloc();
    if (pa < 0) throw new Error('out of physical memory for the vDSO');
    return pa;
  }

  image(kind: 64 | 32): Image {
    let img = this.images.get(kind);
    if (img) return img;
    const bytes = decode(kind === 64 ? VDSO64_BYTES : VDSO32_BYTES);
    const size = kind === 64 ? VDSO64_SIZE : VDSO32_SIZE;
    const symbols = kind === 64 ? VDSO64_SYMBOLS : VDSO32_SYMBOLS;
    if (kind === 32) bytes.set(ENTRY_SEQUENCE[this.compatEntry], symbols['vdso32_entry_patch']);
    const frames: number[] = [];
    for (let off = 0; off < size; off += PAGE) {
      const pa = this.alloc();
      this.k.phys.bytes.set(bytes.subarray(off, Math.min(off + PAGE, bytes.length)), pa);
      frames.push(pa);
    }
    img = { frames, symbols };
    this.images.set(kind, img);
    return img;
  }
}

/** 'auto': SYSENTER on Intel, SYSCALL on AMD (Linux's X86_FEATURE_SYSENTER32 / SYSCALL32). */
function chooseCompatEntry(k: Kernel): CompatEntry {
  const o = k.opts.compatEntry;
  if (o !== 'auto') return o;
  return k.cpu.vendor === 'amd' ? 'syscall32' : 'sysenter';
}

function decode(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const states = new WeakMap<Kernel, VdsoState>();

/** Boot: the vvar page (kept current from now on) and the vsyscall page. Idempotent. */
export function vdsoInit(k: Kernel): VdsoState {
  let s = states.get(k);
  if (!s) {
    s = new VdsoState(k);
    states.set(k, s);
    initVsyscall(k);
  }
  return s;
}

const TWO32 = 4294967296;

function mapShared(mm: Mm, k: Kernel, start: number, frames: number[], prot: number, name: string): void {
  // Shared with every process and (vvar) written by the kernel: never writable from user space.
  mm.insert(new Vma(start, start + frames.length * PAGE, prot, MAP_SHARED | VM_NO_MAYWRITE, null, 0, name), (va) => k.cpu.mem.flushPage(va));
  frames.forEach((pa, n) => {
    k.frames.ref(pa);
    const lo = (pa & 0xfffff000) | PTE_P | PTE_U;
    const hi = (Math.floor(pa / TWO32) & 0xfffff) | (prot & PROT_EXEC ? 0 : PTE_NX_HI);
    mm.pt.setEntry(start + n * PAGE, lo >>> 0, hi >>> 0);
  });
}

export function mapVdso(k: Kernel, mm: Mm, kind: 64 | 32, at?: number): VdsoMapping | null {
  if (!k.opts.vdso) return null;
  const s = vdsoInit(k);
  const img = s.image(kind);
  const vvar = at ?? (kind === 64 ? VDSO64_VVAR : VDSO32_VVAR);
  const base = vvar + PAGE;
  mapShared(mm, k, vvar, [s.vvar.pa], PROT_READ, '[vvar]');
  mapShared(mm, k, base, img.frames, PROT_READ | PROT_EXEC, '[vdso]');
  return {
    base, vvar,
    sym(name: string): number {
      const off = img.symbols[name];
      if (off === undefined) throw new Error(`the ${kind}-bit vDSO has no symbol ${name}`);
      return base + off;
    },
  };
}
