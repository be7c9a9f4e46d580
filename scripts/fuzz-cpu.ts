// npm run fuzz:cpu -- [N] [--form PREFIX]... [--seed S] [--sse] [--x87] [--keep K] [--all]
//
// Runs N cases (default 100,000) of the host-CPU differential harness (tests/oracle/) and prints
// a per-form summary: cases, matches, mismatches (and how many differ only in flags the SDM
// leaves undefined), instructions ringside does not implement yet (#UD), and the first
// mismatches in full. --all prints every form, not only those with problems.

import { Harness, DEFAULT_OPTIONS, formatMismatch, type HarnessOptions } from '../tests/oracle/harness.js';

function main(argv: string[]): number {
  const opts: HarnessOptions = { ...DEFAULT_OPTIONS, only: [], keep: 20 };
  let n = 100_000;
  let all = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const next = () => {
      const v = argv[++k];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--form') opts.only.push(next());
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--keep') opts.keep = Number(next());
    else if (a === '--batch') opts.batch = Number(next());
    else if (a === '--sse') opts.sse = true;
    else if (a === '--x87') opts.x87 = true;
    else if (a === '--all') all = true;
    else if (/^\d+$/.test(a)) n = Number(a);
    else { console.error(`fuzz-cpu: unknown argument ${a}`); return 2; }
  }
  const h = new Harness();
  if (h.plan(opts).every((s) => s.skipped)) {
    console.error(`fuzz-cpu: no runnable form matches ${opts.only.join(', ') || '(all)'} (SSE and x87 forms need --sse / --x87)`);
    return 2;
  }
  const r = h.run(n, opts);
  console.log(`host: ${r.host}`);
  const ran = r.stats.filter((s) => !s.skipped);
  const skipped = r.stats.filter((s) => s.skipped);
  const pad = (s: string | number, w: number) => String(s).padStart(w);
  console.log(`${'form'.padEnd(32)} ${pad('cases', 7)} ${pad('match', 7)} ${pad('mismatch', 8)} ${pad('undef-only', 10)} ${pad('#UD(unimpl)', 11)}`);
  for (const s of ran) {
    if (!all && s.mismatch === 0 && s.unimplemented === 0) continue;
    console.log(`${s.form.name.padEnd(32)} ${pad(s.cases, 7)} ${pad(s.match, 7)} ${pad(s.mismatch, 8)} ${pad(s.undefOnly, 10)} ${pad(s.unimplemented, 11)}`);
  }
  const sum = (f: (s: typeof ran[number]) => number) => ran.reduce((a, s) => a + f(s), 0);
  const formsBad = ran.filter((s) => s.mismatch > 0).length;
  const formsUnimpl = ran.filter((s) => s.unimplemented > 0).length;
  console.log(`\n${r.cases} cases over ${ran.length} forms in ${r.seconds.toFixed(1)} s (${Math.round(r.cases / r.seconds)} cases/s; native ${r.nativeSeconds.toFixed(1)} s, ringside+compare ${r.emulateSeconds.toFixed(1)} s)`);
  console.log(`match ${sum((s) => s.match)}, mismatch ${sum((s) => s.mismatch)} in ${formsBad} forms (${sum((s) => s.undefOnly)} only in SDM-undefined flags), unimplemented in ringside (#UD) ${sum((s) => s.unimplemented)} in ${formsUnimpl} forms`);
  if (skipped.length > 0) {
    const why = new Map<string, number>();
    for (const s of skipped) why.set(s.skipped!, (why.get(s.skipped!) ?? 0) + 1);
    console.log(`not run: ${[...why].map(([w, c]) => `${c} forms (${w})`).join(', ')}`);
  }
  if (r.mismatches.length > 0) {
    console.log(`\nfirst ${r.mismatches.length} mismatches:`);
    for (const m of r.mismatches) console.log(formatMismatch(m));
  }
  return formsBad > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
