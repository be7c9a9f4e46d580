// String instructions and port I/O (src/cpu/exec/string.ts): REP semantics, the bulk paths,
// restartability, interrupt windows, single-stepping, address sizes, and the I/O privilege rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestMachine } from '../harness/machine.js';
import { machine, run, le32, RAX, RCX, RSI, RDI, CF, ZF, SF, IF, TF, DF, DATA, RO, CODE } from './int-machine.js';
import { ES, FS } from '../../src/cpu/regs.js';

/** The byte-at-a-time (element-at-a-time) model of REP MOVS / STOS on a flat byte array. */
function modelMovs(mem: Uint8Array, src: number, dst: number, n: number, size: number, back: boolean): void {
  for (let k = 0; k < n; k++) {
    const off = back ? -k * size : k * size;
    const tmp = mem.slice(src + off, src + off + size);
    mem.set(tmp, dst + off);
  }
}

test('REP MOVS at every size, both directions, across page boundaries and with overlapping operands, equals the element-by-element definition (SDM Vol. 2 MOVS, REP)', () => {
  const m = machine();
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
  for (let t = 0; t < 120; t++) {
    const size = [1, 2, 4, 8][t % 4];
    const back = t % 3 === 2;
    // Up to 0xa00 bytes, starting so that the run stays inside the two data pages and often
    // crosses the boundary between them.
    const n = rnd(Math.floor(0xa00 / size));
    const base = back ? 0x1000 + 0x200 : 0x200;
    let src = base + rnd(0x600), dst = base + rnd(0x600);
    if (back) { src += 0x400; dst += 0x400; }
    if (t % 4 === 1) dst = src + rnd(12) - 6; // overlap, including dst just above src
    const init = new Uint8Array(0x2000);
    for (let k = 0; k < init.length; k++) init[k] = (k * 29 + t) & 0xff;
    m.writeBytes(DATA, init);
    const want = init.slice();
    modelMovs(want, src, dst, n, size, back);
    const pre = size === 2 ? [0x66] : size === 8 ? [0x48] : [];
    const r = run(m, [0xf3, ...pre, size === 1 ? 0xa4 : 0xa5], { [RSI]: BigInt(DATA + src), [RDI]: BigInt(DATA + dst), [RCX]: BigInt(n) }, back ? DF | IF : IF);
    assert.equal(r.trap, null);
    assert.deepEqual(m.readBytes(DATA, 0x2000), want, `movs size ${size} n ${n} src ${src} dst ${dst} back ${back}`);
    const d = back ? -n * size : n * size;
    assert.equal(r.r(RSI), BigInt(DATA + src + d));
    assert.equal(r.r(RDI), BigInt(DATA + dst + d));
    assert.equal(r.r(RCX), 0n);
  }
});

test('REP STOS fills at every size and direction; LODS loads the last element (SDM Vol. 2 STOS, LODS)', () => {
  const m = machine();
  for (const size of [1, 2, 4, 8]) {
    for (const back of [false, true]) {
      m.writeBytes(DATA, new Uint8Array(0x2000));
      const n = 700, start = back ? 0x1800 : 0x300;
      const pre = size === 2 ? [0x66] : size === 8 ? [0x48] : [];
      const v = 0x8877665544332211n;
      run(m, [0xf3, ...pre, size === 1 ? 0xaa : 0xab], { [RAX]: v, [RDI]: BigInt(DATA + start), [RCX]: BigInt(n) }, back ? DF | IF : IF);
      const got = m.readBytes(DATA, 0x2000);
      const lo = back ? start - (n - 1) * size : start;
      for (let k = 0; k < 0x2000; k++) {
        const inside = k >= lo && k < lo + n * size;
        const want = inside ? Number((v >> BigInt(8 * ((k - lo) % size))) & 0xffn) : 0;
        if (got[k] !== want) assert.fail(`stos size ${size} back ${back}: byte ${k} is ${got[k]}, want ${want}`);
      }
      // rep lods: RAX ends with the last element read.
      const r = run(m, [0xf3, ...pre, size === 1 ? 0xac : 0xad], { [RSI]: BigInt(DATA + start), [RCX]: 3n }, back ? DF | IF : IF);
      const mask = size === 8 ? (1n << 64n) - 1n : (1n << BigInt(8 * size)) - 1n;
      assert.equal(r.r(RAX) & mask, v & mask);
    }
  }
});

test('a fault in the middle of REP MOVSB leaves RSI/RDI/RCX describing the completed iterations and RIP at the instruction (SDM Vol. 1 §7.3.9.2)', () => {
  const m = machine();
  const init = new Uint8Array(0x1000).map((_, k) => k & 0xff);
  m.writeBytes(DATA, init);
  const n = 300, before = 100;
  const r = run(m, [0xf3, 0xa4], { [RSI]: BigInt(DATA), [RDI]: BigInt(RO - before), [RCX]: BigInt(n) });
  assert.equal(r.trap?.vector, 14);
  assert.equal(r.trap?.rip, CODE);
  assert.equal(r.m.cpu.cr2, RO);
  assert.equal(r.r(RCX), BigInt(n - before));
  assert.equal(r.r(RSI), BigInt(DATA + before));
  assert.equal(r.r(RDI), BigInt(RO));
  assert.deepEqual(m.readBytes(RO - before, before), init.slice(0, before));
});

