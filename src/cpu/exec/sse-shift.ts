// SSE2 packed shifts: PSRLW/D/Q, PSRAW/D, PSLLW/D/Q by the count in an xmm register or m128
// (66 0F D1-D3, E1-E2, F1-F3) and by an immediate (66 0F 71/72/73 /2 /4 /6), and the whole-
// register byte shifts PSRLDQ/PSLLDQ (66 0F 73 /3 /7). A count of at least the element width
// clears the elements (logical shifts) or fills them with the sign (arithmetic shifts); the
// count is the full unsigned 64-bit value of the source's low quadword (SDM Vol. 2 PSRLW).

import type { Cpu } from '../cpu.js';
import type { Handler } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def, defGroup } from './table.js';
import { syncViews, U16, I16, type Kernel } from './sse-state.js';
import { sse2 } from './sse-int.js';

function srlw(cpu: Cpu, d: number, n: number): void {
  syncViews(cpu);
  const a = d * 8;
  if (n > 15) for (let k = 0; k < 8; k++) U16[a + k] = 0;
  else for (let k = 0; k < 8; k++) U16[a + k] >>>= n;
}
function sraw(cpu: Cpu, d: number, n: number): void {
  syncViews(cpu);
  const a = d * 8;
  if (n > 15) n = 15;
  for (let k = 0; k < 8; k++) I16[a + k] >>= n;
}
function sllw(cpu: Cpu, d: number, n: number): void {
  syncViews(cpu);
  const a = d * 8;
  if (n > 15) for (let k = 0; k < 8; k++) U16[a + k] = 0;
  else for (let k = 0; k < 8; k++) U16[a + k] <<= n;
}
function srld(cpu: Cpu, d: number, n: number): void {
  const x = cpu.xmm, a = d * 4;
  for (let k = 0; k < 4; k++) x[a + k] = n > 31 ? 0 : x[a + k] >>> n;
}
function srad(cpu: Cpu, d: number, n: number): void {
  const x = cpu.xmm, a = d * 4;
  if (n > 31) n = 31;
  for (let k = 0; k < 4; k++) x[a + k] >>= n;
}
function slld(cpu: Cpu, d: number, n: number): void {
  const x = cpu.xmm, a = d * 4;
  for (let k = 0; k < 4; k++) x[a + k] = n > 31 ? 0 : x[a + k] << n;
}
function srlq(cpu: Cpu, d: number, n: number): void {
  const x = cpu.xmm;
  for (let a = d * 4; a < d * 4 + 4; a += 2) {
    const lo = x[a], hi = x[a + 1];
    if (n > 63) { x[a] = 0; x[a + 1] = 0; }
    else if (n >= 32) { x[a] = hi >>> (n - 32); x[a + 1] = 0; }
    else if (n > 0) { x[a] = (lo >>> n) | (hi << (32 - n)); x[a + 1] = hi >>> n; }
  }
}
function sllq(cpu: Cpu, d: number, n: number): void {
  const x = cpu.xmm;
  for (let a = d * 4; a < d * 4 + 4; a += 2) {
    const lo = x[a], hi = x[a + 1];
    if (n > 63) { x[a] = 0; x[a + 1] = 0; }
    else if (n >= 32) { x[a + 1] = lo << (n - 32); x[a] = 0; }
    else if (n > 0) { x[a + 1] = (hi << n) | (lo >>> (32 - n)); x[a] = lo << n; }
  }
}
/** Byte shifts of the whole register: right (toward byte 0) or left, by n bytes. */
function srldq(cpu: Cpu, d: number, n: number): void {
  const x = cpu.xmm, a = d * 4;
  if (n > 16) n = 16;
  if (n === 0) return;
  const b0 = x[a], b1 = x[a + 1], b2 = x[a + 2], b3 = x[a + 3];
  for (let k = 0; k < 4; k++) x[a + k] = pick(b0, b1, b2, b3, 4 * k + n);
}
function slldq(cpu: Cpu, d: number, n: number): void {
  const x = cpu.xmm, a = d * 4;
  if (n > 16) n = 16;
  if (n === 0) return;
  const b0 = x[a], b1 = x[a + 1], b2 = x[a + 2], b3 = x[a + 3];
  for (let k = 0; k < 4; k++) x[a + k] = pick(b0, b1, b2, b3, 4 * k - n);
}
/** The 4 bytes starting at byte offset `o` of the 16-byte value b0..b3 (zero outside it). */
function pick(b0: number, b1: number, b2: number, b3: number, o: number): number {
  let v = 0;
  for (let j = 3; j >= 0; j--) {
    const p = o + j;
    const byte = p < 0 || p > 15 ? 0 : ((p < 4 ? b0 : p < 8 ? b1 : p < 12 ? b2 : b3) >>> (8 * (p & 3))) & 0xff;
    v = (v << 8) | byte;
  }
  return v;
}
export { srldq, slldq, pick };

/** The shift count in the low quadword of register s, saturated at 255. */
function count(cpu: Cpu, s: number): number {
  const lo = cpu.xmm[s * 4] >>> 0, hi = cpu.xmm[s * 4 + 1];
  return hi !== 0 || lo > 255 ? 255 : lo;
}
type Shift = (cpu: Cpu, d: number, n: number) => void;
const byXmm = (f: Shift): Kernel => (cpu, d, s) => f(cpu, d, count(cpu, s));
for (const [op, f] of [[0xd1, srlw], [0xd2, srld], [0xd3, srlq], [0xe1, sraw], [0xe2, srad], [0xf1, sllw], [0xf2, slld], [0xf3, sllq]] as [number, Shift][]) {
  def(MAP_0F | op, sse2(byXmm(f)));
}
// By immediate: the xmm register is ModRM.rm, register form only, 66 prefix only.
const byImm = (f: Shift): Handler => (cpu, i) => f(cpu, i.rm, i.imm & 0xff);
for (const [op, ext, f] of [[0x71, 2, srlw], [0x71, 4, sraw], [0x71, 6, sllw], [0x72, 2, srld], [0x72, 4, srad], [0x72, 6, slld],
  [0x73, 2, srlq], [0x73, 3, srldq], [0x73, 6, sllq], [0x73, 7, slldq]] as [number, number, Shift][]) {
  const h = byImm(f);
  defGroup(MAP_0F | op, ext, (i) => (i.mod === 3 && i.pfx === 0x66 ? h : null));
}
