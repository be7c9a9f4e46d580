// Compatibility-mode execution (CS = __USER32_CS: L = 0, D = 1) against the host CPU. The same
// i386 program, tests/guest/src/i386/runner32.c, runs each snippet natively and under ringside
// and prints the registers, flags, data selectors and a scratch area it leaves: 32-bit operand
// and address sizes and their 66/67 overrides, INC/DEC at 40-4F (REX in 64-bit mode), push and
// pop widths, far CALL/JMP/RET between 32-bit code selectors, segment loads of the user data
// and TLS selectors (MOV, POP, LES/LDS/LFS/LGS), the instructions only outside 64-bit mode
// (PUSHA/POPA, PUSH/POP of ES/SS/DS, BOUND, ARPL, DAA/AAA/AAM), and x87/SSE as in 64-bit mode.
// The faulting cases are checked on the bare test machine against the SDM.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGuest, runNative } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX } from '../guest/guests.js';
import { SysMachine, CODE, DATA } from './system-machine.js';
import { BR, GP } from '../../src/cpu/regs.js';
import { __USER_DS } from '../../src/kernel/arch/layout.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };
const RUNNER = 'tests/guest/bin/runner32.i386';

/** NAME, code bytes in hex. The runner appends a RET; ebx and esi point at scratch memory. */
const SNIPPETS: [string, string][] = [
  ['inc_dec', '404347484a4f'],
  ['inc_overflow', 'b8ffffff7f40'],
  ['dec_to_zero', 'b9010000004948'],
  ['push16_imm', '89e0666a8529e06659'],
  ['push32_imm', '89e06a8529e059'],
  ['pushf32', '89e09c29e059'],
  ['pushf16', '89e0669c29e06659'],
  ['call_pushes_4', '89e0e80000000029e059'],
  ['pusha_layout', '608b4424188903618b4c241c'],
  ['addr16_lea_bx', '678d4705'],
  ['addr16_lea_bx_si', '678d00'],
  ['operand16_mov', '66b83412'],
  ['operand16_add', '66b8ffff6605ffff'],
  ['mov_from_sreg', '8cd88cc18cea'],
  ['push_pop_es', '0607'],
  ['gs_tls_to_fs', '0fa80fa1658b0d00000000648b150000000029d131d28ee2'],
  ['far_call_lret', '9a200000102300b801000000c390909090909090909090909090909090909090cb'],
  ['far_jmp', 'ea0d0000102300909090909090b802000000'],
  ['daa', 'b019042827'],
  ['aaa_aam', 'b80900000004053737d40a'],
  ['rep_movsb', '89dfb904000000f3a4'],
  ['x87_add', 'd9e8d9e8dec1db1b'],
  ['sse_add', 'f30f1003f30f58c0f30f114304'],
  ['les', 'c743042b000000c403'],
  ['bound_in_range', 'b805000000c70300000000c74304100000006203'],
  ['cbw_cwde_cdq', 'b080669898b8000000809999'],
  ['jcxz16', 'b90000010067e302b001'],
  ['loop16', 'b903000100b8000000004067e2fd'],
  ['bswap_movzx', 'b8112233440fc80fb6c80fbfd0'],
  ['arpl', '66b8000066b9030063c8'],
  ['lds_lfs_lgs', 'c743042b000000c503c7430463000000c7030000000f0fb40b0fb533'],
  ['bound_out_of_range', 'b820000000c70300000000c74304100000006203'],
  ['push_pop_ds_ss', '1e1f1617'],
  ['pop_ds_bad', '6a4b1f'],
];
/** BOUND out of range (#BR) and POP DS of a system descriptor's slot (#GP): SIGSEGV on Linux. */
const FAULTING = ['bound_out_of_range', 'pop_ds_bad'];

test('runner32: every snippet leaves the same registers, flags, selectors and memory as on the host CPU', native, () => {
  const args = SNIPPETS.filter(([n]) => !FAULTING.includes(n)).map(([n, hex]) => `${n}=${hex}`);
  const host = runNative(RUNNER, args);
  assert.equal(host.status, 0, host.stderr);
  const r = runGuest(RUNNER, args);
  assert.equal(r.error, null);
  assert.equal(r.status, 0);
  const a = r.stdout.split('\n'), b = host.stdout.split('\n');
  assert.equal(b.length, args.length + 1);
  for (let k = 0; k < b.length; k++) assert.equal(a[k], b[k], `snippet ${args[k]?.split('=')[0]} (ringside, then host)`);
});

test('runner32: the faulting snippets end the program the way they end it on the host', native, () => {
  for (const name of FAULTING) {
    const arg = `${name}=${SNIPPETS.find(([n]) => n === name)![1]}`;
    const host = runNative(RUNNER, [arg]);
    const r = runGuest(RUNNER, [arg]);
    assert.equal(r.status, host.status, name);
    assert.equal(r.status, 128 + 11, name);
  }
});

test('compatibility mode: BOUND outside the bounds is #BR, a fault with no error code at the instruction (SDM Vol. 2 BOUND)', () => {
  const s = new SysMachine('intel');
  s.m.write32(DATA, 0);
  s.m.write32(DATA + 4, 0x10);
  // mov $0x20, %eax; bound %eax, (DATA)
  const ev = s.run([0xb8, 0x20, 0, 0, 0, 0x62, 0x05, ...le32(DATA)], { mode: 32 });
  assert.equal(ev.vector, BR);
  assert.equal(ev.errorCode, null);
  assert.equal(ev.frame.rip, CODE + 5);
});

test('compatibility mode: POP DS with a selector outside the GDT is #GP(selector) and leaves ESP unchanged (SDM Vol. 2 POP)', () => {
  const s = new SysMachine('intel');
  // push $0x7b; pop %ds: GDT slot 15 is empty (not a data or readable code segment).
  const ev = s.run([0x6a, 0x7b, 0x1f], { mode: 32 });
  assert.equal(ev.vector, GP);
  assert.equal(ev.errorCode, 0x78);
  assert.equal(ev.frame.rip, CODE + 2);
  const ok = new SysMachine('intel');
  // push $__USER_DS; pop %es: loads, no fault.
  const ev2 = ok.run([0x6a, __USER_DS, 0x07], { mode: 32 });
  assert.ok(ev2.end, 'reached the end');
});

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
