// Boot: what Linux's head_64.S, setup_arch(), trap_init() and syscall_init() leave behind,
// done from TypeScript on a CPU that starts in 64-bit mode at CPL 0:
//   - the kernel half of the page tables: a direct map of physical memory at PAGE_OFFSET
//     (2 MiB pages, supervisor, no-execute), the entry image at KERNEL_TEXT (text read/execute,
//     data read/write), and the area for kernel and IST stacks, all shared by every process;
//   - the GDT with Linux's selectors, the per-CPU area with the TSS at its start, the IDT with
//     every gate pointing at its assembly stub;
//   - EFER, STAR/LSTAR/CSTAR/FMASK and the GS bases.

import type { Cpu } from '../../cpu/cpu.js';
import type { PhysicalMemory } from '../../cpu/memory.js';
import { FrameAllocator, PageTable, PAGE } from '../mm/pagetable.js';
import { PTE_P, PTE_W, PTE_PS, PTE_G, PTE_NX_HI, PTE_A, PTE_D, SS, DS, ES, FS, GS,
  CF, PF, AF, ZF, SF, TF, IF, DF, OF, IOPL, NT, RF, AC, ID } from '../../cpu/regs.js';
import { writeGdt, writeGate } from './descriptors.js';
import {
  PAGE_OFFSET, VMALLOC_START, KERNEL_TEXT, __KERNEL_CS, __KERNEL_DS, __USER32_CS, __TSS_SEL, GDT_ENTRIES,
  TSS_sp0, TSS_ist, TSS_SIZE,
} from './layout.js';
import { PCPU_TSS, PCPU_TOP_OF_STACK } from './percpu.js';
import { setCs, setSeg, flatCodeAttr, flatDataAttr } from '../../cpu/system/segments.js';
import { setFlags } from '../../cpu/flags.js';

const TWO32 = 4294967296;
const TWO48 = 281474976710656;

export interface EntryImage {
  base: number;
  bytes: Uint8Array;
  symbols: Record<string, number>;
}

/** IST slots (Linux: IST_INDEX_DF, _NMI, _DB, _MCE, 1-based in the gate). */
export const IST_DF = 1, IST_NMI = 2, IST_DB = 3, IST_MCE = 4;
const EXCEPTION_STACK_SIZE = 8192;

export class KernelSpace {
  readonly template: PageTable;
  /** Next free address in the stack area (each stack gets a guard page below it). */
  private vmallocNext = VMALLOC_START;
  readonly percpu: number;
  readonly percpuPa: number;
  readonly gdt: number;
  readonly idt: number;

  constructor(readonly phys: PhysicalMemory, readonly frames: FrameAllocator, readonly image: EntryImage) {
    this.template = new PageTable(phys, frames);
    this.mapDirect();
    this.mapImage();
    // Pre-create the upper-level tables of the stack area so every process shares them.
    this.template.pteAddr(VMALLOC_START, true);
    this.percpuPa = this.allocPage();
    this.percpu = this.direct(this.percpuPa);
    this.gdt = this.direct(this.allocPage());
    this.idt = this.direct(this.allocPage());
  }

  /** Kernel virtual address of a physical address, through the direct map. */
  direct(pa: number): number {
    return PAGE_OFFSET + pa;
  }

  private allocPage(): number {
    const pa = this.frames.alloc();
    if (pa < 0) throw new Error('out of physical memory at boot');
    return pa;
  }

  /** The direct map: all of physical memory at PAGE_OFFSET in 2 MiB pages (SDM Vol. 3 Table 4-17). */
  private mapDirect(): void {
    const dv = this.phys.dv;
    for (let pa = 0; pa < this.phys.size; pa += 0x200000) {
      const va = PAGE_OFFSET + pa;
      // Walk to the page directory, creating it, and write a PS entry there.
      const pteOfPd = this.pdEntry(va);
      dv.setUint32(pteOfPd, (pa & 0xffe00000) | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_A | PTE_D, true);
      dv.setUint32(pteOfPd + 4, (Math.floor(pa / TWO32) & 0xfffff) | PTE_NX_HI, true);
    }
  }

