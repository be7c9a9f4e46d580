// The record formats shared by the native runner (native/runner.c) and the TypeScript side, and
// the addresses both give a case. One case is a fixed-size record so that a whole batch is one
// buffer written to the runner's stdin; results come back as fixed headers plus a list of changed
// memory bytes.

/** Where the case's pages live, in the runner's address space and in ringside's. */
export const CODE_ADDR = 0x10000000;
export const DATA_ADDR = 0x20000000;
export const STACK_ADDR = 0x30000000;
export const PAGE = 4096;
export const MAX_CODE = 64;

// struct case_in (runner.c).
export const IN_SIZE = 8960;
export const IN_FLAGS = 0;
export const IN_CODE_LEN = 4;
export const IN_CODE = 8;
export const IN_GPR = 72;
export const IN_RFLAGS = 200;
export const IN_FX = 256;
export const IN_DATA = 768;
export const IN_STACK = IN_DATA + PAGE;

// struct case_out.
export const OUT_SIZE = 696;
export const OUT_STATUS = 0;
export const OUT_SIGNO = 4;
export const OUT_TRAPNO = 8;
export const OUT_ERR = 16;
export const OUT_RIP = 24;
export const OUT_ADDR = 32;
export const OUT_GPR = 40;
export const OUT_RFLAGS = 168;
export const OUT_FX = 176;
export const OUT_NDELTA = 688;

export const ST_DONE = 0, ST_SIGNAL = 1, ST_BAD_INPUT = 2, ST_TIMEOUT = 3;

// FXSAVE image fields (SDM Vol. 1 §10.5.1, Table 10-2, 64-bit format).
export const FX_FCW = 0, FX_FSW = 2, FX_FTW = 4, FX_FOP = 6, FX_FIP = 8, FX_FDP = 16;
export const FX_MXCSR = 24, FX_MXCSR_MASK = 28, FX_ST = 32, FX_XMM = 160;

/** What the runner says about the host in its 64-byte header. */
export interface HostInfo {
  vendor: string;
  leaf1Ecx: number;
  leaf1Edx: number;
  leaf7Ebx: number;
  leaf7Ecx: number;
  leaf7Edx: number;
  ext1Ecx: number;
  ext1Edx: number;
  mxcsrMask: number;
  familyModel: number;
}

export const HEADER_SIZE = 64;

export function parseHeader(b: Uint8Array): HostInfo {
  const dv = new DataView(b.buffer, b.byteOffset, HEADER_SIZE);
  const magic = String.fromCharCode(b[0], b[1], b[2], b[3]);
  if (magic !== 'ORCL' || dv.getUint32(4, true) !== 1) throw new Error('oracle runner: unexpected header (rebuild it: npm run build:oracle)');
  let vendor = '';
  for (let k = 8; k < 20; k++) vendor += String.fromCharCode(b[k]);
  const u = (o: number) => dv.getUint32(o, true);
  return {
    vendor,
    leaf1Ecx: u(20), leaf1Edx: u(24), leaf7Ebx: u(28), leaf7Ecx: u(32), leaf7Edx: u(36),
    ext1Ecx: u(40), ext1Edx: u(44), mxcsrMask: u(48), familyModel: u(52),
  };
}
