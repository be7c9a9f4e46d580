// The system-call path end to end: SYSCALL lands in entry_SYSCALL_64 at CPL 0, the TypeScript
// do_syscall_64 runs, and the assembly returns by SYSRET when do_syscall_64 allows it and by
// IRET otherwise. Guests run natively too, as the oracle for their output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';

const BIN = 'tests/guest/bin';

test('syscalls.asm prints what it prints natively, every syscall in by entry_SYSCALL_64 and out by SYSRET', () => {
  const native = runNative(`${BIN}/syscalls.asm`);
  const r = runGuest(`${BIN}/syscalls.asm`, [], { stats: true, traceEntries: true });
  assert.equal(r.error, null);
  assert.equal(r.stdout, native.stdout);
  assert.equal(r.status, native.status);
  const entries = r.log.filter((l) => l.startsWith('[entry] syscall'));
  assert.ok(entries.length >= 10, `expected many syscall entries, got ${entries.length}`);
  for (const line of entries) {
    assert.match(line, /via entry_SYSCALL_64: \d+ kernel insns, \d+ cycles, return SYSRET$/, line);
    const insns = Number(/: (\d+) kernel insns/.exec(line)![1]);
    assert.ok(insns > 20 && insns < 200, `ring-0 instruction count ${insns} out of range in: ${line}`);
  }
  // exit_group does not return, so every other syscall came back by SYSRET.
  assert.equal(r.kernel.stats.returns.get('SYSRET after syscall'), entries.length);
});

test('a handler that moves the saved RIP makes the return go through IRET (rcx != rip)', () => {
  assert.equal(runNative(`${BIN}/sysret_probe.asm`).status, 1);
  const r = runGuest(`${BIN}/sysret_probe.asm`, [], { stats: true }, (k) => {
    k.testSyscalls.set(0x1001, (kk) => {
      kk.regs.setNum('rip', kk.regs.num('rip') + 2); // skip `inc %ebx`
      return 0;
    });
  });
  assert.equal(r.error, null);
  assert.equal(r.status, 0, 'the skipped increment shows the new RIP was used');
  assert.equal(r.kernel.stats.returns.get('IRET after syscall'), 1);
  assert.equal(r.kernel.stats.iretReasons.get('rcx != rip'), 1);
});

test('the same handler with RIP left alone returns by SYSRET', () => {
  const r = runGuest(`${BIN}/sysret_probe.asm`, [], { stats: true }, (k) => {
    k.testSyscalls.set(0x1001, () => 0);
  });
  assert.equal(r.status, 1);
  assert.equal(r.kernel.stats.returns.get('SYSRET after syscall'), 1);
  assert.equal(r.kernel.stats.returns.get('IRET after syscall') ?? 0, 0);
});

const NONCANONICAL = 0x800000000000; // bit 47 set, bits 63:48 clear: not canonical

function setBoth(k: import('../../src/kernel/kernel.js').Kernel): number {
  // A handler (think ptrace, or sigreturn) that points RIP — and RCX with it, so that
  // rcx == rip still holds — at a non-canonical address.
  k.regs.setNum('rip', NONCANONICAL);
  k.regs.setNum('rcx', NONCANONICAL);
  return 0;
}

test('with the canonical check, a non-canonical RIP returns by IRET and faults as the user\'s problem', () => {
  const r = runGuest(`${BIN}/sysret_probe.asm`, [], { stats: true, traceSyscalls: true }, (k) => k.testSyscalls.set(0x1001, setBoth));
  assert.equal(r.kernel.stats.iretReasons.get('rip >= TASK_SIZE_MAX (non-canonical or kernel address)'), 1);
  // IRETQ itself raises #GP(0) on the non-canonical RIP; the entry code recognises the fault at
  // native_irq_return_iret and the task gets SIGSEGV: no kernel fault.
  assert.equal(r.error, null);
  assert.equal(r.status, 128 + 11);
});

