// Processes (tests/guest/src/forkexec.c, glibc and musl): fork + execve of itself with arguments
// and an environment, vfork + execve and vfork + _exit, posix_spawn, exit codes truncated to 8
// bits, a failing execve, pipes dup2'd onto an exec'd filter's stdin and stdout, WNOHANG before
// and after a child exits, ECHILD, several children reaped by wait4(-1), waitid's siginfo, and
// SIGTERM / SIGKILL / SIGINT killing a child asleep in nanosleep. Every line must be the host's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX } from '../guest/guests.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };
const BIN = 'tests/guest/bin';

for (const libc of ['glibc', 'musl']) {
  test(`forkexec.${libc}: fork, exec, vfork, posix_spawn, wait statuses and kills as on the host`, native, () => {
    const bin = `${BIN}/forkexec.${libc}`;
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    assert.match(host.stdout, /\ndone\n$/, 'the host run reached its end');
    const r = runGuest(bin, [], { stats: true });
    assert.equal(r.error, null);
    const a = r.stdout.split('\n'), b = host.stdout.split('\n');
    for (let i = 0; i < Math.max(a.length, b.length); i++) assert.equal(a[i], b[i], `line ${i + 1} differs (ringside, then host)`);
    assert.equal(r.stderr, host.stderr);
    assert.equal(r.status, 0);
    const calls = r.kernel.stats.syscalls;
    // Seven execve calls (two of them fail with ENOENT) and 23 new processes, whichever call
    // the C library makes them with (glibc: clone for fork, clone3 for posix_spawn; musl: fork,
    // and clone(CLONE_VM|CLONE_VFORK) for posix_spawn).
    assert.equal(calls.get('execve'), 7);
    const made = ['fork', 'vfork', 'clone', 'clone3'].reduce((n, c) => n + (calls.get(c) ?? 0), 0);
    assert.equal(made, 23);
  });
}
