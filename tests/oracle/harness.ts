// The differential harness: generate cases for the selected forms (deterministic for a seed),
// run each batch natively and in ringside, compare, and keep per-form statistics and the first
// mismatches with everything needed to reproduce them.

import { Decoder, DecoderOptions, Formatter, FormatterSyntax } from 'iced-x86';
import type { Vendor } from '../../src/cpu/cpu.js';
import { Builder, Rng } from './builder.js';
import { FORMS, type Form } from './forms.js';
import { NativeRunner } from './native.js';
import { Emulator } from './emulate.js';
import { compare, onlyFlags, flagNames, type Diff, type CompareOptions } from './compare.js';
import { Outcome, END_FAULT, END_HARNESS } from './outcome.js';
import { hostHas, ringsideHas } from './features.js';
import { CODE_ADDR, IN_SIZE, IN_CODE_LEN, IN_CODE, IN_GPR, IN_RFLAGS } from './protocol.js';
import { REG_NAMES, UD } from '../../src/cpu/regs.js';

export interface HarnessOptions {
  seed: number;
  /** Run SSE/SSE2 forms (off until ringside implements them). */
  sse: boolean;
  /** Run x87 forms (off until ringside implements them). */
  x87: boolean;
  /** Only forms whose name starts with one of these (all when empty). */
  only: string[];
  /** Cases per native batch. */
  batch: number;
  /** How many mismatches to keep in full. */
  keep: number;
  compare: CompareOptions;
}

export const DEFAULT_OPTIONS: HarnessOptions = {
  seed: 1, sse: false, x87: false, only: [], batch: 4000, keep: 50, compare: { x87: true, sse: true },
};

export interface FormStats {
  form: Form;
  cases: number;
  match: number;
  mismatch: number;
  /** Mismatches confined to RFLAGS bits the SDM leaves undefined for this form. */
  undefOnly: number;
  /** ringside raised #UD where the host did not. */
  unimplemented: number;
  /** Why the form did not run, if it did not. */
  skipped?: string;
}

export interface Mismatch {
  form: string;
  index: number;
  code: string;
  disasm: string;
  inputs: string;
  diffs: Diff[];
  undefOnly: boolean;
}

export interface Report {
  stats: FormStats[];
  mismatches: Mismatch[];
  cases: number;
  seconds: number;
  nativeSeconds: number;
  emulateSeconds: number;
  host: string;
}

export class Harness {
  readonly native: NativeRunner;
  readonly vendor: Vendor;
  readonly emu: Emulator;
  constructor() {
    this.native = new NativeRunner();
    // Model the host's vendor: where Intel and AMD differ (fault reporting, undefined flags),
    // ringside follows its vendor setting.
    this.vendor = this.native.info.vendor === 'AuthenticAMD' ? 'amd' : 'intel';
    this.emu = new Emulator(this.vendor);
  }

  /** The forms a run covers, with the reason for each one that cannot run here. */
  plan(opts: HarnessOptions): FormStats[] {
    const h = this.native.info;
    const out: FormStats[] = [];
    for (const form of FORMS) {
      if (opts.only.length > 0 && !opts.only.some((p) => form.name === p || form.name.startsWith(p))) continue;
      const st: FormStats = { form, cases: 0, match: 0, mismatch: 0, undefOnly: 0, unimplemented: 0 };
      if (form.ext === 'sse' && !opts.sse) st.skipped = 'SSE forms disabled';
      else if (form.ext === 'x87' && !opts.x87) st.skipped = 'x87 forms disabled';
      for (const f of form.needs ?? []) {
        if (st.skipped) break;
        if (!hostHas(h, f)) st.skipped = `host lacks ${f}`;
        else if (!ringsideHas(this.vendor, f)) st.skipped = `ringside does not advertise ${f}`;
      }
      out.push(st);
    }
    return out;
  }

