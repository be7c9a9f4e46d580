// Kernel restartable sequences: the fix-up on the interrupt and NMI return to kernel mode.
//
// An interrupt that arrived inside a range of the __krseq_table (entry_64.S's KRSEQ macro)
// moves the interrupted IP to the range's restart address before anything else can run on this
// CPU - that is, before the preemption point of irqentry_exit (Linux's irqentry_exit_cond_resched
// is where Nadav Amit's 2018 proposal and the review put it: linux-entry-facts.md, Addendum C).
// The interrupted sequence then reruns from its start with fresh per-CPU state, instead of
// storing a value it computed before an interrupt handler or another task changed that state.
//
// Cost: one binary search per return to kernel mode, O(log n) in the number of ranges, and no
// allocation (bench/krseq.ts measures it). --kernel-rseq=off turns the fix-up off, to show the
// torn per-CPU count it prevents.

import type { Kernel } from '../kernel.js';
import type { PtRegs } from './ptregs.js';
import { KrseqTable } from '../arch/krseq-table.js';
import { PCPU_EVENT_COUNT } from '../arch/percpu.js';

const TWO32 = 4294967296;

export class KernelRseq {
  /** Restarts made, by the path that made them. */
  restartsIrq = 0;
  restartsNmi = 0;
  /** Events interrupt and NMI handlers counted into PCPU_EVENT_COUNT (tests check the total). */
  handlerEvents = 0;

  constructor(readonly table: KrseqTable, readonly enabled: boolean) {}

  get restarts(): number {
    return this.restartsIrq + this.restartsNmi;
  }
}

/**
 * On the return to kernel mode of an interrupt (`via` 'irq') or NMI: restart an interrupted
 * sequence. Returns true if the IP was moved.
 */
export function krseqFixup(k: Kernel, regs: PtRegs, via: 'irq' | 'nmi'): boolean {
  const kr = k.krseq;
  if (!kr.enabled || kr.table.length === 0) return false;
  const ip = regs.num('rip');
  const i = kr.table.find(ip);
  if (i < 0) return false;
  const to = kr.table.restart[i];
  // Interrupted at the restart address itself: nothing of the sequence has run yet.
  if (to === ip) return false;
  regs.setNum('rip', to);
  if (via === 'irq') kr.restartsIrq++; else kr.restartsNmi++;
  k.entries.onRestart(`kernel rseq (${via})`, k.symbolize(ip), k.symbolize(to));
  return true;
}

/**
 * this_cpu_inc(event count) for an interrupt or NMI handler: one TypeScript step, which nothing
 * can interrupt - the single-instruction `incq %gs:` of C code.
 */
export function countPerCpuEvent(k: Kernel): void {
  const a = k.ks.percpu + PCPU_EVENT_COUNT;
  const mem = k.cpu.mem;
  const lo = mem.kread32(a) >>> 0, hi = mem.kread32(a + 4);
  const v = hi * TWO32 + lo + 1;
  mem.kwrite64(a, v | 0, Math.floor(v / TWO32) | 0);
  k.krseq.handlerEvents++;
}

/** This CPU's event count (PCPU_EVENT_COUNT). */
export function perCpuEventCount(k: Kernel): number {
  const a = k.ks.percpu + PCPU_EVENT_COUNT;
  return k.cpu.mem.kread32(a + 4) * TWO32 + (k.cpu.mem.kread32(a) >>> 0);
}
