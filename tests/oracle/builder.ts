// Building one case record: a seeded random generator, edge-biased operand values, register and
// memory-operand allocation that keeps every address the case uses inside its pages, and the
// code emitted through the encoder. A form (forms.ts) drives a Builder; finish() writes the record.

import { encode, type Enc, type Mem, BASE_NONE, BASE_RIP, AH, CH, DH, BH } from './encode.js';
import {
  CODE_ADDR, DATA_ADDR, STACK_ADDR, PAGE, MAX_CODE, IN_SIZE, IN_CODE_LEN, IN_CODE, IN_GPR, IN_RFLAGS, IN_FX, IN_DATA,
  IN_STACK, FX_FCW, FX_MXCSR, FX_ST, FX_XMM, FX_FSW, FX_FTW,
} from './protocol.js';

/** xoshiro128**: small, fast, seedable; the same seed gives the same cases on every machine. */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    // splitmix32 to spread the seed over the state.
    let s = seed >>> 0;
    const sm = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = sm(); this.b = sm(); this.c = sm(); this.d = sm();
  }
  u32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a; this.d ^= this.b; this.b ^= this.c; this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r >>> 0;
  }
  below(n: number): number { return Math.floor((this.u32() / 4294967296) * n); }
  chance(p: number): boolean { return this.u32() < p * 4294967296; }
  pick<T>(a: readonly T[]): T { return a[this.below(a.length)]; }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
}
function rotl(x: number, k: number): number { return (x << k) | (x >>> (32 - k)); }

const M64 = (1n << 64n) - 1n;
export const u64 = (v: bigint): bigint => v & M64;

/** Edge values at a width: 0, 1, -1, the signed extremes and their neighbours, the unsigned maximum. */
function edgesAt(bits: number): bigint[] {
  const top = 1n << BigInt(bits - 1);
  const all = (1n << BigInt(bits)) - 1n;
  return [0n, 1n, 2n, all, all - 1n, top - 1n, top, top + 1n, top - 2n];
}
const EDGES: Record<number, bigint[]> = { 8: edgesAt(8), 16: edgesAt(16), 32: edgesAt(32), 64: edgesAt(64) };

export type Size = 1 | 2 | 4 | 8;

export interface MemOpts {
  /** Force alignment of the operand address (in bytes). */
  align?: number;
  /** Which page: the data page (default) or the stack page. */
  page?: 'data' | 'stack';
  /** Allow RIP-relative and absolute (no base) forms (default true). */
  absolute?: boolean;
  /** Use 32-bit address size (67h) sometimes (default false). */
  addr32?: boolean;
  /** Keep this many bytes free around the target (for bit offsets, strings …). */
  room?: number;
  /** Plant a value of this many bytes at the target (default: the operand size). */
  plant?: number;
}

export class Builder {
  rng!: Rng;
  private buf!: Uint8Array;
  private dv!: DataView;
  private rec = 0;
  readonly code: number[] = [];
  readonly regs: bigint[] = new Array(16).fill(0n);
  readonly locked: boolean[] = new Array(16).fill(false);
  flags = 0x202;
  /** No REX prefix may be used (an AH..BH operand is in play): registers 8-15 are off limits. */
  noRex = false;
  /** The case uses the stack: RSP keeps its stack-page value and is never an operand. */
  stack = false;
  /** Set by forms with x87/SSE operands that want random FPU state. */
  fpRandom = false;
  /** Exact FCW / FSW / MXCSR values for forms that need them (unmasked exceptions, #MF, #XM). */
  fcw = -1;
  fsw = -1;
  mxcsr = -1;

  /** Start a case in record slot k of buf. */
  begin(buf: Uint8Array, k: number, rng: Rng): void {
    this.buf = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.rec = k * IN_SIZE;
    this.rng = rng;
    this.code.length = 0;
    this.noRex = false;
    this.stack = false;
    this.fpRandom = false;
    this.fcw = this.fsw = this.mxcsr = -1;
    for (let r = 0; r < 16; r++) { this.regs[r] = this.val(64); this.locked[r] = false; }
    this.regs[4] = BigInt(STACK_ADDR + 0x400 + 8 * rng.below(256));
    if (rng.chance(0.1)) this.regs[4] += BigInt(1 + rng.below(7));
    this.flags = 0x202 | (rng.u32() & 0x8d5) | (rng.chance(0.25) ? 0x400 : 0);
    // Page contents: random words; forms plant what they need on top.
    const p = this.rec + IN_DATA;
    for (let o = 0; o < 2 * PAGE; o += 4) this.dv.setUint32(p + o, rng.u32(), true);
  }

