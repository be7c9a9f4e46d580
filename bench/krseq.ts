// What the kernel restartable-sequence check costs on the interrupt return to kernel mode
// (`npm run bench:krseq`, or `node dist/bench/krseq.js [ROUNDS]`):
//   - the lookup alone: KrseqTable.find() in host nanoseconds for tables of 1 to 4096 ranges
//     (a binary search: O(log n), no allocation), for an IP outside every range - the case of
//     almost every interrupt;
//   - krseqFixup() itself, as the interrupt return calls it (pt_regs->ip read through the MMU);
//   - for scale, a run of kthread_count_events (ROUNDS rounds, 200,000 by default) beside
//     getpid_loop: how many returns to kernel mode did the check, and what it added up to.
// The fix-up runs in TypeScript (no guest instructions), so it adds no modeled cycles. Timing
// whole runs with --kernel-rseq=on and =off was tried and dropped: a few dozen interrupts from
// kernel mode per run cost microseconds, far below the run-to-run noise.

import { runGuest } from '../tests/harness/run-guest.js';
import { KrseqTable } from '../src/kernel/arch/krseq-table.js';
import { CaptureHost } from '../tests/harness/run-guest.js';
import { Kernel } from '../src/kernel/kernel.js';
import { entryImage } from '../src/kernel/arch/image.js';
import { PtRegs, PT_REGS_SIZE } from '../src/kernel/entry/ptregs.js';
import { krseqFixup } from '../src/kernel/entry/krseq.js';

function lookupNs(n: number): number {
  const entries: [number, number, number][] = [];
  const base = -2130706432; // KERNEL_TEXT
  for (let i = 0; i < n; i++) entries.push([base + i * 64, base + i * 64 + 20, base + i * 64]);
  const t = new KrseqTable(entries);
  const ips = new Float64Array(1024);
  for (let i = 0; i < ips.length; i++) ips[i] = base + ((i * 7919) % (n * 64)) + 32; // between ranges
  let hits = 0;
  const iters = 2_000_000;
  for (let i = 0; i < 200_000; i++) hits += t.find(ips[i & 1023]); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) hits += t.find(ips[i & 1023]);
  const ns = Number(process.hrtime.bigint() - t0) / iters;
  if (hits === 42) console.log(''); // keep the loop alive
  return ns;
}

/** krseqFixup() as the interrupt return calls it: pt_regs->ip read through the MMU, the lookup, no restart. */
function fixupNs(): { miss: number; hit: number } {
  const k = new Kernel(new CaptureHost(), entryImage(), { memoryMiB: 32 });
  const { task } = k.spawnKernelSpinner(1, false, 'kthread_count_events');
  const regs = new PtRegs(k.cpu, task.kstackTop - PT_REGS_SIZE);
  const seq = k.ks.symbol('kthread_count_events_seq');
  const time = (ip: number, reset: boolean) => {
    const iters = 1_000_000;
    regs.setNum('rip', ip);
    for (let i = 0; i < 100_000; i++) { krseqFixup(k, regs, 'irq'); if (reset) regs.setNum('rip', ip); }
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) { krseqFixup(k, regs, 'irq'); if (reset) regs.setNum('rip', ip); }
    return Number(process.hrtime.bigint() - t0) / iters;
  };
  return { miss: time(k.ks.symbol('kthread_spin_loop'), false), hit: time(seq + 9, true) };
}

export function main(argv: string[]): void {
  const rounds = Number(argv[2] ?? 200_000);
  console.log('KrseqTable.find(), IP in no range (host ns per lookup):');
  for (const n of [1, 16, 256, 4096]) console.log(`  ${String(n).padStart(5)} ranges  ${lookupNs(n).toFixed(1)} ns`);
  const f = fixupNs();
  console.log('krseqFixup() on an interrupt return to kernel mode (host ns per call, the real table):');
  console.log(`  IP in no range (the usual case)      ${f.miss.toFixed(1)} ns`);
  console.log(`  IP inside the sequence (restart)     ${f.hit.toFixed(1)} ns (includes rewriting pt_regs->ip twice)`);
  // For scale: a whole interrupt taken from kernel mode and returned from, in host time.
  const t0 = process.hrtime.bigint();
  const r = runGuest('tests/guest/bin/getpid_loop.asm', ['20000'], { hz: 20000, poisonClobbers: false, stats: true }, (k) => {
    k.spawnKernelSpinner(rounds, false, 'kthread_count_events');
    k.spawnKernelSpinner(rounds, false, 'kthread_count_events');
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  let fromKernel = 0;
  for (const [key, v] of r.kernel.stats.entries) if (key.startsWith('interrupt from kernel mode')) fromKernel += v;
  console.log(`a run of kthread_count_events x2 (${rounds} rounds each) beside getpid_loop 20000, hz 20000: ${secs.toFixed(3)} s host,`);
  console.log(`  ${fromKernel} interrupts from kernel mode checked (${r.kernel.krseq.restarts} restarts): the check is ` +
    `${((fromKernel * f.miss) / 1e3).toFixed(1)} us of it`);
}

main(process.argv);
