// Every SSE form in tests/oracle/sse/cases.ts, run in ringside and compared with what the host
// CPU did (tests/oracle/sse/fixture.json, made by scripts/gen-sse-fixture.ts): result registers,
// memory, MXCSR flags, RFLAGS, and the exception raised (#XM, #GP, #UD), bit for bit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allCases, encodeCase, outcomeString, IN_SIZE } from '../oracle/sse/cases.js';
import { SseEmulator } from '../oracle/sse/emulate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixture = JSON.parse(readFileSync(join(root, 'tests/oracle/sse/fixture.json'), 'utf8')) as {
  host: string; ops: Record<string, { inputs: string; outcomes: string[] }>;
};

const FEATURES = ['sse', 'sse2', 'sse3', 'ssse3', 'sse4.1', 'sse4.2'] as const;
const ONLY = process.env.SSE_ONLY?.split(',');

const ops = allCases();
const emu = new SseEmulator();
for (const feature of FEATURES) {
  test(`SSE fixture (${feature}): ringside matches the host (${fixture.host})`, () => {
    const bad: string[] = [];
    let n = 0, failedForms = 0;
    for (const o of ops) {
      if (o.feature !== feature || (ONLY && !ONLY.includes(o.name))) continue;
      const f = fixture.ops[o.name];
      assert.ok(f, `fixture has no entry for ${o.name}: regenerate it (scripts/gen-sse-fixture.ts)`);
      const h = createHash('sha256');
      const buf = Buffer.alloc(IN_SIZE);
      for (const c of o.cases) { encodeCase(c, buf, 0); h.update(buf); }
      assert.equal(h.digest('hex').slice(0, 16), f.inputs, `inputs of ${o.name} changed: regenerate the fixture`);
      let formBad = 0;
      o.cases.forEach((c, k) => {
        n++;
        const got = outcomeString(c, emu.run(c));
        if (got !== f.outcomes[k]) {
          formBad++;
          if (formBad <= 3 && bad.length < 60) {
            bad.push(`${o.name}#${k} code ${Buffer.from(c.code).toString('hex')} mxcsr ${c.mxcsr.toString(16)} rax ${c.rax.toString(16)} ` +
              `xmm0 ${Buffer.from(c.xmm.subarray(0, 16)).toString('hex')} xmm1 ${Buffer.from(c.xmm.subarray(16, 32)).toString('hex')}\n` +
              `    host     ${f.outcomes[k]}\n    ringside ${got}`);
          }
        }
      });
      if (formBad) { failedForms++; bad.push(`  ${o.name}: ${formBad}/${o.cases.length} cases differ`); }
    }
    assert.ok(n > 0);
    assert.equal(bad.length, 0, `${failedForms} forms differ from the host:\n${bad.join('\n')}`);
  });
}
