// Direct flag manipulation: CLC STC CMC CLD STD (F8-FD except CLI/STI, which are system
// instructions), LAHF and SAHF (in 64-bit mode only when CPUID advertises LAHF-SAHF, which ours does).

import type { Handler } from '../insn.js';
import { def } from './table.js';
import { getFlags, setArith, getCF } from '../flags.js';
import { CF, DF, SF, ZF, AF, PF } from '../regs.js';

const clc: Handler = (cpu) => setArith(cpu, CF, 0);
const stc: Handler = (cpu) => setArith(cpu, CF, CF);
const cmc: Handler = (cpu) => setArith(cpu, CF, getCF(cpu) ? 0 : CF);
const cld: Handler = (cpu) => { cpu.flags &= ~DF; };
const std: Handler = (cpu) => { cpu.flags |= DF; };
def(0xf8, () => clc);
def(0xf9, () => stc);
def(0xf5, () => cmc);
def(0xfc, () => cld);
def(0xfd, () => std);

// LAHF: AH ← SF:ZF:0:AF:0:PF:1:CF. SAHF: the same bits back from AH.
const lahf: Handler = (cpu) => {
  const f = getFlags(cpu) & 0xff;
  cpu.lo[0] = (cpu.lo[0] & ~0xff00) | ((f | 2) << 8);
};
const sahf: Handler = (cpu) => {
  const ah = (cpu.lo[0] >> 8) & 0xff;
  setArith(cpu, SF | ZF | AF | PF | CF, ah);
};
def(0x9f, () => lahf);
def(0x9e, () => sahf);


