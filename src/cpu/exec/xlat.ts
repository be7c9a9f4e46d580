// XLAT/XLATB (D7): AL ← [seg:rBX + zero-extended AL], rBX at the address size, DS unless a
// segment prefix overrides it (SDM Vol. 2 "XLAT/XLATB").

import type { Handler } from '../insn.js';
import { def } from './table.js';
import { canonical } from '../operands.js';

const TWO32 = 4294967296;

const xlat: Handler = (cpu, i) => {
  const al = cpu.lo[0] & 0xff;
  let a: number;
  if (i.asz === 8) {
    let t = (cpu.lo[3] >>> 0) + al;
    let hi = (cpu.hi[3] + (t >= TWO32 ? 1 : 0)) | 0;
    if (i.segBase) {
      t = (t % TWO32) + (cpu.segBaseLo[i.seg] >>> 0);
      hi = (hi + cpu.segBaseHi[i.seg] + (t >= TWO32 ? 1 : 0)) | 0;
    }
    a = canonical(cpu, t | 0, hi, i.seg);
  } else {
    const off = i.asz === 4 ? ((cpu.lo[3] >>> 0) + al) % TWO32 : ((cpu.lo[3] & 0xffff) + al) & 0xffff;
    if (!i.segBase) a = off;
    else if (cpu.codeSize === 8) {
      const t = off + (cpu.segBaseLo[i.seg] >>> 0);
      a = canonical(cpu, t | 0, (cpu.segBaseHi[i.seg] + (t >= TWO32 ? 1 : 0)) | 0, i.seg);
    } else a = (off + (cpu.segBaseLo[i.seg] >>> 0)) % TWO32;
  }
  cpu.lo[0] = (cpu.lo[0] & ~0xff) | cpu.mem.read8(a);
};
def(0xd7, () => xlat);
