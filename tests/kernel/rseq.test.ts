// User-space restartable sequences (src/kernel/rseq/rseq.ts): rseq(2)'s registration checks
// give the same errors as the host's Linux; glibc's own registration at start-up works, and so
// does turning it off with GLIBC_TUNABLES; per-CPU counters updated in rseq critical sections by
// two threads that the timer preempts come out exact, with aborts counted by --stats and named
// by --trace=entry; bad descriptors and signatures are SIGSEGV as natively; sched_getcpu()
// reads the rseq area instead of making a system call; the auxiliary vector announces the
// feature size and alignment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { CaptureHost, GUEST_ENV, runNative } from '../harness/run-guest.js';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel.js';
import { entryImage } from '../../src/kernel/arch/image.js';
import { PtRegs, PT_REGS_SIZE } from '../../src/kernel/entry/ptregs.js';
import { rseqCounters } from '../../src/kernel/rseq/rseq.js';

const BIN = 'tests/guest/bin';
const NO_RSEQ = 'GLIBC_TUNABLES=glibc.pthread.rseq=0';

/** runGuest with extra environment entries (the harness's runs with GUEST_ENV only). */
function run(name: string, args: string[], env: string[] = [], opts: Partial<KernelOptions> = {}, setup?: (k: Kernel) => void) {
  const host = new CaptureHost();
  const log: string[] = [];
  const path = `${BIN}/${name}`;
  const k = new Kernel(host, entryImage(), { poisonClobbers: true, memoryMiB: 256, log: (l) => log.push(l), ...opts });
  setup?.(k);
  k.spawn(fs.readFileSync(path), path, [path, ...args], [...GUEST_ENV, ...env]);
  const r = k.run(2_000_000_000);
  return { ...r, k, log, stdout: Buffer.concat(host.stdout).toString('latin1'), stderr: Buffer.concat(host.stderr).toString('latin1') };
}

function native(name: string, args: string[], env: string[] = []) {
  if (env.length === 0) return runNative(`${BIN}/${name}`, args);
  const r = spawnSync(`${BIN}/${name}`, args, { env: Object.fromEntries([...GUEST_ENV, ...env].map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])), encoding: 'latin1' });
  return { status: r.status ?? 128 + (r.signal ? os.constants.signals[r.signal] : 0), stdout: r.stdout, stderr: r.stderr };
}

const LIBS: [string, string[]][] = [['glibc', []], ['glibc', [NO_RSEQ]], ['musl', []]];

/**
 * The interpreter takes interrupts between blocks of straight-line code, and the load, add and
 * commit store of rseq_counter's section sit in one block: by default a timer interrupt can
 * preempt the thread only before the load, where an abort is needed by the rules but nothing
 * would be lost without it. One-instruction blocks (stepMode) let the timer land on every
 * instruction boundary, as on hardware - between the load and the store too, where a missing
 * abort loses counts (checked: without the IP fix-up the total comes out short).
 */
const PRECISE = (k: Kernel) => { k.interp.stepMode = true; };

test('rseq(2) registration and unregistration: every check answers as on the host (glibc\'s area first when it made one)', () => {
  for (const [lib, env] of LIBS) {
    const want = native(`rseq_register.${lib}`, [], env);
    const got = run(`rseq_register.${lib}`, [], env);
    assert.equal(got.error, null);
    assert.equal(got.stdout, want.stdout, `rseq_register.${lib} ${env.join(' ')}`);
    assert.equal(got.status, want.status);
    // The lines that matter are there (a run that printed nothing would not compare equal, but say so).
    assert.match(got.stdout, /register again +EBUSY\n/);
    assert.match(got.stdout, /unregister, other signature +EPERM\n/);
    assert.equal(got.stdout.includes('C library area: unregister  '), lib === 'glibc' && env.length === 0);
  }
});

