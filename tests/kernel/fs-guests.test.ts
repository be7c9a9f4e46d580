// The file-system guests (tests/guest/src/fsops.c, pipes.c, pipefork.c), built with glibc and musl,
// run under ringside and natively: every line they print (results and errno names of some
// three hundred calls) must be the same. The host kernel is the oracle.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';
import { guestPath, HOST_IS_X86_64_LINUX } from '../guest/guests.js';
import { tempDir } from './fs-bench.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };

/** Show the first differing line, which says more than a whole-output diff. */
function sameLines(emulated: string, host: string, what: string): void {
  const a = emulated.split('\n'), b = host.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    assert.equal(a[i], b[i], `${what}: line ${i + 1} differs (ringside, then host)`);
  }
}

for (const libc of ['glibc', 'musl']) {
  test(`fsops.${libc}: names, links, rename, getdents, attributes, fcntl and locks as on the host`, native, () => {
    const bin = guestPath(`fsops.${libc}`);
    const host = runNative(bin, [tempDir('fsops-native')]);
    assert.equal(host.status, 0, host.stdout);
    const r = runGuest(bin, [tempDir('fsops-guest')]);
    assert.equal(r.error, null);
    sameLines(r.stdout, host.stdout, `fsops.${libc}`);
    assert.equal(r.status, 0);
    assert.match(host.stdout, /\nentries at end: [^\n]+\n$/, 'the guest ran to its end');
  });

  test(`pipes.${libc}: pipes, poll/select with timeouts, /dev and /proc as on the host`, native, () => {
    const bin = guestPath(`pipes.${libc}`);
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    const r = runGuest(bin);
    assert.equal(r.error, null);
    sameLines(r.stdout, host.stdout, `pipes.${libc}`);
    assert.equal(r.status, 0);
    // The timeouts slept through the wait protocol: guest time moved on by at least them.
    assert.ok(r.kernel.clock.uptimeNs() >= 20e6 + 30e6 + 10e6 + 5e6, `guest uptime ${r.kernel.clock.uptimeNs()} ns`);
  });

  test(`pipefork.${libc}: reads, writes, poll and select that block until another process acts`, native, () => {
    const bin = guestPath(`pipefork.${libc}`);
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    const r = runGuest(bin);
    assert.equal(r.error, null);
    sameLines(r.stdout, host.stdout, `pipefork.${libc}`);
    assert.equal(r.status, 0);
    // The ping-pong alone switches tasks two thousand times.
    assert.ok(r.kernel.sched.switches >= 2000, `${r.kernel.sched.switches} context switches`);
  });
}
