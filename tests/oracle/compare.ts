// Comparing the host's outcome of a case with ringside's: how it ended, every GPR, RFLAGS
// (including the bits the SDM calls undefined, since the host computes something for them),
// the x87/SSE state of the FXSAVE image, and every byte of the data and stack pages.

import { Outcome, END_DONE, END_FAULT, END_HARNESS, hex64 } from './outcome.js';
import { DATA_ADDR, STACK_ADDR, PAGE, FX_FCW, FX_FSW, FX_FTW, FX_MXCSR, FX_ST, FX_XMM } from './protocol.js';
import { REG_NAMES, VECTOR_NAMES, hasErrorCode } from '../../src/cpu/regs.js';

/**
 * RFLAGS bits compared: CF PF AF ZF SF TF DF OF NT AC ID. Not RF (the processor sets it in
 * the image of a fault it pushes, and Linux passes that on), not IF/IOPL (fixed at CPL 3 here),
 * not VIF/VIP.
 */
export const FLAGS_COMPARED = 0x244dd5;

const FLAG_NAMES: [number, string][] = [
  [0x1, 'CF'], [0x4, 'PF'], [0x10, 'AF'], [0x40, 'ZF'], [0x80, 'SF'], [0x100, 'TF'], [0x400, 'DF'], [0x800, 'OF'],
  [0x4000, 'NT'], [0x40000, 'AC'], [0x200000, 'ID'],
];

export function flagNames(bits: number): string {
  return FLAG_NAMES.filter(([b]) => bits & b).map(([, n]) => n).join(',') || '-';
}

export interface Diff {
  what: string;
  expected: string;
  got: string;
}

export interface CompareOptions {
  /** Compare the x87 part of the FXSAVE image (FCW, FSW, FTW, ST0-7). FOP/FIP/FDP never (AMD saves them only with an exception pending). */
  x87: boolean;
  /** Compare MXCSR and xmm0-15. */
  sse: boolean;
}

function endName(o: Outcome): string {
  if (o.end === END_DONE) return 'completed';
  if (o.end === END_HARNESS) return `harness: ${o.note}`;
  return `${VECTOR_NAMES[o.vector] ?? `vector ${o.vector}`}` + (hasErrorCode(o.vector) ? `(0x${o.err.toString(16)})` : '') +
    ` at 0x${o.rip.toString(16)}`;
}

