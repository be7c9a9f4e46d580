// Why kernel restartable sequences are a table of ranges and not a marker prefix (DESIGN.md,
// "Restartable sequences in the kernel"): marking each restartable instruction with an "empty"
// REX prefix (0x40) and restarting whenever an interrupt finds 0x40 at the interrupted IP fails
// twice over, because 0x40 is not a no-op:
//   1. with any REX prefix, byte-register encodings 4-7 name SPL, BPL, SIL and DIL instead of
//      AH, CH, DH and BH (SDM Vol. 2 §2.2.1.2, Table 3-1), so marking `movb %ah, %al` (88 e0)
//      turns it into `movb %spl, %al` (40 88 e0);
//   2. ordinary code already starts with 0x40 - the assembler must emit it for SPL/BPL/SIL/DIL
//      (`movb %sil, %al` is 40 88 f0) - so the marker check restarts code that is in no
//      sequence at all.
// iced-x86 is the decoding oracle; the "test build" of the marker approach runs on the CPU core
// with an interrupt simulated at every instruction boundary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decoder, DecoderOptions, Register } from 'iced-x86';
import { decode, DECODE_OK } from '../../src/cpu/decode.js';
import { Insn } from '../../src/cpu/insn.js';
import { TestMachine, KBASE } from '../harness/machine.js';
import { PAGE } from '../../src/kernel/mm/pagetable.js';
import { RAX, RDX, RSI, RSP } from '../../src/cpu/regs.js';
import { KrseqTable } from '../../src/kernel/arch/krseq-table.js';

/** Our byte-register ids (Insn.reg8/rm8: 0-15 low bytes, 16-19 AH/CH/DH/BH) as iced registers. */
const OURS_TO_ICED: Record<number, Register> = {
  0: Register.AL, 1: Register.CL, 2: Register.DL, 3: Register.BL, 4: Register.SPL, 5: Register.BPL, 6: Register.SIL, 7: Register.DIL,
  16: Register.AH, 17: Register.CH, 18: Register.DH, 19: Register.BH,
};

function ours(bytes: number[]): Insn {
  const i = new Insn();
  assert.equal(decode((a) => bytes[a], 0, 8, i), DECODE_OK);
  assert.equal(i.len, bytes.length);
  return i;
}

function iced(bytes: number[]): { op0: Register; op1: Register; len: number } {
  const d = new Decoder(64, new Uint8Array(bytes), DecoderOptions.None);
  const ins = d.decode();
  const r = { op0: ins.op0Register, op1: ins.op1Register, len: ins.length };
  ins.free();
  d.free();
  return r;
}

test('88 e0 is movb %ah, %al but 40 88 e0 is movb %spl, %al (our decoder and iced agree)', () => {
  const plain = ours([0x88, 0xe0]);
  const marked = ours([0x40, 0x88, 0xe0]);
  assert.equal(plain.reg8, 16); // AH
  assert.equal(marked.reg8, 4); // SPL
  assert.deepEqual(iced([0x88, 0xe0]), { op0: Register.AL, op1: Register.AH, len: 2 });
  assert.deepEqual(iced([0x40, 0x88, 0xe0]), { op0: Register.AL, op1: Register.SPL, len: 3 });
});

test('every ModRM register form of the byte MOVs/ALU ops: 0x40 changes exactly the encodings 4-7, as iced says', () => {
  let changed = 0;
  // 88 mov r/m8,r8; 8a mov r8,r/m8; 00 add; 30 xor; 84 test; 86 xchg.
  for (const op of [0x88, 0x8a, 0x00, 0x30, 0x84, 0x86]) {
    for (let modrm = 0xc0; modrm <= 0xff; modrm++) {
      const reg = (modrm >> 3) & 7, rm = modrm & 7;
      const a = ours([op, modrm]), b = ours([0x40, op, modrm]);
      const ia = iced([op, modrm]), ib = iced([0x40, op, modrm]);
      // Which iced operand is reg and which r/m depends on the direction bit.
      const regFirst = op === 0x8a;
      const icedReg = (x: typeof ia) => (regFirst ? x.op0 : x.op1), icedRm = (x: typeof ia) => (regFirst ? x.op1 : x.op0);
      assert.equal(OURS_TO_ICED[a.reg8], icedReg(ia), `${op.toString(16)} ${modrm.toString(16)} reg`);
      assert.equal(OURS_TO_ICED[a.rm8], icedRm(ia), `${op.toString(16)} ${modrm.toString(16)} rm`);
      assert.equal(OURS_TO_ICED[b.reg8], icedReg(ib), `40 ${op.toString(16)} ${modrm.toString(16)} reg`);
      assert.equal(OURS_TO_ICED[b.rm8], icedRm(ib), `40 ${op.toString(16)} ${modrm.toString(16)} rm`);
      const differs = a.reg8 !== b.reg8 || a.rm8 !== b.rm8;
      assert.equal(differs, reg >= 4 || rm >= 4, `${op.toString(16)} ${modrm.toString(16)}: 0x40 changes the meaning iff an encoding is 4-7`);
      if (differs) changed++;
    }
  }
  assert.equal(changed, 6 * (64 - 16));
});