test('REPE CMPS stops at the first difference and REPNE SCAS at the first match, flags from the last comparison (SDM Vol. 2 REP/REPE/REPNE)', () => {
  const m = machine();
  const a = [...Buffer.from('hello, world!')], b = [...Buffer.from('hello, there!')];
  m.writeBytes(DATA, a);
  m.writeBytes(DATA + 0x100, b);
  let r = run(m, [0xf3, 0xa6], { [RSI]: BigInt(DATA), [RDI]: BigInt(DATA + 0x100), [RCX]: 13n });
  assert.equal(r.r(RCX), 13n - 8n); // 7 equal bytes, the 8th differs ('w' vs 't')
  assert.equal(r.r(RSI), BigInt(DATA + 8));
  assert.equal(r.flags & (ZF | CF | SF), 0); // 'w' > 't'
  // strlen: repne scasb for AL = 0 with RCX = -1
  m.writeBytes(DATA + 0x200, [...Buffer.from('ringside'), 0]);
  r = run(m, [0xf2, 0xae], { [RAX]: 0n, [RDI]: BigInt(DATA + 0x200), [RCX]: 0xffffffffffffffffn });
  assert.equal(~r.r(RCX) & 0xffffffffffffffffn, 9n); // 9 bytes scanned: strlen = not(rcx) - 1 = 8
  assert.equal(r.flags & ZF, ZF);
  // count 0: nothing compared, flags untouched
  r = run(m, [0xf3, 0xa6], { [RSI]: BigInt(DATA), [RDI]: BigInt(DATA + 0x100), [RCX]: 0n }, CF | IF);
  assert.equal(r.flags & (ZF | CF), CF);
});

test('address size 32 (67h) uses ESI/EDI/ECX, zero-extending them; address size 16 in compatibility mode wraps SI/DI at 64 KiB', () => {
  const m = machine();
  m.writeBytes(DATA, [1, 2, 3, 4]);
  // 67 f3 a4: rep movsb with ESI/EDI/ECX; RCX's upper half is not part of the count.
  const r = run(m, [0x67, 0xf3, 0xa4], { [RSI]: 0xffffffff00000000n | BigInt(DATA), [RDI]: BigInt(DATA + 0x80), [RCX]: 0x1_00000004n });
  assert.deepEqual([...m.readBytes(DATA + 0x80, 4)], [1, 2, 3, 4]);
  assert.equal(r.r(RSI), BigInt(DATA + 4));
  assert.equal(r.r(RCX), 0n);

  const c = new TestMachine('intel', 16);
  c.map(0x0, 0x1000, { write: true, user: true, exec: false });
  c.map(0xf000, 0x1000, { write: true, user: true, exec: false });
  c.map(CODE, 0x1000, { write: false, user: true, exec: true });
  c.map(0x30000, 0x1000, { write: true, user: true, exec: false });
  c.enterUser(32);
  c.writeBytes(0xfffe, [0xa1, 0xa2]);
  c.writeBytes(0x0, [0xa3, 0xa4]);
  c.cpu.setReg(RSI, 0x1230fffen);
  c.cpu.setReg(RDI, 0x30010n); // DI = 0x0010
  c.cpu.setReg(RCX, 0xabcd0004n);
  c.cpu.setRegNum(4, 0x30800);
  // 67 f3 a4 in a 32-bit code segment: rep movsb with SI, DI, CX.
  assert.equal(c.run(CODE, [0x67, 0xf3, 0xa4]), null);
  assert.deepEqual([...c.readBytes(0x10, 4)], [0xa1, 0xa2, 0xa3, 0xa4]);
  assert.equal(c.cpu.getReg(RDI), 0x30014n);
  assert.equal(c.cpu.getReg(RSI), 0x12300002n);
  assert.equal(c.cpu.getReg(RCX), 0xabcd0000n);
});

test('a segment override applies to the source only; the destination is always ES (SDM Vol. 2 MOVS: "the ES segment cannot be overridden")', () => {
  const m = machine();
  m.writeBytes(DATA + 0x100, [0x11, 0x22, 0x33, 0x44]);
  m.cpu.segBaseLo[FS] = DATA + 0x100;
  m.cpu.segBaseLo[ES] = 0x100; // ignored in 64-bit mode
  // fs rep movsb: [FS:RSI] → ES:[RDI]
  const r = run(m, [0x64, 0xf3, 0xa4], { [RSI]: 1n, [RDI]: BigInt(DATA + 0x200), [RCX]: 3n });
  assert.equal(r.trap, null);
  assert.deepEqual([...m.readBytes(DATA + 0x200, 4)], [0x22, 0x33, 0x44, 0]);
  m.cpu.segBaseLo[FS] = 0;
  m.cpu.segBaseLo[ES] = 0;
});