  // ---- Values.

  /** An operand value biased towards the edges of a `bits`-wide operand (returned as 64 bits). */
  val(bits: number): bigint {
    const r = this.rng.below(100);
    if (r < 40) return this.rng.u64();
    if (r < 75) {
      const w = this.rng.chance(0.6) ? bits : this.rng.pick([8, 16, 32, 64]);
      const e = this.rng.pick(EDGES[w]);
      if (w === 64) return e;
      const mode = this.rng.below(3);
      const mask = (1n << BigInt(w)) - 1n;
      if (mode === 0) return e;
      if (mode === 1) return u64(BigInt.asIntN(w, e));
      return (this.rng.u64() & ~mask) | e;
    }
    if (r < 90) { const s = BigInt(this.rng.below(141) - 70); return this.rng.chance(0.5) ? u64(s) : (this.rng.u64() & ~0xffn) | (s & 0xffn); }
    const k = BigInt(this.rng.below(64));
    return this.rng.chance(0.5) ? 1n << k : u64(~(1n << k));
  }

  /** An immediate of `bytes` bytes (as an unsigned field value), edge-biased. */
  imm(bytes: number): bigint {
    return this.val(bytes * 8) & ((1n << BigInt(bytes * 8)) - 1n);
  }

  /** A shift/rotate count: the interesting ones (0, 1, width ± 1, ≥ width, masks) more often. */
  count(widthBits: number): number {
    const r = this.rng.below(10);
    if (r < 5) return this.rng.pick([0, 1, 2, widthBits - 1, widthBits, widthBits + 1, 31, 32, 33, 63, 64, 65, 70, 255, 128, 96, 17, 9, 16]);
    if (r < 8) return this.rng.below(widthBits + 2);
    return this.rng.below(256);
  }

  // ---- Registers.

  setReg(r: number, v: bigint, lock = true): void {
    this.regs[r] = u64(v);
    if (lock) this.locked[r] = true;
  }
  lock(...rs: number[]): void { for (const r of rs) this.locked[r] = true; }

  /** Use the stack: RSP points into the stack page and is reserved. */
  useStack(): void {
    this.stack = true;
    this.locked[4] = true;
  }

  /** Choose a general register for an explicit operand of `size` bytes. */
  reg(size: Size, exclude: number[] = []): number {
    for (;;) {
      let r: number;
      if (size === 1) {
        r = this.noRex ? this.rng.pick([0, 1, 2, 3, AH, CH, DH, BH]) : this.rng.below(16);
      } else r = this.noRex ? this.rng.below(8) : this.rng.below(16);
      if (exclude.includes(r)) continue;
      if ((r === 4) && this.stack) continue;
      if (size === 1 && r >= 16 && (exclude.includes(r - 16) || (this.stack && r - 16 === 4))) continue;
      return r;
    }
  }

  /** Byte forms: half of them use the legacy byte registers (AH..BH possible, no REX). */
  byteMode(): void {
    this.noRex = this.rng.chance(0.5);
  }

  private freeReg(exclude: number[]): number {
    for (let tries = 0; tries < 100; tries++) {
      const r = this.noRex ? this.rng.below(8) : this.rng.below(16);
      if (this.locked[r] || exclude.includes(r)) continue;
      return r;
    }
    throw new Error('builder: no free register for an address');
  }

  // ---- Memory.

  /** Address `off` bytes into the data (or stack) page. */
  addr(off: number, page: 'data' | 'stack' = 'data'): number {
    return (page === 'data' ? DATA_ADDR : STACK_ADDR) + off;
  }

  /** Write bytes of a value into the page image at a case address. */
  poke(addr: number, bytes: number, v: bigint): void {
    for (let k = 0; k < bytes; k++) this.pokeByte(addr + k, Number((v >> BigInt(8 * k)) & 0xffn));
  }
  pokeByte(addr: number, b: number): void {
    let o: number;
    if (addr >= DATA_ADDR && addr < DATA_ADDR + PAGE) o = IN_DATA + addr - DATA_ADDR;
    else if (addr >= STACK_ADDR && addr < STACK_ADDR + PAGE) o = IN_STACK + addr - STACK_ADDR;
    else throw new Error(`builder: ${addr.toString(16)} is outside the case's pages`);
    this.buf[this.rec + o] = b;
  }
  peek(addr: number, bytes: number): bigint {
    let v = 0n;
    for (let k = bytes - 1; k >= 0; k--) {
      const a = addr + k;
      const o = a >= STACK_ADDR ? IN_STACK + a - STACK_ADDR : IN_DATA + a - DATA_ADDR;
      v = (v << 8n) | BigInt(this.buf[this.rec + o]);
    }
    return v;
  }

