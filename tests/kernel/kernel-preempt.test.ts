// Preemption on the interrupt return to kernel mode: kernel threads spinning with interrupts
// enabled are interrupted by the timer in kernel mode and, with preempt_count zero, switched
// away there (preempt_schedule_irq), then resumed by IRET into their loop. With preempt_count
// raised they are interrupted but never switched. User processes share the CPU with them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';
import type { Kernel } from '../../src/kernel/kernel.js';

function read64(k: Kernel, va: number): number {
  const mem = k.cpu.mem;
  mem.setUser(false);
  const lo = mem.read64(va);
  return mem.hi * 4294967296 + (lo >>> 0);
}

for (const noPreempt of [false, true]) {
  test(`kernel threads spinning with interrupts on ${noPreempt ? 'and preemption disabled are never switched in kernel mode' : 'are preempted in kernel mode by the timer'}`, () => {
    let k!: Kernel;
    const spinners: { counter: number; task: { state: string } }[] = [];
    const args = ['6', '300000'];
    const r = runGuest('tests/guest/bin/spin.musl', args, { hz: 3000 }, (kk) => {
      k = kk;
      spinners.push(kk.spawnKernelSpinner(2_000_000, noPreempt), kk.spawnKernelSpinner(2_000_000, noPreempt));
    });
    assert.equal(r.error, null);
    assert.equal(r.status, 0);
    const sorted = (s: string) => s.split('\n').filter(Boolean).sort();
    assert.deepEqual(sorted(r.stdout), sorted(runNative('tests/guest/bin/spin.musl', args).stdout));
    for (const s of spinners) {
      assert.equal(read64(k, s.counter), 2_000_000, 'every round of the kernel loop ran once');
      assert.equal(s.task.state, 'dead');
    }
    if (noPreempt) assert.equal(k.kernelPreemptions, 0);
    else assert.ok(k.kernelPreemptions >= 2, `preemptions in kernel mode: ${k.kernelPreemptions}`);
    assert.equal(k.preemptCount(), 0);
  });
}

test('kernel preemption under --check-entry and injected interrupts: no violation', () => {
  let k!: Kernel;
  const r = runGuest('tests/guest/bin/getpid_loop.asm', ['5000'], { hz: 20000, checkEntry: true, inject: 'irq' }, (kk) => {
    k = kk;
    kk.spawnKernelSpinner(300_000);
  });
  assert.equal(r.error, null);
  assert.equal(r.status, 0);
  assert.ok(k.kernelPreemptions >= 1, `preemptions in kernel mode: ${k.kernelPreemptions}`);
});
