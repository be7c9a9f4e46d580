// seccomp: the classic-BPF checker and interpreter (src/kernel/seccomp/bpf.ts) against the host
// kernel as the oracle (tests/guest/src/bpf_oracle.c loads each program with seccomp(2) and runs
// it), a few named rules of Linux's checker, and the seccomp guest (tests/guest/src/seccomp.c:
// kill, trap, errno, log/allow, stacking, refused filters, no_new_privs, strict mode, TSYNC,
// /proc/self/status) printing exactly what it prints natively, glibc and musl.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { runGuest, runNative } from '../harness/run-guest.js';
import { HOST_IS_X86_64_LINUX, guestPath } from '../guest/guests.js';
import {
  BPF_LD, BPF_LDX, BPF_ST, BPF_STX, BPF_ALU, BPF_JMP, BPF_RET, BPF_MISC, BPF_W, BPF_H, BPF_B, BPF_IMM, BPF_ABS,
  BPF_IND, BPF_MEM, BPF_LEN, BPF_MSH, BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_NEG,
  BPF_MOD, BPF_XOR, BPF_JA, BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_K, BPF_X, BPF_A, BPF_TAX, BPF_TXA,
  checkFilter, decodeProgram, runProgram,
} from '../../src/kernel/seccomp/bpf.js';
import { runFilters, SeccompFilter, seccompTraceHook, setSeccompTraceHook, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_TRAP, SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_LOG, AUDIT_ARCH_X86_64 } from '../../src/kernel/seccomp/filter.js';
import { EINVAL, ESRCH } from '../../src/kernel/errno.js';
import { PT_REGS_SIZE, PtRegs } from '../../src/kernel/entry/ptregs.js';

const native = { skip: HOST_IS_X86_64_LINUX ? false : 'needs an x86-64 Linux host' };

type Insn = [code: number, jt: number, jf: number, k: number];

function bytes(p: Insn[]): Uint8Array {
  const b = new Uint8Array(p.length * 8);
  const dv = new DataView(b.buffer);
  p.forEach(([c, jt, jf, k], i) => { dv.setUint16(i * 8, c, true); b[i * 8 + 2] = jt; b[i * 8 + 3] = jf; dv.setUint32(i * 8 + 4, k >>> 0, true); });
  return b;
}
const hex = (p: Insn[]) => Buffer.from(bytes(p)).toString('hex');
const prog = (p: Insn[]) => decodeProgram(bytes(p), p.length);
const stmt = (c: number, k: number): Insn => [c, 0, 0, k];
const ALLOW: Insn = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

