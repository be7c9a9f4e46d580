// Classic BPF as seccomp uses it (include/uapi/linux/filter.h, bpf_common.h; net/core/filter.c
// bpf_check_classic and check_load_and_stores; kernel/seccomp.c seccomp_check_filter): the
// load-time checks that decide which programs the kernel accepts, and an interpreter that runs
// an accepted program over struct seccomp_data.
//
// A program is checked once, when it is attached, and kept in typed arrays; running it
// allocates nothing (it runs on every system call of a filtered task).

import { EINVAL } from '../errno.js';

// Instruction classes and fields (bpf_common.h).
export const BPF_LD = 0x00, BPF_LDX = 0x01, BPF_ST = 0x02, BPF_STX = 0x03, BPF_ALU = 0x04, BPF_JMP = 0x05,
  BPF_RET = 0x06, BPF_MISC = 0x07;
export const BPF_W = 0x00, BPF_H = 0x08, BPF_B = 0x10;
export const BPF_IMM = 0x00, BPF_ABS = 0x20, BPF_IND = 0x40, BPF_MEM = 0x60, BPF_LEN = 0x80, BPF_MSH = 0xa0;
export const BPF_ADD = 0x00, BPF_SUB = 0x10, BPF_MUL = 0x20, BPF_DIV = 0x30, BPF_OR = 0x40, BPF_AND = 0x50,
  BPF_LSH = 0x60, BPF_RSH = 0x70, BPF_NEG = 0x80, BPF_MOD = 0x90, BPF_XOR = 0xa0;
export const BPF_JA = 0x00, BPF_JEQ = 0x10, BPF_JGT = 0x20, BPF_JGE = 0x30, BPF_JSET = 0x40;
export const BPF_K = 0x00, BPF_X = 0x08, BPF_A = 0x10;
export const BPF_TAX = 0x00, BPF_TXA = 0x80;

/** BPF_MAXINSNS: the longest classic program (uapi/linux/bpf_common.h). */
export const BPF_MAXINSNS = 4096;
/** BPF_MEMWORDS: the scratch memory M[0..15]. */
export const BPF_MEMWORDS = 16;
/** sizeof(struct sock_filter): u16 code, u8 jt, u8 jf, u32 k. */
export const SOCK_FILTER_SIZE = 8;
/** sizeof(struct seccomp_data): int nr, u32 arch, u64 instruction_pointer, u64 args[6]. */
export const SECCOMP_DATA_SIZE = 64;
/** SKF_AD_OFF (-0x1000): classic loads at or above it are "ancillary" socket data, not memory. */
const SKF_AD_OFF = 0xfffff000;

/** An accepted program: one instruction per index, jumps already known to stay in range. */
export interface BpfProg {
  readonly len: number;
  readonly code: Uint16Array;
  readonly jt: Uint8Array;
  readonly jf: Uint8Array;
  /** k as an unsigned 32-bit value. */
  readonly k: Uint32Array;
}

/** Decode `len` sock_filter structures from their user-space bytes (little-endian). */
export function decodeProgram(bytes: Uint8Array, len: number): BpfProg {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const p = { len, code: new Uint16Array(len), jt: new Uint8Array(len), jf: new Uint8Array(len), k: new Uint32Array(len) };
  for (let i = 0; i < len; i++) {
    p.code[i] = dv.getUint16(i * 8, true);
    p.jt[i] = bytes[i * 8 + 2];
    p.jf[i] = bytes[i * 8 + 3];
    p.k[i] = dv.getUint32(i * 8 + 4, true);
  }
  return p;
}

/** chk_code_allowed(): the opcodes classic BPF knows at all (net/core/filter.c codes[]). */
const CLASSIC_CODES = new Set<number>([
  ...[BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH]
    .flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS, BPF_LD | BPF_W | BPF_LEN,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND, BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
  BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM,
  BPF_ST, BPF_STX, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA, BPF_RET | BPF_K, BPF_RET | BPF_A,
  BPF_JMP | BPF_JA,
  ...[BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET].flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);

/** The ALU operations seccomp_check_filter lists (all but MOD). */
const SECCOMP_ALU = new Set<number>([BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH]
  .flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]));

function isCondJump(code: number): boolean {
  return (code & 0x07) === BPF_JMP && (code & 0xf0) !== BPF_JA && CLASSIC_CODES.has(code);
}

/**
 * bpf_check_classic(): every opcode known, no division by a constant zero, constant shifts
 * below 32, scratch indexes below 16, every jump landing inside the program (forward only:
 * offsets are unsigned), the last instruction a RET, and no scratch cell read on a path that
 * has not written it. Returns 0 or -EINVAL.
 */
