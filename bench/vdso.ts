// The vDSO benchmark (`npm run bench:vdso`, or `node dist/bench/vdso.js [N]`): clock_gettime
// calls per second of host time for tests/guest/bin/vdso_clock.glibc's `loop N`, with the vDSO
// (user mode only: RDTSC and the vvar page) and with --no-vdso (one SYSCALL, entry and SYSRET
// each), plus the modeled cost of one call both ways. Rates are the time of N calls less the
// time of a run with none, so start-up and exit cancel out.

import { runGuest, type GuestRun } from '../tests/harness/run-guest.js';
import type { KernelOptions } from '../src/kernel/kernel.js';

const BIN = 'tests/guest/bin/vdso_clock.glibc';

function run(n: number, opts: Partial<KernelOptions>): GuestRun {
  const r = runGuest(BIN, ['loop', String(n)], { poisonClobbers: false, stats: true, ...opts });
  if (r.status !== 0 || r.error || r.stdout !== 'loop: done\n') throw new Error(`loop ${n}: status ${r.status} ${r.error ?? ''} ${r.stdout}`);
  return r;
}

function measure(n: number, opts: Partial<KernelOptions>): { perSec: number; cycles: number; ns: number; entries: number } {
  run(Math.min(n, 20_000), opts); // warm up the JIT
  const t0 = process.hrtime.bigint();
  const a = run(0, opts);
  const t1 = process.hrtime.bigint();
  const b = run(n, opts);
  const t2 = process.hrtime.bigint();
  const secs = (Number(t2 - t1) - Number(t1 - t0)) / 1e9;
  const cycles = (b.kernel.cpu.tsc - a.kernel.cpu.tsc) / n;
  return {
    perSec: n / secs,
    cycles,
    ns: (cycles * 1e9) / b.kernel.costs.hz,
    entries: b.kernel.stats.syscalls.get('clock_gettime') ?? 0,
  };
}

const n = Number(process.argv[2] ?? 1_000_000);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const withVdso = measure(n, {});
const without = measure(n, { vdso: false });
console.log(`clock_gettime(CLOCK_MONOTONIC), ${fmt(n)} calls (${BIN} loop):`);
console.log(`  vDSO        ${fmt(withVdso.perSec).padStart(10)} calls/s host   ${withVdso.cycles.toFixed(0).padStart(6)} cycles (${withVdso.ns.toFixed(1)} ns) modeled   ${withVdso.entries} system calls`);
console.log(`  --no-vdso   ${fmt(without.perSec).padStart(10)} calls/s host   ${without.cycles.toFixed(0).padStart(6)} cycles (${without.ns.toFixed(1)} ns) modeled   ${without.entries} system calls`);
console.log(`  vDSO speed-up: ${(withVdso.perSec / without.perSec).toFixed(1)}x host, ${(without.cycles / withVdso.cycles).toFixed(1)}x modeled`);
