// The entry/exit benchmark (`npm run bench:entry`, or `node dist/bench/entry.js [N] [PROFILE]`):
//   - getpid round trips per second of host time (tests/guest/bin/getpid_loop.asm, N calls);
//   - modeled cycles and nanoseconds per getpid on the fast path (SYSRET, no context tracking);
//   - the opportunistic-SYSRET figure as a ratio: with context tracking forced, the modeled
//     getpid cost returning by SYSRET over the cost with --sysret=never (published: ~280/360);
//   - the same ratio between the `c` and `split-tables` syscall paths, for getpid and for execve
//     (tests/guest/bin/execve_loop.asm), once the kernel offers --syscall-path.
// Modeled figures come from the difference between two runs of different lengths, so that
// start-up and exit cancel out; the entry-to-return means come from the entry tracer (--stats).

import { runGuest, type GuestRun } from '../tests/harness/run-guest.js';
import { DEFAULT_OPTIONS, type KernelOptions } from '../src/kernel/kernel.js';
import { DEFAULT_SYSRET_CHECKS } from '../src/kernel/entry/syscall.js';
import { profileByName, DEFAULT_PROFILE, type CostProfile } from '../src/trace/costs.js';

const GETPID = 'tests/guest/bin/getpid_loop.asm';
const EXECVE = 'tests/guest/bin/execve_loop.asm';

export interface Modeled {
  /** Modeled cycles per operation (one loop iteration: user instructions included). */
  cycles: number;
  ns: number;
  /** Mean cycles from the SYSCALL to the retirement of the return, for the dominant path. */
  entryMean: number;
  /** How the dominant path returned (SYSRET or IRET). */
  ret: string;
}

function run(path: string, n: number, opts: Partial<KernelOptions>): GuestRun {
  const r = runGuest(path, [String(n)], { poisonClobbers: false, ...opts });
  if (r.status !== 0 || r.error) throw new Error(`${path} ${n}: status ${r.status}${r.error ? `, ${r.error}` : ''}`);
  return r;
}

/** Modeled cost per operation of a guest that repeats one operation n times. */
export function modeled(path: string, opts: Partial<KernelOptions>, small: number, large: number): Modeled {
  const a = run(path, small, opts);
  const b = run(path, large, opts);
  const profile = b.kernel.costs;
  const cycles = (b.kernel.cpu.tsc - a.kernel.cpu.tsc) / (large - small);
  const rows = b.kernel.stats.entryCostRows().filter((c) => c.kind === 'syscall');
  const top = rows[0];
  return {
    cycles,
    ns: (cycles * 1e9) / profile.hz,
    entryMean: top ? top.cycles / top.count : NaN,
    ret: top ? top.how : '-',
  };
}

/** Host round trips per second: the time of n calls less the time of a run without calls. */
function hostRate(n: number, opts: Partial<KernelOptions>): { perSec: number; secs: number } {
  run(GETPID, Math.min(n, 20_000), opts); // warm up the JIT
  const t0 = process.hrtime.bigint();
  run(GETPID, 0, opts);
  const t1 = process.hrtime.bigint();
  run(GETPID, n, opts);
  const t2 = process.hrtime.bigint();
  const secs = (Number(t2 - t1) - Number(t1 - t0)) / 1e9;
  return { perSec: n / secs, secs };
}

/** The costs in which the SYSRET and IRET returns differ, as the profile prices them. */
function explainDifference(p: CostProfile): string {
  const iret = p.insn.iret ?? p.base, sysret = p.insn.sysret ?? p.base, checks = p.kernel.sysret_checks ?? 0;
  // IRET path: POP_REGS, addq, swapgs, testb, jnz, iretq; SYSRET path: POP_REGS, movq, swapgs, sysretq.
  const extra = 2 * p.base;
  return `IRETQ ${iret} - SYSRETQ ${sysret} + 2 more instructions ${extra} - the SYSRET checks ${checks} = ${iret - sysret + extra - checks} cycles`;
}

const fmt = (x: number, d = 1) => x.toFixed(d);

export function main(argv: string[]): void {
  const n = Number(argv[2] ?? 200_000);
  const profileName = argv[3] ?? DEFAULT_PROFILE;
  const profile = profileByName(profileName);
  const base: Partial<KernelOptions> = { costProfile: profileName };
  const never: Partial<KernelOptions> = { sysretChecks: { ...DEFAULT_SYSRET_CHECKS, mode: 'never' } };
  const small = 2_000, large = 12_000;
  console.log(`cost profile: ${profile.name} — ${profile.description}`);

  const h = hostRate(n, base);
  console.log(`getpid round trips (host time): ${n} in ${fmt(h.secs, 3)} s = ${Math.round(h.perSec).toLocaleString('en-US')} per second`);

  const fast = modeled(GETPID, base, small, large);
  console.log(`modeled getpid, fast path: ${fmt(fast.cycles)} cycles = ${fmt(fast.ns)} ns per loop iteration; ` +
    `SYSCALL to ${fast.ret} ${fmt(fast.entryMean)} cycles = ${fmt((fast.entryMean * 1e9) / profile.hz)} ns`);

  const ctSysret = modeled(GETPID, { ...base, contextTracking: 'force' }, small, large);
  const ctIret = modeled(GETPID, { ...base, ...never, contextTracking: 'force' }, small, large);
  console.log(`context tracking forced: SYSRET ${fmt(ctSysret.cycles)} cycles (${fmt(ctSysret.ns)} ns), ` +
    `--sysret=never ${fmt(ctIret.cycles)} cycles (${fmt(ctIret.ns)} ns) per getpid`);
  console.log(`  ratio SYSRET/never: ${fmt(ctSysret.cycles / ctIret.cycles, 3)} (published ~280/360 = ${fmt(280 / 360, 3)})`);
  console.log(`  the difference: ${explainDifference(profile)}`);

  // The lead's --syscall-path=split-tables: used when the kernel has the option.
  if (!('syscallPath' in DEFAULT_OPTIONS)) {
    console.log('c vs split-tables: split-tables: not yet available');
    return;
  }
  const path = (p: string) => ({ ...base, syscallPath: p } as unknown as Partial<KernelOptions>);
  const compare = (what: string, guest: string, lo: number, hi: number, extra: Partial<KernelOptions> = {}) => {
    try {
      const c = modeled(guest, { ...path('c'), ...extra }, lo, hi), s = modeled(guest, { ...path('split-tables'), ...extra }, lo, hi);
      console.log(`c vs split-tables, ${what}: c ${fmt(c.cycles)} cycles (${fmt(c.ns)} ns), ` +
        `split-tables ${fmt(s.cycles)} cycles (${fmt(s.ns)} ns): ratio split/c ${fmt(s.cycles / c.cycles, 3)}`);
    } catch (e) {
      console.log(`c vs split-tables, ${what}: failed: ${(e as Error).message}`);
    }
  };
  compare('getpid', GETPID, small, large);
  compare('getpid, context tracking forced', GETPID, small, large, { contextTracking: 'force' });
  compare('execve', EXECVE, 10, 60);
}

if (process.argv[1] && process.argv[1].endsWith('entry.js')) main(process.argv);
