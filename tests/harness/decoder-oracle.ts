// Differential testing of src/cpu/decode.ts against iced-x86, shared by
// tests/cpu/decoder-iced.test.ts (a CI sample) and scripts/fuzz-decoder.ts (long runs).
//
// What "agree" means, for one byte sequence decoded at its first byte:
//
//  - iced decodes a legacy-encoded instruction (instruction.code !== Code.INVALID, encoding
//    Legacy): ringside must return DECODE_OK with the same length.
//  - iced decodes a VEX, EVEX, XOP, MVEX or 3DNow! instruction: this CPU model advertises none
//    of them and refuses them at decode, so ringside must return DECODE_UD with the same length
//    (the length still matters: traces show it and the 15-byte limit depends on it). These are
//    counted apart ("refused").
//  - iced finds no instruction (Code.INVALID with DecoderError.InvalidInstruction, which
//    includes the 15-byte limit): ringside must not return DECODE_OK (DECODE_UD or
//    DECODE_TOO_LONG both mean "this raises a fault"). iced's length for an invalid instruction
//    has no architectural meaning, so it is not compared.
//
// iced runs with DecoderOptions.None: an Intel decoder (AMD's differences — 66h on near
// branches in 64-bit mode, XOP at 8F — are not applied) that still knows every vendor's legacy
// instructions (SVM, SSE4a, PadLock …): those exist as encodings, so ringside's decoder accepts
// them and leaves it to the execution table (exec/table.ts) to raise #UD for what this CPU does
// not implement. Every sequence is 32 bytes long, more than an instruction can read, so iced
// never runs out of bytes (DecoderError.NoMoreBytes is counted, and must stay zero).

import { Decoder, DecoderOptions, DecoderError, Code, EncodingKind, Formatter, FormatterSyntax, Instruction } from 'iced-x86';
import { decode, DECODE_OK, DECODE_UD, DECODE_TOO_LONG } from '../../src/cpu/decode.js';
import { Insn } from '../../src/cpu/insn.js';

export const SLOT = 32;

/** A small deterministic PRNG (mulberry32): the same seed gives the same sequences everywhere. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in [0, n). */
  below(n: number): number { return Math.floor((this.next() / 4294967296) * n); }
  byte(): number { return this.next() & 0xff; }
  chance(p: number): boolean { return this.next() / 4294967296 < p; }
}

const LEGACY_PREFIXES = [0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

/**
 * Fill out[at .. at+SLOT) with one test sequence. Uniform random bytes would mostly exercise
 * the one-byte map with short forms, so the sequence is built in parts, each biased towards the
 * encodings where decoders go wrong: prefix runs (occasionally long enough to pass 15 bytes),
 * REX before and between legacy prefixes, the three escape maps, VEX/EVEX/XOP lead bytes, and
 * ModRM/SIB forms that add displacements (mod 0 with rm 5 or SIB base 5, 16-bit forms).
 */
export function generate(rng: Rng, mode64: boolean, out: Uint8Array, at: number): void {
  for (let k = 0; k < SLOT; k++) out[at + k] = rng.byte();
  let p = at;
  const m = rng.below(100);
  // VEX, EVEX and XOP allow no 66/F2/F3/LOCK/REX before them (SDM Vol. 2 §2.3.2): such prefixes
  // are tried, but most of these sequences get segment and 67h prefixes only.
  const vex = m >= 90, plain = vex && rng.chance(0.8);
  // Prefixes: none in about a third of the sequences, a long run in a few.
  const r = rng.below(100);
  const count = r < 35 ? 0 : r < 60 ? 1 : r < 78 ? 2 : r < 88 ? 3 : r < 95 ? 4 : 5 + rng.below(11);
  for (let k = 0; k < count; k++) {
    if (plain) out[p++] = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x67][rng.below(7)];
    else if (mode64 && rng.chance(0.15)) out[p++] = 0x40 | rng.below(16);
    else out[p++] = LEGACY_PREFIXES[rng.below(LEGACY_PREFIXES.length)];
  }
  if (mode64 && !plain && rng.chance(0.35)) out[p++] = 0x40 | rng.below(16);
  // Opcode map.
  if (m < 40) {
    out[p++] = rng.byte();
  } else if (m < 72) {
    out[p++] = 0x0f; out[p++] = rng.byte();
  } else if (m < 82) {
    out[p++] = 0x0f; out[p++] = 0x38; out[p++] = rng.byte();
  } else if (m < 90) {
    out[p++] = 0x0f; out[p++] = 0x3a; out[p++] = rng.byte();
  } else {
    // VEX (C4/C5), EVEX (62), XOP (8F): usually a well-formed payload, sometimes random bytes.
    const lead = [0xc4, 0xc5, 0x62, 0x8f][rng.below(4)];
    if (rng.chance(0.8)) p = writeVex(rng, mode64, out, p, lead, -1, -1);
    else out[p++] = lead;
    out[p++] = rng.byte();
  }
  // ModRM: register forms a quarter of the time; SIB and no-base forms more often than chance.
  if (p < at + SLOT) {
    let modrm = rng.byte();
    const f = rng.below(100);
    if (f < 25) modrm |= 0xc0;
    else if (f < 40) modrm = (modrm & 0xf8) | 4;
    else if (f < 50) modrm = (modrm & 0x38) | 5;
    else if (f < 55) modrm = (modrm & 0x38) | 6; // 16-bit disp16 form
    out[p++] = modrm;
    if (p < at + SLOT && rng.chance(0.3)) out[p] = (out[p] & 0xf8) | 5; // SIB base 5
  }
}

