// Static C programs (glibc and musl) run under ringside print exactly what they print natively,
// and the kernel entries they make are the ones the design says: system calls in through
// entry_SYSCALL_64 and out by SYSRET, page faults through asm_exc_page_fault and IRET.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';

const BIN = 'tests/guest/bin';
const CASES: [string, string[]][] = [
  ['hello.glibc', []], ['hello.musl', []], ['hello.static-pie.glibc', []],
  ['malloc.glibc', []], ['malloc.musl', []],
  ['readfile.glibc', ['tests/guest/src/hello.c']], ['readfile.musl', ['tests/guest/src/hello.c']],
  ['exitcode.glibc', ['42']], ['exitcode.musl', ['7']],
];

for (const [name, args] of CASES) {
  test(`${name} ${args.join(' ')}: same output and status as on the host`, () => {
    const native = runNative(`${BIN}/${name}`, args);
    const r = runGuest(`${BIN}/${name}`, args, { stats: true });
    assert.equal(r.error, null);
    assert.equal(r.stdout, native.stdout);
    assert.equal(r.stderr, native.stderr);
    assert.equal(r.status, native.status);
    // Every system call but the last (exit_group does not return) left by SYSRET.
    const calls = [...r.kernel.stats.syscalls.values()].reduce((a, b) => a + b, 0);
    assert.equal(r.kernel.stats.returns.get('SYSRET after syscall'), calls - 1);
    assert.equal(r.kernel.stats.returns.get('IRET after syscall') ?? 0, 0);
  });
}

test('killself: a program killed by a signal (raise, abort, #PF, #UD) exits with 128 + signal, as on the host', () => {
  for (const lib of ['glibc', 'musl']) {
    for (const arg of [[], ['abort'], ['segv'], ['ud2'], ['term']]) {
      const native = runNative(`${BIN}/killself.${lib}`, arg);
      const r = runGuest(`${BIN}/killself.${lib}`, arg);
      assert.equal(r.status, native.status, `killself.${lib} ${arg.join(' ')}`);
    }
  }
});