// --- The marker approach in a test build -----------------------------------------------------

const CODE = KBASE + 0x200000;
const MARKER = 0x40;

/** What the interrupt return does to the interrupted IP (it may read the code at it). */
type Policy = (ip: number, m: TestMachine) => number;

/**
 * Run `code` at CPL 0, one instruction at a time, with an interrupt at boundary `at` (before the
 * at-th instruction) whose return applies `policy` to the interrupted IP - what krseqFixup does
 * to pt_regs->ip before the IRET. Returns the CPU for inspection.
 */
function runInterrupted(code: number[], at: number, policy: Policy, setup: (m: TestMachine) => void): TestMachine {
  const m = new TestMachine();
  m.map(CODE, PAGE, { write: false, user: false, exec: true });
  setup(m);
  m.interp.kernelStep = () => {}; // single-step ring 0
  m.writeBytes(CODE, code);
  m.writeBytes(CODE + code.length, [0x0f, 0x0b]);
  const cpu = m.cpu;
  cpu.rip = CODE;
  for (let n = 0; n < 100; n++) {
    if (n === at) cpu.rip = policy(cpu.rip, m);
    if (cpu.rip === CODE + code.length) return m;
    m.interp.run(1);
  }
  throw new Error('did not finish');
}

function low8(m: TestMachine, r: number): number {
  return m.cpu.lo[r] & 0xff;
}

test('marker build: marking `movb %ah, %al` with 0x40 makes it copy SPL - the sequence computes a different value', () => {
  const setup = (m: TestMachine) => { m.cpu.setRegNum(RAX, 0x1234); m.cpu.setRegNum(RSP, KBASE + 0x13ff8); };
  const none: Policy = (ip) => ip;
  const plain = runInterrupted([0x88, 0xe0], -1, none, setup);
  const marked = runInterrupted([MARKER, 0x88, 0xe0], -1, none, setup);
  assert.equal(low8(plain, RAX), 0x12, 'unmarked: al = ah');
  assert.equal(low8(marked, RAX), 0xf8, 'marked: al = spl');
  assert.notEqual(low8(marked, RAX), low8(plain, RAX));
});

test('marker build: an interrupt at an ordinary `movb %sil, %al` (40 88 f0) is taken for a marked sequence and reruns code; the table leaves it alone', () => {
  // incq %rdx ; movb %sil, %al ; incq %rdx  - in no restartable sequence. The marker fix-up
  // restarts from the last sequence's restart address (here: the code's start, as a per-CPU
  // "restart IP" left over from an earlier sequence would be).
  const code = [0x48, 0xff, 0xc2, 0x40, 0x88, 0xf0, 0x48, 0xff, 0xc2];
  const setup = (m: TestMachine) => { m.cpu.setRegNum(RDX, 0); m.cpu.setRegNum(RSI, 0x77); };
  const marker: Policy = (ip, m) => (m.read8(ip) === MARKER ? CODE : ip);
  const table = new KrseqTable([]); // this code is in no range
  const byTable: Policy = (ip) => { const i = table.find(ip); return i < 0 ? ip : table.restart[i]; };
  for (let at = 0; at <= 3; at++) {
    const viaMarker = runInterrupted(code, at, marker, setup);
    const viaTable = runInterrupted(code, at, byTable, setup);
    assert.equal(viaTable.cpu.lo[RDX], 2, `table, interrupt at boundary ${at}`);
    assert.equal(low8(viaTable, RAX), 0x77);
    // Boundary 1 is the movb: the marker check fires there and the first incq runs again.
    assert.equal(viaMarker.cpu.lo[RDX], at === 1 ? 3 : 2, `marker, interrupt at boundary ${at}`);
  }
});