const VEX_MAPS: Record<number, readonly number[]> = { 0xc4: [1, 2, 3], 0xc5: [1], 0x62: [1, 2, 3, 5, 6], 0x8f: [8, 9, 10] };

/**
 * Write a VEX/EVEX/XOP lead byte and a payload that is well formed for `mode64` (SDM Vol. 2
 * §2.3.5, §2.7.1; AMD APM Vol. 3 §1.8): the inverted register bits set where 32-bit mode needs
 * them (so the lead byte is not LES/LDS/BOUND), the fixed bits right, the map `map` (-1: any valid
 * one) and the pp field `pp` (-1: random; XOP takes 0). Returns the position after the payload;
 * the opcode byte comes next.
 */
export function writeVex(rng: Rng, mode64: boolean, out: Uint8Array, p: number, lead: number, map: number, pp: number): number {
  const maps = VEX_MAPS[lead];
  const m = map >= 0 ? map : maps[rng.below(maps.length)];
  const pfx = lead === 0x8f ? 0 : pp >= 0 ? pp : rng.below(4);
  const w = rng.below(2) << 7;
  // Half the time vvvv = 1111b (no register), which every two-operand form requires.
  const vvvv = (rng.chance(0.5) ? 15 : mode64 ? rng.below(16) : 8 | rng.below(8)) << 3;
  const l = rng.below(2) << 2;
  const rxb = mode64 ? rng.below(8) << 5 : 0xe0;
  out[p++] = lead;
  if (lead === 0xc5) {
    out[p++] = (mode64 ? rng.below(2) << 7 : 0x80) | vvvv | l | pfx;
  } else if (lead === 0xc4 || lead === 0x8f) {
    out[p++] = rxb | m;
    out[p++] = w | vvvv | l | pfx;
  } else {
    // EVEX: P0 = R X B R' 0 m m m, P1 = W vvvv 1 pp, P2 = z L'L b V' aaa (L'L = 3 is reserved).
    out[p++] = (mode64 ? rng.below(16) << 4 : 0xf0) | m;
    out[p++] = w | vvvv | 4 | pfx;
    out[p++] = (rng.below(3) << 5) | (rng.below(2) << 4) | 8 | (rng.chance(0.5) ? 0 : rng.below(8));
  }
  return p;
}

export type Category = 'valid' | 'refused' | 'invalid' | 'short';

export interface Outcome {
  category: Category;
  agree: boolean;
  icedLen: number;
  ourLen: number;
  ourStatus: number;
}

export interface Stats {
  total: number;
  agree: number;
  byCategory: Record<Category, { total: number; agree: number }>;
  disagreements: string[];
}

