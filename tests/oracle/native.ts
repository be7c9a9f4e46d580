// The host side: run a batch of case records through the committed static runner
// (tests/oracle/native/runner, built by `npm run build:oracle`) and read back its results.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import {
  HEADER_SIZE, parseHeader, type HostInfo, IN_SIZE, IN_DATA, PAGE, OUT_SIZE, OUT_STATUS, OUT_TRAPNO, OUT_ERR,
  OUT_RIP, OUT_ADDR, OUT_GPR, OUT_RFLAGS, OUT_FX, OUT_NDELTA, ST_DONE, ST_SIGNAL, ST_BAD_INPUT, ST_TIMEOUT,
} from './protocol.js';
import { Outcome, END_DONE, END_FAULT, END_HARNESS } from './outcome.js';

/** The runner binary: from dist/tests/oracle/ (compiled) or tests/oracle/ (sources) alike. */
export function runnerPath(): string {
  for (const rel of ['../../../tests/oracle/native/runner', './native/runner']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('oracle runner binary not found (npm run build:oracle)');
}

export class NativeResults {
  /** Byte offset of each case's result in `out`. */
  readonly offsets: Int32Array;
  constructor(readonly out: Uint8Array, readonly n: number) {
    this.offsets = new Int32Array(n);
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let p = 0;
    for (let k = 0; k < n; k++) {
      if (p + OUT_SIZE > out.length) throw new Error(`oracle runner: output truncated at case ${k}`);
      this.offsets[k] = p;
      p += OUT_SIZE + 4 * dv.getUint32(p + OUT_NDELTA, true);
    }
  }

  /** Fill `o` with case k's result; `input` is the batch the cases came from. */
  fill(k: number, input: Uint8Array, o: Outcome): void {
    const out = this.out;
    const p = this.offsets[k];
    const dv = new DataView(out.buffer, out.byteOffset + p, OUT_SIZE);
    o.reset();
    const status = dv.getUint32(OUT_STATUS, true);
    if (status === ST_BAD_INPUT || status === ST_TIMEOUT) {
      o.end = END_HARNESS;
      o.note = status === ST_BAD_INPUT ? 'runner refused the case (code too long or MXCSR reserved bits)' : 'native run timed out';
      return;
    }
    o.end = status === ST_DONE ? END_DONE : END_FAULT;
    if (status === ST_SIGNAL) {
      o.vector = dv.getUint32(OUT_TRAPNO, true);
      o.err = dv.getUint32(OUT_ERR, true);
      o.addrLo = dv.getUint32(OUT_ADDR, true);
      o.addrHi = dv.getUint32(OUT_ADDR + 4, true);
    }
    o.rip = dv.getUint32(OUT_RIP + 4, true) * 4294967296 + dv.getUint32(OUT_RIP, true);
    for (let r = 0; r < 32; r++) o.gpr[r] = dv.getUint32(OUT_GPR + 4 * r, true);
    o.rflags = dv.getUint32(OUT_RFLAGS, true);
    o.fx.set(out.subarray(p + OUT_FX, p + OUT_FX + 512));
    const base = k * IN_SIZE + IN_DATA;
    o.mem.set(input.subarray(base, base + 2 * PAGE));
    const nd = dv.getUint32(OUT_NDELTA, true);
    for (let j = 0, q = p + OUT_SIZE; j < nd; j++, q += 4) o.mem[out[q] | (out[q + 1] << 8)] = out[q + 2];
  }
}

export class NativeRunner {
  readonly path: string;
  readonly info: HostInfo;
  constructor() {
    this.path = runnerPath();
    const r = spawnSync(this.path, [], { input: new Uint8Array(0), maxBuffer: 1 << 20 });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`oracle runner failed: ${r.stderr.toString()}`);
    this.info = parseHeader(r.stdout);
  }

  /** Run the first n records of `input` natively. */
  run(input: Uint8Array, n: number): NativeResults {
    const r = spawnSync(this.path, [], { input: input.subarray(0, n * IN_SIZE), maxBuffer: 1 << 30 });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`oracle runner exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
    const out = new Uint8Array(r.stdout.buffer, r.stdout.byteOffset + HEADER_SIZE, r.stdout.length - HEADER_SIZE);
    return new NativeResults(out, n);
  }
}

export { ST_DONE, ST_SIGNAL };
