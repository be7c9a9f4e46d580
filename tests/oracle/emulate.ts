// The ringside side: run a case record on a TestMachine at CPL 3 with the same pages at the same
// addresses as the native runner (code user+exec, data and stack user+write), the same
// registers, flags and FPU/SSE state, and report the same Outcome.
//
// The code is followed by UD2: reaching it means the case completed. Any other exception ends
// the case; the IDT gate's native-call hook reads the exception frame (error code, RIP, RFLAGS,
// RSP) the CPU pushed on the kernel stack, which is the state Linux would put in the signal
// context. GPRs other than RSP are untouched by delivery and read from the CPU.

import { TestMachine } from '../harness/machine.js';
import type { Cpu, Vendor } from '../../src/cpu/cpu.js';
import { setFlags } from '../../src/cpu/flags.js';
import { hasErrorCode, UD, PF_ } from '../../src/cpu/regs.js';
import {
  CODE_ADDR, DATA_ADDR, STACK_ADDR, PAGE, IN_SIZE, IN_CODE_LEN, IN_CODE, IN_GPR, IN_RFLAGS, IN_FX, IN_DATA,
  FX_FCW, FX_FSW, FX_FTW, FX_FOP, FX_FIP, FX_FDP, FX_MXCSR, FX_ST, FX_XMM,
} from './protocol.js';
import { Outcome, END_DONE, END_FAULT, END_HARNESS } from './outcome.js';

export interface EmulateOptions {
  /**
   * Load the x87 and SSE state from the case's FXSAVE image into the CPU's fields and report it
   * back. On by default; the fields exist whether or not the x87/SSE instructions do.
   */
  fpState: boolean;
  /** Instruction budget per case. */
  maxInsns: number;
}

interface Frame { vector: number; err: number; rip: number; rflags: number; rspLo: number; rspHi: number }

export class Emulator {
  readonly m: TestMachine;
  readonly cpu: Cpu;
  private readonly codePa: number;
  private readonly dataPa: number;
  private readonly stackPa: number;
  private frame: Frame | null = null;
  private readonly dv: DataView;

  constructor(vendor: Vendor, readonly opts: EmulateOptions = { fpState: true, maxInsns: 100_000 }) {
    const m = new TestMachine(vendor, 16);
    this.m = m;
    this.cpu = m.cpu;
    m.map(CODE_ADDR, PAGE, { write: false, user: true, exec: true });
    m.map(DATA_ADDR, PAGE, { write: true, user: true, exec: false });
    m.map(STACK_ADDR, PAGE, { write: true, user: true, exec: false });
    this.codePa = m.pt.lookup(CODE_ADDR);
    this.dataPa = m.pt.lookup(DATA_ADDR);
    this.stackPa = m.pt.lookup(STACK_ADDR);
    this.dv = m.phys.dv;
    // Replace the machine's exception hook: record the full frame, then stop.
    this.cpu.hooks = {
      nativeCall: (cpu, vector) => {
        const sp = cpu.getRegNum(4);
        const code = hasErrorCode(vector);
        const q = (k: number): [number, number] => {
          const lo = cpu.mem.read64(sp + 8 * k);
          return [lo, cpu.mem.hi];
        };
        const base = code ? 1 : 0;
        const [ripLo, ripHi] = q(base);
        const [flags] = q(base + 2);
        const [rspLo, rspHi] = q(base + 3);
        this.frame = {
          vector, err: code ? q(0)[0] >>> 0 : 0, rip: ripHi * 4294967296 + (ripLo >>> 0), rflags: flags >>> 0, rspLo, rspHi,
        };
        m.interp.stopRequested = true;
      },
    };
  }

