// The interpreter's fast paths against the host CPU (the oracle of tests/oracle): the
// specialised ALU handlers of exec/alu-fast.ts with every condition read back after them (the
// per-condition evaluators of flags.ts take shortcuts for SUB, LOGIC, INC/DEC at each size), the
// double-precision effective-address path of operands.ea() with registers whose 64-bit sums wrap
// or leave the canonical range, the specialised LEA/MOV/MOVZX/PUSH/POP/CALL/RET handlers, and the
// block cache (code that rewrites itself, and a page remapped under code that ran, which the
// virtually-indexed front of the block cache must notice).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Builder, type Size } from '../oracle/builder.js';
import { Harness, caseRng, disassemble } from '../oracle/harness.js';
import { Outcome } from '../oracle/outcome.js';
import { compare } from '../oracle/compare.js';
import { BASE_NONE, BASE_RIP, type Mem } from '../oracle/encode.js';
import { DATA_ADDR, IN_SIZE, IN_CODE, IN_CODE_LEN } from '../oracle/protocol.js';
import { TestMachine, KSTACK_TOP } from '../harness/machine.js';

const M64 = (1n << 64n) - 1n;

type Gen = (b: Builder) => void;

/** A register locked to a data-page address, for the SETcc of readConditions(). */
function setccBase(b: Builder): number {
  const base = b.reg(8, [4, 0]); // not rAX: the A9/05… forms write it
  b.setReg(base, BigInt(DATA_ADDR + 16 * b.rng.below(200)));
  return base;
}
/** Eight SETcc (conditions 0-7 or 8-15) into [base+cc], or a Jcc over an INC. */
function readConditions(b: Builder, base: number): void {
  if (b.rng.chance(0.25)) {
    // A Jcc over an INC: the register shows whether the branch was taken.
    const cc = b.rng.below(16);
    let r = b.rng.below(8);
    while (r === base || r === 4) r = b.rng.below(8);
    b.bytes(0x70 + cc, 2, 0xff, 0xc0 + r);
    return;
  }
  const half = b.rng.chance(0.5) ? 8 : 0;
  for (let cc = half; cc < half + 8; cc++) {
    b.emit({ op: [0x0f, 0x90 + cc], ext: 0, rm: { mem: { base, index: BASE_NONE, scale: 0, disp: cc, dispSize: 1 } }, rmByte: true });
  }
}

const ALU_OPS = [0, 1, 4, 5, 6, 7]; // ADD OR AND SUB XOR CMP: the ones alu-fast.ts specialises