test('REP MOVSB over code that has already run drops the decoded copy (self-modifying code through the bulk path)', () => {
  const m = machine();
  const SMC = 0x500000;
  m.map(SMC, 0x1000, { write: true, user: true, exec: true });
  const end = CODE + 0x40;
  // At SMC: mov eax, 1; mov ecx, end; jmp rcx
  const oldCode = [0xb8, ...le32(1), 0xb9, ...le32(end), 0xff, 0xe1];
  const newCode = [0xb8, ...le32(2), 0xb9, ...le32(end), 0xff, 0xe1];
  m.writeBytes(SMC, oldCode);
  const jmpSmc = [0xb9, ...le32(SMC), 0xff, 0xe1];
  const pad = (code: number[]): number[] => [...code, ...new Array(0x40 - code.length).fill(0x90)];
  let r = run(m, pad(jmpSmc));
  assert.equal(r.r(RAX), 1n);
  // Copy the new code over it with rep movsb, then jump there.
  m.writeBytes(DATA, newCode);
  const copy = [0xbe, ...le32(DATA), 0xbf, ...le32(SMC), 0xb9, ...le32(newCode.length), 0xf3, 0xa4, ...jmpSmc];
  r = run(m, pad(copy));
  assert.equal(r.trap, null);
  assert.equal(r.r(RAX), 2n);
});

test('a long REP STOSB yields between chunks: an interrupt arriving mid-way is taken with RIP at the instruction and RCX partly consumed, and the store resumes afterwards', () => {
  const m = machine();
  const big = 0x1000000; // 16 MiB count, but only 8 KiB mapped: it would fault; the interrupt comes first
  m.map(0x1000000, 0x100000, { write: true, user: true, exec: false });
  const cpu = m.cpu;
  m.interp.eventAt = cpu.tsc + 3;
  m.interp.onEvent = (c) => { c.irqVector = 0x40; m.interp.eventAt = Infinity; };
  const r = run(m, [0xf3, 0xaa], { [RAX]: 0x5an, [RDI]: 0x1000000n, [RCX]: BigInt(big) });
  assert.equal(r.trap?.vector, 0x40);
  assert.equal(r.trap?.rip, CODE);
  const left = r.r(RCX);
  assert.ok(left < BigInt(big) && left > 0n, `RCX partly consumed (${left})`);
  const done = big - Number(left);
  assert.equal(r.r(RDI), BigInt(0x1000000 + done));
  assert.equal(m.read8(0x1000000 + done - 1), 0x5a);
  assert.equal(m.read8(0x1000000 + done), 0);
});

test('with TF set, REP MOVSB traps (#DB) after each iteration, RIP still at the instruction until the count runs out', () => {
  const m = machine();
  m.writeBytes(DATA, [9, 8, 7]);
  const r = run(m, [0xf3, 0xa4], { [RSI]: BigInt(DATA), [RDI]: BigInt(DATA + 0x10), [RCX]: 3n }, TF | IF);
  assert.equal(r.trap?.vector, 1);
  assert.equal(r.trap?.rip, CODE);
  assert.equal(r.r(RCX), 2n);
  assert.equal(m.read8(DATA + 0x10), 9);
  assert.equal(m.read8(DATA + 0x11), 0);
});

test('IN/OUT/INS/OUTS above IOPL raise #GP(0) (Linux: SIGSEGV), also REP INS with a zero count (host-recorded); at CPL 0 reads return all ones', () => {
  const m = machine();
  for (const code of [[0xe4, 0x60], [0xec], [0xed], [0xe6, 0x80], [0xee], [0x6c], [0xf3, 0x6c], [0x6e]]) {
    const r = run(m, code, { [RDI]: BigInt(DATA), [RSI]: BigInt(DATA) });
    assert.equal(r.trap?.vector, 13, code.join(','));
    assert.equal(r.trap?.errorCode, 0);
  }
  // CPL 0
  const k = new TestMachine('intel', 16);
  k.map(CODE, 0x1000, { write: false, user: false, exec: true });
  k.map(DATA, 0x1000, { write: true, user: false, exec: false });
  k.cpu.setReg(RAX, 0x1122334455667788n);
  assert.equal(k.run(CODE, [0xec]), null); // in al, dx
  assert.equal(k.cpu.getReg(RAX), 0x11223344556677ffn);
  assert.equal(k.run(CODE, [0xe5, 0x40]), null); // in eax, 0x40
  assert.equal(k.cpu.getReg(RAX), 0xffffffffn);
  k.cpu.setReg(RDI, BigInt(DATA));
  k.cpu.setReg(RCX, 3n);
  assert.equal(k.run(CODE, [0xf3, 0x66, 0x6d]), null); // rep insw
  assert.deepEqual([...k.readBytes(DATA, 7)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
  assert.equal(k.run(CODE, [0xee, 0xef, 0xe6, 0x70]), null); // writes are dropped
});