  /** Run case k of the batch `input` and describe how it ended in `o`. */
  run(input: Uint8Array, k: number, o: Outcome): void {
    const m = this.m, cpu = this.cpu, bytes = m.phys.bytes;
    const dv = new DataView(input.buffer, input.byteOffset + k * IN_SIZE, IN_SIZE);
    const rec = k * IN_SIZE;
    o.reset();
    const len = dv.getUint32(IN_CODE_LEN, true);
    bytes.set(input.subarray(rec + IN_CODE, rec + IN_CODE + len), this.codePa);
    bytes[this.codePa + len] = 0x0f;
    bytes[this.codePa + len + 1] = 0x0b;
    bytes.fill(0xcc, this.codePa + len + 2, this.codePa + 192);
    cpu.mem.physWritten(this.codePa, 192);
    bytes.set(input.subarray(rec + IN_DATA, rec + IN_DATA + PAGE), this.dataPa);
    bytes.set(input.subarray(rec + IN_DATA + PAGE, rec + IN_DATA + 2 * PAGE), this.stackPa);

    m.enterUser();
    cpu.halted = false;
    cpu.shadowUntil = -1;
    cpu.irqVector = -1;
    cpu.nmiPending = false;
    cpu.nmiBlocked = false;
    for (let r = 0; r < 16; r++) {
      cpu.lo[r] = dv.getInt32(IN_GPR + 8 * r, true);
      cpu.hi[r] = dv.getInt32(IN_GPR + 8 * r + 4, true);
    }
    setFlags(cpu, dv.getUint32(IN_RFLAGS, true));
    if (this.opts.fpState) loadFx(cpu, dv, IN_FX);
    cpu.rip = CODE_ADDR;
    this.frame = null;
    try {
      m.interp.run(this.opts.maxInsns);
    } catch (e) {
      o.end = END_HARNESS;
      o.note = `ringside threw: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    const f = this.frame as Frame | null;
    if (f === null) {
      o.end = END_HARNESS;
      o.note = `ringside did not finish within ${this.opts.maxInsns} instructions (rip 0x${cpu.rip.toString(16)})`;
      return;
    }
    const end = CODE_ADDR + len;
    if (f.vector === UD && f.rip === end) o.end = END_DONE;
    else {
      o.end = END_FAULT;
      o.vector = f.vector;
      o.err = f.err;
      if (f.vector === PF_) { o.addrLo = cpu.cr2 | 0; o.addrHi = Math.floor(cpu.cr2 / 4294967296) | 0; }
    }
    o.rip = f.rip;
    for (let r = 0; r < 16; r++) { o.gpr[2 * r] = cpu.lo[r]; o.gpr[2 * r + 1] = cpu.hi[r]; }
    o.gpr[8] = f.rspLo; o.gpr[9] = f.rspHi;
    o.rflags = f.rflags;
    if (this.opts.fpState) storeFx(cpu, o.fx);
    else o.fx.set(input.subarray(rec + IN_FX, rec + IN_FX + 512));
    o.mem.set(bytes.subarray(this.dataPa, this.dataPa + PAGE), 0);
    o.mem.set(bytes.subarray(this.stackPa, this.stackPa + PAGE), PAGE);
  }
}

/**
 * Load the CPU's x87/SSE fields from a 64-bit FXSAVE image (SDM Vol. 1 Table 10-2): the ST(i)
 * slots are in stack order, so slot i is physical register (TOP + i) & 7; the abridged tag has
 * one bit per physical register; TOP lives in the status word image but in cpu.fpTop here.
 */
export function loadFx(cpu: Cpu, dv: DataView, at: number): void {
  cpu.fpCw = dv.getUint16(at + FX_FCW, true);
  const fsw = dv.getUint16(at + FX_FSW, true);
  cpu.fpTop = (fsw >> 11) & 7;
  cpu.fpSw = fsw & ~0x3800;
  cpu.fpTag = dv.getUint8(at + FX_FTW);
  cpu.fpOp = dv.getUint16(at + FX_FOP, true) & 0x7ff;
  cpu.fpIp = dv.getUint32(at + FX_FIP, true);
  cpu.fpDp = dv.getUint32(at + FX_FDP, true);
  for (let i = 0; i < 8; i++) {
    const p = (cpu.fpTop + i) & 7;
    cpu.fpMant[2 * p] = dv.getUint32(at + FX_ST + 16 * i, true);
    cpu.fpMant[2 * p + 1] = dv.getUint32(at + FX_ST + 16 * i + 4, true);
    cpu.fpExp[p] = dv.getUint16(at + FX_ST + 16 * i + 8, true);
  }
  cpu.mxcsr = dv.getUint32(at + FX_MXCSR, true);
  for (let k = 0; k < 64; k++) cpu.xmm[k] = dv.getInt32(at + FX_XMM + 4 * k, true);
}

/** The inverse of loadFx: an FXSAVE image of the CPU's fields (FOP/FIP/FDP as held). */
export function storeFx(cpu: Cpu, out: Uint8Array): void {
  const dv = new DataView(out.buffer, out.byteOffset, 512);
  out.fill(0);
  dv.setUint16(FX_FCW, cpu.fpCw, true);
  dv.setUint16(FX_FSW, (cpu.fpSw & ~0x3800) | ((cpu.fpTop & 7) << 11), true);
  dv.setUint8(FX_FTW, cpu.fpTag & 0xff);
  dv.setUint16(FX_FOP, cpu.fpOp & 0x7ff, true);
  dv.setUint32(FX_FIP, cpu.fpIp >>> 0, true);
  dv.setUint32(FX_FDP, cpu.fpDp >>> 0, true);
  for (let i = 0; i < 8; i++) {
    const p = (cpu.fpTop + i) & 7;
    dv.setUint32(FX_ST + 16 * i, cpu.fpMant[2 * p], true);
    dv.setUint32(FX_ST + 16 * i + 4, cpu.fpMant[2 * p + 1], true);
    dv.setUint16(FX_ST + 16 * i + 8, cpu.fpExp[p], true);
  }
  dv.setUint32(FX_MXCSR, cpu.mxcsr >>> 0, true);
  for (let k = 0; k < 64; k++) dv.setInt32(FX_XMM + 4 * k, cpu.xmm[k], true);
}

export { DATA_ADDR, STACK_ADDR };
