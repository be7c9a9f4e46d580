// The x87 opcode map: escape opcodes D8-DF and WAIT/FWAIT (9B) (SDM Vol. 2 Appendix A.4,
// Tables ). For each escape byte and ModRM.reg, the memory form and the register
// form are different instructions; this table picks the binder for each, and the instruction
// files (x87-arith, x87-load, x87-func, x87-control) hold the semantics.
//
// Register encodings the SDM leaves blank but every processor executes are implemented as the
// hardware does: FSTP1 (D9 D8+i), FCOM2 (DC D0+i), FCOMP3 (DC D8+i), FXCH4 (DD C8+i), FCOMP5
// (DE D0+i), FFREEP (DF C0+i), FXCH7 (DF C8+i), FSTP8 (DF D0+i), FSTP9 (DF D8+i) — checked
// against the host in tests/cpu/x87-fixture.test.ts.
//
// FISTTP (SSE3) binds only while CPUID advertises SSE3 (leaf 1 ECX bit 0), so that the model
// stays consistent: until then it is #UD, as on a processor without SSE3.

import type { Handler, Insn } from '../insn.js';
import { def, defGroup } from './table.js';
import { FEATURES } from '../cpuid.js';
import { fop } from './x87-state.js';
import {
  bindD8Reg, bindDcReg, bindArithMem, bindFucom, bindFcomi, bindFcmov, loadM32, loadM64, loadI16, loadI32,
} from './x87-arith.js';
import {
  bindFldM32, bindFldM64, bindFldM80, bindFildM16, bindFildM32, bindFildM64, bindFbld, bindFldReg, bindFldConst,
  bindFstM32, bindFstM64, bindFstpM80, bindFist, bindFisttp, bindFbstp, bindFstReg,
} from './x87-load.js';
import { bindRowE0, bindRowF0 } from './x87-func.js';
import {
  bindFldcw, bindFnstcw, bindFnstswMem, bindFnstenv, bindFldenv, bindFnsave, bindFrstor, bindFxch, bindFfree,
  bindFnop, bindDbE0, bindFnstswAx, fwait,
} from './x87-control.js';

type B = (i: Insn) => Handler | null;
const UD: B = () => null;

function fisttp(bits: number): B {
  return () => ((FEATURES.leaf1Ecx & 1) !== 0 ? bindFisttp(bits) : null);
}

/** [memory form, register form] for each of the eight ModRM.reg values. */
const MAP: Record<number, [B, B][]> = {
  0xd8: Array.from({ length: 8 }, () => [(i: Insn) => bindArithMem(i, loadM32), bindD8Reg] as [B, B]),
  0xd9: [
    [bindFldM32, bindFldReg],
    [UD, bindFxch],
    [() => bindFstM32(false), (i) => ((i.rm & 7) === 0 ? bindFnop() : null)],
    [() => bindFstM32(true), (i) => bindFstReg(i, true)],
    [bindFldenv, bindRowE0],
    [bindFldcw, bindFldConst],
    [bindFnstenv, bindRowF0],
    [bindFnstcw, bindRowF0],
  ],
  0xda: [
    [(i) => bindArithMem(i, loadI32), (i) => bindFcmov(i, false)],
    [(i) => bindArithMem(i, loadI32), (i) => bindFcmov(i, false)],
    [(i) => bindArithMem(i, loadI32), (i) => bindFcmov(i, false)],
    [(i) => bindArithMem(i, loadI32), (i) => bindFcmov(i, false)],
    [(i) => bindArithMem(i, loadI32), UD],
    [(i) => bindArithMem(i, loadI32), (i) => ((i.rm & 7) === 1 ? bindFucom(i, 2) : null)],
    [(i) => bindArithMem(i, loadI32), UD],
    [(i) => bindArithMem(i, loadI32), UD],
  ],
  0xdb: [
    [bindFildM32, (i) => bindFcmov(i, true)],
    [fisttp(32), (i) => bindFcmov(i, true)],
    [() => bindFist(32, false), (i) => bindFcmov(i, true)],
    [() => bindFist(32, true), (i) => bindFcmov(i, true)],
    [UD, bindDbE0],
    [bindFldM80, (i) => bindFcomi(i, true, false)],
    [UD, (i) => bindFcomi(i, false, false)],
    [bindFstpM80, UD],
  ],
  0xdc: Array.from({ length: 8 }, () => [(i: Insn) => bindArithMem(i, loadM64), (i: Insn) => bindDcReg(i, false)] as [B, B]),
  0xdd: [
    [bindFldM64, (i) => bindFfree(i, false)],
    [fisttp(64), bindFxch],
    [() => bindFstM64(false), (i) => bindFstReg(i, false)],
    [() => bindFstM64(true), (i) => bindFstReg(i, true)],
    [bindFrstor, (i) => bindFucom(i, 0)],
    [UD, (i) => bindFucom(i, 1)],
    [bindFnsave, UD],
    [bindFnstswMem, UD],
  ],
  0xde: Array.from({ length: 8 }, () => [(i: Insn) => bindArithMem(i, loadI16), (i: Insn) => bindDcReg(i, true)] as [B, B]),
  0xdf: [
    [bindFildM16, (i) => bindFfree(i, true)],
    [fisttp(16), bindFxch],
    [() => bindFist(16, false), (i) => bindFstReg(i, true)],
    [() => bindFist(16, true), (i) => bindFstReg(i, true)],
    [bindFbld, bindFnstswAx],
    [bindFildM64, (i) => bindFcomi(i, true, true)],
    [bindFbstp, (i) => bindFcomi(i, false, true)],
    [() => bindFist(64, true), UD],
  ],
};

for (let op = 0xd8; op <= 0xdf; op++) {
  const row = MAP[op];
  for (let r = 0; r < 8; r++) {
    const [mem, reg] = row[r];
    defGroup(op, r, (i) => {
      i.imm2 = fop(i);
      return i.mod === 3 ? reg(i) : mem(i);
    });
  }
}

def(0x9b, () => fwait);
