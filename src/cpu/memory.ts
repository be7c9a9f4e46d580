// Physical memory and the MMU: 4-level paging walked in guest physical memory (SDM Vol. 3 §4.5),
// a software TLB, and the linear-address accessors every instruction uses.
//
// Linear addresses are JS numbers holding the *signed* value of a canonical address: a
// canonical 64-bit address is a sign extension of bit 47, so it lies in [-2^47, 2^47) and a
// double holds it exactly. Callers check canonicality (and raise #GP/#SS) before they get here.
//
// The TLB is direct-mapped with two halves: entries filled for supervisor accesses and entries
// filled for user accesses (CPL 3), so one tag compare decides both presence and permission.
// A page holding decoded instructions never gets a write entry: every write to it takes the
// slow path, which tells the code cache to drop what it decoded there (self-modifying code).

import { FAULT, FaultRecord } from './fault.js';
import {
  PTE_P, PTE_W, PTE_U, PTE_A, PTE_D, PTE_PS, PTE_NX_HI, PFEC_P, PFEC_W, PFEC_U, PFEC_I, PFEC_RSVD, PF_,
} from './regs.js';

export const PAGE_SIZE = 4096;
const TLB_BITS = 12;
const TLB_SIZE = 1 << TLB_BITS;
const TLB_MASK = TLB_SIZE - 1;
const NO_TAG = 1e300; // never equal to a page address
const TWO32 = 4294967296;
const TWO48 = 281474976710656;

export const ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXEC = 2;

export class PhysicalMemory {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  readonly size: number;
  constructor(size: number) {
    if (size % PAGE_SIZE !== 0) throw new Error('physical memory size must be a multiple of 4 KiB');
    this.size = size;
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
}

export class Mmu {
  readonly phys: PhysicalMemory;
  readonly ram: Uint8Array;
  readonly dv: DataView;
  /** Physical address of the PML4 (CR3 bits 51:12). */
  cr3 = 0;
  /** CR0.WP: supervisor writes honour read-only pages. */
  wp = true;
  /** EFER.NXE: the XD bit is honoured. */
  nxe = true;
  /** Offset of the active TLB half: 0 for supervisor accesses, TLB_SIZE for user (CPL 3). */
  tlbOff = 0;
  /**
   * Tags: the linear address of the page each entry maps (addr - (addr & 0xfff), exact in a
   * double), so that a lookup needs no division: the offset and the index come from the low 32
   * bits of the address.
   */
  readonly tagR = new Float64Array(2 * TLB_SIZE).fill(NO_TAG);
  readonly tagW = new Float64Array(2 * TLB_SIZE).fill(NO_TAG);
  readonly tagX = new Float64Array(2 * TLB_SIZE).fill(NO_TAG);
  readonly frame = new Int32Array(2 * TLB_SIZE);
  /** One byte per physical frame: non-zero when the code cache holds instructions decoded from it. */
  readonly codeFrames: Uint8Array;
  /** Called by a write to a frame in codeFrames (the code cache drops its blocks there). */
  onCodeWrite: (frame: number) => void = () => {};
  /** High 32 bits of the last 64-bit read. */
  hi = 0;
  /** Where a #PF is recorded before FAULT is thrown (shared with the CPU). */
  fault: FaultRecord;
  /** Counters for --stats. */
  tlbMisses = 0;
  /**
   * Bumped whenever translations may change (a TLB flush, INVLPG): the code cache's
   * virtually-indexed front (interp.ts) trusts a block found by its linear address only while
   * this is unchanged since the block was looked up through the TLB.
   */
  epoch = 0;

  constructor(phys: PhysicalMemory, fault: FaultRecord) {
    this.phys = phys;
    this.ram = phys.bytes;
    this.dv = phys.dv;
    this.fault = fault;
    this.codeFrames = new Uint8Array(phys.size / PAGE_SIZE);
  }

  setUser(user: boolean): void {
    this.tlbOff = user ? TLB_SIZE : 0;
  }

  flushTlb(): void {
    this.epoch++;
    this.tagR.fill(NO_TAG);
    this.tagW.fill(NO_TAG);
    this.tagX.fill(NO_TAG);
  }

  /** INVLPG: drop the translation of one page in both halves. */
  flushPage(addr: number): void {
    this.epoch++;
    const page = addr - (addr & 0xfff);
    const i = (addr >>> 12) & TLB_MASK;
    for (let j = i; j < 2 * TLB_SIZE; j += TLB_SIZE) {
      if (this.tagR[j] === page) this.tagR[j] = NO_TAG;
      if (this.tagW[j] === page) this.tagW[j] = NO_TAG;
      if (this.tagX[j] === page) this.tagX[j] = NO_TAG;
    }
  }

  /** Forget every write entry that points at a physical frame (it now holds decoded code). */
  protectCodeFrame(frameNo: number): void {
    this.codeFrames[frameNo] = 1;
    const base = frameNo * PAGE_SIZE;
    for (let j = 0; j < 2 * TLB_SIZE; j++) if (this.frame[j] === base) this.tagW[j] = NO_TAG;
  }

