// Long differential run of the decoder against iced-x86 (see tests/harness/decoder-oracle.ts
// for what "agree" means). `npm run fuzz:decoder -- [N] [--seed S] [--show K] [--bits 64,32]`:
// N sequences (default 1,000,000) split evenly over the modes; prints agreement statistics per
// mode and the first K disagreements with their bytes, iced's disassembly and our length/status.
// Exits with status 1 when any sequence disagrees.

import { DecoderOracle, Rng, emptyStats, formatStats, fuzz, sweep, sweepVex } from '../tests/harness/decoder-oracle.js';

function main(argv: string[]): number {
  let count = 1_000_000, seed = 0x5eed, show = 20;
  let modes: (64 | 32 | 16)[] = [64, 32];
  let doSweep = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--seed') seed = Number(argv[++k]);
    else if (a === '--show') show = Number(argv[++k]);
    else if (a === '--sweep') doSweep = true;
    else if (a === '--bits') modes = argv[++k].split(',').map((s) => Number(s) as 64 | 32 | 16);
    else if (/^\d[\d_]*$/.test(a)) count = Number(a.replace(/_/g, ''));
    else { console.error(`fuzz-decoder: unknown argument ${a}`); return 2; }
  }
  if (!Number.isFinite(seed) || modes.some((m) => m !== 64 && m !== 32 && m !== 16)) {
    console.error('fuzz-decoder: bad --seed or --bits');
    return 2;
  }
  let bad = 0;
  const t0 = performance.now();
  modes.forEach((bits, idx) => {
    const oracle = new DecoderOracle(bits);
    oracle.keep = show;
    const stats = emptyStats();
    const n = Math.floor(count / modes.length) + (idx < count % modes.length ? 1 : 0);
    fuzz(oracle, new Rng(seed + bits), n, stats);
    console.log(formatStats(`${bits}-bit mode`, stats));
    if (stats.disagreements.length) {
      console.log(`  first disagreements:`);
      for (const d of stats.disagreements) console.log('    ' + d);
    }
    bad += stats.total - stats.agree;
    if (doSweep) {
      const sw = emptyStats();
      oracle.keep = show;
      sweep(oracle, new Rng(seed ^ bits), sw);
      sweepVex(oracle, new Rng(seed ^ (bits << 8)), sw);
      console.log(formatStats(`${bits}-bit mode, sweeps (legacy maps x prefixes, VEX/EVEX/XOP maps x pp; every opcode and ModRM byte)`, sw));
      for (const d of sw.disagreements) console.log('    ' + d);
      bad += sw.total - sw.agree;
    }
  });
  console.log(`${count} random sequences${doSweep ? ' and the sweeps' : ''} in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${bad} disagreements`);
  return bad === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