  /** A random target address of a `size`-byte operand in a page. */
  target(size: number, o: MemOpts = {}): number {
    const room = o.room ?? 0;
    const align = o.align ?? (this.rng.chance(0.7) ? Math.min(size, 8) : 1);
    const span = PAGE - size - 2 * room;
    let off = room + this.rng.below(span);
    off -= off % align;
    if (off < room) off += align;
    return this.addr(off, o.page);
  }

  /**
   * A memory operand addressing `size` bytes at a random place in the data page (or at `at`),
   * through a random addressing form; the base and index registers get the values that make
   * the address come out right and are locked.
   */
  mem(size: number, o: MemOpts = {}, at?: number): Mem {
    const t = at ?? this.target(size, o);
    if ((o.plant ?? size) > 0 && this.rng.chance(0.6)) this.poke(t, o.plant ?? size, this.val((o.plant ?? size) * 8));
    const addr32 = (o.addr32 ?? false) && this.rng.chance(0.3);
    const style = this.rng.below(o.absolute === false ? 5 : 7);
    const dispOf = (): [number, 0 | 1 | 4] => {
      const k = this.rng.below(3);
      if (k === 0) return [0, 0];
      if (k === 1) return [this.rng.below(256) - 128, 1];
      return [this.rng.below(0x20000) - 0x10000, 4];
    };
    const setAddrReg = (r: number, v: number) => {
      // With 32-bit addressing only the low half matters: give the high half garbage.
      const hi = addr32 ? this.rng.u64() & ~0xffffffffn : 0n;
      this.setReg(r, hi | u64(BigInt(v)) & (addr32 ? 0xffffffffn : M64));
    };
    if (style === 5) return { base: BASE_RIP, index: BASE_NONE, scale: 0, disp: t, dispSize: 4 };
    if (style === 6) {
      if (this.rng.chance(0.5)) return { base: BASE_NONE, index: BASE_NONE, scale: 0, disp: t, dispSize: 4, addr32 };
      const index = this.freeReg([4]);
      const scale = this.rng.below(4);
      const iv = this.rng.below(64);
      setAddrReg(index, iv);
      return { base: BASE_NONE, index, scale, disp: t - iv * (1 << scale), dispSize: 4, addr32 };
    }
    const base = this.freeReg([]);
    const [disp, dispSize] = dispOf();
    if (style <= 1) {
      setAddrReg(base, t - disp);
      return { base, index: BASE_NONE, scale: 0, disp, dispSize, addr32 };
    }
    const index = this.freeReg([4, base]);
    const scale = this.rng.below(4);
    const iv = this.rng.below(128) - 64;
    setAddrReg(index, iv);
    setAddrReg(base, t - disp - iv * (1 << scale));
    return { base, index, scale, disp, dispSize, addr32 };
  }

  // ---- Code.

  here(): number { return CODE_ADDR + this.code.length; }
  emit(e: Enc): number {
    const at = this.here();
    this.code.push(...encode(e, at));
    return at;
  }
  bytes(...b: number[]): void { this.code.push(...b); }

  /** Write the case into its record. */
  finish(): void {
    if (this.code.length > MAX_CODE) throw new Error(`builder: ${this.code.length} bytes of code (max ${MAX_CODE})`);
    const p = this.rec, dv = this.dv;
    dv.setUint32(p, 0, true);
    dv.setUint32(p + IN_CODE_LEN, this.code.length, true);
    for (let k = 0; k < MAX_CODE; k++) this.buf[p + IN_CODE + k] = k < this.code.length ? this.code[k] : 0;
    for (let r = 0; r < 16; r++) dv.setBigUint64(p + IN_GPR + 8 * r, this.regs[r], true);
    dv.setBigUint64(p + IN_RFLAGS, BigInt(this.flags >>> 0), true);
    this.writeFx(p + IN_FX);
  }

