// 32-bit programs (issue 7): ELF32 i386 static executables in compatibility mode, entering the
// kernel by INT 0x80, SYSENTER or SYSCALL32 (src/kernel/arch/entry_64_compat.S,
// src/kernel/entry/syscall32.ts), with the i386 table and the compat system calls. The oracle is
// the host: the same i386 binaries run natively (the host runs 32-bit code) and must print the
// same. gcc -m32 -static programs use glibc's __kernel_vsyscall through AT_SYSINFO. No musl
// build: Debian's musl-tools has no i386 compiler.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runGuest, runNative, type GuestRun } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX } from '../guest/guests.js';
import type { Vendor } from '../../src/cpu/cpu.js';
import type { KernelOptions } from '../../src/kernel/kernel.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };
const BIN = 'tests/guest/bin';
const hostVendor = HOST_IS_X86_64_LINUX && /GenuineIntel/.test(readFileSync('/proc/cpuinfo', 'latin1')) ? 'intel' : 'amd';

/** The three entries, each with the vendor whose CPU has it in compatibility mode. */
const PAIRS: { entry: KernelOptions['compatEntry']; vendor: Vendor; stub: string }[] = [
  { entry: 'int80', vendor: 'intel', stub: 'software via asm_int80_emulation' },
  { entry: 'sysenter', vendor: 'intel', stub: 'syscall via entry_SYSENTER_compat' },
  { entry: 'syscall32', vendor: 'amd', stub: 'syscall via entry_SYSCALL_compat' },
];

function sameAsHost(name: string, args: string[] = [], opts: Partial<KernelOptions> = {}): GuestRun {
  const bin = `${BIN}/${name}`;
  const host = runNative(bin, args);
  const r = runGuest(bin, args, opts);
  assert.equal(r.error, null, `${name}: ${r.error}`);
  const a = r.stdout.split('\n'), b = host.stdout.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) assert.equal(a[i], b[i], `${name}: line ${i + 1} differs (ringside, then host)`);
  assert.equal(r.stderr, host.stderr, `${name}: stderr`);
  assert.equal(r.status, host.status, `${name}: status`);
  return r;
}

const count = (m: Map<string, number>, key: string): number => m.get(key) ?? 0;

test('glibc i386 programs print what they print on the host: printf of integers and floating point, files, malloc, pipes, fork/exec/wait, signal handlers', native, () => {
  for (const [name, args] of [
    ['hello.i386', []], ['readfile.i386', ['tests/guest/src/hello.c']], ['malloc.i386', []], ['exitcode.i386', ['300', 'exit']],
    ['fsops.i386', []], ['pipes.i386', []], ['forkexec.i386', []], ['sighandler.i386', []], ['threads.i386', []],
  ] as [string, string[]][]) {
    const r = sameAsHost(name, args, { stats: true });
    // The calls went through the i386 table, not the 64-bit one.
    const calls = [...r.kernel.stats.syscalls.keys()];
    assert.ok(calls.length > 0 && calls.every((c) => c.endsWith('(i386)')), `${name}: ${calls.filter((c) => !c.endsWith('(i386)')).join(', ')}`);
  }
});

test('sighandler.i386: handlers get the ia32 frames (sigframe and rt_sigframe) and return through the vDSO trampolines', native, () => {
  const r = sameAsHost('sighandler.i386', [], { stats: true });
  const calls = r.kernel.stats.syscalls;
  // glibc's restorers: rt_sigreturn for SA_SIGINFO handlers and for plain ones alike (it sets
  // SA_RESTORER with __restore_rt / __restore).
  assert.ok(count(calls, 'rt_sigreturn (i386)') + count(calls, 'sigreturn (i386)') >= 5);
  assert.ok(r.kernel.signalsDelivered >= 7);
});

for (const p of PAIRS) {
  test(`--compat-entry=${p.entry} on ${p.vendor}: entries32.asm and forkexec.i386 as on the host; --stats shows the entry and its returns`, native, () => {
    const opts = { compatEntry: p.entry, vendor: p.vendor, stats: true } as const;
    const asm = sameAsHost('entries32.asm', [], opts);
    assert.match(asm.stdout, /vsyscall getpid x1000 ok\n[^]*done\n$/);
    const st = asm.kernel.stats;
    // 1000 getpids through the vDSO, plus the writes that go through it.
    assert.ok(count(st.entries, p.stub) >= 1000, `${p.stub}: ${count(st.entries, p.stub)}`);
    const sysretl = count(st.returns, 'SYSRETL after syscall');
    const iret = [...st.returns].filter(([k]) => k.startsWith('IRET')).reduce((n, [, v]) => n + v, 0);
    if (p.entry === 'int80') {
      // INT 0x80 always returns by IRET.
      assert.equal(sysretl, 0);
      assert.ok(count(st.returns, 'IRET after software') >= 2000);
    } else {
      // Every fast call returns by SYSRETL (the landing pad is untouched); the 1000 direct
      // INT 0x80 calls by IRET. A 64-bit kernel never uses SYSEXIT.
      assert.ok(sysretl >= 1000, `SYSRETL ${sysretl}`);
      assert.equal(count(st.returns, 'SYSEXIT after syscall'), 0);
      assert.ok(sysretl / (sysretl + iret) > 0.4, `SYSRETL share ${sysretl}/${sysretl + iret}`);
    }
    const fe = sameAsHost('forkexec.i386', [], opts);
    assert.ok(count(fe.kernel.stats.entries, p.stub) > 100);
  });
}

