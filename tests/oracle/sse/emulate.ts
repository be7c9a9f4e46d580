// Runs an SSE fixture case (cases.ts) in ringside on the bare test machine, at CPL 3 with the
// same code and data addresses as the host oracle, and reports the outcome in the same form.

import { TestMachine } from '../../harness/machine.js';
import { getFlags, setFlags } from '../../../src/cpu/flags.js';
import { CODE_ADDR, DATA_ADDR, type SseCase, type Outcome } from './cases.js';

const SIGILL = 4, SIGFPE = 8, SIGSEGV = 11;

export class SseEmulator {
  readonly m = new TestMachine();
  constructor() {
    this.m.map(CODE_ADDR, 0x1000, { write: false, user: true, exec: true });
    this.m.map(DATA_ADDR, 0x1000, { write: true, user: true, exec: false });
  }

  run(c: SseCase): Outcome {
    const m = this.m, cpu = m.cpu;
    m.enterUser();
    m.writeBytes(DATA_ADDR, c.mem);
    const dv = new DataView(c.xmm.buffer, c.xmm.byteOffset, 64);
    for (let k = 0; k < 16; k++) cpu.xmm[k] = dv.getInt32(k * 4, true);
    cpu.mxcsr = c.mxcsr;
    setFlags(cpu, c.rflags);
    cpu.setReg(0, c.rax);
    cpu.setReg(1, c.rcx);
    cpu.setReg(2, c.rdx);
    const t = m.run(CODE_ADDR, c.code, 100);
    let signo = 0;
    if (t !== null) signo = t.vector === 19 || t.vector === 0 ? SIGFPE : t.vector === 6 ? SIGILL : t.vector === 13 || t.vector === 14 ? SIGSEGV : 100 + t.vector;
    const xmm = new Uint8Array(64);
    const ov = new DataView(xmm.buffer);
    for (let k = 0; k < 16; k++) ov.setInt32(k * 4, cpu.xmm[k], true);
    return {
      signo,
      mxcsr: cpu.mxcsr >>> 0,
      rflags: getFlags(cpu),
      rax: cpu.getReg(0),
      rcx: cpu.getReg(1),
      rdx: cpu.getReg(2),
      xmm,
      mem: m.readBytes(DATA_ADDR, 64),
    };
  }
}