/** The differences between the host's outcome `n` and ringside's `e` (empty when they agree). */
export function compare(n: Outcome, e: Outcome, opts: CompareOptions, out: Diff[] = []): Diff[] {
  out.length = 0;
  if (n.end === END_HARNESS || e.end === END_HARNESS || n.end !== e.end || (n.end === END_FAULT && n.vector !== e.vector)) {
    out.push({ what: 'end', expected: endName(n), got: endName(e) });
    if (n.end === END_HARNESS || e.end === END_HARNESS) return out;
  } else if (n.end === END_FAULT) {
    if (n.rip !== e.rip) out.push({ what: 'fault rip', expected: '0x' + n.rip.toString(16), got: '0x' + e.rip.toString(16) });
    if (hasErrorCode(n.vector) && n.err !== e.err) out.push({ what: 'error code', expected: '0x' + n.err.toString(16), got: '0x' + e.err.toString(16) });
    if (n.vector === 14 && (n.addrLo !== e.addrLo || n.addrHi !== e.addrHi)) {
      out.push({ what: 'cr2', expected: hex64(n.addrLo, n.addrHi), got: hex64(e.addrLo, e.addrHi) });
    }
  }
  for (let r = 0; r < 16; r++) {
    if (n.gpr[2 * r] !== e.gpr[2 * r] || n.gpr[2 * r + 1] !== e.gpr[2 * r + 1]) {
      out.push({ what: REG_NAMES[r], expected: hex64(n.gpr[2 * r], n.gpr[2 * r + 1]), got: hex64(e.gpr[2 * r], e.gpr[2 * r + 1]) });
    }
  }
  const fd = (n.rflags ^ e.rflags) & FLAGS_COMPARED;
  if (fd !== 0) {
    out.push({ what: `rflags [${flagNames(fd)}]`, expected: `0x${(n.rflags & FLAGS_COMPARED).toString(16)} (${flagNames(n.rflags & FLAGS_COMPARED)})`, got: `0x${(e.rflags & FLAGS_COMPARED).toString(16)} (${flagNames(e.rflags & FLAGS_COMPARED)})` });
  }
  if (opts.x87) {
    const u16 = (o: Outcome, at: number) => o.fx[at] | (o.fx[at + 1] << 8);
    if (u16(n, FX_FCW) !== u16(e, FX_FCW)) out.push({ what: 'fcw', expected: hx(u16(n, FX_FCW)), got: hx(u16(e, FX_FCW)) });
    if (u16(n, FX_FSW) !== u16(e, FX_FSW)) out.push({ what: 'fsw', expected: hx(u16(n, FX_FSW)), got: hx(u16(e, FX_FSW)) });
    if (n.fx[FX_FTW] !== e.fx[FX_FTW]) out.push({ what: 'ftw (abridged)', expected: hx(n.fx[FX_FTW]), got: hx(e.fx[FX_FTW]) });
    for (let i = 0; i < 8; i++) {
      const a = FX_ST + 16 * i;
      if (!same(n.fx, e.fx, a, 10)) out.push({ what: `st${i}`, expected: ext80(n.fx, a), got: ext80(e.fx, a) });
    }
  }
  if (opts.sse) {
    const m = (o: Outcome) => (o.fx[FX_MXCSR] | (o.fx[FX_MXCSR + 1] << 8) | (o.fx[FX_MXCSR + 2] << 16) | (o.fx[FX_MXCSR + 3] << 24)) >>> 0;
    if (m(n) !== m(e)) out.push({ what: 'mxcsr', expected: hx(m(n)), got: hx(m(e)) });
    for (let j = 0; j < 16; j++) {
      const a = FX_XMM + 16 * j;
      if (!same(n.fx, e.fx, a, 16)) out.push({ what: `xmm${j}`, expected: bytesHex(n.fx, a, 16), got: bytesHex(e.fx, a, 16) });
    }
  }
  let memDiffs = 0;
  for (let k = 0; k < 2 * PAGE; k++) {
    if (n.mem[k] === e.mem[k]) continue;
    if (memDiffs < 8) {
      const addr = k < PAGE ? DATA_ADDR + k : STACK_ADDR + k - PAGE;
      out.push({ what: `mem[0x${addr.toString(16)}]`, expected: hx(n.mem[k]), got: hx(e.mem[k]) });
    }
    memDiffs++;
  }
  if (memDiffs > 8) out.push({ what: 'mem', expected: '', got: `… ${memDiffs - 8} more bytes differ` });
  return out;
}

/** True when every difference is in RFLAGS bits within `mask` (e.g. the flags the SDM leaves undefined). */
export function onlyFlags(n: Outcome, e: Outcome, diffs: Diff[], mask: number): boolean {
  if (diffs.length !== 1 || !diffs[0].what.startsWith('rflags')) return false;
  return (((n.rflags ^ e.rflags) & FLAGS_COMPARED) & ~mask) === 0;
}

function same(a: Uint8Array, b: Uint8Array, at: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[at + k] !== b[at + k]) return false;
  return true;
}
function hx(v: number): string { return '0x' + (v >>> 0).toString(16); }
function bytesHex(a: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let k = n - 1; k >= 0; k--) s += a[at + k].toString(16).padStart(2, '0');
  return s;
}
function ext80(a: Uint8Array, at: number): string {
  return bytesHex(a, at + 8, 2) + ':' + bytesHex(a, at, 8);
}