  /** Address of the page-directory entry for `va`, creating the PDPT and PD. */
  private pdEntry(va: number): number {
    const dv = this.phys.dv;
    const u = va < 0 ? va + TWO48 : va;
    let table = this.template.root;
    for (let level = 4; level > 2; level--) {
      const ea = table + (Math.floor(u / 2 ** (12 + 9 * (level - 1))) & 511) * 8;
      let lo = dv.getUint32(ea, true);
      if ((lo & PTE_P) === 0) {
        const t = this.allocPage();
        lo = t | PTE_P | PTE_W;
        dv.setUint32(ea, lo, true);
        dv.setUint32(ea + 4, 0, true);
      }
      table = (dv.getUint32(ea + 4, true) & 0xfffff) * TWO32 + (lo & 0xfffff000);
    }
    return table + (Math.floor(u / 2 ** 21) & 511) * 8;
  }

  /** The entry image: text read/execute up to __start_rodata, rodata read-only, data read/write. */
  private mapImage(): void {
    const img = this.image;
    const rodata = img.symbols['__start_rodata'] ?? img.bytes.length;
    const data = img.symbols['_sdata'] ?? img.bytes.length;
    for (let off = 0; off < img.bytes.length; off += PAGE) {
      const pa = this.allocPage();
      this.phys.bytes.set(img.bytes.subarray(off, Math.min(off + PAGE, img.bytes.length)), pa);
      const exec = off < rodata;
      const write = off >= data;
      this.template.map(img.base + off, pa, { write, user: false, exec });
    }
  }

  private readonly freeStacks: number[] = [];

  /** Give a task's kernel stack back for reuse (after the task is gone). */
  freeStack(top: number): void {
    this.freeStacks.push(top);
  }

  /** A kernel stack for a new task: a freed one (zeroed) or a fresh mapping. */
  taskStack(size: number): number {
    const top = this.freeStacks.pop();
    if (top === undefined) return this.allocStack(size).top;
    for (let off = size; off > 0; off -= PAGE) this.phys.bytes.fill(0, this.template.lookup(top - off), this.template.lookup(top - off) + PAGE);
    return top;
  }

  /** Map `size` bytes of fresh memory in the stack area with an unmapped guard page below; returns the top. */
  allocStack(size: number): { top: number; frames: number[] } {
    const base = this.vmallocNext + PAGE; // guard page
    const frames: number[] = [];
    for (let off = 0; off < size; off += PAGE) {
      const pa = this.allocPage();
      frames.push(pa);
      this.template.map(base + off, pa, { write: true, user: false, exec: false });
    }
    this.vmallocNext = base + size;
    return { top: base + size, frames };
  }

  /** Give a process page table the kernel half (PML4 slots 256-511), shared with the template. */
  shareKernelHalf(root: number): void {
    const dv = this.phys.dv;
    for (let k = 256; k < 512; k++) {
      dv.setUint32(root + k * 8, dv.getUint32(this.template.root + k * 8, true), true);
      dv.setUint32(root + k * 8 + 4, dv.getUint32(this.template.root + k * 8 + 4, true), true);
    }
  }

  symbol(name: string): number {
    const off = this.image.symbols[name];
    if (off === undefined) throw new Error(`entry image has no symbol ${name}`);
    return this.image.base + off;
  }
}

/** The stub each IDT vector points at (Linux's idt_table / def_idts). */
export function idtStub(vector: number): string | null {
  const named: Record<number, string> = {
    0: 'asm_exc_divide_error', 1: 'asm_exc_debug', 2: 'asm_exc_nmi', 3: 'asm_exc_int3', 4: 'asm_exc_overflow',
    5: 'asm_exc_bounds', 6: 'asm_exc_invalid_op', 7: 'asm_exc_device_not_available', 8: 'asm_exc_double_fault',
    10: 'asm_exc_invalid_tss', 11: 'asm_exc_segment_not_present', 12: 'asm_exc_stack_segment',
    13: 'asm_exc_general_protection', 14: 'asm_exc_page_fault', 16: 'asm_exc_coprocessor_error',
    17: 'asm_exc_alignment_check', 18: 'asm_exc_machine_check', 19: 'asm_exc_simd_coprocessor_error',
  };
  if (vector in named) return named[vector];
  return vector < 32 ? 'asm_spurious_interrupt' : null;
}

