// --check-entry and fault injection: a syscall-heavy guest and C programs run with an interrupt
// (then an NMI) raised at every boundary of the entry and exit code in turn, and the entry
// invariants checked at every kernel instruction and every return to user mode — with zero
// violations and the same output. And the checker does catch a broken entry.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';

const BIN = 'tests/guest/bin';

for (const inject of ['irq', 'nmi'] as const) {
  test(`getpid_loop under --inject=${inject}:every with --check-entry: no violation, right output`, () => {
    const r = runGuest(`${BIN}/getpid_loop.asm`, ['2000'], { checkEntry: true, inject });
    assert.equal(r.error, null);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, runNative(`${BIN}/getpid_loop.asm`, ['2000']).stdout);
    const k = r.kernel;
    assert.ok(k.checker!.checks >= 2000, `returns checked: ${k.checker!.checks}`);
    if (inject === 'irq') assert.ok(k.injectedIrqs > 1900, `injected interrupts taken: ${k.injectedIrqs}`);
    else assert.ok(k.nmis > 500, `NMIs taken: ${k.nmis}`);
  });

  test(`hello.glibc under --inject=${inject}:every with --check-entry matches the host`, () => {
    const r = runGuest(`${BIN}/hello.glibc`, [], { checkEntry: true, inject });
    assert.equal(r.error, null);
    assert.equal(r.stdout, runNative(`${BIN}/hello.glibc`).stdout);
  });
}

test('--check-entry catches a kernel running on the user stack (SYSRET #GP without the canonical check)', () => {
  const r = runGuest(`${BIN}/sysret_probe.asm`, [], { checkEntry: true, sysretChecks: { ipRange: false, rfTf: true } }, (k) => {
    k.testSyscalls.set(0x1001, (kk) => { kk.regs.setNum('rip', 0x800000000000); kk.regs.setNum('rcx', 0x800000000000); return 0; });
  });
  assert.match(r.error ?? '', /^entry check failed: kernel code running on a user stack at asm_exc_general_protection/);
});

test('--check-entry catches a missing SWAPGS on the SYSRET path', () => {
  const r = runGuest(`${BIN}/getpid_loop.asm`, ['10'], { checkEntry: true }, (k) => {
    // Overwrite the swapgs before sysretq (0f 01 f8) with three one-byte NOPs.
    const va = k.ks.symbol('entry_SYSRETQ_unsafe_stack');
    const off = ((va % 4096) + 4096) % 4096; // va is negative: JS % keeps the sign
    const pa = k.ks.template.lookup(va - off) + off;
    assert.deepEqual([...k.phys.bytes.subarray(pa, pa + 3)], [0x0f, 0x01, 0xf8]);
    k.phys.bytes.set([0x90, 0x90, 0x90], pa);
  });
  assert.match(r.error ?? '', /^entry check failed: SYSRET with the kernel GS base still loaded/);
});
