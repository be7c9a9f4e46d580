// System-call entry and exit work: hooks keyed by SYSCALL_WORK bits in thread_info (guest
// memory) run on every call while their bit is set — on both syscall paths (the split-tables
// fast path sees the bit in assembly and goes to the slow path). An entry hook can skip a call.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';
import { SYSCALL_WORK_SYSCALL_TRACE } from '../../src/kernel/entry/thread-info.js';

for (const syscallPath of ['c', 'split-tables'] as const) {
  test(`tracing hooks run on entry and exit and can skip a call (${syscallPath})`, () => {
    let enters = 0, exits = 0;
    const r = runGuest('tests/guest/bin/syscalls.asm', [], { syscallPath, stats: true }, (k) => {
      k.syscallWorkHooks.push({
        bit: SYSCALL_WORK_SYSCALL_TRACE,
        enter: (kk, _t, nr) => {
          enters++;
          if (nr !== 39) return nr;
          kk.regs.set('rax', -1, -1); // getpid skipped: ax = -1, so "getpid > 0" prints 0
          return -1;
        },
        exit: () => { exits++; },
      });
      // The first task's bit is set once it exists: hook spawn through the scheduler's add.
      const add = k.sched.add.bind(k.sched);
      k.sched.add = (t) => { k.setSyscallWork(t, SYSCALL_WORK_SYSCALL_TRACE, true); add(t); };
    });
    assert.equal(r.error, null);
    const native = runNative('tests/guest/bin/syscalls.asm').stdout;
    assert.equal(r.stdout, native.replace('getpid > 0: 1', 'getpid > 0: 0'));
    assert.ok(enters >= 10, `entry hooks: ${enters}`);
    assert.equal(exits, enters - 1, 'every call but exit_group reached the exit work');
    if (syscallPath === 'split-tables') assert.equal(r.kernel.fastPathCalls, 0, 'the work bit sent every call down the slow path');
  });
}