/** Bring the CPU to the state Linux's boot leaves it in. */
export function bootCpu(cpu: Cpu, ks: KernelSpace): number[] {
  const istTops: number[] = [];
  const w = (a: number, v: number) => cpu.mem.kwrite32(a, v);
  cpu.setCr3(ks.template.root);
  cpu.setCpl(0);
  const tss = ks.percpu + PCPU_TSS;
  writeGdt(w, ks.gdt, tss);
  cpu.gdtBase = ks.gdt;
  cpu.gdtLimit = GDT_ENTRIES * 8 - 1;
  setCs(cpu, __KERNEL_CS, flatCodeAttr(0, true));
  setSeg(cpu, SS, __KERNEL_DS, flatDataAttr(0));
  for (const s of [DS, ES, FS, GS]) setSeg(cpu, s, 0, 0);

  // IST stacks for the vectors that can arrive on a stack the kernel cannot trust.
  for (const ist of [IST_DF, IST_NMI, IST_DB, IST_MCE]) {
    const { top } = ks.allocStack(EXCEPTION_STACK_SIZE);
    istTops.push(top);
    cpu.mem.write64(tss + TSS_ist + (ist - 1) * 8, top | 0, Math.floor(top / TWO32) | 0);
  }
  // LTR: the TSS descriptor (type 9) becomes busy (type 11).
  cpu.trSel = __TSS_SEL;
  cpu.trBase = tss;
  cpu.trLimit = TSS_SIZE - 1;
  cpu.mem.write32(ks.gdt + __TSS_SEL + 4, cpu.mem.read32(ks.gdt + __TSS_SEL + 4) | 0x200);

  for (let v = 0; v < 256; v++) {
    const stub = idtStub(v);
    const target = stub !== null ? ks.symbol(stub) : ks.symbol('irq_entries_start') + (v - 32) * 16;
    // INT3 and INTO may be raised from user mode with INT n (DPL 3); the rest may not.
    const dpl = v === 3 || v === 4 ? 3 : 0;
    const ist = v === 8 ? IST_DF : v === 2 ? IST_NMI : v === 18 ? IST_MCE : 0;
    writeGate(w, ks.idt, v, target, __KERNEL_CS, 0xe, dpl, ist);
  }
  // IA32_SYSCALL_VECTOR: INT 0x80 from user mode is the i386 system call (Linux 6.7+: an
  // interrupt gate, DPL 3, to asm_int80_emulation; it replaced the device vector here).
  writeGate(w, ks.idt, 0x80, ks.symbol('asm_int80_emulation'), __KERNEL_CS, 0xe, 3, 0);
  cpu.idtBase = ks.idt;
  cpu.idtLimit = 256 * 16 - 1;

  // syscall_init(): STAR holds the kernel CS for SYSCALL and the base for SYSRET's user CS/SS.
  cpu.starLo = 0;
  cpu.starHi = ((__USER32_CS << 16) | __KERNEL_CS) | 0;
  cpu.lstar = ks.symbol('entry_SYSCALL_64');
  // IA32 emulation (syscall_init()): SYSCALL from compatibility mode enters at CSTAR (AMD; on
  // Intel it is #UD), SYSENTER at SYSENTER_EIP (Intel; #UD on AMD in long mode). SYSENTER_ESP
  // is a small entry stack: entry_SYSENTER_compat switches to the task stack before any push.
  cpu.cstar = ks.symbol('entry_SYSCALL_compat');
  cpu.sysenterCs = __KERNEL_CS;
  cpu.sysenterEsp = ks.allocStack(4096).top;
  cpu.sysenterEip = ks.symbol('entry_SYSENTER_compat');
  // The kernel starts with almost every flag clear; the C code turns interrupts back on.
  cpu.fmask = CF | PF | AF | ZF | SF | TF | IF | DF | OF | IOPL | NT | RF | AC | ID;
  // In the kernel GS is the per-CPU area; the user's GS base waits in KERNEL_GS_BASE.
  cpu.segBaseLo[GS] = ks.percpu | 0;
  cpu.segBaseHi[GS] = Math.floor(ks.percpu / TWO32) | 0;
  cpu.kernelGsBaseLo = 0;
  cpu.kernelGsBaseHi = 0;
  setFlags(cpu, 2);
  return istTops;
}

/** Point TSS.sp0 and cpu_current_top_of_stack at a task's kernel stack (switch_to()). */
export function setKernelStack(cpu: Cpu, ks: KernelSpace, top: number): void {
  cpu.mem.kwrite64(ks.percpu + PCPU_TSS + TSS_sp0, top | 0, Math.floor(top / TWO32) | 0);
  cpu.mem.kwrite64(ks.percpu + PCPU_TOP_OF_STACK, top | 0, Math.floor(top / TWO32) | 0);
}

