// Kernel access to user memory (Linux's copy_from_user / copy_to_user / strncpy_from_user).
// Every access checks the user page permissions in the task's page table and faults pages in
// through Mm.handleFault, so a bad pointer becomes -EFAULT, never an emulator error. Writes
// tell the MMU, so that instructions decoded from a written page are dropped.

import type { Mmu } from '../../cpu/memory.js';
import type { Mm } from './mm.js';
import { PAGE } from './pagetable.js';
import { PTE_U, PTE_W } from '../../cpu/regs.js';
import { USER_END } from './mm.js';

const TWO32 = 4294967296;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class UserMemory {
  constructor(readonly mm: Mm, readonly mmu: Mmu) {}

  /** Physical address of user byte `addr` for a read or write, or -1. */
  phys(addr: number, write: boolean): number {
    if (!(addr >= 0 && addr < USER_END)) return -1;
    const off = addr % PAGE;
    const page = addr - off;
    for (let attempt = 0; attempt < 2; attempt++) {
      const e = this.mm.pt.entry(page);
      if (e !== null && (e[0] & PTE_U) !== 0 && (!write || (e[0] & PTE_W) !== 0)) {
        return (e[1] & 0xfffff) * TWO32 + (e[0] & 0xfffff000) + off;
      }
      if (attempt === 0 && !this.mm.handleFault(addr, write, false)) return -1;
    }
    return -1;
  }

  /** Copy `len` bytes from user memory, or null if any byte is inaccessible. */
  read(addr: number, len: number): Uint8Array | null {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const pa = this.phys(addr + done, false);
      if (pa < 0) return null;
      const n = Math.min(len - done, PAGE - ((addr + done) % PAGE));
      out.set(this.mmu.ram.subarray(pa, pa + n), done);
      done += n;
    }
    return out;
  }

  /** Copy bytes to user memory; false if any byte is inaccessible (bytes before it may be written, as in Linux). */
  write(addr: number, data: Uint8Array): boolean {
    let done = 0;
    while (done < data.length) {
      const pa = this.phys(addr + done, true);
      if (pa < 0) return false;
      const n = Math.min(data.length - done, PAGE - ((addr + done) % PAGE));
      this.mmu.ram.set(data.subarray(done, done + n), pa);
      this.mmu.physWritten(pa, n);
      done += n;
    }
    return true;
  }

  /** A NUL-terminated string of at most `max` bytes; null on a fault or if too long. */
  readCString(addr: number, max = 4096): string | null {
    const bytes: number[] = [];
    for (let k = 0; k < max; k++) {
      const pa = this.phys(addr + k, false);
      if (pa < 0) return null;
      const b = this.mmu.ram[pa];
      if (b === 0) return decoder.decode(new Uint8Array(bytes));
      bytes.push(b);
    }
    return null;
  }

  readU64(addr: number): bigint | null {
    const b = this.read(addr, 8);
    if (!b) return null;
    return new DataView(b.buffer).getBigUint64(0, true);
  }

  /** A user pointer or size read as a number (exact below 2^53). */
  readPtr(addr: number): number | null {
    const b = this.read(addr, 8);
    if (!b) return null;
    const dv = new DataView(b.buffer);
    return dv.getInt32(4, true) * TWO32 + dv.getUint32(0, true);
  }

  readU32(addr: number): number | null {
    const b = this.read(addr, 4);
    return b ? new DataView(b.buffer).getUint32(0, true) : null;
  }

  writeU64(addr: number, v: bigint): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    return this.write(addr, b);
  }

  writeU32(addr: number, v: number): boolean {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.write(addr, b);
  }

  writeString(addr: number, s: string, nul = true): boolean {
    const e = encoder.encode(s);
    if (!nul) return this.write(addr, e);
    const b = new Uint8Array(e.length + 1);
    b.set(e);
    return this.write(addr, b);
  }
}
