// Conditional moves and sets: CMOVcc (0F 40-4F) and SETcc (0F 90-9F). SDM Vol. 2 "CMOVcc",
// "SETcc"; condition codes in Vol. 1 Appendix B.
//
// CMOVcc always reads its source (a memory source faults even when the condition is false), and a
// 32-bit destination is always written: bits 63:32 are cleared whether or not the move happens.

import type { Handler } from '../insn.js';
import { MAP_0F } from '../insn.js';
import { def } from './table.js';
import { cond } from '../flags.js';
import { readRm, writeRm, ea } from '../operands.js';

function cmov(cc: number): { r64: Handler; r32: Handler; any: Handler } {
  return {
    // Register-to-register 64- and 32-bit forms: the common ones in compiled code.
    r64: (cpu, i) => {
      if (cond(cpu, cc)) { cpu.lo[i.reg] = cpu.lo[i.rm]; cpu.hi[i.reg] = cpu.hi[i.rm]; }
    },
    r32: (cpu, i) => {
      if (cond(cpu, cc)) cpu.lo[i.reg] = cpu.lo[i.rm];
      cpu.hi[i.reg] = 0;
    },
    any: (cpu, i) => {
      const osz = i.osz;
      const v = readRm(cpu, i, osz), vh = cpu.mem.hi;
      const r = i.reg;
      if (cond(cpu, cc)) {
        if (osz === 2) cpu.lo[r] = (cpu.lo[r] & ~0xffff) | (v & 0xffff);
        else { cpu.lo[r] = v; cpu.hi[r] = osz === 8 ? vh : 0; }
      } else if (osz === 4) cpu.hi[r] = 0;
    },
  };
}

function setcc(cc: number): { reg: Handler; mem: Handler } {
  return {
    reg: (cpu, i) => writeRm(cpu, i, 1, cond(cpu, cc) ? 1 : 0, 0),
    mem: (cpu, i) => cpu.mem.write8(ea(cpu, i), cond(cpu, cc) ? 1 : 0),
  };
}

for (let cc = 0; cc < 16; cc++) {
  const c = cmov(cc);
  def(MAP_0F | (0x40 + cc), (i) => (i.mod === 3 && i.osz === 8 ? c.r64 : i.mod === 3 && i.osz === 4 ? c.r32 : c.any));
  // SETcc's ModRM.reg field is ignored (SDM Vol. 2 SETcc: "the reg field ... is not used").
  const s = setcc(cc);
  def(MAP_0F | (0x90 + cc), (i) => (i.mod === 3 ? s.reg : s.mem));
}
