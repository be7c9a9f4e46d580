// x87 behaviour the host oracle cannot show from user space: delivery of unmasked exceptions as
// #MF (vector 16) on the next waiting instruction (SDM Vol. 1 §8.7, CR0.NE = 1), #NM when CR0.TS
// or CR0.EM is set (Vol. 3 Table 2-2), FISTTP following the CPUID SSE3 bit, a faulting store
// leaving the FPU unchanged, and FSAVE/FRSTOR in both operand-size formats.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestMachine } from '../harness/machine.js';
import { MF, NM, UD, PF_, CR0_TS, CR0_MP } from '../../src/cpu/regs.js';
import { FEATURES } from '../../src/cpu/cpuid.js';

const CODE = 0x400000, DATA = 0x600000;

const FNINIT = [0xdb, 0xe3], FLD1 = [0xd9, 0xe8], FLDZ = [0xd9, 0xee], FDIVP = [0xde, 0xf9];
const FWAIT = [0x9b], FNCLEX = [0xdb, 0xe2], FNSTSW_AX = [0xdf, 0xe0];
const FLDCW_RDI = [0xd9, 0x2f]; // fldcw (%rdi)

function machine(): TestMachine {
  const m = new TestMachine();
  m.map(CODE, 0x2000, { write: false, user: true, exec: true });
  m.map(DATA, 0x1000, { write: true, user: true, exec: false });
  m.cpu.setRegNum(7, DATA);
  return m;
}
function setCw(m: TestMachine, cw: number): void { m.write8(DATA, cw & 0xff); m.write8(DATA + 1, cw >> 8); }

test('an unmasked divide-by-zero is reported as #MF by the next FWAIT, not by the faulting FDIV', () => {
  const m = machine();
  setCw(m, 0x37b); // ZE unmasked
  const before = [...FNINIT, ...FLDCW_RDI, ...FLD1, ...FLDZ, ...FDIVP, ...FNSTSW_AX];
  const t = m.run(CODE, [...before, ...FWAIT]);
  assert.ok(t !== null);
  assert.equal(t.vector, MF);
  assert.equal(t.rip, CODE + before.length, '#MF points at the FWAIT');
  const sw = m.cpu.lo[0] & 0xffff; // FNSTSW AX does not wait: it ran
  assert.equal(sw & 0x80ff, 0x8084, 'B, ES and ZE set');
  // The unmasked ZE left the destination alone: ST(1) is still 1.0 and nothing was popped.
  assert.equal(m.cpu.fpTop, 6);
});

test('a pending exception faults the next waiting x87 instruction before it executes; FNCLEX clears it', () => {
  const m = machine();
  setCw(m, 0x37b);
  const before = [...FNINIT, ...FLDCW_RDI, ...FLD1, ...FLDZ, ...FDIVP];
  const t = m.run(CODE, [...before, ...FLD1]);
  assert.ok(t !== null);
  assert.equal(t.vector, MF);
  assert.equal(t.rip, CODE + before.length);
  assert.equal(m.cpu.fpTop, 6, 'the FLD1 did not push');
  const ok = m.run(CODE, [...before, ...FNCLEX, ...FWAIT, ...FLD1]);
  assert.equal(ok, null);
  assert.equal(m.cpu.fpTop, 5);
});

test('a masked exception never faults', () => {
  const m = machine();
  setCw(m, 0x37f);
  assert.equal(m.run(CODE, [...FNINIT, ...FLDCW_RDI, ...FLD1, ...FLDZ, ...FDIVP, ...FWAIT, ...FLD1]), null);
  assert.equal(m.cpu.fpSw & 0x04, 0x04, 'ZE is flagged');
});

test('FLDCW that unmasks an already-flagged exception makes it pending', () => {
  const m = machine();
  setCw(m, 0x37b);
  // Divide by zero with ZE masked (FNINIT's 0x37F), then unmask it.
  const before = [...FNINIT, ...FLD1, ...FLDZ, ...FDIVP, ...FLDCW_RDI];
  const t = m.run(CODE, [...before, ...FWAIT]);
  assert.ok(t !== null);
  assert.equal(t.vector, MF);
});