  /**
   * Walk the page tables for `addr`. Returns the physical address, or -1 after filling
   * `walkError` with a #PF error code. Sets accessed bits, and the dirty bit for writes, as the
   * hardware does (SDM Vol. 3 §4.8). `user` is the privilege of the access, not the CPL.
   */
  walkError = 0;
  walkWritable = false;
  walkDirty = false;
  walkUser = false;
  walkExec = false;
  walk(addr: number, access: number, user: boolean, setBits: boolean): number {
    const u = addr < 0 ? addr + TWO48 : addr;
    const dv = this.dv;
    let table = this.cr3;
    let writable = true, usr = true, exec = true;
    let level = 4;
    const err = (access === ACCESS_WRITE ? PFEC_W : 0) | (user ? PFEC_U : 0) | (access === ACCESS_EXEC && this.nxe ? PFEC_I : 0);
    for (;;) {
      const shift = 12 + 9 * (level - 1);
      const idx = Math.floor(u / 2 ** shift) & 511;
      const pa = table + idx * 8;
      if (pa + 8 > this.phys.size) { this.walkError = err | PFEC_RSVD | PFEC_P; return -1; }
      const lo = dv.getUint32(pa, true);
      const hi = dv.getUint32(pa + 4, true);
      if ((lo & PTE_P) === 0) { this.walkError = err; return -1; }
      if ((hi & PTE_NX_HI) !== 0) {
        if (!this.nxe) { this.walkError = err | PFEC_RSVD | PFEC_P; return -1; }
        exec = false;
      }
      if ((lo & PTE_W) === 0) writable = false;
      if ((lo & PTE_U) === 0) usr = false;
      const isLeaf = level === 1 || ((lo & PTE_PS) !== 0 && level <= 3);
      if (setBits && (lo & PTE_A) === 0) dv.setUint32(pa, lo | PTE_A, true);
      if (isLeaf) {
        const pageSize = 2 ** (12 + 9 * (level - 1));
        const entryAddr = (hi & 0xfffff) * TWO32 + (lo & 0xfffff000);
        // Permission check (SDM Vol. 3 §4.6): user accesses need U everywhere; writes need W
        // everywhere for user accesses, and for supervisor accesses when CR0.WP is set.
        let ok = true;
        if (user && !usr) ok = false;
        if (access === ACCESS_WRITE && !writable && (user || this.wp)) ok = false;
        if (access === ACCESS_EXEC && !exec) ok = false;
        if (!ok) { this.walkError = err | PFEC_P; return -1; }
        if (setBits && access === ACCESS_WRITE && (lo & PTE_D) === 0) dv.setUint32(pa, lo | PTE_A | PTE_D, true);
        this.walkWritable = writable || (!user && !this.wp);
        this.walkDirty = access === ACCESS_WRITE || (lo & PTE_D) !== 0;
        this.walkUser = usr;
        this.walkExec = exec;
        const phys = entryAddr - (entryAddr % pageSize) + (u % pageSize);
        if (phys >= this.phys.size) { this.walkError = err | PFEC_RSVD | PFEC_P; return -1; }
        return phys;
      }
      table = (hi & 0xfffff) * TWO32 + (lo & 0xfffff000);
      level--;
    }
  }

  /** Translate for the CPU: fill the TLB or raise #PF (CR2 = addr). Returns the page's physical base. */
  private fill(addr: number, access: number): number {
    this.tlbMisses++;
    const user = this.tlbOff !== 0;
    const pa = this.walk(addr, access, user, true);
    if (pa < 0) {
      const f = this.fault;
      f.vector = PF_;
      f.errorCode = this.walkError;
      f.hasErrorCode = true;
      f.address = addr;
      throw FAULT;
    }
    const page = addr - (addr & 0xfff);
    const i = ((addr >>> 12) & TLB_MASK) + this.tlbOff;
    const base = pa - (pa % PAGE_SIZE);
    if (this.frame[i] !== base) { this.tagR[i] = NO_TAG; this.tagW[i] = NO_TAG; this.tagX[i] = NO_TAG; }
    this.frame[i] = base;
    this.tagR[i] = page;
    // A write entry is installed only when a write would not change the page tables (the leaf
    // is already dirty), so the first write to a clean page walks again and sets D (SDM §4.8).
    if (this.walkWritable && this.walkDirty && this.codeFrames[base / PAGE_SIZE] === 0) this.tagW[i] = page;
    if (this.walkExec) this.tagX[i] = page;
    return base;
  }

  /** Physical address for a read of `addr` (fills the TLB or faults). */
  physR(addr: number): number {
    const off = addr & 0xfff;
    const i = ((addr >>> 12) & TLB_MASK) + this.tlbOff;
    if (this.tagR[i] === addr - off) return this.frame[i] + off;
    return this.fill(addr, ACCESS_READ) + off;
  }

  physW(addr: number): number {
    const off = addr & 0xfff;
    const i = ((addr >>> 12) & TLB_MASK) + this.tlbOff;
    if (this.tagW[i] === addr - off) return this.frame[i] + off;
    const base = this.fill(addr, ACCESS_WRITE);
    const frameNo = base / PAGE_SIZE;
    if (this.codeFrames[frameNo] !== 0) {
      this.codeFrames[frameNo] = 0;
      this.onCodeWrite(frameNo);
    }
    return base + off;
  }

