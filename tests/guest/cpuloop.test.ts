// cpuloop, the interpreter benchmark's program (bench/mips.ts), computes under ringside what it
// computes natively: its checksums cover every stage (sieve, hash, sort) and it exits 1 if the
// sort comes out wrong, so a benchmark figure is never that of a broken run. Two rounds: about
// 14 M instructions per libc.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';
import { guestPath, HOST_IS_X86_64_LINUX } from './guests.js';

for (const lib of ['glibc', 'musl']) {
  test(`cpuloop.${lib} 2: the same checksums as on the host`, { skip: !HOST_IS_X86_64_LINUX && 'needs an x86-64 Linux host' }, () => {
    const path = guestPath(`cpuloop.${lib}`);
    const native = runNative(path, ['2']);
    assert.equal(native.status, 0);
    assert.match(native.stdout, /^cpuloop: 2 rounds, primes 35968, hash [0-9a-f]{16}, sorted [0-9a-f]{16}\n$/);
    const r = runGuest(path, ['2']);
    assert.equal(r.error, null);
    assert.equal(r.stdout, native.stdout);
    assert.equal(r.status, 0);
    assert.ok(r.kernel.cpu.icount > 10_000_000, `${r.kernel.cpu.icount} instructions`);
  });
}
