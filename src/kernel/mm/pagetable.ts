// x86-64 4-level page tables built in guest physical memory (SDM Vol. 3 §4.5), and the frame
// allocator that feeds them. The CPU walks these tables itself (src/cpu/memory.ts); the kernel
// only writes entries and tells the CPU's TLB when it removes or narrows one.

import type { PhysicalMemory } from '../../cpu/memory.js';
import { PTE_P, PTE_W, PTE_U, PTE_NX_HI } from '../../cpu/regs.js';

export const PAGE = 4096;
const TWO32 = 4294967296;
const TWO48 = 281474976710656;

/** Hands out zeroed 4 KiB physical frames; frames are reference-counted for sharing. */
export class FrameAllocator {
  private next: number;
  private readonly free: number[] = [];
  readonly refs: Uint16Array;
  constructor(readonly phys: PhysicalMemory, firstFree: number) {
    this.next = firstFree;
    this.refs = new Uint16Array(phys.size / PAGE);
  }
  /** A zeroed frame's physical address, or -1 when memory is exhausted. */
  alloc(): number {
    let pa = this.free.pop();
    if (pa === undefined) {
      if (this.next + PAGE > this.phys.size) return -1;
      pa = this.next;
      this.next += PAGE;
    } else this.phys.bytes.fill(0, pa, pa + PAGE);
    this.refs[pa / PAGE] = 1;
    return pa;
  }
  ref(pa: number): void {
    this.refs[pa / PAGE]++;
  }
  /** Drop a reference; the frame is reused when none is left. */
  release(pa: number): void {
    const f = pa / PAGE;
    if (this.refs[f] === 0) return;
    if (--this.refs[f] === 0) this.free.push(pa);
  }
  get used(): number {
    return this.next / PAGE - this.free.length;
  }
}

export interface PteFlags {
  write: boolean;
  user: boolean;
  exec: boolean;
}

/** Index into the table at `level` (4 = PML4 … 1 = PT) for a linear-address number. */
function indexAt(va: number, level: number): number {
  const u = va < 0 ? va + TWO48 : va;
  return Math.floor(u / 2 ** (12 + 9 * (level - 1))) & 511;
}

export class PageTable {
  readonly root: number;
  constructor(readonly phys: PhysicalMemory, readonly frames: FrameAllocator, root?: number) {
    this.root = root ?? this.mustAlloc();
  }

  private mustAlloc(): number {
    const pa = this.frames.alloc();
    if (pa < 0) throw new Error('out of physical memory for page tables');
    return pa;
  }

  /**
   * Address of the level-1 entry for `va`, creating intermediate tables on the way when
   * `create` is set (with permissive U/W bits: the leaf decides). -1 if absent.
   */
  pteAddr(va: number, create: boolean): number {
    const dv = this.phys.dv;
    let table = this.root;
    for (let level = 4; level > 1; level--) {
      const ea = table + indexAt(va, level) * 8;
      let lo = dv.getUint32(ea, true);
      if ((lo & PTE_P) === 0) {
        if (!create) return -1;
        const t = this.mustAlloc();
        // Upper-level entries of user space carry U and W; kernel-half ones (va < 0) don't need U.
        lo = t | PTE_P | PTE_W | (va >= 0 ? PTE_U : 0);
        dv.setUint32(ea, lo, true);
        dv.setUint32(ea + 4, 0, true);
      }
      table = (dv.getUint32(ea + 4, true) & 0xfffff) * TWO32 + (lo & 0xfffff000);
    }
    return table + indexAt(va, 1) * 8;
  }

  map(va: number, pa: number, f: PteFlags): void {
    const ea = this.pteAddr(va, true);
    const dv = this.phys.dv;
    dv.setUint32(ea, (pa & 0xfffff000) | PTE_P | (f.write ? PTE_W : 0) | (f.user ? PTE_U : 0), true);
    dv.setUint32(ea + 4, (Math.floor(pa / TWO32) & 0xfffff) | (f.exec ? 0 : PTE_NX_HI), true);
  }

  /** Physical frame mapped at `va` (page-aligned), or -1. */
  lookup(va: number): number {
    const ea = this.pteAddr(va, false);
    if (ea < 0) return -1;
    const lo = this.phys.dv.getUint32(ea, true);
    if ((lo & PTE_P) === 0) return -1;
    return (this.phys.dv.getUint32(ea + 4, true) & 0xfffff) * TWO32 + (lo & 0xfffff000);
  }

  /** The leaf entry's low/high words for `va`, or null. */
  entry(va: number): [number, number] | null {
    const ea = this.pteAddr(va, false);
    if (ea < 0) return null;
    const lo = this.phys.dv.getUint32(ea, true);
    if ((lo & PTE_P) === 0) return null;
    return [lo, this.phys.dv.getUint32(ea + 4, true)];
  }

  setEntry(va: number, lo: number, hi: number): void {
    const ea = this.pteAddr(va, true);
    this.phys.dv.setUint32(ea, lo >>> 0, true);
    this.phys.dv.setUint32(ea + 4, hi >>> 0, true);
  }

  /** Remove the mapping at `va`; returns the frame it pointed to, or -1. */
  unmap(va: number): number {
    const ea = this.pteAddr(va, false);
    if (ea < 0) return -1;
    const dv = this.phys.dv;
    const lo = dv.getUint32(ea, true);
    if ((lo & PTE_P) === 0) return -1;
    const pa = (dv.getUint32(ea + 4, true) & 0xfffff) * TWO32 + (lo & 0xfffff000);
    dv.setUint32(ea, 0, true);
    dv.setUint32(ea + 4, 0, true);
    return pa;
  }
}