/** A deterministic PRNG (xorshift32) so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

/** Run the host oracle over input lines; one output line each. */
function oracle(lines: string[]): string[] {
  const r = spawnSync(guestPath('bpf_oracle.glibc'), [], { input: lines.join('\n') + '\n', encoding: 'latin1', maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trimEnd().split('\n');
}

test('checker: Linux rules by name', () => {
  const ld = (k: number): Insn => stmt(BPF_LD | BPF_W | BPF_ABS, k);
  const cases: [string, Insn[], number][] = [
    ['a lone RET is a program', [ALLOW], 0],
    ['load nr, arch, args[5] high word', [ld(0), ld(4), ld(60), ALLOW], 0],
    ['load at sizeof(seccomp_data)', [ld(64), ALLOW], -EINVAL],
    ['misaligned load', [ld(6), ALLOW], -EINVAL],
    ['16-bit load', [stmt(BPF_LD | BPF_H | BPF_ABS, 0), ALLOW], -EINVAL],
    ['conditional jump one past the end', [[BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0], ALLOW], -EINVAL],
    ['conditional jump to the last instruction', [[BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0], ALLOW, ALLOW], 0],
    ['JA k = 0xffffffff (no backward jumps)', [stmt(BPF_JMP | BPF_JA, 0xffffffff), ALLOW], -EINVAL],
    ['last instruction not RET', [ALLOW, ld(0)], -EINVAL],
    ['DIV by constant 0', [stmt(BPF_ALU | BPF_DIV | BPF_K, 0), ALLOW], -EINVAL],
    ['LSH by 32', [stmt(BPF_ALU | BPF_LSH | BPF_K, 32), ALLOW], -EINVAL],
    ['MOD (classic yes, seccomp no)', [stmt(BPF_ALU | BPF_MOD | BPF_K, 3), ALLOW], -EINVAL],
    ['XOR is allowed', [stmt(BPF_ALU | BPF_XOR | BPF_K, 3), ALLOW], 0],
    ['scratch read before any store', [stmt(BPF_LD | BPF_MEM, 0), ALLOW], -EINVAL],
    ['scratch cell 16', [stmt(BPF_ST, 16), ALLOW], -EINVAL],
    ['scratch stored then read', [stmt(BPF_ST, 15), stmt(BPF_LDX | BPF_MEM, 15), ALLOW], 0],
    ['scratch stored on one branch only', [[BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0], stmt(BPF_ST, 2), stmt(BPF_LD | BPF_MEM, 2), ALLOW], -EINVAL],
    ['scratch stored on both branches', [stmt(BPF_ST, 2), [BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0], stmt(BPF_ST, 2), stmt(BPF_LD | BPF_MEM, 2), ALLOW], 0],
    ['LD LEN becomes 64', [stmt(BPF_LD | BPF_W | BPF_LEN, 0), stmt(BPF_RET | BPF_A, 0)], 0],
  ];
  for (const [name, p, want] of cases) assert.equal(checkFilter(prog(p)), want, name);
  assert.equal(checkFilter(decodeProgram(new Uint8Array(0), 0)), -EINVAL, 'empty program');
  assert.equal(checkFilter(prog(new Array(4097).fill(ALLOW))), -EINVAL, '4097 instructions');
  assert.equal(checkFilter(prog(new Array(4096).fill(ALLOW))), 0, '4096 instructions');
});

test('interpreter: seccomp_data words, LD LEN, scratch, division by X = 0', () => {
  const data = new Uint32Array(16);
  data[0] = 39; data[1] = AUDIT_ARCH_X86_64; data[4] = 0xdeadbeef; data[5] = 0x12345678;
  const run = (p: Insn[]) => { const q = prog(p); assert.equal(checkFilter(q), 0); return runProgram(q, data); };
  assert.equal(run([stmt(BPF_LD | BPF_W | BPF_ABS, 4), stmt(BPF_RET | BPF_A, 0)]), AUDIT_ARCH_X86_64);
  assert.equal(run([stmt(BPF_LD | BPF_W | BPF_ABS, 20), stmt(BPF_RET | BPF_A, 0)]), 0x12345678);
  assert.equal(run([stmt(BPF_LD | BPF_W | BPF_LEN, 0), stmt(BPF_RET | BPF_A, 0)]), 64);
  assert.equal(run([stmt(BPF_LD | BPF_W | BPF_ABS, 16), stmt(BPF_ST, 7), stmt(BPF_LD | BPF_IMM, 1), stmt(BPF_LDX | BPF_MEM, 7), stmt(BPF_MISC | BPF_TXA, 0), stmt(BPF_RET | BPF_A, 0)]), 0xdeadbeef);
  // Classic BPF converted to eBPF returns 0 on division by a zero X (SECCOMP_RET_KILL_THREAD).
  assert.equal(run([stmt(BPF_LD | BPF_IMM, 5), stmt(BPF_ALU | BPF_DIV | BPF_X, 0), stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)]), 0);
});

test('filter stack: the strongest action wins; among equals the newest filter keeps its data', () => {
  const ret = (v: number) => prog([stmt(BPF_RET | BPF_K, v)]);
  const stack = (...vals: number[]) => vals.reduce<SeccompFilter | null>((prev, v) => new SeccompFilter(ret(v), prev, false), null);
  const data = new Uint32Array(16);
  assert.equal(runFilters(stack(SECCOMP_RET_ALLOW, SECCOMP_RET_LOG), data), SECCOMP_RET_LOG);
  assert.equal(runFilters(stack(SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 2), data), SECCOMP_RET_ERRNO | 2);
  assert.equal(runFilters(stack(SECCOMP_RET_TRAP | 9, SECCOMP_RET_ERRNO | 2, SECCOMP_RET_ALLOW), data), SECCOMP_RET_TRAP | 9);
  assert.equal(runFilters(stack(SECCOMP_RET_LOG, SECCOMP_RET_KILL_PROCESS | 3, SECCOMP_RET_TRAP), data), (SECCOMP_RET_KILL_PROCESS | 3) >>> 0);
  // 0x00010000 is no action Linux knows, but as a signed number it ranks between KILL_THREAD and TRAP.
  assert.equal(runFilters(stack(SECCOMP_RET_TRAP, 0x00010000), data), 0x00010000);
});

/** Every opcode classic BPF has (and a few it does not), for random programs. */
const CODES = [
  ...[BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH].flatMap((o) => [BPF_ALU | o | BPF_K, BPF_ALU | o | BPF_X]),
  BPF_ALU | BPF_NEG, BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS, BPF_LD | BPF_W | BPF_LEN,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_IMM, BPF_LD | BPF_MEM, BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH,
  BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_RET | BPF_K, BPF_RET | BPF_A,
  BPF_JMP | BPF_JA, ...[BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET].flatMap((o) => [BPF_JMP | o | BPF_K, BPF_JMP | o | BPF_X]),
  0xff, BPF_RET | BPF_X, BPF_ALU | BPF_NEG | BPF_X, BPF_LD | BPF_IND | BPF_IMM,
];
const KS = [0, 1, 2, 3, 4, 8, 15, 16, 31, 32, 60, 61, 63, 64, 68, 0xfffff000, 0xffffffff];

test('checker: random programs accepted or refused exactly as the host kernel does', native, () => {
  const next = rng(0x5ecc0);
  const progs: Insn[][] = [];
  for (let n = 0; n < 400; n++) {
    const len = 1 + (next() % 8);
    const p: Insn[] = [];
    for (let i = 0; i < len; i++) {
      const code = CODES[next() % CODES.length];
      const k = next() % 4 === 0 ? next() : KS[next() % KS.length];
      p.push([code, next() % (len + 1), next() % (len + 1), k]);
    }
    if (next() % 4 !== 0) p.push(next() % 2 ? ALLOW : stmt(BPF_RET | BPF_A, 0));
    progs.push(p);
  }
  const want = oracle(progs.map((p) => `L ${hex(p)}`));
  let accepted = 0;
  progs.forEach((p, i) => {
    const got = -checkFilter(prog(p));
    if (got === 0) accepted++;
    assert.equal(String(got), want[i], `program ${i}: ${hex(p)}`);
  });
  // The mix must exercise both answers.
  assert.ok(accepted > 20 && accepted < progs.length - 20, `accepted ${accepted} of ${progs.length}`);
});

test('interpreter: random arithmetic over the arguments gives the host kernel\'s result', native, () => {
  const next = rng(0xb9f);
  const ALU_OPS = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH];
  const JMP_OPS = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET];
  // Loadable words: nr, arch, args (not the instruction pointer, which differs between the runs).
  const OFFS = [0, 4, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60];
  const cases: { p: Insn[]; args: bigint[] }[] = [];
  for (let n = 0; n < 300; n++) {
    const body: Insn[] = [];
    // Every scratch cell is written first (so any later read is legal), with mixes of the
    // arguments; A and X start from them too.
    for (let m = 0; m < 16; m++) {
      body.push(stmt(BPF_LD | BPF_W | BPF_ABS, OFFS[next() % OFFS.length]), stmt(BPF_ALU | BPF_XOR | BPF_K, next() % 2 ? next() : KS[next() % KS.length]), stmt(BPF_ST, m));
    }
    body.push(stmt(BPF_LDX | BPF_MEM, next() % 16), stmt(BPF_LD | BPF_MEM, next() % 16));
    const len = 4 + (next() % 14);
    for (let i = 0; i < len; i++) {
      const left = len - i; // instructions after this one in the body, before the epilogue
      const r = next() % 10;
      if (r < 3) {
        const op = ALU_OPS[next() % ALU_OPS.length];
        const x = next() % 3 === 0;
        let k = next() % 3 ? next() : KS[next() % KS.length];
        if (!x && (op === BPF_LSH || op === BPF_RSH)) k %= 32;
        if (!x && op === BPF_DIV && k === 0) k = 7;
        body.push(stmt(BPF_ALU | op | (x ? BPF_X : BPF_K), k));
      } else if (r < 5) body.push(stmt(BPF_LD | BPF_W | BPF_ABS, OFFS[next() % OFFS.length]));
      else if (r === 5) body.push(stmt([BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_ALU | BPF_NEG, BPF_LD | BPF_W | BPF_LEN][next() % 4], 0));
      else if (r === 6) body.push(stmt([BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX][next() % 4], next() % 16));
      else if (r === 7) body.push(stmt([BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM][next() % 2], next() % 2 ? next() : KS[next() % KS.length]));
      else if (r === 8) body.push(stmt(BPF_JMP | BPF_JA, next() % left));
      else body.push([BPF_JMP | JMP_OPS[next() % JMP_OPS.length] | (next() % 2 ? BPF_X : BPF_K), next() % left, next() % left, next() % 2 ? next() : KS[next() % KS.length]]);
    }
    // Only getppid is judged (every other call is allowed); the result becomes an errno.
    const p: Insn[] = [
      stmt(BPF_LD | BPF_W | BPF_ABS, 0), [BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 110], ALLOW,
      ...body,
      // Fold the high bits into the 12 an errno can show: A ^= A >> 20; A ^= A >> 10.
      stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_ALU | BPF_RSH | BPF_K, 20), stmt(BPF_ALU | BPF_XOR | BPF_X, 0),
      stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_ALU | BPF_RSH | BPF_K, 10), stmt(BPF_ALU | BPF_XOR | BPF_X, 0),
      stmt(BPF_ALU | BPF_AND | BPF_K, 0xfff), stmt(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO), stmt(BPF_RET | BPF_A, 0),
    ];
    const args = Array.from({ length: 6 }, () => (BigInt(next()) << 32n) | BigInt(next() % 3 ? next() : KS[next() % KS.length]));
    cases.push({ p, args });
  }
  const want = oracle(cases.map(({ p, args }) => `R ${hex(p)} ${args.map((a) => a.toString(16)).join(' ')}`));
  let nonzero = 0;
  cases.forEach(({ p, args }, i) => {
    const q = prog(p);
    assert.equal(checkFilter(q), 0, `case ${i} must load`);
    const data = new Uint32Array(16);
    data[0] = 110; data[1] = AUDIT_ARCH_X86_64;
    args.forEach((a, j) => { data[4 + 2 * j] = Number(a & 0xffffffffn); data[5 + 2 * j] = Number(a >> 32n); });
    const r = runProgram(q, data);
    // Division by a zero X returns 0: KILL_THREAD, and the child dies of SIGSYS.
    const got = r === 0 ? 'killed' : String(Math.min(r & 0xffff, 4095));
    const host = want[i].startsWith('child status') ? 'killed' : want[i];
    if (got !== '0') nonzero++;
    assert.equal(got, host, `case ${i}: ${hex(p)} args ${args.map((a) => a.toString(16)).join(' ')}`);
  });
  assert.ok(nonzero > 100, `only ${nonzero} cases gave a non-zero result`);
});