/** A flag producer in one of the specialised forms, then the conditions read back. */
const producerThenConditions: Gen = (b) => {
  const base = setccBase(b);
  const s = b.rng.pick([4, 8] as Size[]);
  const op = b.rng.pick(ALU_OPS);
  const kind = b.rng.below(12);
  const r = () => b.reg(s, [base]);
  switch (kind) {
    case 0: b.emit({ op: [op * 8 + 1], osz: s, reg: r(), rm: { reg: r() } }); break;
    case 1: b.emit({ op: [op * 8 + 3], osz: s, reg: r(), rm: { reg: r() } }); break;
    case 2: b.emit({ op: [0x83], osz: s, ext: op, rm: { reg: r() }, imm: [[1, b.imm(1)]] }); break;
    case 3: b.emit({ op: [0x81], osz: s, ext: op, rm: { reg: r() }, imm: [[4, b.imm(4)]] }); break;
    case 4: b.emit({ op: [op * 8 + 5], osz: s, imm: [[4, b.imm(4)]] }); break;
    case 5: b.emit({ op: [op * 8 + 3], osz: s, reg: r(), rm: { mem: b.mem(s) } }); break;
    case 6: b.emit({ op: [op * 8 + 1], osz: s, reg: r(), rm: { mem: b.mem(s) } }); break;
    case 7: {
      const wide = b.rng.chance(0.5);
      b.emit({ op: [wide ? 0x81 : 0x83], osz: s, ext: op, rm: { mem: b.mem(s) }, imm: [wide ? [4, b.imm(4)] : [1, b.imm(1)]] });
      break;
    }
    case 8: {
      // TEST in its forms: 85 reg/mem, A9, F7 /0 reg/mem.
      const f = b.rng.below(4);
      if (f === 0) b.emit({ op: [0x85], osz: s, reg: r(), rm: b.rng.chance(0.5) ? { reg: r() } : { mem: b.mem(s) } });
      else if (f === 1) b.emit({ op: [0xa9], osz: s, imm: [[4, b.imm(4)]] });
      else b.emit({ op: [0xf7], osz: s, ext: 0, rm: f === 2 ? { reg: r() } : { mem: b.mem(s) }, imm: [[4, b.imm(4)]] });
      break;
    }
    case 9: {
      // INC/DEC of a register after an operation that set CF one way or the other.
      b.emit({ op: [b.rng.pick([0x29, 0x01, 0x31])], osz: b.rng.pick([2, 4, 8] as Size[]), reg: r(), rm: { reg: r() } });
      b.emit({ op: [0xff], osz: s, ext: b.rng.below(2), rm: { reg: r() } });
      break;
    }
    case 10: {
      // Byte compares and tests: 80 /7, F6 /0, 3A with memory; 38, 84, 80 /7 with registers
      // (low bytes and AH..BH); 3C.
      const f = b.rng.below(7);
      const r8 = () => b.reg(1, [base, base + 16]);
      if (f === 0) b.emit({ op: [0x80], osz: 1, ext: 7, rm: { mem: b.mem(1) }, imm: [[1, b.imm(1)]] });
      else if (f === 1) b.emit({ op: [0xf6], osz: 1, ext: 0, rm: { mem: b.mem(1) }, imm: [[1, b.imm(1)]] });
      else if (f === 2) { b.byteMode(); b.emit({ op: [0x3a], osz: 1, reg: r8(), rm: { mem: b.mem(1) } }); }
      else if (f === 3) { b.byteMode(); b.emit({ op: [0x38], osz: 1, reg: r8(), rm: { reg: r8() } }); }
      else if (f === 4) { b.byteMode(); b.emit({ op: [0x84], osz: 1, reg: r8(), rm: { reg: r8() } }); }
      else if (f === 5) { b.byteMode(); b.emit({ op: [0x80], osz: 1, ext: 7, rm: { reg: r8() }, imm: [[1, b.imm(1)]] }); }
      else b.emit({ op: [0x3c], imm: [[1, b.imm(1)]] });
      break;
    }
    default: {
      // Two producers: the second's kind decides, the first's leftovers must not leak.
      b.emit({ op: [0x83], osz: 8, ext: b.rng.pick(ALU_OPS), rm: { reg: r() }, imm: [[1, b.imm(1)]] });
      b.emit({ op: [op * 8 + 1], osz: 4, reg: r(), rm: { reg: r() } });
    }
  }
  readConditions(b, base);
};

/** A memory operand whose base and index hold arbitrary 64-bit values summing (mod 2^64) to `t`. */
function wildMem(b: Builder, t: number, canonical: boolean): Mem {
  const base = b.reg(8, [4]);
  const index = b.rng.chance(0.7) ? b.reg(8, [4, base]) : BASE_NONE;
  const scale = b.rng.below(4);
  const disp = b.rng.pick([0, 8, -8, 0x7fffffff, -0x80000000, b.rng.below(0x10000) - 0x8000]);
  let iv = 0n;
  if (index !== BASE_NONE) {
    // Small, large, or huge (the sum wraps around 2^64).
    iv = b.rng.pick([BigInt(b.rng.below(64)), b.rng.u64() >> BigInt(b.rng.below(64)), b.rng.u64(), 1n << 62n, M64]);
    b.setReg(index, iv);
  }
  let target = BigInt(t);
  // Non-canonical: bits 63:47 not all equal (the upper half's kernel addresses would be canonical).
  if (!canonical) target += b.rng.pick([1n << 47n, 1n << 63n, 0x7fff000000000000n, 1n << 62n]);
  b.setReg(base, (target - BigInt(disp) - (iv << BigInt(scale))) & M64);
  return { base, index, scale, disp, dispSize: 4 };
}

const addressing: Gen = (b) => {
  const t = b.target(8, { align: 1 });
  const canonical = b.rng.chance(0.8);
  const m = wildMem(b, t, canonical);
  const r = b.reg(8, [4, m.base as number, m.index as number]);
  switch (b.rng.below(5)) {
    case 0: b.emit({ op: [0x8b], osz: b.rng.pick([4, 8] as Size[]), reg: r, rm: { mem: m } }); break;
    case 1: b.emit({ op: [0x89], osz: b.rng.pick([4, 8] as Size[]), reg: r, rm: { mem: m } }); break;
    case 2: b.emit({ op: [0x03], osz: 8, reg: r, rm: { mem: m } }); break;
    case 3: b.emit({ op: [0x0f, 0xb6], osz: 4, reg: r, rm: { mem: m }, rmByte: true }); break;
    default: b.emit({ op: [0xc7], osz: 8, ext: 0, rm: { mem: m }, imm: [[4, b.imm(4)]] });
  }
};