export function checkClassic(p: BpfProg): number {
  const flen = p.len;
  for (let pc = 0; pc < flen; pc++) {
    const code = p.code[pc], k = p.k[pc];
    if (!CLASSIC_CODES.has(code)) return -EINVAL;
    switch (code) {
      case BPF_ALU | BPF_DIV | BPF_K:
      case BPF_ALU | BPF_MOD | BPF_K:
        if (k === 0) return -EINVAL;
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (k >= 32) return -EINVAL;
        break;
      case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM: case BPF_ST: case BPF_STX:
        if (k >= BPF_MEMWORDS) return -EINVAL;
        break;
      case BPF_JMP | BPF_JA:
        // "the large ftest->k might cause loops": k is unsigned, so this also rules out going back.
        if (k >= flen - pc - 1) return -EINVAL;
        break;
      case BPF_LD | BPF_W | BPF_ABS: case BPF_LD | BPF_H | BPF_ABS: case BPF_LD | BPF_B | BPF_ABS:
        // Ancillary socket loads mean nothing to seccomp; seccomp_check_filter refuses them anyway.
        if (k >= SKF_AD_OFF) return -EINVAL;
        break;
      default:
        if (isCondJump(code) && (pc + p.jt[pc] + 1 >= flen || pc + p.jf[pc] + 1 >= flen)) return -EINVAL;
    }
  }
  const last = p.code[flen - 1];
  if (last !== (BPF_RET | BPF_K) && last !== (BPF_RET | BPF_A)) return -EINVAL;
  return checkLoadAndStores(p);
}

/**
 * check_load_and_stores(): a scratch cell may be read only where every path to the read has
 * stored it. memvalid holds one bit per cell; a jump passes its set to its targets (ANDed with
 * what other paths bring) and the fall-through after a jump starts from "anything" (~0), as
 * nothing falls through an unconditional or two-way jump.
 */
function checkLoadAndStores(p: BpfProg): number {
  const masks = new Uint16Array(p.len).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < p.len; pc++) {
    memvalid &= masks[pc];
    const code = p.code[pc], k = p.k[pc];
    if (code === BPF_ST || code === BPF_STX) memvalid |= 1 << k;
    else if (code === (BPF_LD | BPF_MEM) || code === (BPF_LDX | BPF_MEM)) {
      if ((memvalid & (1 << k)) === 0) return -EINVAL;
    } else if (code === (BPF_JMP | BPF_JA)) {
      masks[pc + 1 + k] &= memvalid;
      memvalid = 0xffff;
    } else if (isCondJump(code)) {
      masks[pc + 1 + p.jt[pc]] &= memvalid;
      masks[pc + 1 + p.jf[pc]] &= memvalid;
      memvalid = 0xffff;
    }
  }
  return 0;
}

/**
 * seccomp_check_filter(): of what classic BPF allows, seccomp keeps the loads from
 * seccomp_data (32-bit, aligned, inside its 64 bytes), turns "load the length" into "load 64",
 * and keeps ALU (no MOD), scratch memory, TAX/TXA, jumps and RET; packet loads (H, B, IND,
 * MSH) are refused. Rewrites the program in place as Linux does. Returns 0 or -EINVAL.
 */
export function checkSeccomp(p: BpfProg): number {
  for (let pc = 0; pc < p.len; pc++) {
    const code = p.code[pc], k = p.k[pc];
    switch (code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (k >= SECCOMP_DATA_SIZE || (k & 3) !== 0) return -EINVAL;
        continue;
      case BPF_LD | BPF_W | BPF_LEN:
        p.code[pc] = BPF_LD | BPF_IMM; p.k[pc] = SECCOMP_DATA_SIZE;
        continue;
      case BPF_LDX | BPF_W | BPF_LEN:
        p.code[pc] = BPF_LDX | BPF_IMM; p.k[pc] = SECCOMP_DATA_SIZE;
        continue;
      case BPF_RET | BPF_K: case BPF_RET | BPF_A:
      case BPF_ALU | BPF_NEG:
      case BPF_LD | BPF_IMM: case BPF_LDX | BPF_IMM:
      case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA:
      case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM: case BPF_ST: case BPF_STX:
      case BPF_JMP | BPF_JA:
        continue;
      default:
        if (SECCOMP_ALU.has(code) || isCondJump(code)) continue;
        return -EINVAL;
    }
  }
  return 0;
}

/** bpf_check_classic, then seccomp_check_filter (bpf_prepare_filter's order). */
export function checkFilter(p: BpfProg): number {
  if (p.len === 0 || p.len > BPF_MAXINSNS) return -EINVAL;
  const r = checkClassic(p);
  return r !== 0 ? r : checkSeccomp(p);
}

