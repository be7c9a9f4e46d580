// XLAT (xlat.ts), the decimal-adjust group (bcd.ts) and far JMP/CALL/RET (far.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestMachine } from '../harness/machine.js';
import { machine, run, le32, RAX, RBX, RCX, RSP, IF, CF, STATUS, DATA, CODE, STACK_TOP } from './int-machine.js';
import { CS } from '../../src/cpu/regs.js';

test('XLAT: AL ← [rBX + AL] at the address size (SDM Vol. 2 XLAT)', () => {
  const m = machine();
  const table = Array.from({ length: 256 }, (_, k) => (k * 7 + 3) & 0xff);
  m.writeBytes(DATA + 0x100, table);
  for (const al of [0, 1, 0x7f, 0x80, 0xff]) {
    let r = run(m, [0xd7], { [RAX]: 0x1234500n | BigInt(al), [RBX]: BigInt(DATA + 0x100) });
    assert.equal(r.r(RAX), 0x1234500n | BigInt(table[al]));
    // 67h: EBX, the upper half of RBX ignored
    r = run(m, [0x67, 0xd7], { [RAX]: BigInt(al), [RBX]: 0xffffffff00000000n | BigInt(DATA + 0x100) });
    assert.equal(r.r(RAX), BigInt(table[al]));
  }
});

// Decimal adjustments in a 32-bit code segment: [opcode bytes, AX in, flags in] → [AX out, flags
// out], recorded on the AMD host (undefined flags included).
const BCD: [string, number[], number, number, number, number][] = [
  ['daa (0x19 + CF)', [0x27], 0x0019, CF | IF, 0x0079, 0x001],
  ['daa (0x9a)', [0x27], 0x009a, IF, 0x0000, 0x055],
  ['daa (0x7f, AF: OF of the adjustment)', [0x27], 0x007f, 0x10 | IF, 0x0085, 0x890],
  ['das (0x10, AF)', [0x2f], 0x0010, 0x10 | IF, 0x000a, 0x014],
  ['das (0x80 + CF)', [0x2f], 0x0080, CF | IF, 0x0020, 0x801],
  ['aaa (AX + 0x106: flags of the 16-bit sum)', [0x37], 0x74fa, IF, 0x7600, 0x015],
  ['aaa (AF)', [0x37], 0xa445, 0x96 | IF, 0xa50b, 0x095],
  ['aaa (no adjustment)', [0x37], 0xbc27, 0x42 | IF, 0xbc07, 0x084],
  ['aas', [0x3f], 0xc74b, 0x86 | IF, 0xc605, 0x091],
  ['aas (borrow into AH)', [0x3f], 0x0006, 0x10 | IF, 0xff00, 0x095],
  ['aam 10', [0xd4, 0x0a], 0x0034, IF, 0x0502, 0x000],
  ['aam 16', [0xd4, 0x10], 0x00ff, IF, 0x0f0f, 0x004],
  ['aad 10', [0xd5, 0x0a], 0x0305, IF, 0x0023, 0x010],
  ['aad 255 (flags of the final add)', [0xd5, 0xff], 0xffff, IF, 0x0000, 0x055],
];

test('DAA/DAS/AAA/AAS/AAM/AAD in a 32-bit code segment match the AMD host, undefined flags included (SDM Vol. 2 under each name)', () => {
  const m = machine('amd', 32);
  for (const [name, code, ax, fin, axOut, fout] of BCD) {
    const r = run(m, code, { [RAX]: BigInt(ax) }, fin);
    assert.equal(r.trap, null, name);
    assert.equal(Number(r.r(RAX) & 0xffffn), axOut, name);
    assert.equal(r.flags & STATUS, fout, name);
  }
});

test('AAM 0 raises #DE; the decimal-adjust group is #UD in 64-bit mode (SDM Vol. 2 AAM, DAA "64-bit mode")', () => {
  const m32 = machine('intel', 32);
  const r = run(m32, [0xd4, 0x00], { [RAX]: 0x1234n });
  assert.equal(r.trap?.vector, 0);
  assert.equal(r.r(RAX), 0x1234n);
  const m64 = machine();
  for (const code of [[0x27], [0x2f], [0x37], [0x3f], [0xd4, 0x0a], [0xd5, 0x0a]]) assert.equal(run(m64, code).trap?.vector, 6);
});

// Far pointer at DATA: offset32 then selector. 32-bit code at CODE + 0x100.
function farSetup(m: TestMachine, sel: number): void {
  m.writeBytes(DATA, [...le32(CODE + 0x100), sel & 0xff, sel >> 8]);
}