export function emptyStats(): Stats {
  return {
    total: 0,
    agree: 0,
    byCategory: {
      valid: { total: 0, agree: 0 }, refused: { total: 0, agree: 0 },
      invalid: { total: 0, agree: 0 }, short: { total: 0, agree: 0 },
    },
    disagreements: [],
  };
}

export function statusName(s: number): string {
  return s === DECODE_OK ? 'OK' : s === DECODE_UD ? 'UD' : s === DECODE_TOO_LONG ? 'TOO_LONG' : `status ${s}`;
}

function hex(buf: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += (k ? ' ' : '') + buf[at + k].toString(16).padStart(2, '0');
  return s;
}

/**
 * Compares both decoders on many sequences held in one buffer (one per SLOT bytes), so that
 * iced's wasm decoder and instruction are created once per batch and freed after it.
 */
export class DecoderOracle {
  readonly bits: 64 | 32 | 16;
  private readonly codeSize: number;
  private readonly insn = new Insn();
  private readonly formatter = new Formatter(FormatterSyntax.Intel);
  /** How many disagreements to keep as text. */
  keep = 20;

  constructor(bits: 64 | 32 | 16) {
    this.bits = bits;
    this.codeSize = bits / 8;
  }

  /** Compare every slot of `buf` and add the results to `stats`. */
  run(buf: Uint8Array, stats: Stats): void {
    const dec = new Decoder(this.bits, buf, DecoderOptions.None);
    const ins = new Instruction();
    const fetch = (a: number): number => (a < buf.length ? buf[a] : 0);
    try {
      for (let at = 0; at + SLOT <= buf.length; at += SLOT) {
        dec.position = at;
        dec.decodeOut(ins);
        const o = this.compareOne(fetch, at, dec, ins);
        stats.total++;
        const c = stats.byCategory[o.category];
        c.total++;
        if (o.agree) { stats.agree++; c.agree++; }
        else if (stats.disagreements.length < this.keep) stats.disagreements.push(this.describe(buf, at, ins, o));
      }
    } finally {
      ins.free();
      dec.free();
    }
  }

  private compareOne(fetch: (a: number) => number, at: number, dec: Decoder, ins: Instruction): Outcome {
    const status = decode(fetch, at, this.codeSize, this.insn);
    const ourLen = this.insn.len;
    if (ins.code === Code.INVALID) {
      const category: Category = dec.lastError === DecoderError.NoMoreBytes ? 'short' : 'invalid';
      return { category, agree: category === 'invalid' && status !== DECODE_OK, icedLen: 0, ourLen, ourStatus: status };
    }
    const icedLen = ins.length;
    if (ins.encoding !== EncodingKind.Legacy) {
      return { category: 'refused', agree: status === DECODE_UD && ourLen === icedLen, icedLen, ourLen, ourStatus: status };
    }
    return { category: 'valid', agree: status === DECODE_OK && ourLen === icedLen, icedLen, ourLen, ourStatus: status };
  }

  private describe(buf: Uint8Array, at: number, ins: Instruction, o: Outcome): string {
    const shown = Math.max(o.icedLen, o.ourLen, 1);
    const text = ins.code === Code.INVALID ? '(invalid)' : this.formatter.format(ins);
    return `${this.bits}-bit  ${hex(buf, at, Math.min(shown + 2, 16)).padEnd(47)}  iced: ${text}` +
      (o.icedLen ? ` [len ${o.icedLen}]` : '') + `  ours: ${statusName(o.ourStatus)} len ${o.ourLen}`;
  }

  /** Compare one hand-written sequence (hex bytes, space separated); returns a description if they disagree. */
  check(hexBytes: string): string | null {
    const buf = new Uint8Array(SLOT * 2);
    hexBytes.trim().split(/\s+/).forEach((h, k) => { buf[k] = parseInt(h, 16); });
    const dec = new Decoder(this.bits, buf, DecoderOptions.None);
    const ins = new Instruction();
    try {
      dec.position = 0;
      dec.decodeOut(ins);
      const o = this.compareOne((a) => buf[a] ?? 0, 0, dec, ins);
      return o.agree ? null : this.describe(buf, 0, ins, o);
    } finally {
      ins.free();
      dec.free();
    }
  }
}

