// A process address space (Linux's mm_struct): the page table the CPU walks, the list of
// virtual memory areas (VMAs), and the heap break. Pages are allocated on first touch: the
// #PF handler (entry/exceptions.ts) calls handleFault, which maps a zeroed or file-filled
// frame if a VMA allows the access, as Linux's handle_mm_fault does.

import type { PhysicalMemory } from '../../cpu/memory.js';
import { FrameAllocator, PageTable, PAGE } from './pagetable.js';
import { PTE_P, PTE_W, PTE_U, PTE_NX_HI } from '../../cpu/regs.js';

export const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
export const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20;
export const MAP_GROWSDOWN = 0x100, MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_STACK = 0x20000;
export const MAP_FIXED_NOREPLACE = 0x100000;
/**
 * A VMA flag of the kernel's own, outside the MAP_* values: the mapping may never become
 * writable (no VM_MAYWRITE), as the kernel's shared [vvar] and [vdso] pages.
 */
export const VM_NO_MAYWRITE = 0x40000000;
/**
 * Another kernel-only VMA flag: an mmap'd file, whose `file` holds the file's bytes up to the end
 * of its last page; a page past that is beyond the end of the file (SIGBUS, BUS_ADRERR).
 */
export const VM_FILE_END = 0x20000000;

/** Highest user address + 1 (47-bit user space). */
export const USER_END = 0x800000000000;
/** Where mmap places mappings without a hint, growing down (Linux's legacy-free top-down layout). */
export const MMAP_BASE = 0x7f0000000000;
export const STACK_TOP = 0x7ffffffff000;

export class Vma {
  constructor(
    public start: number,
    public end: number,
    public prot: number,
    public flags: number,
    /** Contents for file-backed private mappings: bytes of the file from `fileOffset`. */
    public file: Uint8Array | null = null,
    public fileOffset = 0,
    public name = '',
  ) {}
}

const TWO32 = 4294967296;

export class Mm {
  readonly pt: PageTable;
  vmas: Vma[] = [];
  brkStart = 0;
  brk = 0;
  mmapNext = MMAP_BASE;

  constructor(readonly phys: PhysicalMemory, readonly frames: FrameAllocator, kernelTop: (root: number) => void) {
    this.pt = new PageTable(phys, frames);
    kernelTop(this.pt.root);
  }

  find(addr: number): Vma | null {
    // VMAs are kept sorted by start; linear scan is fine for the handful a static program has.
    for (const v of this.vmas) if (addr >= v.start && addr < v.end) return v;
    return null;
  }

  /** Insert a VMA, removing whatever it overlaps (like MAP_FIXED). */
  insert(v: Vma, onUnmap: (va: number) => void): void {
    this.unmapRange(v.start, v.end, onUnmap);
    this.vmas.push(v);
    this.vmas.sort((a, b) => a.start - b.start);
  }

  overlaps(start: number, end: number): boolean {
    return this.vmas.some((v) => v.start < end && start < v.end);
  }

  /** Find a free range of `len` bytes, top-down below mmapNext. */
  findFree(len: number): number {
    let top = this.mmapNext;
    for (;;) {
      const start = top - len;
      const clash = this.vmas.filter((v) => v.start < top && start < v.end);
      if (clash.length === 0) { this.mmapNext = start; return start; }
      top = Math.min(...clash.map((v) => v.start));
      if (top - len < 0x10000) return -1;
    }
  }

