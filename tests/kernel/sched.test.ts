// Scheduling: the timer interrupt ends time slices and the exit-to-user work switches tasks, so
// two CPU-bound processes interleave; and an interrupt that comes due while the exit-work loop
// runs sets work that the loop honours before returning.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';
import { syscallHandler } from '../../src/kernel/syscalls/registry.js';

const BIN = 'tests/guest/bin';

test('two CPU-bound processes are preempted by the timer and interleave', () => {
  const args = ['6', '300000'];
  const native = runNative(`${BIN}/spin.musl`, args);
  const r = runGuest(`${BIN}/spin.musl`, args, { hz: 3000, stats: true });
  assert.equal(r.error, null);
  assert.equal(r.status, 0);
  // The same lines as natively (each process's own lines in order; the interleaving may differ).
  const sorted = (s: string) => s.split('\n').filter(Boolean).sort();
  assert.deepEqual(sorted(r.stdout), sorted(native.stdout));
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('parent') || l.startsWith('child'));
  const firstChild = lines.findIndex((l) => l.startsWith('child'));
  const lastParent = lines.map((l) => l.startsWith('parent')).lastIndexOf(true);
  assert.ok(firstChild < lastParent, `no interleaving:\n${lines.join('\n')}`);
  assert.ok(r.kernel.sched.switches >= 3, `switches: ${r.kernel.sched.switches}`);
  assert.ok((r.kernel.stats.entries.get('interrupt via irq_entries_start') ?? 0) > 0);
});

test('without timer preemption within the run (a huge slice) the same program runs one process after the other', () => {
  const r = runGuest(`${BIN}/spin.musl`, ['6', '300000'], { hz: 1 });
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('parent') || l.startsWith('child'));
  const firstChild = lines.findIndex((l) => l.startsWith('child'));
  const lastParent = lines.map((l) => l.startsWith('parent')).lastIndexOf(true);
  assert.ok(firstChild > lastParent, 'with no tick in the run, the parent runs to its wait() before the child runs');
});

test('an interrupt that comes due during the exit-work loop is honoured before the return', () => {
  // hz = 1: no tick falls inside this short run's user code. But a handler for writev that
  // takes (in modeled time) longer than a time slice makes the tick come due while the kernel
  // runs with interrupts enabled; it is taken before the exit work, sets TIF_NEED_RESCHED (the
  // other process is runnable) and the exit-work loop switches tasks before returning — so
  // the output interleaves, unlike the same run without the slow handler.
  const r = runGuest(`${BIN}/spin.musl`, ['6', '300000'], { hz: 1, stats: true }, (k) => {
    k.testSyscalls.set(20, (kk, t, a0, a1, a2, a3, a4, a5) => {
      const ret = syscallHandler('sys_writev')!(kk, t, a0, a1, a2, a3, a4, a5);
      kk.cpu.tsc += 2 * kk.sched.sliceCycles; // slow kernel work, past the next tick
      return ret;
    });
  });
  assert.equal(r.error, null);
  assert.equal(r.status, 0);
  assert.ok(r.kernel.irqWindowTicks > 0, 'a tick was taken in the exit-work loop');
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('parent') || l.startsWith('child'));
  const firstChild = lines.findIndex((l) => l.startsWith('child'));
  const lastParent = lines.map((l) => l.startsWith('parent')).lastIndexOf(true);
  assert.ok(firstChild < lastParent, `the switch happened on the way out of writev:\n${lines.join('\n')}`);
});
