// Threads (tests/guest/src/threads.c, glibc and musl pthreads): four threads add to one counter
// under a contended mutex, meet at a condition variable, are joined with their results, keep
// their own TLS; a detached thread runs; and a process whose main thread calls pthread_exit
// lives on in its last thread, whose exit(3) is the status the parent's waitpid sees (and the
// run itself ends only when the first process's last thread does). This
// exercises clone/clone3 with CLONE_THREAD|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID,
// futex wait and wake, set_robust_list, thread exit versus exit_group, and the delayed reaping
// of a group leader. The host runs the same binaries as the oracle.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX } from '../guest/guests.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };
const BIN = 'tests/guest/bin';

for (const libc of ['glibc', 'musl']) {
  const bin = `${BIN}/threads.${libc}`;

  test(`threads.${libc}: four pthreads and a mutex-protected counter give the host's output`, native, () => {
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    assert.match(host.stdout, /^total: 80000 \(expected 80000\)$/m);
    const r = runGuest(bin, [], { stats: true });
    assert.equal(r.error, null);
    assert.equal(r.stdout, host.stdout);
    assert.equal(r.stderr, host.stderr);
    assert.equal(r.status, 0);
    const calls = r.kernel.stats.syscalls;
    // Seven threads (four workers, the detached one, the survivor in the forked child, the last
    // one here) and one process were created, and the lock really was contended: threads slept in futex and were
    // woken (each worker yields while holding the lock 79 times).
    assert.equal(['fork', 'clone', 'clone3'].reduce((n, c) => n + (calls.get(c) ?? 0), 0), 8);
    assert.ok((calls.get('futex') ?? 0) >= 100, `futex calls: ${calls.get('futex')}`);
  });

  test(`threads.${libc}: the same result when the timer preempts threads inside the critical section`, native, () => {
    const host = runNative(bin, ['5000']);
    const r = runGuest(bin, ['5000'], { hz: 20000, stats: true });
    assert.equal(r.error, null);
    assert.equal(r.stdout, host.stdout);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^total: 20000 \(expected 20000\)$/m);
    assert.ok((r.kernel.stats.entries.get('interrupt via irq_entries_start') ?? 0) > 20, 'timer interrupts were taken');
    assert.ok(r.kernel.sched.switches > 20, `switches: ${r.kernel.sched.switches}`);
  });
}
