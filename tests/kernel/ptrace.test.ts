// ptrace (src/kernel/ptrace): guests that trace their own children, run natively and under
// ringside with the same output — a small strace (PTRACE_SYSCALL, PEEKDATA, GET_SYSCALL_INFO),
// a single-stepper that counts a known loop, and a tour of the register, signal and event
// interfaces — and the CVE-2014-4699 scenario: a tracer's non-canonical RIP at a syscall-exit
// stop must leave by IRET (Intel's SYSRET would fault in ring 0 on the user's stack).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative, assertSameLines } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX } from '../guest/guests.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };
const BIN = 'tests/guest/bin';


for (const libc of ['glibc', 'musl']) {
  test(`ptrace_strace.${libc}: a PTRACE_SYSCALL tracer prints the child's calls as on the host`, native, () => {
    const bin = `${BIN}/ptrace_strace.${libc}`;
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    assert.match(host.stdout, /exit_group\(3\) = \?\n\+\+\+ exited with 3 \+\+\+\n/);
    assert.match(host.stdout, /GET_SYSCALL_INFO mismatches: 0\n$/);
    const r = runGuest(bin, [], { stats: true, checkEntry: true });
    assert.equal(r.error, null);
    assertSameLines(r.stdout, host.stdout);
    assert.equal(r.status, 0);
  });

  test(`ptrace_step.${libc}: single-stepping counts the loop's instructions, and steps into a handler, as on the host`, native, () => {
    const bin = `${BIN}/ptrace_step.${libc}`;
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    // int3, then mov + 1000 × (add, dec, jnz) + mov + syscall (reported at its exit) + mov + mov; exit_group ends it.
    assert.match(host.stdout, /exited with 7 after 3005 steps/);
    // PTRACE_SINGLESTEP into a handler: the SIGTRAP comes before its first instruction, TF not in the frame.
    assert.match(host.stdout, /stepped into the handler: SIGTRAP, si_code 5, at the handler's first instruction 1, TF in flags 0\nhandler ran, exited with 10 /);
    const r = runGuest(bin, [], { stats: true });
    assert.equal(r.error, null);
    assertSameLines(r.stdout, host.stdout);
    // TF set by ptrace forces every return from the stepped syscall to use IRET (the SYSRET check).
    assert.equal(r.kernel.stats.iretReasons.get('TF set'), 1);
  });

  test(`ptrace_regs.${libc}: registers, user area, signals, events, KILL and SEIZE/INTERRUPT as on the host`, native, () => {
    const bin = `${BIN}/ptrace_regs.${libc}`;
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    assert.match(host.stdout, /\ndone\n$/);
    const r = runGuest(bin, [], { checkEntry: true });
    assert.equal(r.error, null);
    assertSameLines(r.stdout, host.stdout);
    assert.equal(r.status, 0);
  });
}

test('--trace=entry names SYSCALL_TRACE on the traced child\'s syscalls (the slow path)', () => {
  const r = runGuest(`${BIN}/ptrace_strace.musl`, [], { traceEntries: true });
  assert.equal(r.status, 0);
  const traced = r.log.filter((l) => /^\[entry\] syscall \d+ \(\w+\) \[slow path: SYSCALL_TRACE\]/.test(l));
  // (A line is printed as the entry returns: exit_group never does.)
  for (const name of ['getpid', 'write', 'openat', 'nanosleep']) {
    assert.ok(traced.some((l) => l.includes(`(${name}) [slow path: SYSCALL_TRACE]`)), `${name}:\n${traced.join('\n')}`);
  }
  // The tracer's own calls are not traced.
  assert.ok(r.log.some((l) => /^\[entry\] syscall \d+ \(wait4\) via/.test(l)));
});

test('CVE-2014-4699: a non-canonical RIP set at a syscall-exit stop returns by IRET; the tracee dies of SIGSEGV as on the host', native, () => {
  const bin = `${BIN}/ptrace_sysret.glibc`;
  const host = runNative(bin);
  assert.equal(host.status, 0, host.stdout);
  assert.match(host.stdout, /tracee killed by signal 11\n$/);
  const r = runGuest(bin, [], { vendor: 'intel', stats: true, checkEntry: true });
  assert.equal(r.error, null);
  assertSameLines(r.stdout, host.stdout);
  assert.equal(r.kernel.stats.iretReasons.get('rip >= TASK_SIZE_MAX (non-canonical or kernel address)'), 1);
});

test('CVE-2014-4699 without the RIP check: Intel SYSRET faults in ring 0 on the user\'s stack', () => {
  const r = runGuest(`${BIN}/ptrace_sysret.musl`, [], { vendor: 'intel', sysretChecks: { ipRange: false, rfTf: true } });
  assert.ok(r.error, 'the machine must stop');
  assert.match(r.error!, /^kernel fault: #GP\(0x0\) in exc_general_protection at entry_SYSRETQ_unsafe_stack\+0x3/);
  assert.match(r.error!, /rsp is a user address/);
  assert.equal(r.status, 70);
  // AMD's SYSRET loads a non-canonical RIP without complaint and faults in user mode: no kernel fault.
  const amd = runGuest(`${BIN}/ptrace_sysret.musl`, [], { vendor: 'amd', sysretChecks: { ipRange: false, rfTf: true } });
  assert.equal(amd.error, null);
  assert.match(amd.stdout, /tracee killed by signal 11\n$/);
});