test('the fast entries refuse SYSRETL when the return is not to the landing pad: signal delivery and sigreturn go by IRET, with the reason recorded', native, () => {
  const r = sameAsHost('sighandler.i386', [], { compatEntry: 'sysenter', vendor: 'intel', stats: true });
  const why = r.kernel.stats.iretReasons;
  // Seven deliveries: each moves ip to the handler. (sigreturn itself comes by INT 0x80.)
  assert.ok(count(why, 'SYSRETL: ip is not the vDSO landing pad') >= 5, [...why.keys()].join('; '));
});

test('the wrong vendor for the entry raises #UD in the guest, as the hardware does: SYSENTER on AMD in long mode, SYSCALL from compatibility mode on Intel', () => {
  for (const [entry, vendor] of [['sysenter', 'amd'], ['syscall32', 'intel']] as const) {
    const r = runGuest(`${BIN}/entries32.asm`, [], { compatEntry: entry, vendor, stats: true });
    assert.equal(r.error, null);
    // The vDSO's first fast call faults: SIGILL, before anything is printed.
    assert.equal(r.status, 128 + 4, `${entry} on ${vendor}`);
    assert.equal(r.stdout, '');
    assert.equal(count(r.kernel.stats.entries, 'exception via asm_exc_invalid_op'), 1);
  }
});

test('a corrupted user stack at SYSENTER (and at SYSCALL32): the kernel fetches arg 6 fault-safely, the call returns -EFAULT by IRET, and the program faults at the landing pad', () => {
  for (const [how, vendor] of [['sysenter', 'intel'], ['syscall', 'amd']] as const) {
    const r = runGuest(`${BIN}/badstack.i386`, [how], { vendor, stats: true });
    assert.equal(r.error, null);
    assert.equal(r.stdout, [
      `entering with ${how} and the user stack at 0x10`,
      'SIGSEGV at the vDSO landing pad: yes',
      'eax = -14 (-EFAULT)',
      'esp = 0x10, fault address 0x10',
      '',
    ].join('\n'));
    assert.equal(r.status, 0);
    // The call itself never ran (getpid would have returned the pid), and the return was IRET.
    assert.equal(count(r.kernel.stats.syscalls, 'getpid (i386)'), 0);
    assert.equal(count(r.kernel.stats.iretReasons, 'SYSRETL: arg 6 not readable at the user ESP (-EFAULT)'), 1);
    if (HOST_IS_X86_64_LINUX && (how === 'sysenter') === (hostVendor === 'intel')) {
      // The host's CPU has this instruction in compatibility mode: its kernel must agree.
      const host = runNative(`${BIN}/badstack.i386`, [how]);
      assert.equal(r.stdout, host.stdout);
    }
  }
});

test('--stats names the entries and the returns of a 32-bit program', () => {
  const r = runGuest(`${BIN}/hello.i386`, [], { compatEntry: 'sysenter', vendor: 'intel', stats: true });
  const text = r.kernel.stats.format({ userInsns: 0, kernelInsns: 0, cycles: 0 });
  assert.match(text, /syscall via entry_SYSENTER_compat\s+\d+/);
  assert.match(text, /SYSRETL after syscall\s+\d+/);
  assert.match(text, /write \(i386\)\s+\d+/);
});

test('INT 0x80 from a 64-bit program is an i386 system call: i386 numbers, 32-bit arguments, every register but rax kept (r8-r15 too)', native, () => {
  const r = sameAsHost('int80_64.asm', [], { stats: true });
  assert.equal(r.status, 0);
  const calls = r.kernel.stats.syscalls;
  assert.equal(count(calls, 'getpid (i386)'), 1);
  assert.equal(count(calls, 'getpid'), 1); // the 64-bit SYSCALL 39
  assert.ok(count(calls, 'write (i386)') >= 3);
  // getpid, two prints, the truncated write, exit.
  assert.equal(count(r.kernel.stats.entries, 'software via asm_int80_emulation'), 5);
});

test('the compat entry and exit code survives an interrupt or NMI at every instruction boundary, with the entry invariants checked', () => {
  for (const p of PAIRS) {
    for (const inject of ['irq', 'nmi'] as const) {
      const r = runGuest(`${BIN}/entries32.asm`, [], { compatEntry: p.entry, vendor: p.vendor, checkEntry: true, inject });
      assert.equal(r.error, null, `${p.entry} ${inject}: ${r.error}`);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /registers preserved\n[^]*done\n$/, `${p.entry} ${inject}`);
    }
  }
});
