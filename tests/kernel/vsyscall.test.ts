// The vsyscall page (src/kernel/vdso/vsyscall.ts, Linux's vsyscall_64.c): tests/guest/src/vsyscall.S
// calls 0xffffffffff600000/400/800 directly. Under vsyscall=emulate the calls work and the page
// reads back Linux's bytes; under xonly (the default, and the host's) the calls work and reading
// is SIGSEGV; under none the call itself is SIGSEGV. A call that is not at an entry, or with a
// bad pointer, is SIGSEGV in every mode. The host is the oracle for its own mode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runGuest, runNative } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX } from '../guest/guests.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { entryImage } from '../../src/kernel/arch/image.js';
import { NodeHost } from '../../src/cli/node-host.js';
import { maps } from '../../src/kernel/fs/procfs.js';
import { vsyscallMapsLine } from '../../src/kernel/vdso/vsyscall.js';

const BIN = 'tests/guest/bin/vsyscall.asm';
const SEGV = 128 + 11;

const EXPECT: Record<'emulate' | 'xonly' | 'none', Record<string, [number, string]>> = {
  emulate: { call: [0, 'calls: ok\n'], read: [0, 'read: ok\n'], misaligned: [SEGV, ''], badptr: [SEGV, ''], kernelptr: [SEGV, ''] },
  xonly: { call: [0, 'calls: ok\n'], read: [SEGV, ''], misaligned: [SEGV, ''], badptr: [SEGV, ''], kernelptr: [SEGV, ''] },
  none: { call: [SEGV, ''], read: [SEGV, ''], misaligned: [SEGV, ''], badptr: [SEGV, ''], kernelptr: [SEGV, ''] },
};

for (const mode of ['emulate', 'xonly', 'none'] as const) {
  test(`vsyscall=${mode}: calls, reads, a misaligned entry and bad pointers end as Linux ends them`, () => {
    for (const [step, [status, out]] of Object.entries(EXPECT[mode])) {
      const r = runGuest(BIN, [step], { vsyscall: mode, stats: true });
      assert.equal(r.error, null, step);
      assert.equal(r.status, status, `${mode} ${step}`);
      assert.equal(r.stdout, out, `${mode} ${step}`);
      if (step === 'call' && status === 0) {
        // Emulated on the page fault: no SYSCALL was made for the three calls.
        const calls = r.kernel.stats.syscalls;
        for (const c of ['gettimeofday', 'time', 'getcpu']) assert.equal(calls.get(c), undefined, c);
        assert.ok((r.kernel.stats.entries.get('exception via asm_exc_page_fault') ?? 0) >= 4, 'one page fault per call');
      }
    }
  });
}

const hostMode = (() => {
  if (!HOST_IS_X86_64_LINUX) return null;
  const line = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.endsWith('[vsyscall]'));
  return line === undefined ? 'none' : line.includes(' r-xp ') ? 'emulate' : 'xonly';
})();

test('the host, in its own vsyscall mode, ends every step as ringside does', { skip: hostMode ? false : 'needs an x86-64 Linux host' }, () => {
  const mode = hostMode as 'emulate' | 'xonly' | 'none';
  for (const step of Object.keys(EXPECT[mode])) {
    const host = runNative(BIN, [step]);
    const r = runGuest(BIN, [step], { vsyscall: mode });
    assert.deepEqual([r.status, r.stdout], [host.status, host.stdout], `${mode} ${step}`);
  }
});

test('/proc/PID/maps ends with the [vsyscall] gate line, as the host prints it', () => {
  const k = new Kernel(new NodeHost(), entryImage(), { memoryMiB: 64 });
  const t = k.spawn(fs.readFileSync(BIN), BIN, [BIN, 'call'], []);
  const lines = maps(t, vsyscallMapsLine(k)).trimEnd().split('\n');
  assert.equal(lines.at(-1), 'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]');
  if (hostMode === 'xonly') {
    const host = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.endsWith('[vsyscall]'));
    assert.equal(lines.at(-1), host);
  }
  const e = new Kernel(new NodeHost(), entryImage(), { memoryMiB: 64, vsyscall: 'emulate' });
  assert.match(vsyscallMapsLine(e)!, / r-xp /);
  assert.equal(vsyscallMapsLine(new Kernel(new NodeHost(), entryImage(), { memoryMiB: 64, vsyscall: 'none' })), null);
});