const lea: Gen = (b) => {
  // LEA computes with any register values; only the truncation to 32 or 64 bits matters.
  const base = b.reg(8, [4]);
  const index = b.rng.chance(0.6) ? b.reg(8, [4]) : BASE_NONE;
  const disp = b.rng.pick([0, 1, -1, 0x7fffffff, -0x80000000, b.rng.below(0x10000) - 0x8000]);
  const m: Mem = b.rng.chance(0.1) ? { base: BASE_RIP, index: BASE_NONE, scale: 0, disp, dispSize: 4 }
    : { base, index, scale: b.rng.below(4), disp, dispSize: 4 };
  b.emit({ op: [0x8d], osz: b.rng.pick([2, 4, 8] as Size[]), reg: b.reg(8), rm: { mem: m } });
};

const moves: Gen = (b) => {
  const s = b.rng.pick([1, 4, 8] as Size[]);
  switch (b.rng.below(7)) {
    case 0: b.byteMode(); b.emit({ op: [0x88], osz: 1, reg: b.reg(1), rm: { mem: b.mem(1) } }); break;
    case 1: b.byteMode(); b.emit({ op: [0x8a], osz: 1, reg: b.reg(1), rm: { mem: b.mem(1) } }); break;
    case 2: b.emit({ op: [0xc6], osz: 1, ext: 0, rm: { mem: b.mem(1) }, imm: [[1, b.imm(1)]] }); break;
    case 3: b.emit({ op: [0xb8], osz: s === 1 ? 4 : s, opreg: b.reg(8), imm: [[s === 8 ? 8 : 4, b.imm(s === 8 ? 8 : 4)]] }); break;
    case 4: b.emit({ op: [0x0f, b.rng.pick([0xb6, 0xb7, 0xbe])], osz: b.rng.pick([4, 8] as Size[]), reg: b.reg(8), rm: b.rng.chance(0.5) ? { mem: b.mem(2) } : { reg: b.reg(1) }, rmByte: true }); break;
    case 5: b.emit({ op: [0x63], osz: 8, reg: b.reg(8), rm: b.rng.chance(0.5) ? { mem: b.mem(4) } : { reg: b.reg(4) } }); break;
    default: b.emit({ op: [0xc7], osz: b.rng.pick([4, 8] as Size[]), ext: 0, rm: b.rng.chance(0.5) ? { mem: b.mem(8) } : { reg: b.reg(8) }, imm: [[4, b.imm(4)]] });
  }
};

const stack: Gen = (b) => {
  b.useStack();
  const r = () => b.reg(8);
  switch (b.rng.below(3)) {
    case 0: b.bytes(0xe8, 0, 0, 0, 0); b.emit({ op: [0x58], opreg: r() }); break; // call next; pop r
    case 1: b.emit({ op: [0x50], opreg: r() }); b.emit({ op: [0x58], opreg: r() }); break; // push r; pop r'
    default: b.bytes(0xe8, 2, 0, 0, 0, 0xeb, 1, 0xc3); // call L; jmp END; L: ret; END:
  }
};

const GENS: [string, Gen][] = [
  ['producer-conditions', producerThenConditions], ['addressing', addressing], ['lea', lea], ['moves', moves], ['stack', stack],
];

