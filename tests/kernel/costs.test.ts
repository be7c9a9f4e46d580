// The cost model (src/trace/costs.ts, src/cpu/cycles.ts): RDTSC in a guest reads the modeled
// cycle counter exactly as the profile prices the instructions between two reads; a faulting
// instruction costs nothing and its delivery costs the profile's figure; per-entry accounting
// sees the SYSRET/IRET difference the table explains; and the opportunistic-SYSRET figure
// (getpid under forced context tracking, ~280 ns by SYSRET vs ~360 ns by IRET, commit
// 2a23c6b8a9c4) comes out within 0.78 ± 0.08.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction } from 'iced-x86';
import { TestMachine } from '../harness/machine.js';
import { runGuest } from '../harness/run-guest.js';
import { SANDY_BRIDGE, GENERIC, cycleModel, type CostProfile } from '../../src/trace/costs.js';
import { DEFAULT_SYSRET_CHECKS } from '../../src/kernel/entry/syscall.js';
import { PF_ } from '../../src/cpu/regs.js';
import type { KernelOptions } from '../../src/kernel/kernel.js';

const GETPID = 'tests/guest/bin/getpid_loop.asm';
const CODE = 0x400000, DATA = 0x600000;

/** A straight-line sequence between two RDTSCs, each instruction with what it should cost. */
function timedSequence(p: CostProfile): { bytes: number[]; asm: string[]; expected: number } {
  const b = p.base, c = p.insn;
  const parts: [number[], string, number][] = [
    [[0x0f, 0x31], 'rdtsc', 0], // the first read: its own cost is before the count it returns
    [[0x41, 0x89, 0xc0], 'mov %eax,%r8d', b],
    [[0x41, 0x89, 0xd1], 'mov %edx,%r9d', b],
    [[0x0f, 0xae, 0xe8], 'lfence', c.lfence ?? b],
    [[0x0f, 0xae, 0xf0], 'mfence', c.mfence ?? b],
    [[0xf3, 0x90], 'pause', c.pause ?? b],
    [[0xbe, 0x00, 0x00, 0x60, 0x00], 'mov $0x600000,%esi', b],
    [[0xf0, 0x01, 0x06], 'lock add %eax,(%rsi)', c.locked_rmw ?? b],
    [[0x48, 0x87, 0x0e], 'xchg %rcx,(%rsi)', c.locked_rmw ?? b],
    [[0x31, 0xd2], 'xor %edx,%edx', b],
    [[0xb8, 0x07, 0x00, 0x00, 0x00], 'mov $7,%eax', b],
    [[0xb9, 0x03, 0x00, 0x00, 0x00], 'mov $3,%ecx', b],
    [[0x48, 0xf7, 0xf1], 'div %rcx', c.div64 ?? b],
    [[0xfc], 'cld', c.cld_std ?? b],
    [[0x0f, 0x31], 'rdtsc', c.rdtsc ?? b], // the second read includes itself: it ends its block
  ];
  return {
    bytes: parts.flatMap((x) => x[0]),
    asm: parts.map((x) => x[1]),
    expected: parts.reduce((s, x) => s + x[2], 0),
  };
}

/** What iced-x86 makes of the bytes, in GNU syntax: the encodings above are what they say. */
function disassemble(bytes: number[]): string[] {
  const dec = new Decoder(64, new Uint8Array(bytes), DecoderOptions.None);
  const fmt = new Formatter(FormatterSyntax.Gas);
  const ins = new Instruction();
  const out: string[] = [];
  try {
    while (dec.canDecode) {
      dec.decodeOut(ins);
      out.push(fmt.format(ins));
    }
  } finally {
    ins.free();
    dec.free();
    fmt.free();
  }
  return out;
}

function machineWith(p: CostProfile): TestMachine {
  const m = new TestMachine();
  m.cpu.cycles = cycleModel(p);
  m.map(CODE, 0x1000, { write: false, user: true, exec: true });
  m.map(DATA, 0x1000, { write: true, user: true, exec: false });
  m.enterUser();
  return m;
}

const tscOf = (m: TestMachine, lo: number, hi: number) => (m.cpu.hi[hi] >>> 0) * 4294967296 + (m.cpu.lo[lo] >>> 0);

test('the timed sequence encodes what it claims (iced-x86, GNU syntax)', () => {
  const seq = timedSequence(SANDY_BRIDGE);
  assert.deepEqual(disassemble(seq.bytes), seq.asm);
});