test('without the canonical check (a mutated entry), Intel SYSRET raises #GP at CPL 0 on the user stack: a kernel fault, reported', () => {
  const r = runGuest(`${BIN}/sysret_probe.asm`, [], { vendor: 'intel', sysretChecks: { ipRange: false, rfTf: true } }, (k) => k.testSyscalls.set(0x1001, setBoth));
  assert.ok(r.error, 'the run must end with an error line');
  assert.match(r.error!, /^kernel fault: #GP\(0x0\) in exc_general_protection at entry_SYSRETQ_unsafe_stack\+0x3/);
  assert.match(r.error!, /rsp is a user address/);
  assert.equal(r.status, 70);
});

// Each SYSRET condition alone forces IRET (DESIGN.md, "Opportunistic SYSRET"): a handler
// changes one field of the frame, keeping every other condition true.
const RF_BIT = 1 << 16, TF_BIT = 1 << 8;
const CONDITIONS: [string, (k: import('../../src/kernel/kernel.js').Kernel) => void, string, number][] = [
  ['rcx != rip', (k) => { k.regs.setNum('rcx', k.regs.num('rcx') + 1); }, 'rcx != rip', 1],
  ['r11 != rflags', (k) => { k.regs.set('r11', k.regs.lo('r11') ^ 0x1, 0); }, 'r11 != rflags', 1],
  ['cs not __USER_CS', (k) => { k.regs.set('cs', 0x33 | 0x10000, 0); }, 'cs/ss not the SYSRET selectors', 1],
  ['ss not __USER_DS', (k) => { k.regs.set('ss', 0x2b | 0x10000, 0); }, 'cs/ss not the SYSRET selectors', 1],
  ['rip in the top user page', (k) => { k.regs.setNum('rip', 0x7ffffffff000); k.regs.setNum('rcx', 0x7ffffffff000); }, 'rip >= TASK_SIZE_MAX (non-canonical or kernel address)', 139],
  ['RF set', (k) => { const f = k.regs.lo('eflags') | RF_BIT; k.regs.set('eflags', f, 0); k.regs.set('r11', f, 0); }, 'RF set', 1],
  // TF: IRET restores it and the CPU traps after the first user instruction: SIGTRAP, as on Linux.
  ['TF set', (k) => { const f = k.regs.lo('eflags') | TF_BIT; k.regs.set('eflags', f, 0); k.regs.set('r11', f, 0); }, 'TF set', 128 + 5],
];
for (const [what, change, reason, status] of CONDITIONS) {
  test(`SYSRET refused when only this condition fails: ${what}`, () => {
    const r = runGuest(`${BIN}/sysret_probe.asm`, [], { stats: true, checkEntry: true }, (k) => {
      k.testSyscalls.set(0x1001, (kk) => { change(kk); return 0; });
    });
    assert.equal(r.error, null);
    assert.equal(r.kernel.stats.iretReasons.get(reason), 1, `reasons: ${[...r.kernel.stats.iretReasons.keys()].join(', ')}`);
    assert.equal(r.kernel.stats.iretReasons.size, 1, 'one refusal, for the one condition');
    assert.equal(r.status, status);
  });
}

test('single-step: SYSRET that loads TF traps before the first user instruction; IRET after it', () => {
  const setTf = (k: import('../../src/kernel/kernel.js').Kernel) => {
    k.testSyscalls.set(0x1001, (kk) => { const f = kk.regs.lo('eflags') | TF_BIT; kk.regs.set('eflags', f, 0); kk.regs.set('r11', f, 0); return 0; });
  };
  // Without the TF check (a mutated kernel) SYSRET restores TF: the #DB comes at once, at the
  // instruction after SYSCALL (entry + 9: xor 2 bytes, mov 5, syscall 2).
  const viaSysret = runGuest(`${BIN}/sysret_probe.asm`, [], { traceSyscalls: true, sysretChecks: { ipRange: true, rfTf: false } }, setTf);
  assert.equal(viaSysret.status, 128 + 5);
  assert.ok(viaSysret.log.some((l) => l.includes('--- SIGTRAP {si_signo=SIGTRAP, si_code=TRAP_TRACE, si_addr=0x401009} ---')), viaSysret.log.join('\n'));
  // With it (Linux), IRET restores TF and the trap follows the first user instruction (inc, 2 bytes).
  const viaIret = runGuest(`${BIN}/sysret_probe.asm`, [], { traceSyscalls: true }, setTf);
  assert.equal(viaIret.status, 128 + 5);
  assert.ok(viaIret.log.some((l) => l.includes('--- SIGTRAP {si_signo=SIGTRAP, si_code=TRAP_TRACE, si_addr=0x40100b} ---')), viaIret.log.join('\n'));
});