test('fast paths agree with the host CPU: specialised handlers, conditions, addressing', (t) => {
  const harness = new Harness();
  const CASES = 12_000;
  const buf = new Uint8Array(CASES * IN_SIZE);
  const b = new Builder();
  const kinds: string[] = [];
  for (let k = 0; k < CASES; k++) {
    const [name, gen] = GENS[k % GENS.length];
    b.begin(buf, k, caseRng(77, k));
    gen(b);
    b.finish();
    kinds.push(name);
  }
  const res = harness.native.run(buf, CASES);
  const nat = new Outcome(), emu = new Outcome();
  const problems: string[] = [];
  const faults = new Map<string, number>();
  for (let k = 0; k < CASES; k++) {
    res.fill(k, buf, nat);
    harness.emu.run(buf, k, emu);
    if (nat.end !== emu.end || nat.vector !== emu.vector) faults.set(kinds[k], (faults.get(kinds[k]) ?? 0) + 1);
    if (nat.vector === 13) faults.set(`${kinds[k]} #GP`, (faults.get(`${kinds[k]} #GP`) ?? 0) + 1);
    const d = compare(nat, emu, { x87: false, sse: false });
    if (d.length > 0 && problems.length < 10) {
      const p = k * IN_SIZE;
      const len = new DataView(buf.buffer).getUint32(p + IN_CODE_LEN, true);
      const code = buf.slice(p + IN_CODE, p + IN_CODE + len);
      problems.push(`${kinds[k]} #${k}: ${disassemble(code)}: ${d.map((x) => `${x.what} host ${x.expected} ringside ${x.got}`).join('; ')}`);
    }
  }
  t.diagnostic(`host: ${harness.native.info.vendor}; cases with #GP on the host: ${[...faults].filter(([k]) => k.endsWith('#GP')).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  // Each kind must have exercised what it is for: the addressing cases fault (non-canonical) in
  // about a fifth of them, and not otherwise.
  assert.ok((faults.get('addressing #GP') ?? 0) > CASES / GENS.length / 10, 'non-canonical addresses were generated');
  assert.deepEqual(problems, []);
});

test('the block cache notices self-modifying code and remapped pages', () => {
  const m = new TestMachine();
  const CODE = 0x400000, ALT = 0x700000;
  m.map(CODE, 0x1000, { write: true, user: true, exec: true });
  m.map(ALT, 0x1000, { write: false, user: true, exec: true });
  m.enterUser();
  // mov eax, 1; (ud2 appended by run()) — run it so that its block is cached and hot.
  for (let n = 0; n < 3; n++) {
    assert.equal(m.run(CODE, [0xb8, 1, 0, 0, 0]), null);
    assert.equal(m.cpu.lo[0], 1);
  }
  // The guest rewrites its own immediate, then jumps back to the rewritten instruction:
  // mov byte [rip - 11], 7 (the imm8 of `mov eax, 1` at CODE+1); jmp CODE.
  const patch = [0xc6, 0x05, 0xf5, 0xff, 0xff, 0xff, 7, 0xe9];
  const at = CODE + 0x100;
  const rel = (CODE - (at + patch.length + 4)) >>> 0;
  const disp = (CODE + 1 - (at + 7)) >>> 0; // rip-relative from the end of the C6 instruction
  patch[2] = disp & 0xff; patch[3] = (disp >>> 8) & 0xff; patch[4] = (disp >>> 16) & 0xff; patch[5] = disp >>> 24;
  m.writeBytes(at, [...patch, rel & 0xff, (rel >>> 8) & 0xff, (rel >>> 16) & 0xff, rel >>> 24]);
  m.cpu.rip = at;
  m.trap = null;
  m.interp.run(100);
  assert.equal(m.cpu.lo[0], 7, 'the rewritten immediate is the one executed');

  // Remap: the same linear page now shows other code (a kernel would change the PTE and INVLPG).
  m.writeBytes(ALT, [0xb8, 42, 0, 0, 0, 0x0f, 0x0b]);
  const altPa = m.pt.lookup(ALT);
  m.pt.map(CODE, altPa, { write: false, user: true, exec: true });
  m.cpu.mem.flushPage(CODE);
  m.cpu.rip = CODE;
  m.trap = null;
  m.interp.run(100);
  assert.equal(m.cpu.lo[0], 42, 'the block decoded from the old frame is not used after the flush');
});

test('a tight loop counts every instruction once, including across block boundaries', () => {
  const m = new TestMachine();
  m.map(0x400000, 0x1000, { write: false, user: true, exec: true });
  m.enterUser();
  // mov ecx, 1000; xor eax, eax; 1: add eax, ecx; dec ecx; jnz 1b
  const before = m.cpu.icount;
  assert.equal(m.run(0x400000, [0xb9, 0xe8, 3, 0, 0, 0x31, 0xc0, 0x01, 0xc8, 0xff, 0xc9, 0x75, 0xfa]), null);
  assert.equal(m.cpu.lo[0], 500500);
  // Plus one: the #UD at the end is taken through an IDT gate whose native call retires.
  assert.equal(m.cpu.icount - before, 2 + 3 * 1000 + 1);
});

test('ADC/SBB to a read-only page fault before changing CF, so the restarted instruction sees the same carry', () => {
  for (const [name, op] of [['adc', 0x11], ['sbb', 0x19]] as const) {
    const m = new TestMachine();
    m.map(0x400000, 0x1000, { write: false, user: true, exec: true });
    m.map(0x600000, 0x1000, { write: false, user: true, exec: false }); // readable, not writable (as copy-on-write)
    m.enterUser();
    // mov esi, 0x600000; xor eax, eax; stc; adc/sbb [rsi], eax — the sum (0 + 0 + 1) has no carry out.
    const trap = m.run(0x400000, [0xbe, 0, 0, 0x60, 0, 0x31, 0xc0, 0xf9, op, 0x06]);
    assert.ok(trap !== null && trap.vector === 14, `${name}: #PF expected`);
    assert.equal(trap.errorCode, 7, `${name}: a user write to a present page`);
    // The exception frame on the kernel stack: RFLAGS sits below SS and RSP.
    const rflags = m.read64(KSTACK_TOP - 24);
    assert.equal(rflags & 1n, 1n, `${name}: CF in the frame is the carry the instruction started with`);
  }
});