test('far CALL from 64-bit code into a compatibility-mode segment and RETF back (SDM Vol. 2 CALL/RET far, IA-32e mode)', () => {
  const m = machine();
  farSetup(m, 0x23);
  // 64-bit: lcall [rbx] ; then back here: add rax, 5
  // (the code below is padded so that the 32-bit routine sits at CODE + 0x100)
  const code = new Array(0x110).fill(0x90);
  code.splice(0, 6, 0xff, 0x1b, 0x48, 0x83, 0xc0, 0x05);
  // After returning, jump over the 32-bit routine to the end (CODE + 0x110).
  code.splice(6, 5, 0xe9, ...le32(0x110 - 11));
  // 32-bit routine: dec eax (0x48 is DEC here, a REX prefix in 64-bit mode); inc ecx; retf
  code.splice(0x100, 3, 0x48, 0x41, 0xcb);
  const r = run(m, code, { [RAX]: 10n, [RBX]: BigInt(DATA), [RCX]: 1n });
  assert.equal(r.trap, null);
  assert.equal(r.r(RAX), 10n - 1n + 5n);
  assert.equal(r.r(RCX), 2n);
  // The return frame was two 4-byte slots (32-bit operand size) and is gone again: the user RSP
  // in the frame of the final #UD (the harness popped its RIP, so the kernel RSP points at CS).
  assert.equal(m.read64(m.cpu.getRegNum(RSP) + 16), BigInt(STACK_TOP));
  assert.equal(m.trap?.cs, 0x33); // the UD2 at the end ran in 64-bit user code
});

test('far JMP checks the target descriptor: a null selector is #GP(0), a data segment #GP(selector), and an m16:64 pointer needs REX.W on Intel only', () => {
  const m = machine();
  farSetup(m, 0);
  assert.equal(run(m, [0xff, 0x2b], { [RBX]: BigInt(DATA) }).trap?.errorCode, 0);
  farSetup(m, 0x2b); // __USER_DS
  let r = run(m, [0xff, 0x2b], { [RBX]: BigInt(DATA) });
  assert.equal(r.trap?.vector, 13);
  assert.equal(r.trap?.errorCode, 0x28);
  farSetup(m, 0x10); // __KERNEL_CS: DPL 0 from CPL 3
  r = run(m, [0xff, 0x2b], { [RBX]: BigInt(DATA) });
  assert.equal(r.trap?.errorCode, 0x10);
  // rex.w ljmp [rbx] with an m16:64 pointer to 64-bit code: Intel takes it; AMD reads m16:32
  // (the selector then comes from the offset's upper half: null → #GP(0), host-recorded).
  const target = CODE + 0x20;
  for (const [vendor, ok] of [['intel', true], ['amd', false]] as const) {
    const mv = machine(vendor);
    mv.writeBytes(DATA, [...le32(target), 0, 0, 0, 0, 0x33, 0]);
    const code = [0x48, 0xff, 0x2b, ...new Array(0x1d).fill(0x90), 0xb8, ...le32(42)];
    const rv = run(mv, code, { [RBX]: BigInt(DATA) });
    if (ok) { assert.equal(rv.trap, null, vendor); assert.equal(rv.r(RAX), 42n); } else assert.equal(rv.trap?.vector, 13, vendor);
  }
});

test('RETF to an outer privilege level pops CS:RIP and SS:RSP and lands at CPL 3 (SDM Vol. 2 RET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL")', () => {
  const m = new TestMachine('intel', 16);
  const KCODE = CODE, UCODE = 0x500000;
  m.map(KCODE, 0x1000, { write: false, user: false, exec: true });
  m.map(UCODE, 0x1000, { write: false, user: true, exec: true });
  m.map(STACK_TOP - 0x1000, 0x1000, { write: true, user: true, exec: false });
  m.writeBytes(UCODE, [0x0f, 0x0b]); // ud2 at the user target
  // push 0x2b; push STACK_TOP - 0x10; push 0x33; push UCODE; retfq
  const code = [0x6a, 0x2b, 0x68, ...le32(STACK_TOP - 0x10), 0x6a, 0x33, 0x68, ...le32(UCODE), 0x48, 0xcb];
  const t = m.run(KCODE, code);
  assert.equal(t?.vector, 6);
  assert.equal(t?.rip, UCODE);
  assert.equal(t?.cs, 0x33);
  // The #UD frame on the kernel stack holds the user RSP and SS the RETF loaded.
  const sp = m.cpu.getRegNum(RSP); // the harness popped RIP: sp points at CS
  assert.equal(m.read64(sp + 16), BigInt(STACK_TOP - 0x10));
  assert.equal(m.read64(sp + 24), 0x2bn);
  assert.equal(m.cpu.sel[CS] & 3, 0); // back in the kernel for the exception
});
