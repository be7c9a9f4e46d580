// Signal delivery (tests/guest/src/signals.c, glibc and musl): interval timers during a busy
// loop, nested handlers on an alternate stack, a handler that edits the saved RIP, restart of a
// blocking read with and without SA_RESTART, the siginfo and sigcontext of each fault, masks,
// coalescing and queued real-time signals, sigsuspend, sigtimedwait, SA_RESETHAND/SA_NODEFER,
// SIGCHLD's siginfo, nanosleep's remainder, POSIX timers with overruns, and default actions with
// their wait statuses. Every line must be the host's; the kernel side is checked through --stats.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative, assertSameLines } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX } from '../guest/guests.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };
const BIN = 'tests/guest/bin';


for (const libc of ['glibc', 'musl']) {
  test(`signals.${libc}: handlers, frames, restarts, faults, masks and timers as on the host`, native, () => {
    const bin = `${BIN}/signals.${libc}`;
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    assert.match(host.stdout, /\ndone\n$/, 'the host run reached its end');
    const r = runGuest(bin, [], { stats: true, checkEntry: true });
    assert.equal(r.error, null);
    assertSameLines(r.stdout, host.stdout);
    assert.equal(r.stderr, host.stderr);
    assert.equal(r.status, 0);
    const k = r.kernel;
    // Every handler ran from an rt_sigframe and came back through rt_sigreturn (or siglongjmp).
    assert.ok(k.signalsDelivered >= 25, `signals delivered: ${k.signalsDelivered}`);
    assert.ok((k.stats.syscalls.get('rt_sigreturn') ?? 0) >= 10, `rt_sigreturn calls: ${k.stats.syscalls.get('rt_sigreturn')}`);
    // rt_sigreturn restores a whole frame: its return is by IRET, and the trace says why.
    assert.ok((k.stats.iretReasons.get('rt_sigreturn restores the full frame') ?? 0) >= 1, [...k.stats.iretReasons.keys()].join('; '));
  });
}

test('signals under the 2015 split-tables entry give the same output', native, () => {
  const bin = `${BIN}/signals.musl`;
  const host = runNative(bin);
  const r = runGuest(bin, [], { syscallPath: 'split-tables', checkEntry: true });
  assert.equal(r.error, null);
  assertSameLines(r.stdout, host.stdout);
});

test('--trace=syscall shows each delivery with its siginfo, as strace does', () => {
  const r = runGuest(`${BIN}/signals.musl`, [], { traceSyscalls: true });
  assert.equal(r.status, 0);
  const lines = r.log;
  assert.ok(lines.includes('--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---'), 'SIGALRM from the itimer');
  assert.ok(lines.some((l) => l === '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---'), 'the write to address 16');
  assert.ok(lines.some((l) => /^--- SIGFPE \{si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=0x[0-9a-f]+\} ---$/.test(l)));
  assert.ok(lines.some((l) => /^--- SIGRT_\d+ \{si_signo=SIGRT_\d+, si_code=SI_TIMER, si_timerid=0, si_overrun=\d+, si_int=7, si_ptr=0x7\} ---$/.test(l)));
  // The parent is alive too, so the line carries strace -f's "[pid N] " prefix.
  assert.ok(lines.some((l) => /^\[pid +\d+\] \+\+\+ killed by SIGTERM \+\+\+$/.test(l)), 'a child killed by its default action');
});
