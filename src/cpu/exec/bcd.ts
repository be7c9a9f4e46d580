// Decimal arithmetic adjustments: DAA (27), DAS (2F), AAA (37), AAS (3F), AAM (D4 ib), AAD
// (D5 ib). SDM Vol. 2 under each name. They exist only outside 64-bit mode (the decoder makes
// them #UD there); AAM with a zero immediate raises #DE.

import type { Cpu } from '../cpu.js';
import type { Handler } from '../insn.js';
import { def } from './table.js';
import { getCF, getAF, PARITY } from '../flags.js';
import { raiseNoCode } from '../operands.js';
import { CF, AF, ZF, SF, OF, DE } from '../regs.js';
import { setStatus } from './status.js';

function szp8(v: number): number {
  return PARITY[v & 0xff] | ((v & 0xff) === 0 ? ZF : 0) | (v & 0x80 ? SF : 0);
}
function setAl(cpu: Cpu, v: number): void {
  cpu.lo[0] = (cpu.lo[0] & ~0xff) | (v & 0xff);
}

// DAA/DAS: OF is undefined; the hardware reports the signed overflow of the whole adjustment
// (old AL to new AL, as an addition for DAA and a subtraction for DAS).
const daa: Handler = (cpu) => {
  const al = cpu.lo[0] & 0xff, cf = getCF(cpu), af = getAF(cpu);
  let v = al, ncf = false, naf = false;
  if ((al & 0x0f) > 9 || af) { v = al + 6; ncf = cf || v > 0xff; naf = true; }
  if (al > 0x99 || cf) { v += 0x60; ncf = true; } else ncf = false;
  v &= 0xff;
  setAl(cpu, v);
  const of = (~al & v & 0x80) !== 0;
  setStatus(cpu, szp8(v) | (ncf ? CF : 0) | (naf ? AF : 0) | (of ? OF : 0));
};
const das: Handler = (cpu) => {
  const al = cpu.lo[0] & 0xff, cf = getCF(cpu), af = getAF(cpu);
  let v = al, ncf = false, naf = false;
  if ((al & 0x0f) > 9 || af) { v = al - 6; ncf = cf || v < 0; naf = true; }
  if (al > 0x99 || cf) { v -= 0x60; ncf = true; }
  v &= 0xff;
  setAl(cpu, v);
  const of = (al & ~v & 0x80) !== 0;
  setStatus(cpu, szp8(v) | (ncf ? CF : 0) | (naf ? AF : 0) | (of ? OF : 0));
};

// AAA/AAS: OF, SF, ZF and PF are undefined. The hardware (measured on AMD) computes AX ± 0x106 as
// one 16-bit addition or subtraction (of 0 when no adjustment is made) and reports its flags,
// before AL is masked to its low nibble.
function asciiAdjust(cpu: Cpu, sub: boolean): void {
  const ax = cpu.lo[0] & 0xffff;
  const adj = (ax & 0x0f) > 9 || getAF(cpu);
  const k = adj ? 0x106 : 0;
  const r = (sub ? ax - k : ax + k) & 0xffff;
  cpu.lo[0] = (cpu.lo[0] & ~0xffff) | (r & 0xff0f);
  const of = sub ? ((ax ^ k) & (ax ^ r) & 0x8000) !== 0 : (~(ax ^ k) & (ax ^ r) & 0x8000) !== 0;
  setStatus(cpu, PARITY[r & 0xff] | (r === 0 ? ZF : 0) | (r & 0x8000 ? SF : 0) | (adj ? CF | AF : 0) | (of ? OF : 0));
}
const aaa: Handler = (cpu) => asciiAdjust(cpu, false);
const aas: Handler = (cpu) => asciiAdjust(cpu, true);

// AAM: AH ← AL / imm8, AL ← AL mod imm8. AAD: AL ← AL + AH · imm8, AH ← 0. OF, AF and CF are
// undefined: AAM clears them, AAD reports those of the final 8-bit addition.
const aam: Handler = (cpu, i) => {
  const base = i.imm & 0xff;
  if (base === 0) raiseNoCode(cpu, DE);
  const al = cpu.lo[0] & 0xff;
  const q = Math.floor(al / base), r = al - q * base;
  cpu.lo[0] = (cpu.lo[0] & ~0xffff) | (q << 8) | r;
  setStatus(cpu, szp8(r));
};
const aad: Handler = (cpu, i) => {
  const al = cpu.lo[0] & 0xff, ah = (cpu.lo[0] >> 8) & 0xff;
  const b = (ah * (i.imm & 0xff)) & 0xff;
  const sum = al + b, v = sum & 0xff;
  cpu.lo[0] = (cpu.lo[0] & ~0xffff) | v;
  const of = ((al ^ v) & (b ^ v) & 0x80) !== 0;
  const af = ((al ^ b ^ v) & 0x10) !== 0;
  setStatus(cpu, szp8(v) | (sum > 0xff ? CF : 0) | (af ? AF : 0) | (of ? OF : 0));
};

def(0x27, () => daa);
def(0x2f, () => das);
def(0x37, () => aaa);
def(0x3f, () => aas);
def(0xd4, () => aam);
def(0xd5, () => aad);
