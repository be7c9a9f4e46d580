// --syscall-path=split-tables: 2015's entry, real assembly with a fast path (handlers called
// from an assembly table, SYSRET without checks) and a slow path (full pt_regs, C, the
// opportunistic-SYSRET checks done in assembly). Full-register calls marked /ptregs in the table
// reach the slow path through stub_ptregs_64.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';

const BIN = 'tests/guest/bin';
const SPLIT = { syscallPath: 'split-tables' as const, stats: true, checkEntry: true };

test('C programs run the same on the split-tables entry; plain calls take the fast path', () => {
  for (const name of ['hello.glibc', 'hello.musl', 'malloc.musl']) {
    const r = runGuest(`${BIN}/${name}`, [], SPLIT);
    assert.equal(r.error, null);
    assert.equal(r.stdout, runNative(`${BIN}/${name}`).stdout, name);
    assert.ok(r.kernel.fastPathCalls > 5, `${name}: fast calls ${r.kernel.fastPathCalls}`);
    assert.equal(r.kernel.slowPathCalls, 0, `${name}: no call needed the slow path`);
  }
});

test('fork is marked /ptregs: the fast table sends it through stub_ptregs_64 to the slow path', () => {
  const r = runGuest(`${BIN}/spin.musl`, ['2', '1000'], { ...SPLIT, traceEntries: true });
  assert.equal(r.error, null);
  assert.equal(r.status, 0);
  assert.equal(r.kernel.slowPathCalls, 1, 'exactly the fork');
  assert.ok(r.log.some((l) => /syscall 57 \(fork\) via entry_SYSCALL_64_split/.test(l)));
});

test('forced context tracking sends every call down the slow path, which still returns by SYSRET', () => {
  const r = runGuest(`${BIN}/getpid_loop.asm`, ['100'], { ...SPLIT, contextTracking: 'force' });
  assert.equal(r.error, null);
  assert.equal(r.kernel.fastPathCalls, 0);
  assert.ok(r.kernel.slowPathCalls >= 100);
  assert.equal(r.kernel.stats.returns.get('SYSRET after syscall'), r.kernel.slowPathCalls - 1);
});

test('the assembly SYSRET checks of the slow path: a moved RIP returns by IRET', () => {
  const r = runGuest(`${BIN}/sysret_probe.asm`, [], { ...SPLIT, contextTracking: 'force' }, (k) => {
    k.testSyscalls.set(0x1001, (kk) => { kk.regs.setNum('rip', kk.regs.num('rip') + 2); return 0; });
  });
  assert.equal(r.error, null);
  assert.equal(r.status, 0);
  assert.equal(r.kernel.stats.returns.get('IRET after syscall'), 1);
});

test('the assembly canonical check (2015: sign extension from bit 47) refuses a non-canonical RIP', () => {
  const r = runGuest(`${BIN}/sysret_probe.asm`, [], { ...SPLIT, contextTracking: 'force' }, (k) => {
    k.testSyscalls.set(0x1001, (kk) => { kk.regs.setNum('rip', 0x800000000000); kk.regs.setNum('rcx', 0x800000000000); return 0; });
  });
  assert.equal(r.error, null, 'no SYSRET #GP in the kernel');
  assert.equal(r.status, 128 + 11, 'the IRET faulted and the task got SIGSEGV');
  assert.equal(r.kernel.stats.iretReasons.get('rip not canonical'), 1);
});