/** Generate `count` sequences with `rng` and compare them in batches. */
export function fuzz(oracle: DecoderOracle, rng: Rng, count: number, stats: Stats, batch = 4096): void {
  const mode64 = oracle.bits === 64;
  const buf = new Uint8Array(batch * SLOT);
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const view = n === batch ? buf : buf.subarray(0, n * SLOT);
    for (let k = 0; k < n; k++) generate(rng, mode64, view, k * SLOT);
    oracle.run(view, stats);
  }
}

/** Prefix combinations for sweeps: mandatory-prefix columns, their precedence, and size/REX/LOCK effects. */
export const SWEEP_PREFIXES: readonly (readonly number[])[] = [
  [], [0x66], [0xf3], [0xf2], [0x66, 0xf3], [0xf3, 0x66], [0x66, 0xf2], [0xf2, 0xf3], [0xf3, 0xf2],
  [0x66, 0xf2, 0xf3], [0x67], [0x66, 0x67], [0xf0], [0xf0, 0x66], [0xf0, 0xf2], [0xf0, 0xf3],
  [0x48], [0x44], [0x41], [0x4c], [0x66, 0x48], [0x48, 0x66], [0xf3, 0x48], [0x2e], [0x64],
];

/**
 * Every opcode of the given maps with every ModRM byte, behind each prefix combination (REX
 * combinations are skipped outside 64-bit mode, where 40-4F are INC/DEC). The bytes after
 * ModRM (SIB, displacement, immediate) come from `rng`.
 */
export function sweep(
  oracle: DecoderOracle, rng: Rng, stats: Stats,
  prefixes: readonly (readonly number[])[] = SWEEP_PREFIXES,
  maps: readonly (readonly number[])[] = [[], [0x0f], [0x0f, 0x38], [0x0f, 0x3a]],
): void {
  const buf = new Uint8Array(256 * 256 * SLOT);
  for (const pre of prefixes) {
    if (oracle.bits !== 64 && pre.some((b) => (b & 0xf0) === 0x40)) continue;
    for (const esc of maps) {
      let at = 0;
      for (let op = 0; op < 256; op++) {
        for (let modrm = 0; modrm < 256; modrm++, at += SLOT) {
          let p = at;
          for (const b of pre) buf[p++] = b;
          for (const b of esc) buf[p++] = b;
          buf[p++] = op;
          buf[p++] = modrm;
          while (p < at + SLOT) buf[p++] = rng.byte();
        }
      }
      oracle.run(buf, stats);
    }
  }
}

/**
 * Every opcode with every ModRM byte in each VEX, EVEX and XOP map, each pp value (random W, L,
 * vvvv, register bits), so that the length of refused encodings is checked everywhere.
 */
export function sweepVex(oracle: DecoderOracle, rng: Rng, stats: Stats): void {
  const mode64 = oracle.bits === 64;
  const buf = new Uint8Array(256 * 256 * SLOT);
  for (const lead of [0xc5, 0xc4, 0x62, 0x8f]) {
    for (const map of VEX_MAPS[lead]) {
      for (let pp = 0; pp < (lead === 0x8f ? 1 : 4); pp++) {
        let at = 0;
        for (let op = 0; op < 256; op++) {
          for (let modrm = 0; modrm < 256; modrm++, at += SLOT) {
            let p = writeVex(rng, mode64, buf, at, lead, map, pp);
            buf[p++] = op;
            buf[p++] = modrm;
            while (p < at + SLOT) buf[p++] = rng.byte();
          }
        }
        oracle.run(buf, stats);
      }
    }
  }
}

export function formatStats(label: string, s: Stats): string {
  const pct = (a: number, t: number) => (t === 0 ? '-' : ((100 * a) / t).toFixed(4) + '%');
  const lines = [`${label}: ${s.agree}/${s.total} agree (${pct(s.agree, s.total)})`];
  for (const k of ['valid', 'refused', 'invalid', 'short'] as Category[]) {
    const c = s.byCategory[k];
    lines.push(`  ${k.padEnd(8)} ${String(c.total).padStart(9)}  agree ${String(c.agree).padStart(9)}  (${pct(c.agree, c.total)})`);
  }
  return lines.join('\n');
}