  /** Run `n` cases spread round-robin over the runnable forms. */
  run(n: number, opts: HarnessOptions): Report {
    const t0 = performance.now();
    const stats = this.plan(opts);
    const active = stats.filter((s) => !s.skipped);
    const mismatches: Mismatch[] = [];
    if (active.length === 0) throw new Error('no runnable forms selected');
    const buf = new Uint8Array(Math.min(n, opts.batch) * IN_SIZE);
    const b = new Builder();
    const nat = new Outcome(), emu = new Outcome();
    const diffs: Diff[] = [];
    let nativeMs = 0, emuMs = 0;
    const caseForm = new Int32Array(Math.min(n, opts.batch));
    for (let start = 0; start < n; start += opts.batch) {
      const count = Math.min(opts.batch, n - start);
      for (let k = 0; k < count; k++) {
        const idx = start + k;
        const fi = idx % active.length;
        caseForm[k] = fi;
        b.begin(buf, k, caseRng(opts.seed, idx));
        active[fi].form.gen(b);
        b.finish();
      }
      const t1 = performance.now();
      const res = this.native.run(buf, count);
      const t2 = performance.now();
      nativeMs += t2 - t1;
      for (let k = 0; k < count; k++) {
        const st = active[caseForm[k]];
        res.fill(k, buf, nat);
        this.emu.run(buf, k, emu);
        st.cases++;
        compare(nat, emu, opts.compare, diffs);
        const q = st.form.quirk;
        if (q !== undefined) for (let j = diffs.length - 1; j >= 0; j--) if (diffs[j].what === q.what) diffs.splice(j, 1);
        if (diffs.length === 0) { st.match++; continue; }
        if (emu.end === END_FAULT && emu.vector === UD && !(nat.end === END_FAULT && nat.vector === UD) && nat.end !== END_HARNESS) {
          st.unimplemented++;
          continue;
        }
        const undef = onlyFlags(nat, emu, diffs, st.form.undef ?? 0);
        st.mismatch++;
        if (undef) st.undefOnly++;
        // Keep a few per form, so that one noisy form cannot hide the others.
        if (mismatches.length < opts.keep && st.mismatch <= 3) mismatches.push(describe(st.form, start + k, buf, k, diffs, undef));
      }
      emuMs += performance.now() - t2;
    }
    const h = this.native.info;
    return {
      stats, mismatches, cases: n, seconds: (performance.now() - t0) / 1000, nativeSeconds: nativeMs / 1000, emulateSeconds: emuMs / 1000,
      host: `${h.vendor} family/model 0x${h.familyModel.toString(16)} (ringside vendor '${this.vendor}')`,
    };
  }
}

/** The generator of case `idx` of a run seeded `seed`: any case can be regenerated alone. */
export function caseRng(seed: number, idx: number): Rng {
  return new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(idx, 0x85ebca6b) ^ (idx >>> 16)) >>> 0);
}

let decoder: Formatter | null = null;
export function disassemble(code: Uint8Array): string {
  decoder ??= new Formatter(FormatterSyntax.Intel);
  const d = new Decoder(64, code, DecoderOptions.None);
  d.ip = BigInt(CODE_ADDR);
  const parts: string[] = [];
  while (d.canDecode) {
    const ins = d.decode();
    parts.push(decoder.format(ins));
    ins.free();
  }
  d.free();
  return parts.join('; ');
}

function describe(form: Form, index: number, buf: Uint8Array, k: number, diffs: Diff[], undef: boolean): Mismatch {
  const rec = k * IN_SIZE;
  const dv = new DataView(buf.buffer, buf.byteOffset + rec, IN_SIZE);
  const len = dv.getUint32(IN_CODE_LEN, true);
  const code = buf.slice(rec + IN_CODE, rec + IN_CODE + len);
  const regs = REG_NAMES.map((n, r) => `${n}=0x${dv.getBigUint64(IN_GPR + 8 * r, true).toString(16)}`).join(' ');
  const fl = dv.getUint32(IN_RFLAGS, true);
  return {
    form: form.name, index,
    code: Array.from(code, (x) => x.toString(16).padStart(2, '0')).join(' '),
    disasm: disassemble(code),
    inputs: `${regs} rflags=0x${fl.toString(16)} (${flagNames(fl & 0xcd5)})`,
    diffs: diffs.map((d) => ({ ...d })), undefOnly: undef,
  };
}

export function formatMismatch(m: Mismatch): string {
  const lines = [`${m.form} (case ${m.index})${m.undefOnly ? ' [only SDM-undefined flags differ]' : ''}: ${m.disasm}`, `  bytes: ${m.code}`, `  in: ${m.inputs}`];
  for (const d of m.diffs) lines.push(`  ${d.what}: host ${d.expected}, ringside ${d.got}`);
  return lines.join('\n');
}

export { FORMS };
