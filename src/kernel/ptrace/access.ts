// access_process_vm() with FOLL_FORCE, for PEEKTEXT/PEEKDATA/POKETEXT/POKEDATA: another task's
// memory through its own page tables. Pages not present are faulted in; a write may go to a
// read-only private mapping (a debugger's breakpoint in .text: Linux breaks COW for it; here
// every private frame already belongs to one address space), never to a read-only shared one.
// A write tells the MMU, so instructions decoded from that frame are dropped.

import type { Task } from '../process/task.js';
import { PAGE } from '../mm/pagetable.js';
import { USER_END, PROT_WRITE, MAP_SHARED } from '../mm/mm.js';

const TWO32 = 4294967296;

function physOf(t: Task, addr: number, write: boolean): number {
  if (!(addr >= 0 && addr < USER_END)) return -1;
  const v = t.mm.find(addr);
  if (!v) return -1;
  if (write && !(v.prot & PROT_WRITE) && (v.flags & MAP_SHARED)) return -1;
  const page = addr - (addr % PAGE);
  let e = t.mm.pt.entry(page);
  if (e === null) {
    // Fault it in as the mapping allows (a read, or an instruction fetch for execute-only text).
    if (!t.mm.handleFault(addr, false, false) && !t.mm.handleFault(addr, false, true) && !t.mm.handleFault(addr, true, false)) return -1;
    e = t.mm.pt.entry(page);
    if (e === null) return -1;
  }
  return (e[1] & 0xfffff) * TWO32 + (e[0] & 0xfffff000) + (addr % PAGE);
}

/** Copy bytes out of `t`'s memory; the number copied (fewer on a fault). */
export function accessRead(t: Task, addr: number, buf: Uint8Array): number {
  for (let i = 0; i < buf.length; i++) {
    const pa = physOf(t, addr + i, false);
    if (pa < 0) return i;
    buf[i] = t.um.mmu.ram[pa];
  }
  return buf.length;
}

/** Copy bytes into `t`'s memory (FOLL_FORCE); the number copied. */
export function accessWrite(t: Task, addr: number, buf: Uint8Array): number {
  for (let i = 0; i < buf.length; i++) {
    const pa = physOf(t, addr + i, true);
    if (pa < 0) return i;
    t.um.mmu.ram[pa] = buf[i];
    t.um.mmu.physWritten(pa, 1);
  }
  return buf.length;
}