  private writeFx(f: number): void {
    const dv = this.dv, rng = this.rng;
    for (let k = 0; k < 512; k += 4) dv.setUint32(f + k, 0, true);
    if (this.fpRandom) {
      // Random but valid state: all exceptions masked or not, any rounding/precision, a few
      // registers in use, the status word's exception bits clear so no #MF is pending.
      dv.setUint16(f + FX_FCW, (rng.chance(0.7) ? 0x037f : (0x0040 | (rng.u32() & 0x0f3f))), true);
      const top = rng.below(8);
      dv.setUint16(f + FX_FSW, top << 11, true);
      const used = rng.below(9);
      let tag = 0;
      for (let i = 0; i < used; i++) tag |= 1 << ((top + i) & 7);
      dv.setUint8(f + FX_FTW, tag);
      const rc = rng.chance(0.7) ? 0 : rng.below(4);
      dv.setUint32(f + FX_MXCSR, 0x1f80 | (rc << 13) | (rng.chance(0.1) ? 0x8040 : 0), true);
      for (let i = 0; i < 8; i++) this.writeExtended(f + FX_ST + 16 * i);
    } else {
      dv.setUint16(f + FX_FCW, 0x037f, true);
      dv.setUint32(f + FX_MXCSR, 0x1f80, true);
      for (let i = 0; i < 8; i++) for (let k = 0; k < 10; k += 2) dv.setUint16(f + FX_ST + 16 * i + k, rng.u32() & 0xffff, true);
    }
    for (let k = 0; k < 256; k += 4) dv.setUint32(f + FX_XMM + k, this.fpRandom ? this.floatWord(k) : rng.u32(), true);
    if (this.fcw >= 0) dv.setUint16(f + FX_FCW, this.fcw, true);
    if (this.fsw >= 0) dv.setUint16(f + FX_FSW, (dv.getUint16(f + FX_FSW, true) & 0x3800) | this.fsw, true);
    if (this.mxcsr >= 0) dv.setUint32(f + FX_MXCSR, this.mxcsr, true);
  }

  /** An 80-bit value: normal numbers mostly, then zeros, infinities, NaNs, denormals, unnormals. */
  private writeExtended(at: number): void {
    const dv = this.dv, rng = this.rng;
    const sign = rng.chance(0.5) ? 0x8000 : 0;
    const r = rng.below(20);
    let exp: number, hi: number, lo: number;
    if (r < 14) { exp = 0x3fff + rng.below(130) - 65; hi = (rng.u32() | 0x80000000) >>> 0; lo = rng.chance(0.3) ? 0 : rng.u32(); }
    else if (r === 14) { exp = 0; hi = 0; lo = 0; }
    else if (r === 15) { exp = 0x7fff; hi = 0x80000000; lo = 0; }
    else if (r === 16) { exp = 0x7fff; hi = (0xc0000000 | rng.u32()) >>> 0; lo = rng.u32(); }
    else if (r === 17) { exp = 0x7fff; hi = (0x80000000 | (rng.u32() & 0x3fffffff) | 1) >>> 0; lo = rng.u32(); }
    else if (r === 18) { exp = 0; hi = rng.u32() & 0x7fffffff; lo = rng.u32(); }
    else { exp = rng.below(0x7fff); hi = rng.u32() & 0x7fffffff; lo = rng.u32(); }
    dv.setUint32(at, lo, true);
    dv.setUint32(at + 4, hi, true);
    dv.setUint16(at + 8, sign | exp, true);
  }

  /** xmm contents for FP forms: lanes of special and ordinary float/double bit patterns. */
  private floatWord(k: number): number {
    const rng = this.rng;
    const specials32 = [0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x00000001, 0x007fffff, 0x7f7fffff, 0x4f000000, 0xcf000000, 0x5f000000];
    const r = rng.below(10);
    if (r < 6) return rng.u32();
    if ((k & 4) === 0 || r < 8) {
      // Low word of a double or a float lane.
      return rng.chance(0.5) ? rng.pick(specials32) : (0x3f000000 + rng.below(0x2000000)) >>> 0;
    }
    // High word of a double: specials in the double format.
    return rng.pick([0, 0x80000000, 0x3ff00000, 0xbff00000, 0x7ff00000, 0xfff00000, 0x7ff80000, 0xfff80000, 0x7ff00001, 0x41e00000, 0xc1e00000, 0x43e00000, 0x000fffff, 0x40000000 + rng.below(0x100000)]) >>> 0;
  }
}

export { BASE_NONE, BASE_RIP, AH, CH, DH, BH };