test('the auxiliary vector carries AT_RSEQ_FEATURE_SIZE (28) and AT_RSEQ_ALIGN (32)', () => {
  const path = `${BIN}/getcpu.musl`;
  const k = new Kernel(new CaptureHost(), entryImage(), { memoryMiB: 64 });
  const t = k.spawn(fs.readFileSync(path), path, [path], ['A=1']);
  const sp = new PtRegs(k.cpu, t.kstackTop - PT_REGS_SIZE).num('rsp');
  const word = (i: number) => t.um.readPtr(sp + 8 * i)!;
  let i = 1 + word(0) + 1; // argc, argv[], NULL
  while (word(i) !== 0) i++; // envp[]
  const aux = new Map<number, number>();
  for (i++; word(i) !== 0; i += 2) aux.set(word(i), word(i + 1));
  assert.equal(aux.get(27), 28);
  assert.equal(aux.get(28), 32);
});

for (const [lib, env] of LIBS) {
  test(`rseq_counter.${lib}${env.length ? ' (' + env[0] + ')' : ''}: two threads preempted by the timer inside their critical sections; exact total, aborts counted and traced`, () => {
    const args = ['150000'];
    const want = native(`rseq_counter.${lib}`, args, env);
    const got = run(`rseq_counter.${lib}`, args, env, { hz: 100_000, stats: true, traceEntries: true }, PRECISE);
    assert.equal(got.error, null);
    assert.equal(got.status, 0);
    assert.equal(got.stdout, want.stdout);
    assert.match(got.stdout, /total 300000, expected 300000: exact/);
    assert.equal(got.stdout.includes('registered by the C library'), lib === 'glibc' && env.length === 0);
    const c = rseqCounters(got.k);
    assert.ok(c.aborts >= 10, `aborts: ${c.aborts}`);
    assert.equal(got.k.stats.restarts.get('user rseq_cs abort (preempt)'), c.aborts);
    assert.ok(got.log.some((l) => /\(restart\) user rseq_cs abort \(preempt\): ip 0x[0-9a-f]+ -> 0x[0-9a-f]+$/.test(l)));
    // --stats prints them.
    assert.match(got.k.stats.format({ userInsns: 0, kernelInsns: 0, cycles: 0 }), /restartable sequences restarted:\n {2}user rseq_cs abort \(preempt\) +\d+/);
  });
}

test('rseq_counter.musl signals: a third thread keeps signalling the workers; aborts on signal delivery too, total exact', () => {
  const args = ['150000', 'signals'];
  const want = native('rseq_counter.musl', args);
  const got = run('rseq_counter.musl', args, [], { hz: 100_000, stats: true }, PRECISE);
  assert.equal(got.error, null);
  assert.equal(got.status, 0);
  assert.equal(got.stdout, want.stdout);
  const bySignal = [...got.k.stats.restarts].filter(([k]) => k.includes('signal')).reduce((a, [, v]) => a + v, 0);
  assert.ok(bySignal > 0, `restarts: ${JSON.stringify([...got.k.stats.restarts])}`);
});

test('rseq_badsig: a bad signature, version or abort_ip kills with SIGSEGV as on the host; a good descriptor is lazily cleared', () => {
  for (const lib of ['glibc', 'musl']) {
    for (const what of ['badsig', 'version', 'abortin', 'good']) {
      const want = native(`rseq_badsig.${lib}`, [what]);
      const got = run(`rseq_badsig.${lib}`, [what]);
      assert.equal(got.error, null);
      assert.equal(got.status, want.status, `rseq_badsig.${lib} ${what}`);
      assert.equal(got.status, what === 'good' ? 0 : 128 + 11);
      assert.equal(got.stdout, want.stdout);
      assert.equal(rseqCounters(got.k).segv, what === 'good' ? 0 : 1);
    }
  }
});

test('sched_getcpu() in glibc reads the rseq area: no getcpu system call, even without a vDSO; with rseq off it makes one per call', () => {
  const n = 500;
  for (const env of [[], [NO_RSEQ]]) {
    const want = native('getcpu.glibc', [String(n)], env);
    const got = run('getcpu.glibc', [String(n)], env, { vdso: false, traceSyscalls: true });
    assert.equal(got.error, null);
    assert.equal(got.status, 0);
    assert.equal(got.stdout, want.stdout);
    const getcpus = got.k.stats.syscalls.get('getcpu') ?? got.log.filter((l) => l.startsWith('getcpu(')).length;
    assert.equal(getcpus, env.length === 0 ? 0 : n, `getcpu system calls with ${env.join(' ') || 'glibc\'s rseq'}`);
  }
});