for (const p of [SANDY_BRIDGE, GENERIC]) {
  test(`RDTSC in a guest advances by the ${p.name} profile's price of the instructions between two reads`, () => {
    const m = machineWith(p);
    const seq = timedSequence(p);
    const trap = m.run(CODE, seq.bytes);
    assert.equal(trap, null);
    const first = tscOf(m, 8, 9), second = tscOf(m, 0, 2);
    assert.equal(second - first, seq.expected);
    if (p === SANDY_BRIDGE) assert.ok(seq.expected > 2 * seq.asm.length, 'the Sandy Bridge prices differ from one cycle each');
  });
}

test('a faulting instruction is not charged; delivering its exception costs the profile\'s figure', () => {
  const m = machineWith(SANDY_BRIDGE);
  // rdtsc; mov %eax,%r8d; mov %edx,%r9d; mov 0x0,%rax (unmapped: #PF at CPL 3)
  const trap = m.run(CODE, [0x0f, 0x31, 0x41, 0x89, 0xc0, 0x41, 0x89, 0xd1, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0]);
  assert.equal(trap?.vector, PF_);
  assert.equal(m.cpu.tsc - tscOf(m, 8, 9), 2 * SANDY_BRIDGE.base + SANDY_BRIDGE.delivery.exception);
});

function getpids(n: number, opts: Partial<KernelOptions>) {
  const r = runGuest(GETPID, [String(n)], { stats: true, ...opts });
  assert.equal(r.error, null);
  assert.equal(r.status, 0);
  return r;
}
const NEVER: Partial<KernelOptions> = { sysretChecks: { ...DEFAULT_SYSRET_CHECKS, mode: 'never' } };

test('per-entry accounting: SYSRET and IRET returns differ by exactly what the table says', () => {
  const n = 1000;
  const a = getpids(n, {}), b = getpids(n, NEVER);
  const row = (r: typeof a, how: string) => r.kernel.stats.entryCostRows().find((c) => c.kind === 'syscall' && c.how === how)!;
  const sys = row(a, 'SYSRET'), iret = row(b, 'IRET');
  assert.equal(sys.count, n + 1, 'getpid n times and write once return by SYSRET');
  assert.equal(iret.count, n + 1, '--sysret=never returns them all by IRET');
  // Every entry takes the same path up to the return: the extra instructions of the IRET exit
  // are ordinary ones (addq, testb, jnz …), counted from the kernel instruction totals.
  const extraInsns = (b.kernel.cpu.kernelIcount - a.kernel.cpu.kernelIcount) / (n + 1);
  assert.ok(Number.isInteger(extraInsns) && extraInsns >= 0, `extra kernel instructions per entry: ${extraInsns}`);
  const p = SANDY_BRIDGE;
  const expected = p.insn.iret! - p.insn.sysret! + extraInsns * p.base - p.kernel.sysret_checks!;
  assert.equal(iret.cycles / iret.count - sys.cycles / sys.count, expected);
  // --stats prints the rows, with nanoseconds at the profile's clock.
  const text = a.kernel.stats.format({ userInsns: 0, kernelInsns: 0, cycles: a.kernel.cpu.tsc, clock: p });
  const mean = sys.cycles / sys.count;
  assert.match(text, new RegExp(`syscall\\s+SYSRET\\s+${n + 1}\\s+${sys.cycles}\\s+${mean.toFixed(1)}\\s+${((mean * 1e9) / p.hz).toFixed(1)}`));
});

test('with context tracking forced, getpid by SYSRET over getpid by IRET is 0.78 ± 0.08 (commit 2a23c6b8a9c4: ~280/360 ns)', () => {
  const perCall = (opts: Partial<KernelOptions>) => {
    const small = getpids(500, opts), large = getpids(2500, opts);
    return (large.kernel.cpu.tsc - small.kernel.cpu.tsc) / 2000;
  };
  const ct: Partial<KernelOptions> = { contextTracking: 'force' };
  const bySysret = perCall(ct), byIret = perCall({ ...ct, ...NEVER });
  const ratio = bySysret / byIret;
  assert.ok(Math.abs(ratio - 0.78) <= 0.08, `ratio ${ratio.toFixed(3)} (SYSRET ${bySysret} cycles, IRET ${byIret} cycles)`);
  // Context tracking itself is what makes the slow path slow: without it the same two returns
  // differ by the same number of cycles, a much larger share of a much smaller whole.
  const plain = perCall({}) / perCall(NEVER);
  assert.ok(plain < ratio - 0.1, `without context tracking the ratio is ${plain.toFixed(3)}`);
});