  /** Remove mappings in [start, end): splits VMAs, frees frames. */
  unmapRange(start: number, end: number, onUnmap: (va: number) => void): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { out.push(v); continue; }
      if (v.start < start) out.push(new Vma(v.start, start, v.prot, v.flags, v.file, v.fileOffset, v.name));
      if (v.end > end) out.push(new Vma(end, v.end, v.prot, v.flags, v.file, v.fileOffset + (end - v.start), v.name));
      const from = Math.max(v.start, start), to = Math.min(v.end, end);
      for (let a = from; a < to; a += PAGE) {
        const pa = this.pt.unmap(a);
        if (pa >= 0) { this.frames.release(pa); onUnmap(a); }
      }
    }
    this.vmas = out.sort((a, b) => a.start - b.start);
  }

  /** Change protection of [start, end); returns false if some page in it is unmapped. */
  protect(start: number, end: number, prot: number, onChange: (va: number) => void): boolean {
    for (let a = start; a < end; a += PAGE) if (!this.find(a)) return false;
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { out.push(v); continue; }
      if (v.start < start) out.push(new Vma(v.start, start, v.prot, v.flags, v.file, v.fileOffset, v.name));
      const from = Math.max(v.start, start), to = Math.min(v.end, end);
      out.push(new Vma(from, to, prot, v.flags, v.file, v.fileOffset + (from - v.start), v.name));
      if (v.end > end) out.push(new Vma(end, v.end, v.prot, v.flags, v.file, v.fileOffset + (end - v.start), v.name));
      for (let a = from; a < to; a += PAGE) {
        const e = this.pt.entry(a);
        if (e) {
          this.pt.setEntry(a, pteLo(e[0] & 0xfffff000, prot), pteHi(e[1] & 0xfffff, prot));
          onChange(a);
        }
      }
    }
    this.vmas = out.sort((a, b) => a.start - b.start);
    return true;
  }

  /**
   * Make the page containing `addr` present for an access (write/exec), if a VMA allows it.
   * Returns false for a genuine fault (SIGSEGV). `already` reports whether the page was
   * present (then the fault was a protection fault, not demand paging).
   */
  handleFault(addr: number, write: boolean, exec: boolean): boolean {
    const v = this.find(addr);
    if (!v) return false;
    if (write && !(v.prot & PROT_WRITE)) return false;
    if (exec && !(v.prot & PROT_EXEC)) return false;
    if (!write && !exec && !(v.prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) return false;
    const page = addr - (((addr % PAGE) + PAGE) % PAGE);
    if (this.pt.lookup(page) >= 0) return false; // present and still faulting: a protection fault
    if (this.beyondFile(v, page)) return false;
    const pa = this.frames.alloc();
    if (pa < 0) return false;
    if (v.file) {
      const off = v.fileOffset + (page - v.start);
      if (off < v.file.length) this.phys.bytes.set(v.file.subarray(off, Math.min(off + PAGE, v.file.length)), pa);
    }
    this.pt.setEntry(page, pteLo(pa, v.prot), pteHi(Math.floor(pa / TWO32), v.prot));
    return true;
  }

  /** Is this page of a file mapping past the end of the file (filemap_fault's VM_FAULT_SIGBUS)? */
  beyondFile(v: Vma, addr: number): boolean {
    return (v.flags & VM_FILE_END) !== 0 && v.file !== null && v.fileOffset + (addr - v.start) >= v.file.length;
  }

  /**
   * A copy for fork(): the same VMAs, and every present page copied into a fresh frame (an
   * eager copy instead of copy-on-write: simple, and cheap enough for static programs).
   */
  clone(kernelTop: (root: number) => void): Mm | null {
    const m = new Mm(this.phys, this.frames, kernelTop);
    m.vmas = this.vmas.map((v) => new Vma(v.start, v.end, v.prot, v.flags, v.file, v.fileOffset, v.name));
    m.brkStart = this.brkStart;
    m.brk = this.brk;
    m.mmapNext = this.mmapNext;
    const ram = this.phys.bytes;
    // Pages of a shared mapping that were never touched must exist before the fork, or each
    // process would fault in a private copy later.
    for (const v of this.vmas) {
      if (!(v.flags & MAP_SHARED)) continue;
      for (let a = v.start; a < v.end; a += PAGE) if (this.pt.lookup(a) < 0) this.handleFault(a, (v.prot & PROT_WRITE) !== 0, false);
    }
    for (const v of this.vmas) {
      for (let a = v.start; a < v.end; a += PAGE) {
        const e = this.pt.entry(a);
        if (!e) continue;
        const src = (e[1] & 0xfffff) * TWO32 + (e[0] & 0xfffff000);
        if (v.flags & MAP_SHARED) {
          // A shared mapping stays shared across fork: both page tables point at one frame.
          this.frames.ref(src);
          m.pt.setEntry(a, e[0] >>> 0, e[1] >>> 0);
          continue;
        }
        const dst = this.frames.alloc();
        if (dst < 0) { m.destroy(() => {}); return null; }
        ram.copyWithin(dst, src, src + PAGE);
        m.pt.setEntry(a, ((dst & 0xfffff000) | (e[0] & 0xfff)) >>> 0, ((Math.floor(dst / TWO32) & 0xfffff) | (e[1] & 0xfff00000)) >>> 0);
      }
    }
    return m;
  }

  /** Tasks using this address space (threads and vfork children share it). */
  users = 1;

  /** Release every user frame and page table (exit, execve). */
  destroy(onUnmap: (va: number) => void): void {
    this.unmapRange(0, USER_END, onUnmap);
  }
}

function pteLo(pa: number, prot: number): number {
  return ((pa & 0xfffff000) | PTE_P | PTE_U | (prot & PROT_WRITE ? PTE_W : 0)) >>> 0;
}
function pteHi(paHi: number, prot: number): number {
  return ((paHi & 0xfffff) | (prot & PROT_EXEC ? 0 : PTE_NX_HI)) >>> 0;
}