/** M[0..15], shared by every run: a checked program never reads a cell it did not write. */
const scratch = new Uint32Array(BPF_MEMWORDS);

/**
 * Run a checked program over seccomp_data given as 16 little-endian 32-bit words. A and X
 * start at zero (bpf_convert_filter clears them first); division by X == 0 ends the program
 * with 0, as converted classic BPF does. Returns the program's u32 result.
 */
export function runProgram(p: BpfProg, data: Uint32Array): number {
  const code = p.code, kk = p.k;
  let a = 0, x = 0;
  for (let pc = 0; ;) {
    const k = kk[pc];
    switch (code[pc]) {
      case BPF_LD | BPF_W | BPF_ABS: a = data[k >>> 2]; break;
      case BPF_LD | BPF_IMM: a = k; break;
      case BPF_LDX | BPF_IMM: x = k; break;
      case BPF_LD | BPF_MEM: a = scratch[k]; break;
      case BPF_LDX | BPF_MEM: x = scratch[k]; break;
      case BPF_ST: scratch[k] = a; break;
      case BPF_STX: scratch[k] = x; break;
      case BPF_MISC | BPF_TAX: x = a; break;
      case BPF_MISC | BPF_TXA: a = x; break;
      case BPF_ALU | BPF_ADD | BPF_K: a = (a + k) >>> 0; break;
      case BPF_ALU | BPF_ADD | BPF_X: a = (a + x) >>> 0; break;
      case BPF_ALU | BPF_SUB | BPF_K: a = (a - k) >>> 0; break;
      case BPF_ALU | BPF_SUB | BPF_X: a = (a - x) >>> 0; break;
      case BPF_ALU | BPF_MUL | BPF_K: a = Math.imul(a, k) >>> 0; break;
      case BPF_ALU | BPF_MUL | BPF_X: a = Math.imul(a, x) >>> 0; break;
      case BPF_ALU | BPF_DIV | BPF_K: a = Math.floor(a / k); break;
      case BPF_ALU | BPF_DIV | BPF_X: if (x === 0) return 0; a = Math.floor(a / x); break;
      case BPF_ALU | BPF_AND | BPF_K: a = (a & k) >>> 0; break;
      case BPF_ALU | BPF_AND | BPF_X: a = (a & x) >>> 0; break;
      case BPF_ALU | BPF_OR | BPF_K: a = (a | k) >>> 0; break;
      case BPF_ALU | BPF_OR | BPF_X: a = (a | x) >>> 0; break;
      case BPF_ALU | BPF_XOR | BPF_K: a = (a ^ k) >>> 0; break;
      case BPF_ALU | BPF_XOR | BPF_X: a = (a ^ x) >>> 0; break;
      // Shifts by X use the low 5 bits, as the eBPF interpreter and the x86 JIT's 32-bit shifts do.
      case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_LSH | BPF_X: a = (a << ((code[pc] & BPF_X) ? x : k)) >>> 0; break;
      case BPF_ALU | BPF_RSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_X: a = a >>> ((code[pc] & BPF_X) ? x : k); break;
      case BPF_ALU | BPF_NEG: a = (-a) >>> 0; break;
      case BPF_JMP | BPF_JA: pc += k; break;
      case BPF_JMP | BPF_JEQ | BPF_K: pc += a === k ? p.jt[pc] : p.jf[pc]; break;
      case BPF_JMP | BPF_JEQ | BPF_X: pc += a === x ? p.jt[pc] : p.jf[pc]; break;
      case BPF_JMP | BPF_JGT | BPF_K: pc += a > k ? p.jt[pc] : p.jf[pc]; break;
      case BPF_JMP | BPF_JGT | BPF_X: pc += a > x ? p.jt[pc] : p.jf[pc]; break;
      case BPF_JMP | BPF_JGE | BPF_K: pc += a >= k ? p.jt[pc] : p.jf[pc]; break;
      case BPF_JMP | BPF_JGE | BPF_X: pc += a >= x ? p.jt[pc] : p.jf[pc]; break;
      case BPF_JMP | BPF_JSET | BPF_K: pc += (a & k) !== 0 ? p.jt[pc] : p.jf[pc]; break;
      case BPF_JMP | BPF_JSET | BPF_X: pc += (a & x) !== 0 ? p.jt[pc] : p.jf[pc]; break;
      case BPF_RET | BPF_K: return k;
      case BPF_RET | BPF_A: return a;
      default: return 0; // unreachable for a checked program
    }
    pc++;
  }
}