  physX(addr: number): number {
    const off = addr & 0xfff;
    const i = ((addr >>> 12) & TLB_MASK) + this.tlbOff;
    if (this.tagX[i] === addr - off) return this.frame[i] + off;
    return this.fill(addr, ACCESS_EXEC) + off;
  }

  read8(addr: number): number {
    return this.ram[this.physR(addr)];
  }

  read16(addr: number): number {
    if ((addr & 0xfff) <= 0xffe) return this.dv.getUint16(this.physR(addr), true);
    return this.read8(addr) | (this.read8(addr + 1) << 8);
  }

  /** Returns the 32-bit value as a signed int32. */
  read32(addr: number): number {
    if ((addr & 0xfff) <= 0xffc) return this.dv.getInt32(this.physR(addr), true);
    return this.readSplit(addr, 4) | 0;
  }

  /** Returns the low half; the high half is left in `hi`. */
  read64(addr: number): number {
    if ((addr & 0xfff) <= 0xff8) {
      const p = this.physR(addr);
      this.hi = this.dv.getInt32(p + 4, true);
      return this.dv.getInt32(p, true);
    }
    const lo = this.readSplit(addr, 4) | 0;
    this.hi = this.readSplit(addr + 4, 4) | 0;
    return lo;
  }

  private readSplit(addr: number, n: number): number {
    // Check both pages before reading either (a fault must leave no partial effect). A fault on
    // the second page reports its first byte in CR2, as the processor does.
    this.physR(addr);
    this.physR(addr + n - 1 - ((addr + n - 1) & 0xfff));
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * 256 + this.read8(addr + k);
    return v;
  }

  write8(addr: number, v: number): void {
    this.ram[this.physW(addr)] = v;
  }

  write16(addr: number, v: number): void {
    if ((addr & 0xfff) <= 0xffe) { this.dv.setUint16(this.physW(addr), v, true); return; }
    this.writeSplit(addr, v, 0, 2);
  }

  write32(addr: number, v: number): void {
    if ((addr & 0xfff) <= 0xffc) { this.dv.setInt32(this.physW(addr), v, true); return; }
    this.writeSplit(addr, v, 0, 4);
  }

  write64(addr: number, lo: number, hi: number): void {
    if ((addr & 0xfff) <= 0xff8) {
      const p = this.physW(addr);
      this.dv.setInt32(p, lo, true);
      this.dv.setInt32(p + 4, hi, true);
      return;
    }
    this.writeSplit(addr, lo, hi, 8);
  }

  private writeSplit(addr: number, lo: number, hi: number, n: number): void {
    this.physW(addr);
    this.physW(addr + n - 1 - ((addr + n - 1) & 0xfff)); // CR2 = first byte of the second page
    for (let k = 0; k < n; k++) {
      const b = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >>> (8 * (k - 4))) & 0xff;
      this.ram[this.physW(addr + k)] = b;
    }
  }

  /**
   * Tell the MMU that something outside the CPU (the kernel, a loader, a test) wrote physical
   * memory: decoded instructions from those frames must be dropped.
   */
  physWritten(pa: number, len: number): void {
    const last = Math.floor((pa + Math.max(len, 1) - 1) / PAGE_SIZE);
    for (let f = Math.floor(pa / PAGE_SIZE); f <= last; f++) {
      if (this.codeFrames[f] !== 0) {
        this.codeFrames[f] = 0;
        this.onCodeWrite(f);
      }
    }
  }

  // Supervisor accesses whatever the CPL: the kernel reading and writing its own memory
  // (thread_info, pt_regs, per-CPU data, new kernel stacks) from TypeScript, as the CPU's
  // implicit supervisor accesses do (SDM Vol. 3 §5.6).
  kread32(addr: number): number {
    const save = this.tlbOff;
    this.tlbOff = 0;
    try { return this.read32(addr); } finally { this.tlbOff = save; }
  }
  /** Low half returned, high half in `hi`. */
  kread64(addr: number): number {
    const save = this.tlbOff;
    this.tlbOff = 0;
    try { return this.read64(addr); } finally { this.tlbOff = save; }
  }
  kwrite32(addr: number, v: number): void {
    const save = this.tlbOff;
    this.tlbOff = 0;
    try { this.write32(addr, v); } finally { this.tlbOff = save; }
  }
  kwrite64(addr: number, lo: number, hi: number): void {
    const save = this.tlbOff;
    this.tlbOff = 0;
    try { this.write64(addr, lo, hi); } finally { this.tlbOff = save; }
  }
  kfetch8(addr: number): number {
    const save = this.tlbOff;
    this.tlbOff = 0;
    try { return this.fetch8(addr); } finally { this.tlbOff = save; }
  }

  /** Instruction fetch of one byte (execute permission). */
  fetch8(addr: number): number {
    return this.ram[this.physX(addr)];
  }
}
