// The host CPU as the oracle: a deterministic sample of generated instruction cases (every form
// in tests/oracle/forms.ts, random and edge-case operands and flags) runs natively through the
// committed static runner and on ringside; every register, flag (the SDM-undefined ones too),
// FPU/SSE register and data byte must agree. `npm run fuzz:cpu -- N` runs as many as you like.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, DEFAULT_OPTIONS, formatMismatch } from '../oracle/harness.js';
import { FORMS } from '../oracle/forms.js';
import { EXPECTED_UNIMPLEMENTED, KNOWN_MISMATCHES, expectedUnimplemented, knownMismatch, SSE_IN_CI, X87_IN_CI } from '../oracle/unimplemented.js';
import { Outcome, END_DONE } from '../oracle/outcome.js';
import { compare } from '../oracle/compare.js';
import { Builder, Rng } from '../oracle/builder.js';
import { IN_SIZE, DATA_ADDR, STACK_ADDR } from '../oracle/protocol.js';

const CASES = 50_000;
const SEED = 20240611;

const harness = new Harness();

test('the native runner executes code and reports registers, flags, memory and faults', () => {
  // Hand-made cases with known answers, so that a broken runner cannot pass as an oracle.
  const buf = new Uint8Array(3 * IN_SIZE);
  const b = new Builder();
  const mk = (k: number, code: number[], regs: [number, bigint][]) => {
    b.begin(buf, k, new Rng(k));
    b.flags = 0x202;
    for (const [r, v] of regs) b.setReg(r, v);
    b.bytes(...code);
    b.finish();
  };
  mk(0, [0x48, 0x01, 0xd8, 0x48, 0x89, 0x07], [[0, 0xffffffffffffffffn], [3, 2n], [7, BigInt(DATA_ADDR + 8)]]); // add rax,rbx; mov [rdi],rax
  mk(1, [0xf7, 0xf1], [[1, 0n]]); // div ecx with ecx = 0: #DE
  mk(2, [0x53], [[4, BigInt(STACK_ADDR + 0x800)], [3, 0x1122334455667788n]]); // push rbx
  const res = harness.native.run(buf, 3);
  const o = new Outcome();
  res.fill(0, buf, o);
  assert.equal(o.end, END_DONE);
  assert.equal(o.gpr[0], 1);
  assert.equal(o.gpr[1], 0);
  assert.equal(o.rflags & 0x8d5, 0x1 | 0x10); // CF (carry out) and AF, nothing else
  assert.deepEqual([...o.mem.subarray(8, 16)], [1, 0, 0, 0, 0, 0, 0, 0]);
  res.fill(1, buf, o);
  assert.equal(o.vector, 0, '#DE is vector 0');
  assert.equal(o.rip, 0x10000000);
  res.fill(2, buf, o);
  assert.equal(o.gpr[8], STACK_ADDR + 0x7f8, 'RSP after the push');
  assert.deepEqual([...o.mem.subarray(4096 + 0x7f8, 4096 + 0x800)], [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
});

test('the comparison reports a differing register, flag and memory byte', () => {
  const a = new Outcome(), c = new Outcome();
  assert.equal(compare(a, c, { x87: true, sse: true }).length, 0);
  c.gpr[6] = 1; c.rflags = 0x800; c.mem[100] = 7; c.fx[160] = 1;
  const d = compare(a, c, { x87: true, sse: true }).map((x) => x.what);
  assert.deepEqual(d, ['rbx', 'rflags [OF]', 'xmm0', 'mem[0x20000064]']);
});

test(`differential: ${CASES} cases over every instruction form agree with the host CPU`, (t) => {
  const opts = { ...DEFAULT_OPTIONS, seed: SEED, sse: SSE_IN_CI, x87: X87_IN_CI, keep: 25 };
  const r = harness.run(CASES, opts);
  const ran = r.stats.filter((s) => !s.skipped);
  const intForms = FORMS.filter((f) => f.ext === 'int').length;
  t.diagnostic(`host: ${r.host}; ${ran.length} forms run (${intForms} integer forms in the table), ${r.cases} cases in ${r.seconds.toFixed(1)} s`);
  for (const s of r.stats.filter((x) => x.skipped)) if (s.form.ext === 'int') t.diagnostic(`not run: ${s.form.name} (${s.skipped})`);
  assert.ok(ran.length >= 300, `at least 300 forms must run (${ran.length})`);
  assert.ok(ran.every((s) => s.cases >= 20), 'every form gets at least 20 cases');

  const problems: string[] = [];
  for (const s of ran) {
    const why = expectedUnimplemented(s.form.name);
    if (s.unimplemented > 0 && why === undefined) {
      problems.push(`${s.form.name}: ringside raises #UD in ${s.unimplemented} of ${s.cases} cases (implement it, or list it in tests/oracle/unimplemented.ts)`);
    }
    if (why !== undefined && s.unimplemented === 0 && s.cases > 0) {
      problems.push(`${s.form.name} is listed as unimplemented (${why}) but ringside runs it now: remove it from tests/oracle/unimplemented.ts`);
    }
  }
  for (const e of [...EXPECTED_UNIMPLEMENTED, ...KNOWN_MISMATCHES]) {
    if (!FORMS.some((f) => f.name === e.prefix || f.name.startsWith(e.prefix))) problems.push(`unimplemented.ts lists ${e.prefix}, which names no form`);
  }
  for (const s of ran) {
    const why = knownMismatch(s.form.name);
    if (why === undefined) continue;
    if (s.mismatch === 0 && s.cases > 0) problems.push(`${s.form.name} is listed as a known mismatch (${why}) but agrees with the host now: remove it from tests/oracle/unimplemented.ts`);
    else t.diagnostic(`known mismatch: ${s.form.name}: ${s.mismatch}/${s.cases} cases (${why})`);
  }
  const bad = ran.filter((s) => s.mismatch > 0 && knownMismatch(s.form.name) === undefined);
  if (bad.length > 0) {
    problems.push(`${bad.reduce((a, s) => a + s.mismatch, 0)} mismatches in ${bad.length} forms: ${bad.map((s) => `${s.form.name} (${s.mismatch}/${s.cases}${s.undefOnly ? `, ${s.undefOnly} only in SDM-undefined flags` : ''})`).join(', ')}`);
    for (const m of r.mismatches) if (knownMismatch(m.form) === undefined) problems.push(formatMismatch(m));
  }
  assert.ok(problems.length === 0, problems.join('\n'));
});
