// Regenerates tests/oracle/sse/fixture.json: compiles the host oracle (tests/oracle/sse/sse-host.c)
// with gcc, runs every case of tests/oracle/sse/cases.ts on this machine's CPU, and records the
// outcomes. `npx tsc -p . && node dist/scripts/gen-sse-fixture.js`. Needs an x86-64 host with
// SSE4.2; the fixture names the CPU it came from.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allCases, encodeCase, decodeOutcome, outcomeString, IN_SIZE, OUT_SIZE } from '../tests/oracle/sse/cases.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'tests/oracle/sse/sse-host.c');
const out = join(root, 'tests/oracle/sse/fixture.json');

const dir = mkdtempSync(join(tmpdir(), 'sse-host-'));
const exe = join(dir, 'sse-host');
const cc = spawnSync('gcc', ['-O2', '-o', exe, src], { stdio: 'inherit' });
if (cc.status !== 0) throw new Error('gcc failed');

const ops = allCases();
const total = ops.reduce((n, o) => n + o.cases.length, 0);
const input = Buffer.alloc(total * IN_SIZE);
let k = 0;
for (const o of ops) for (const c of o.cases) encodeCase(c, input, (k++) * IN_SIZE);
const run = spawnSync(exe, [], { input, maxBuffer: total * OUT_SIZE + 1024 });
if (run.status !== 0) throw new Error(`sse-host exited with ${run.status}: ${run.stderr}`);
if (run.stdout.length !== total * OUT_SIZE) throw new Error(`sse-host returned ${run.stdout.length} bytes, expected ${total * OUT_SIZE}`);

const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown';
const fixture: { host: string; cases: number; ops: Record<string, { inputs: string; outcomes: string[] }> } = { host: cpu, cases: total, ops: {} };
k = 0;
for (const o of ops) {
  const outcomes: string[] = [];
  const h = createHash('sha256');
  for (const c of o.cases) {
    h.update(input.subarray(k * IN_SIZE, (k + 1) * IN_SIZE));
    outcomes.push(outcomeString(c, decodeOutcome(run.stdout, k * OUT_SIZE)));
    k++;
  }
  fixture.ops[o.name] = { inputs: h.digest('hex').slice(0, 16), outcomes };
}
writeFileSync(out, JSON.stringify(fixture, null, 0).replace(/\],"/g, '],\n"') + '\n');
console.log(`${total} cases over ${ops.length} forms from ${cpu} → ${out}`);
