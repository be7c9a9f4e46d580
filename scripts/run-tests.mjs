#!/usr/bin/env node
// Runs the compiled tests, dist/tests/**/*.test.js, with node:test. `npm test` calls this after
// `tsc -p .`. A script rather than a glob on the command line: Node 20's `node --test` does not
// expand globs (that came in Node 21), and given a directory it also runs files that merely look
// like tests (test-*.js, anything under a test/ folder).
//
//   node scripts/run-tests.mjs [PATTERN...]   only files whose path contains one of the patterns
//
// A compiled test whose source (tests/**/NAME.test.ts) was deleted or renamed still sits in
// dist/, which tsc never cleans: such files are skipped, with a note.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distTests = join(root, 'dist/tests');

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

if (!existsSync(distTests)) {
  console.error('run-tests: dist/tests is missing: run `npx tsc -p .` first (npm test does)');
  process.exit(1);
}

const patterns = process.argv.slice(2);
const files = [];
for (const file of walk(distTests, []).sort()) {
  const rel = relative(join(root, 'dist'), file);
  const source = join(root, rel.replace(/\.js$/, '.ts'));
  if (!existsSync(source)) {
    console.log(`run-tests: skipping dist/${rel}: its source ${relative(root, source)} no longer exists`);
    continue;
  }
  if (patterns.length && !patterns.some((p) => rel.includes(p))) continue;
  files.push(relative(root, file));
}
if (files.length === 0) {
  console.error(`run-tests: no test files${patterns.length ? ` matching ${patterns.join(', ')}` : ''}`);
  process.exit(1);
}

const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