for (const libc of ['glibc', 'musl']) {
  test(`seccomp.${libc}: kill, trap, errno, log, stacking, refusals, strict, TSYNC as on the host`, native, () => {
    const bin = guestPath(`seccomp.${libc}`);
    const host = runNative(bin);
    assert.equal(host.status, 0, host.stdout);
    assert.match(host.stdout, /\ndone\n$/, 'the host run reached its end');
    const r = runGuest(bin, [], { traceEntries: true });
    assert.equal(r.error, null);
    const a = r.stdout.split('\n'), b = host.stdout.split('\n');
    for (let i = 0; i < Math.max(a.length, b.length); i++) assert.equal(a[i], b[i], `line ${i + 1} differs (ringside, then host)`);
    assert.equal(r.status, 0);
    // --trace=entry names the reason filtered calls take the entry work.
    assert.ok(r.log.some((l) => /^\[entry\] syscall 110 \(getppid\) \[slow path: SECCOMP\] via entry_SYSCALL_64/.test(l)), 'a filtered getppid in the entry trace');
    assert.ok(r.log.some((l) => /^\[entry\] syscall \d+ \(\w+\) via entry_SYSCALL_64/.test(l)), 'unfiltered calls carry no reason');
  });
}

test('TRACE hands the call to the tracer hook, which may cancel it; without a tracer: ENOSYS', () => {
  const saved = seccompTraceHook;
  const seen: number[] = [];
  try {
    // A stand-in for ptrace's PTRACE_EVENT_SECCOMP stop: cancel the call (orig_ax = -1) with ESRCH.
    setSeccompTraceHook((k, t, data, resume) => {
      seen.push(data);
      const regs = new PtRegs(k.cpu, t.kstackTop - PT_REGS_SIZE);
      regs.set('orig_rax', -1, -1);
      regs.set('rax', -ESRCH, -1);
      resume();
      return true;
    });
    const r = runGuest(guestPath('seccomp.glibc'));
    assert.equal(r.status, 0);
    assert.match(r.stdout, /\ngetpgrp \(TRACE, no tracer\): -1 errno 3\n/);
    // A stronger action (ERRNO) in another filter wins: the tracer is not asked.
    assert.match(r.stdout, /\ngetpgrp \(TRACE, ERRNO 33, USER_NOTIF\): -1 errno 33\n/);
    assert.deepEqual(seen, [3], 'asked once, with the data of the filter');
  } finally {
    setSeccompTraceHook(saved);
  }
});