test('#NM when CR0.TS is set; WAIT only when MP is set too', () => {
  const m = machine();
  m.cpu.cr0 |= CR0_TS;
  let t = m.run(CODE, FLD1);
  assert.ok(t !== null);
  assert.equal(t.vector, NM);
  t = m.run(CODE, FWAIT);
  assert.ok(t !== null && t.vector === NM, 'TS and MP: FWAIT raises #NM');
  m.cpu.cr0 &= ~CR0_MP;
  assert.equal(m.run(CODE, FWAIT), null, 'TS without MP: FWAIT runs');
});

test('FISTTP exists exactly when CPUID advertises SSE3', () => {
  const m = machine();
  const fisttp = [...FNINIT, ...FLD1, 0xdf, 0x4f, 0x10]; // fisttp 16(%rdi)
  const saved = FEATURES.leaf1Ecx;
  try {
    FEATURES.leaf1Ecx = saved & ~1;
    let t = m.run(CODE, fisttp);
    assert.ok(t !== null && t.vector === UD && t.rip === CODE + 4, 'without SSE3: #UD');
    FEATURES.leaf1Ecx = saved | 1;
    m.interp.flushCode();
    t = m.run(CODE + 0x100, fisttp);
    assert.equal(t, null);
    assert.equal(m.read8(DATA + 16), 1);
  } finally {
    FEATURES.leaf1Ecx = saved;
  }
});

test('FSTP m80 that page-faults on its second page writes nothing and does not pop', () => {
  const m = machine();
  const edge = DATA + 0x1000 - 4; // 4 bytes mapped, 6 on the unmapped next page
  m.cpu.setRegNum(6, edge);
  for (let k = 0; k < 4; k++) m.write8(edge + k, 0xaa);
  const code = [...FNINIT, ...FLD1, 0xdb, 0x3e]; // fstpt (%rsi)
  const t = m.run(CODE, code);
  assert.ok(t !== null);
  assert.equal(t.vector, PF_);
  assert.equal(t.rip, CODE + 4);
  assert.equal(m.cpu.fpTop, 7, 'still pushed');
  for (let k = 0; k < 4; k++) assert.equal(m.read8(edge + k), 0xaa);
});

function fsaveRoundTrip(prefix: number[], size: number): void {
  const m = machine();
  const FLDPI = [0xd9, 0xeb];
  // Three values, a non-default CW, a flagged exception; then FSAVE to 64(%rdi), FNINIT, FRSTOR.
  setCw(m, 0x0b7f);
  for (let k = 64; k < 64 + 120; k++) m.write8(DATA + k, 0xee);
  const load = [...FNINIT, ...FLDCW_RDI, ...FLD1, ...FLDPI, ...FLDZ, ...FDIVP];
  assert.equal(m.run(CODE, load), null);
  const cpu = m.cpu;
  const state = { top: cpu.fpTop, tag: cpu.fpTag, sw: cpu.fpSw, cw: cpu.fpCw, mant: [...cpu.fpMant], exp: [...cpu.fpExp] };
  const save = [...prefix, 0xdd, 0x77, 0x40]; // fnsave 64(%rdi)
  assert.equal(m.run(CODE, [...load, ...save]), null);
  assert.equal(cpu.fpTag, 0, 'FNSAVE reinitialises');
  assert.equal(cpu.fpCw, 0x37f);
  assert.equal(m.read8(DATA + 64 + size), 0xee, `the image is ${size} bytes`);
  assert.notEqual(m.read8(DATA + 64 + size - 1), 0xee);
  const restore = [...prefix, 0xdd, 0x67, 0x40]; // frstor 64(%rdi)
  assert.equal(m.run(CODE, [...load, ...save, ...FNINIT, ...restore]), null);
  assert.deepEqual({ top: cpu.fpTop, tag: cpu.fpTag, sw: cpu.fpSw, cw: cpu.fpCw, mant: [...cpu.fpMant], exp: [...cpu.fpExp] }, state);
}

test('FNSAVE/FRSTOR round trip, 32-bit format (108 bytes)', () => fsaveRoundTrip([], 108));
test('FNSAVE/FRSTOR round trip, 16-bit format with 66h (94 bytes)', () => fsaveRoundTrip([0x66], 94));
