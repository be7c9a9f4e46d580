// The instruction forms the oracle generates: a table of templates, each filling a Builder with
// one instruction (or a short sequence) with random operands. Names are systematic,
// MNEMONIC.OPCODE.SIZE.OPERAND ("add.83.64.mem", "shl.d3.16.reg", "jcc.0f84"), so that lists of
// forms (unimplemented.ts, `--form`) can name families by prefix.
//
// Every address a case uses lies in its data or stack page (builder.ts sees to it) unless the
// form wants a fault. Control flow always falls through to the end of the code on every path.
// SSE and x87 forms carry ext 'sse' / 'x87' and run only when enabled (harness options).
//
// To add forms: push entries with add(); `undef` lists the RFLAGS bits the SDM leaves undefined
// after the instruction (they are compared all the same: the host defines them; a report marks
// mismatches confined to them).

import { Builder, type Size, type MemOpts, u64 } from './builder.js';
import { type Enc, type Rm, type Mem, BASE_NONE, AH, CH, DH, BH } from './encode.js';
import type { Feature } from './features.js';
import { CODE_ADDR, DATA_ADDR, STACK_ADDR, PAGE } from './protocol.js';

export interface Form {
  name: string;
  group: string;
  ext: 'int' | 'sse' | 'x87';
  needs?: Feature[];
  undef?: number;
  /**
   * A difference that is the host's, not the architecture's (seen under a hypervisor): the
   * comparison named `what` is ignored for this form, and `why` says why.
   */
  quirk?: { what: string; why: string };
  gen(b: Builder): void;
}

export const FORMS: Form[] = [];
function add(name: string, group: string, gen: (b: Builder) => void, o: { undef?: number; needs?: Feature[]; ext?: 'int' | 'sse' | 'x87'; quirk?: Form['quirk'] } = {}): void {
  if (FORMS.some((f) => f.name === name)) throw new Error(`forms: ${name} defined twice`);
  FORMS.push({ name, group, ext: o.ext ?? 'int', needs: o.needs, undef: o.undef, quirk: o.quirk, gen });
}

const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const STATUS = CF | PF | AF | ZF | SF | OF;
const SIZES: Size[] = [2, 4, 8];
const BITS: Record<Size, number> = { 1: 8, 2: 16, 4: 32, 8: 64 };
const RM_KINDS = ['reg', 'mem'] as const;
type RmKind = typeof RM_KINDS[number];
const hex2 = (v: number) => v.toString(16).padStart(2, '0');

type ImmKind = 'ib' | 'iw' | 'iz' | 'count';
function immOf(b: Builder, k: ImmKind | undefined, osz: Size): [number, bigint][] {
  switch (k) {
    case undefined: return [];
    case 'ib': return [[1, b.imm(1)]];
    case 'iw': return [[2, b.imm(2)]];
    case 'iz': return osz === 2 ? [[2, b.imm(2)]] : [[4, b.imm(4)]];
    case 'count': return [[1, BigInt(b.count(BITS[osz]) & 0xff)]];
  }
}

interface RmSpec {
  op: number[];
  osz: Size;
  /** /digit, or an explicit register operand of regSize (default osz) when absent. */
  ext?: number;
  regSize?: Size;
  /** Size of the r/m operand (default osz). */
  rmSize?: Size;
  rm: RmKind;
  imm?: ImmKind;
  pfx?: number[];
  mem?: MemOpts;
}

/** Emit a ModRM instruction with random operands; returns the chosen operands. */
function rmInsn(b: Builder, s: RmSpec): { reg: number; rm: Rm } {
  const rmSize = s.rmSize ?? s.osz;
  const regSize = s.regSize ?? s.osz;
  if (rmSize === 1 || (s.ext === undefined && regSize === 1)) {
    b.byteMode();
    if (s.osz === 8) b.noRex = false; // REX.W rules out AH..BH
  }
  const rm: Rm = s.rm === 'reg' ? { reg: b.reg(rmSize) } : { mem: b.mem(rmSize, s.mem) };
  const reg = s.ext ?? b.reg(regSize);
  const e: Enc = {
    pfx: s.pfx, osz: s.osz === 1 ? undefined : s.osz, op: s.op, rm, imm: immOf(b, s.imm, s.osz),
    regByte: s.ext === undefined && regSize === 1, rmByte: rmSize === 1,
  };
  if (s.ext !== undefined) e.ext = s.ext; else e.reg = reg;
  b.emit(e);
  return { reg, rm };
}

// ---- ALU: ADD OR ADC SBB AND SUB XOR CMP in every encoding and size.
const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
ALU.forEach((mn, op) => {
  const undef = op === 1 || op === 4 || op === 6 ? AF : 0; // logic ops leave AF undefined
  const g = 'alu';
  for (const k of RM_KINDS) {
    add(`${mn}.${hex2(op * 8)}.8.${k}`, g, (b) => rmInsn(b, { op: [op * 8], osz: 1, rm: k }), { undef });
    add(`${mn}.${hex2(op * 8 + 2)}.8.${k}`, g, (b) => rmInsn(b, { op: [op * 8 + 2], osz: 1, rm: k }), { undef });
    add(`${mn}.80.8.${k}`, g, (b) => rmInsn(b, { op: [0x80], osz: 1, ext: op, rm: k, imm: 'ib' }), { undef });
    for (const s of SIZES) {
      add(`${mn}.${hex2(op * 8 + 1)}.${BITS[s]}.${k}`, g, (b) => rmInsn(b, { op: [op * 8 + 1], osz: s, rm: k }), { undef });
      add(`${mn}.${hex2(op * 8 + 3)}.${BITS[s]}.${k}`, g, (b) => rmInsn(b, { op: [op * 8 + 3], osz: s, rm: k }), { undef });
      add(`${mn}.81.${BITS[s]}.${k}`, g, (b) => rmInsn(b, { op: [0x81], osz: s, ext: op, rm: k, imm: 'iz' }), { undef });
      add(`${mn}.83.${BITS[s]}.${k}`, g, (b) => rmInsn(b, { op: [0x83], osz: s, ext: op, rm: k, imm: 'ib' }), { undef });
    }
  }
  add(`${mn}.${hex2(op * 8 + 4)}.8`, g, (b) => b.emit({ op: [op * 8 + 4], imm: [[1, b.imm(1)]] }), { undef });
  for (const s of SIZES) add(`${mn}.${hex2(op * 8 + 5)}.${BITS[s]}`, g, (b) => b.emit({ op: [op * 8 + 5], osz: s, imm: immOf(b, 'iz', s) }), { undef });
  if (mn !== 'cmp') {
    add(`lock.${mn}.${hex2(op * 8 + 1)}.32.mem`, 'lock', (b) => rmInsn(b, { op: [op * 8 + 1], osz: 4, rm: 'mem', pfx: [0xf0] }), { undef });
    add(`lock.${mn}.80.8.mem`, 'lock', (b) => rmInsn(b, { op: [0x80], osz: 1, ext: op, rm: 'mem', imm: 'ib', pfx: [0xf0] }), { undef });
  }
});
// LOCK on a register destination is #UD (SDM Vol. 2 LOCK).
add('lock.add.01.32.reg', 'fault', (b) => rmInsn(b, { op: [0x01], osz: 4, rm: 'reg', pfx: [0xf0] }));

// ---- TEST, NOT, NEG, INC, DEC.
for (const k of RM_KINDS) {
  add(`test.84.8.${k}`, 'alu', (b) => rmInsn(b, { op: [0x84], osz: 1, rm: k }), { undef: AF });
  add(`test.f6.8.${k}`, 'alu', (b) => rmInsn(b, { op: [0xf6], osz: 1, ext: 0, rm: k, imm: 'ib' }), { undef: AF });
  add(`not.f6.8.${k}`, 'alu', (b) => rmInsn(b, { op: [0xf6], osz: 1, ext: 2, rm: k }));
  add(`neg.f6.8.${k}`, 'alu', (b) => rmInsn(b, { op: [0xf6], osz: 1, ext: 3, rm: k }));
  add(`inc.fe.8.${k}`, 'alu', (b) => rmInsn(b, { op: [0xfe], osz: 1, ext: 0, rm: k }));
  add(`dec.fe.8.${k}`, 'alu', (b) => rmInsn(b, { op: [0xfe], osz: 1, ext: 1, rm: k }));
  for (const s of SIZES) {
    add(`test.85.${BITS[s]}.${k}`, 'alu', (b) => rmInsn(b, { op: [0x85], osz: s, rm: k }), { undef: AF });
    add(`test.f7.${BITS[s]}.${k}`, 'alu', (b) => rmInsn(b, { op: [0xf7], osz: s, ext: 0, rm: k, imm: 'iz' }), { undef: AF });
    add(`not.f7.${BITS[s]}.${k}`, 'alu', (b) => rmInsn(b, { op: [0xf7], osz: s, ext: 2, rm: k }));
    add(`neg.f7.${BITS[s]}.${k}`, 'alu', (b) => rmInsn(b, { op: [0xf7], osz: s, ext: 3, rm: k }));
    add(`inc.ff.${BITS[s]}.${k}`, 'alu', (b) => rmInsn(b, { op: [0xff], osz: s, ext: 0, rm: k }));
    add(`dec.ff.${BITS[s]}.${k}`, 'alu', (b) => rmInsn(b, { op: [0xff], osz: s, ext: 1, rm: k }));
  }
}
add('test.a8.8', 'alu', (b) => b.emit({ op: [0xa8], imm: [[1, b.imm(1)]] }), { undef: AF });
for (const s of SIZES) add(`test.a9.${BITS[s]}`, 'alu', (b) => b.emit({ op: [0xa9], osz: s, imm: immOf(b, 'iz', s) }), { undef: AF });
add('lock.inc.ff.64.mem', 'lock', (b) => rmInsn(b, { op: [0xff], osz: 8, ext: 0, rm: 'mem', pfx: [0xf0] }));
add('lock.neg.f7.32.mem', 'lock', (b) => rmInsn(b, { op: [0xf7], osz: 4, ext: 3, rm: 'mem', pfx: [0xf0] }));
add('lock.not.f6.8.mem', 'lock', (b) => rmInsn(b, { op: [0xf6], osz: 1, ext: 2, rm: 'mem', pfx: [0xf0] }));

// 8-bit forms on AH/CH/DH/BH explicitly (no REX prefix possible).
function highRegs(b: Builder, n: number): number[] {
  b.noRex = true;
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(b.rng.chance(0.7) ? b.rng.pick([AH, CH, DH, BH]) : b.rng.below(4));
  return out;
}
add('add.00.8.high', 'alu', (b) => { const [r, m] = highRegs(b, 2); b.emit({ op: [0x00], osz: 1, reg: r, rm: { reg: m } }); });
add('sub.2a.8.high', 'alu', (b) => { const [r, m] = highRegs(b, 2); b.emit({ op: [0x2a], osz: 1, reg: r, rm: { reg: m } }); });
add('mov.88.8.high', 'mov', (b) => { const [r, m] = highRegs(b, 2); b.emit({ op: [0x88], osz: 1, reg: r, rm: { reg: m } }); });
add('xchg.86.8.high', 'mov', (b) => { const [r, m] = highRegs(b, 2); b.emit({ op: [0x86], osz: 1, reg: r, rm: { reg: m } }); });
add('test.84.8.high', 'alu', (b) => { const [r, m] = highRegs(b, 2); b.emit({ op: [0x84], osz: 1, reg: r, rm: { reg: m } }); }, { undef: AF });
add('inc.fe.8.high', 'alu', (b) => { const [m] = highRegs(b, 1); b.emit({ op: [0xfe], osz: 1, ext: 0, rm: { reg: m } }); });
// With a REX prefix, encodings 4-7 are SPL/BPL/SIL/DIL (an "empty" 40h changes the operand).
add('add.00.8.rex40', 'alu', (b) => b.emit({ op: [0x00], osz: 1, reg: 4 + b.rng.below(4), rm: { reg: b.rng.below(8) }, rex: true }));

// ---- Shifts and rotates: D0/D1 (by 1), D2/D3 (by CL), C0/C1 (by imm8).
const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];
function clCount(b: Builder, bits: number): void {
  b.setReg(1, (b.rng.u64() & ~0xffn) | BigInt(b.count(bits) & 0xff));
}
SHIFTS.forEach((mn, ext) => {
  // OF is defined for 1-bit shifts only; AF after a shift by a non-zero count is undefined.
  const undef = ext < 4 ? OF : OF | AF;
  const g = 'shift';
  add(`${mn}.d0.8.reg`, g, (b) => rmInsn(b, { op: [0xd0], osz: 1, ext, rm: 'reg' }), { undef });
  add(`${mn}.d0.8.mem`, g, (b) => rmInsn(b, { op: [0xd0], osz: 1, ext, rm: 'mem' }), { undef });
  add(`${mn}.d2.8.reg`, g, (b) => { clCount(b, 8); rmInsn(b, { op: [0xd2], osz: 1, ext, rm: 'reg' }); }, { undef });
  add(`${mn}.c0.8.reg`, g, (b) => rmInsn(b, { op: [0xc0], osz: 1, ext, rm: 'reg', imm: 'count' }), { undef });
  for (const s of SIZES) {
    add(`${mn}.d1.${BITS[s]}.reg`, g, (b) => rmInsn(b, { op: [0xd1], osz: s, ext, rm: 'reg' }), { undef });
    add(`${mn}.d3.${BITS[s]}.reg`, g, (b) => { clCount(b, BITS[s]); rmInsn(b, { op: [0xd3], osz: s, ext, rm: 'reg' }); }, { undef });
    add(`${mn}.c1.${BITS[s]}.reg`, g, (b) => rmInsn(b, { op: [0xc1], osz: s, ext, rm: 'reg', imm: 'count' }), { undef });
  }
  add(`${mn}.d3.32.mem`, g, (b) => { clCount(b, 32); rmInsn(b, { op: [0xd3], osz: 4, ext, rm: 'mem' }); }, { undef });
  add(`${mn}.c1.64.mem`, g, (b) => rmInsn(b, { op: [0xc1], osz: 8, ext, rm: 'mem', imm: 'count' }), { undef });
  add(`${mn}.c1.16.mem`, g, (b) => rmInsn(b, { op: [0xc1], osz: 2, ext, rm: 'mem', imm: 'count' }), { undef });
});

// ---- SHLD/SHRD (0F A4/A5/AC/AD).
for (const [mn, base] of [['shld', 0xa4], ['shrd', 0xac]] as const) {
  for (const s of SIZES) {
    add(`${mn}.0f${hex2(base)}.${BITS[s]}.reg`, 'shift', (b) => rmInsn(b, { op: [0x0f, base], osz: s, rm: 'reg', imm: 'count' }), { undef: OF | AF });
    add(`${mn}.0f${hex2(base + 1)}.${BITS[s]}.reg`, 'shift', (b) => { clCount(b, BITS[s]); rmInsn(b, { op: [0x0f, base + 1], osz: s, rm: 'reg' }); }, { undef: OF | AF });
  }
  add(`${mn}.0f${hex2(base)}.64.mem`, 'shift', (b) => rmInsn(b, { op: [0x0f, base], osz: 8, rm: 'mem', imm: 'count' }), { undef: OF | AF });
  add(`${mn}.0f${hex2(base + 1)}.32.mem`, 'shift', (b) => { clCount(b, 32); rmInsn(b, { op: [0x0f, base + 1], osz: 4, rm: 'mem' }); }, { undef: OF | AF });
}

// ---- MUL, IMUL, DIV, IDIV (F6/F7 /4-/7), IMUL Gv,Ev (0F AF), IMUL Gv,Ev,imm (69, 6B).
const MULDIV = [['mul', 4], ['imul', 5], ['div', 6], ['idiv', 7]] as const;
/** Operands for DIV/IDIV: mostly a quotient that fits, sometimes overflow or a zero divisor (#DE). */
function divSetup(b: Builder, s: Size, signed: boolean, rm: Rm): void {
  const bits = BITS[s];
  const r = b.rng.below(10);
  let d: bigint;
  if (r === 0) d = 0n;
  else if (r < 4) d = b.val(bits) & ((1n << BigInt(bits)) - 1n);
  else d = BigInt(1 + b.rng.below(r < 7 ? 1000 : 0xffff)) * (signed && b.rng.chance(0.5) ? -1n : 1n);
  d &= (1n << BigInt(bits)) - 1n;
  if ('reg' in rm) {
    // A divisor in the dividend's own registers divides whatever the dividend is.
    const id = rm.reg;
    if (s === 1) {
      if (id >= 16) b.setReg(id - 16, (b.regs[id - 16] & ~0xff00n) | (d << 8n)); else b.setReg(id, (b.regs[id] & ~0xffn) | d);
    } else b.setReg(id, (b.regs[id] & ~((1n << BigInt(bits)) - 1n)) | d);
  } else b.poke(memAddr(b, rm.mem), s, d);
  if (b.rng.chance(0.7) && !('reg' in rm && (rm.reg === 0 || rm.reg === 2 || rm.reg === 16))) {
    // Make the high half of the dividend its low half's extension so that the quotient usually fits.
    const m = (1n << BigInt(bits)) - 1n;
    const neg = signed && b.rng.chance(0.5);
    if (s === 1) b.setReg(0, (b.regs[0] & ~0xffffn) | (neg ? 0xff80n : 0n) | (b.regs[0] & 0x7fn));
    else {
      b.setReg(2, (b.regs[2] & ~m) | (neg ? m : 0n));
      if (signed) b.setReg(0, (b.regs[0] & ~m) | (b.regs[0] & (m >> 1n)) | (neg ? 1n << BigInt(bits - 1) : 0n));
    }
  }
  b.lock(0, 2);
}
/** The address a memory operand was set up to reach (from the builder's register values). */
function memAddr(b: Builder, m: Mem): number {
  if (m.base === -2) return m.disp;
  let a = BigInt(m.disp);
  if (m.base >= 0) a += b.regs[m.base];
  if (m.index >= 0) a += BigInt.asIntN(64, b.regs[m.index]) << BigInt(m.scale);
  a &= m.addr32 ? 0xffffffffn : (1n << 64n) - 1n;
  return Number(a);
}
for (const [mn, ext] of MULDIV) {
  const isDiv = ext >= 6;
  const undef = isDiv ? STATUS : SF | ZF | AF | PF;
  const gen = (s: Size, k: RmKind) => (b: Builder) => {
    if (!isDiv) { rmInsn(b, { op: [s === 1 ? 0xf6 : 0xf7], osz: s, ext, rm: k }); return; }
    b.lock(0, 2);
    if (s === 1) b.byteMode();
    const rm: Rm = k === 'reg' ? { reg: b.reg(s) } : { mem: b.mem(s) };
    divSetup(b, s, ext === 7, rm);
    b.emit({ op: [s === 1 ? 0xf6 : 0xf7], osz: s === 1 ? undefined : s, ext, rm, rmByte: s === 1 });
  };
  add(`${mn}.f6.8.reg`, 'muldiv', gen(1, 'reg'), { undef });
  add(`${mn}.f6.8.mem`, 'muldiv', gen(1, 'mem'), { undef });
  for (const s of SIZES) add(`${mn}.f7.${BITS[s]}.reg`, 'muldiv', gen(s, 'reg'), { undef });
  add(`${mn}.f7.64.mem`, 'muldiv', gen(8, 'mem'), { undef });
  add(`${mn}.f7.32.mem`, 'muldiv', gen(4, 'mem'), { undef });
}
for (const s of SIZES) {
  add(`imul.0faf.${BITS[s]}.reg`, 'muldiv', (b) => rmInsn(b, { op: [0x0f, 0xaf], osz: s, rm: 'reg' }), { undef: SF | ZF | AF | PF });
  add(`imul.69.${BITS[s]}.reg`, 'muldiv', (b) => rmInsn(b, { op: [0x69], osz: s, rm: 'reg', imm: 'iz' }), { undef: SF | ZF | AF | PF });
  add(`imul.6b.${BITS[s]}.reg`, 'muldiv', (b) => rmInsn(b, { op: [0x6b], osz: s, rm: 'reg', imm: 'ib' }), { undef: SF | ZF | AF | PF });
}
add('imul.0faf.64.mem', 'muldiv', (b) => rmInsn(b, { op: [0x0f, 0xaf], osz: 8, rm: 'mem' }), { undef: SF | ZF | AF | PF });
add('imul.69.32.mem', 'muldiv', (b) => rmInsn(b, { op: [0x69], osz: 4, rm: 'mem', imm: 'iz' }), { undef: SF | ZF | AF | PF });
add('imul.6b.16.mem', 'muldiv', (b) => rmInsn(b, { op: [0x6b], osz: 2, rm: 'mem', imm: 'ib' }), { undef: SF | ZF | AF | PF });

// ---- BT, BTS, BTR, BTC: register bit offsets reach beyond the operand in memory forms.
const BTS = [['bt', 0xa3, 4], ['bts', 0xab, 5], ['btr', 0xb3, 6], ['btc', 0xbb, 7]] as const;
for (const [mn, op, ext] of BTS) {
  const undef = OF | SF | AF | PF;
  for (const s of SIZES) {
    add(`${mn}.0f${hex2(op)}.${BITS[s]}.reg`, 'bits', (b) => rmInsn(b, { op: [0x0f, op], osz: s, rm: 'reg' }), { undef });
    add(`${mn}.0f${hex2(op)}.${BITS[s]}.mem`, 'bits', (b) => {
      // Bit offset: signed, small enough to stay within ±256 bytes of the operand.
      const r = b.reg(s, [4]);
      const off = BigInt(b.rng.below(4096) - 2048);
      const m = (1n << BigInt(BITS[s])) - 1n;
      b.setReg(r, (b.rng.u64() & ~m) | (u64(off) & m));
      if (s === 8) b.setReg(r, u64(off));
      b.emit({ op: [0x0f, op], osz: s, reg: r, rm: { mem: b.mem(s, { room: 300 }) } });
    }, { undef });
    add(`${mn}.0fba.${BITS[s]}.reg`, 'bits', (b) => rmInsn(b, { op: [0x0f, 0xba], osz: s, ext, rm: 'reg', imm: 'count' }), { undef });
  }
  add(`${mn}.0fba.32.mem`, 'bits', (b) => rmInsn(b, { op: [0x0f, 0xba], osz: 4, ext, rm: 'mem', imm: 'count' }), { undef });
  if (mn !== 'bt') add(`lock.${mn}.0f${hex2(op)}.64.mem`, 'lock', (b) => {
    const r = b.reg(8, [4]);
    b.setReg(r, u64(BigInt(b.rng.below(2048) - 1024)));
    b.emit({ pfx: [0xf0], op: [0x0f, op], osz: 8, reg: r, rm: { mem: b.mem(8, { room: 300 }) } });
  }, { undef });
}

// ---- BSF, BSR; TZCNT, LZCNT, POPCNT (when advertised); BSWAP.
/** Sometimes zero the source: BSF/BSR then leave the destination alone and set ZF. */
function maybeZero(b: Builder, rm: Rm, s: Size): void {
  if (!b.rng.chance(0.15)) return;
  if ('reg' in rm) b.setReg(rm.reg, b.regs[rm.reg] & ~((1n << BigInt(BITS[s])) - 1n));
  else b.poke(memAddr(b, rm.mem), s, 0n);
}
for (const [mn, op, pfx, needs, undef] of [
  ['bsf', 0xbc, [], undefined, CF | OF | SF | AF | PF], ['bsr', 0xbd, [], undefined, CF | OF | SF | AF | PF],
  ['tzcnt', 0xbc, [0xf3], ['bmi1'], OF | SF | AF | PF], ['lzcnt', 0xbd, [0xf3], ['lzcnt'], OF | SF | AF | PF],
  ['popcnt', 0xb8, [0xf3], ['popcnt'], 0],
] as const) {
  for (const s of SIZES) for (const k of RM_KINDS) {
    if (k === 'mem' && s === 2 && pfx.length) continue;
    add(`${mn}.${pfx.length ? 'f30f' : '0f'}${hex2(op)}.${BITS[s]}.${k}`, 'bits', (b) => {
      const { rm } = rmInsn(b, { op: [0x0f, op], osz: s, rm: k, pfx: [...pfx] });
      maybeZero(b, rm, s);
    }, { undef, needs: needs ? [...needs] : undefined });
  }
}
add('bswap.0fc8.32', 'bits', (b) => b.emit({ op: [0x0f, 0xc8], opreg: b.reg(4) }));
add('bswap.0fc8.64', 'bits', (b) => b.emit({ op: [0x0f, 0xc8], osz: 8, opreg: b.reg(8) }));

// ---- MOVZX, MOVSX, MOVSXD.
for (const [mn, op, from] of [['movzx', 0xb6, 1], ['movzx', 0xb7, 2], ['movsx', 0xbe, 1], ['movsx', 0xbf, 2]] as const) {
  for (const s of (from === 1 ? [2, 4, 8] : [4, 8]) as Size[]) for (const k of RM_KINDS) {
    add(`${mn}.0f${hex2(op)}.${BITS[s]}.${k}`, 'mov', (b) => rmInsn(b, { op: [0x0f, op], osz: s, rmSize: from, rm: k }));
  }
}
for (const k of RM_KINDS) add(`movsxd.63.64.${k}`, 'mov', (b) => rmInsn(b, { op: [0x63], osz: 8, rmSize: 4, rm: k }));
add('movsxd.63.32.reg', 'mov', (b) => rmInsn(b, { op: [0x63], osz: 4, rm: 'reg' }));

// ---- CMOVcc, SETcc, Jcc: all sixteen conditions (the input flags are random).
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
/** A filler instruction that a taken branch skips: MOV r32, imm32 (5 bytes, no flags). */
function filler(b: Builder): number[] {
  const r = b.reg(4, [4]);
  const v = b.imm(4);
  const out = [0xb8 + (r & 7), Number(v & 0xffn), Number((v >> 8n) & 0xffn), Number((v >> 16n) & 0xffn), Number((v >> 24n) & 0xffn)];
  return r >= 8 ? [0x41, ...out] : out;
}
CC.forEach((cc, n) => {
  add(`cmov${cc}.0f${hex2(0x40 + n)}.32.reg`, 'cmov', (b) => rmInsn(b, { op: [0x0f, 0x40 + n], osz: 4, rm: 'reg' }));
  add(`cmov${cc}.0f${hex2(0x40 + n)}.64.mem`, 'cmov', (b) => rmInsn(b, { op: [0x0f, 0x40 + n], osz: 8, rm: 'mem' }));
  add(`cmov${cc}.0f${hex2(0x40 + n)}.16.reg`, 'cmov', (b) => rmInsn(b, { op: [0x0f, 0x40 + n], osz: 2, rm: 'reg' }));
  add(`set${cc}.0f${hex2(0x90 + n)}.8.reg`, 'cmov', (b) => rmInsn(b, { op: [0x0f, 0x90 + n], osz: 1, ext: 0, rm: 'reg' }));
  add(`set${cc}.0f${hex2(0x90 + n)}.8.mem`, 'cmov', (b) => rmInsn(b, { op: [0x0f, 0x90 + n], osz: 1, ext: 0, rm: 'mem' }));
  add(`j${cc}.${hex2(0x70 + n)}`, 'branch', (b) => { const f = filler(b); b.bytes(0x70 + n, f.length, ...f); });
  add(`j${cc}.0f${hex2(0x80 + n)}`, 'branch', (b) => { const f = filler(b); b.bytes(0x0f, 0x80 + n, f.length, 0, 0, 0, ...f); });
});

// ---- XCHG, CMPXCHG, XADD, CMPXCHG8B/16B.
for (const k of RM_KINDS) {
  add(`xchg.86.8.${k}`, 'atomic', (b) => rmInsn(b, { op: [0x86], osz: 1, rm: k }));
  add(`xadd.0fc0.8.${k}`, 'atomic', (b) => rmInsn(b, { op: [0x0f, 0xc0], osz: 1, rm: k }));
  add(`cmpxchg.0fb0.8.${k}`, 'atomic', (b) => cmpxchg(b, 1, k));
  for (const s of SIZES) {
    add(`xchg.87.${BITS[s]}.${k}`, 'atomic', (b) => rmInsn(b, { op: [0x87], osz: s, rm: k }));
    add(`xadd.0fc1.${BITS[s]}.${k}`, 'atomic', (b) => rmInsn(b, { op: [0x0f, 0xc1], osz: s, rm: k }));
    add(`cmpxchg.0fb1.${BITS[s]}.${k}`, 'atomic', (b) => cmpxchg(b, s, k));
  }
}
for (const s of SIZES) add(`xchg.90.${BITS[s]}`, 'atomic', (b) => b.emit({ op: [0x90], osz: s, opreg: 1 + b.rng.below(15) }));
add('xchg.90.r8', 'atomic', (b) => b.emit({ op: [0x90], osz: 8, opreg: 8 }));
add('lock.cmpxchg.0fb1.64.mem', 'lock', (b) => cmpxchg(b, 8, 'mem', [0xf0]));
add('lock.xadd.0fc1.32.mem', 'lock', (b) => rmInsn(b, { op: [0x0f, 0xc1], osz: 4, rm: 'mem', pfx: [0xf0] }));
function cmpxchg(b: Builder, s: Size, k: RmKind, pfx?: number[]): void {
  b.lock(0);
  if (s === 1) b.byteMode();
  const rm: Rm = k === 'reg' ? { reg: b.reg(s) } : { mem: b.mem(s) };
  const reg = b.reg(s);
  if (b.rng.chance(0.5)) {
    // Make the accumulator equal to the destination (the exchange happens).
    const m = (1n << BigInt(BITS[s])) - 1n;
    let cur: bigint;
    if ('reg' in rm) cur = rm.reg >= 16 ? (b.regs[rm.reg - 16] >> 8n) & 0xffn : b.regs[rm.reg] & m;
    else cur = b.peek(memAddr(b, rm.mem), s);
    b.setReg(0, (b.regs[0] & ~m) | cur);
  }
  b.emit({ pfx, op: [0x0f, s === 1 ? 0xb0 : 0xb1], osz: s === 1 ? undefined : s, reg, rm, regByte: s === 1, rmByte: s === 1 });
}
for (const [name, w] of [['cmpxchg8b.0fc7', false], ['cmpxchg16b.0fc7', true]] as const) {
  for (const lock of [false, true]) add(`${lock ? 'lock.' : ''}${name}.mem`, 'atomic', (b) => {
    b.lock(0, 1, 2, 3);
    const size = w ? 16 : 8;
    // CMPXCHG16B needs a 16-byte aligned operand (else #GP(0)); misalign one case in ten.
    const t = b.target(size, { align: w ? (b.rng.chance(0.9) ? 16 : 8) : b.rng.pick([1, 8]) });
    const m = b.mem(0, { plant: 0 }, t);
    const half = w ? 8 : 4;
    const cur = [b.peek(t, half), b.peek(t + half, half)];
    if (b.rng.chance(0.5)) {
      const mk = (1n << BigInt(8 * half)) - 1n;
      b.setReg(0, (w ? 0n : b.regs[0] & ~mk) | cur[0]);
      b.setReg(2, (w ? 0n : b.regs[2] & ~mk) | cur[1]);
    }
    b.emit({ pfx: lock ? [0xf0] : undefined, op: [0x0f, 0xc7], osz: w ? 8 : undefined, ext: 1, rm: { mem: m } });
  }, { needs: w ? ['cx16'] : undefined });
}

// ---- LEA: every addressing form, with arbitrary register values (no memory is touched).
const LEA_FORMS: [string, (b: Builder) => Mem][] = [
  ['base', (b) => ({ base: b.rng.below(16), index: BASE_NONE, scale: 0, disp: 0, dispSize: 0 })],
  ['base_d8', (b) => ({ base: b.rng.below(16), index: BASE_NONE, scale: 0, disp: b.rng.below(256) - 128, dispSize: 1 })],
  ['base_d32', (b) => ({ base: b.rng.below(16), index: BASE_NONE, scale: 0, disp: b.rng.u32() | 0, dispSize: 4 })],
  ['sib', (b) => ({ base: b.rng.below(16), index: pickIndex(b), scale: b.rng.below(4), disp: 0, dispSize: 0 })],
  ['sib_d8', (b) => ({ base: b.rng.below(16), index: pickIndex(b), scale: b.rng.below(4), disp: b.rng.below(256) - 128, dispSize: 1 })],
  ['sib_d32', (b) => ({ base: b.rng.below(16), index: pickIndex(b), scale: b.rng.below(4), disp: b.rng.u32() | 0, dispSize: 4 })],
  ['index_d32', (b) => ({ base: BASE_NONE, index: pickIndex(b), scale: b.rng.below(4), disp: b.rng.u32() | 0, dispSize: 4 })],
  ['abs_d32', (b) => ({ base: BASE_NONE, index: BASE_NONE, scale: 0, disp: b.rng.u32() | 0, dispSize: 4 })],
  ['rip', (b) => ({ base: -2, index: BASE_NONE, scale: 0, disp: CODE_ADDR + b.rng.below(0x100000) - 0x80000, dispSize: 4 })],
];
function pickIndex(b: Builder): number { for (;;) { const r = b.rng.below(16); if (r !== 4) return r; } }
for (const [fname, mk] of LEA_FORMS) {
  add(`lea.8d.64.${fname}`, 'lea', (b) => b.emit({ op: [0x8d], osz: 8, reg: b.reg(8), rm: { mem: mk(b) } }));
}
for (const s of [2, 4] as Size[]) add(`lea.8d.${BITS[s]}.sib_d32`, 'lea', (b) => b.emit({ op: [0x8d], osz: s, reg: b.reg(s), rm: { mem: LEA_FORMS[5][1](b) } }));
for (const s of [2, 4, 8] as Size[]) add(`lea.8d.${BITS[s]}.addr32`, 'lea', (b) => b.emit({ op: [0x8d], osz: s, reg: b.reg(s), rm: { mem: { ...LEA_FORMS[4][1](b), addr32: true } } }));

// ---- String instructions, with and without REP, DF either way, sizes 1-8.
const STR_SZ: [string, Size][] = [['b', 1], ['w', 2], ['d', 4], ['q', 8]];
interface StrSpec { mn: string; op: number; src: boolean; dst: boolean; reps: [string, number][] }
const STRINGS: StrSpec[] = [
  { mn: 'movs', op: 0xa4, src: true, dst: true, reps: [['', 0], ['rep', 0xf3]] },
  { mn: 'cmps', op: 0xa6, src: true, dst: true, reps: [['', 0], ['repe', 0xf3], ['repne', 0xf2]] },
  { mn: 'stos', op: 0xaa, src: false, dst: true, reps: [['', 0], ['rep', 0xf3]] },
  { mn: 'lods', op: 0xac, src: true, dst: false, reps: [['', 0], ['rep', 0xf3]] },
  { mn: 'scas', op: 0xae, src: false, dst: true, reps: [['', 0], ['repe', 0xf3], ['repne', 0xf2]] },
];
function stringCase(b: Builder, s: StrSpec, size: Size, rep: number, addr32: boolean): void {
  b.lock(1, 6, 7);
  const room = 24 * 8;
  const cnt = b.rng.chance(0.1) ? 0 : 1 + b.rng.below(20);
  b.setReg(1, addr32 ? (b.rng.u64() & ~0xffffffffn) | BigInt(cnt) : BigInt(cnt));
  const src = b.target(size, { room, align: b.rng.chance(0.7) ? size : 1 });
  const dst = b.target(size, { room, align: b.rng.chance(0.7) ? size : 1, page: b.rng.chance(0.5) ? 'stack' : 'data' });
  const hiJunk = () => (addr32 ? b.rng.u64() & ~0xffffffffn : 0n);
  b.setReg(6, hiJunk() | BigInt(src));
  b.setReg(7, hiJunk() | BigInt(dst));
  if (s.mn === 'cmps' && b.rng.chance(0.7)) {
    // Equal runs so that REPE goes on and REPNE stops (or the reverse), ending at a random point.
    const df = (b.flags & 0x400) !== 0;
    const n = cnt * size;
    for (let k = 0; k < n; k++) {
      const off = df ? -k + size - 1 : k;
      b.pokeByte(dst + off - (df ? size - 1 : 0), Number(b.peek(src + off - (df ? size - 1 : 0), 1)));
    }
    if (b.rng.chance(0.6) && n > 0) { const k = b.rng.below(n); const off = df ? -k : k; b.pokeByte(dst + off, b.rng.below(256)); }
  }
  if (s.mn === 'scas' && b.rng.chance(0.6)) {
    const df = (b.flags & 0x400) !== 0;
    const k = b.rng.below(cnt + 1);
    const v = b.peek(dst + (df ? -k : k) * size, size);
    b.setReg(0, (b.regs[0] & ~((1n << BigInt(8 * size)) - 1n)) | v);
    b.lock(0);
  }
  const pfx = [...(rep ? [rep] : []), ...(addr32 ? [0x67] : [])];
  b.emit({ pfx, op: [size === 1 ? s.op : s.op + 1], osz: size === 1 ? undefined : size });
}
for (const s of STRINGS) for (const [rn, rep] of s.reps) for (const [sn, size] of STR_SZ) {
  add(`${rn ? rn + '.' : ''}${s.mn}${sn}.${hex2(size === 1 ? s.op : s.op + 1)}`, 'string', (b) => stringCase(b, s, size, rep, false));
}
add('rep.movsb.a4.addr32', 'string', (b) => stringCase(b, STRINGS[0], 1, 0xf3, true));
add('rep.stosq.ab.addr32', 'string', (b) => stringCase(b, STRINGS[2], 8, 0xf3, true));
add('repne.scasb.ae.addr32', 'string', (b) => stringCase(b, STRINGS[4], 1, 0xf2, true));

// ---- The stack: PUSH/POP, PUSHF/POPF, LEAVE, ENTER.
function stackReg(b: Builder, allowRsp: boolean): number {
  for (;;) { const r = b.rng.below(16); if (r !== 4 || allowRsp) return r; }
}
add('push.50.64', 'stack', (b) => { b.useStack(); b.emit({ op: [0x50], opreg: stackReg(b, true) }); });
add('pop.58.64', 'stack', (b) => { b.useStack(); b.emit({ op: [0x58], opreg: stackReg(b, true) }); });
add('push.50.16', 'stack', (b) => { b.useStack(); b.emit({ op: [0x50], osz: 2, opreg: stackReg(b, true) }); });
add('pop.58.16', 'stack', (b) => { b.useStack(); b.emit({ op: [0x58], osz: 2, opreg: stackReg(b, false) }); });
add('push.6a.64', 'stack', (b) => { b.useStack(); b.emit({ op: [0x6a], imm: [[1, b.imm(1)]] }); });
add('push.68.64', 'stack', (b) => { b.useStack(); b.emit({ op: [0x68], imm: [[4, b.imm(4)]] }); });
add('push.68.16', 'stack', (b) => { b.useStack(); b.emit({ op: [0x68], osz: 2, imm: [[2, b.imm(2)]] }); });
add('push.ff6.64.mem', 'stack', (b) => { b.useStack(); rmInsn(b, { op: [0xff], osz: 8, ext: 6, rm: 'mem' }); });
add('push.ff6.64.reg', 'stack', (b) => { b.useStack(); b.emit({ op: [0xff], ext: 6, rm: { reg: stackReg(b, true) } }); });
add('pop.8f0.64.mem', 'stack', (b) => { b.useStack(); rmInsn(b, { op: [0x8f], osz: 8, ext: 0, rm: 'mem' }); });
// POP [RSP+d]: the address is computed with the incremented RSP (SDM Vol. 2 POP).
add('pop.8f0.64.rspbase', 'stack', (b) => { b.useStack(); b.emit({ op: [0x8f], ext: 0, rm: { mem: { base: 4, index: BASE_NONE, scale: 0, disp: 8 * b.rng.below(8) - 16, dispSize: 1 } } }); });
add('pushf.9c.64', 'stack', (b) => { b.useStack(); b.bytes(0x9c); });
add('pushf.9c.16', 'stack', (b) => { b.useStack(); b.bytes(0x66, 0x9c); });
function popfValue(b: Builder, bytes: number): void {
  // Any flags but TF (a single-step trap would follow); IF/IOPL/VM/RF are ignored at CPL 3.
  const v = (b.rng.u64() & ~0x100n) & (bytes === 2 ? 0xffffn : (1n << 64n) - 1n);
  b.poke(Number(b.regs[4]), bytes, v);
}
add('popf.9d.64', 'stack', (b) => { b.useStack(); popfValue(b, 8); b.bytes(0x9d); });
add('popf.9d.16', 'stack', (b) => { b.useStack(); popfValue(b, 2); b.bytes(0x66, 0x9d); });
function frameRbp(b: Builder): void {
  b.setReg(5, BigInt(STACK_ADDR + 0x600 + 8 * b.rng.below(128)));
}
add('leave.c9.64', 'stack', (b) => { b.useStack(); frameRbp(b); b.bytes(0xc9); });
add('leave.c9.16', 'stack', (b) => { b.useStack(); frameRbp(b); b.setReg(5, (b.rng.u64() & ~0xffffn) | (b.regs[5] & 0xffffn)); b.lock(5); b.bytes(0x66, 0xc9); });
for (const [name, lv] of [['enter.c8.64', false], ['enter.c8.64.nested', true]] as const) {
  add(name, 'stack', (b) => {
    b.useStack();
    frameRbp(b);
    b.setReg(4, BigInt(STACK_ADDR + 0xa00 + 8 * b.rng.below(64)));
    const size = b.rng.chance(0.3) ? 0 : b.rng.below(0x200);
    b.bytes(0xc8, size & 0xff, size >> 8, lv ? 1 + b.rng.below(6) : 0);
  });
}
add('enter.c8.16', 'stack', (b) => {
  b.useStack();
  frameRbp(b);
  b.setReg(4, BigInt(STACK_ADDR + 0xa00 + 8 * b.rng.below(64)));
  b.bytes(0x66, 0xc8, b.rng.below(0x80), 0, b.rng.below(3));
});

// ---- Conversions, flag instructions, NOPs, XLAT, MOV.
for (const [name, bytes] of [
  ['cbw.98.16', [0x66, 0x98]], ['cwde.98.32', [0x98]], ['cdqe.98.64', [0x48, 0x98]],
  ['cwd.99.16', [0x66, 0x99]], ['cdq.99.32', [0x99]], ['cqo.99.64', [0x48, 0x99]],
  ['lahf.9f', [0x9f]], ['sahf.9e', [0x9e]], ['clc.f8', [0xf8]], ['stc.f9', [0xf9]], ['cmc.f5', [0xf5]],
  ['cld.fc', [0xfc]], ['std.fd', [0xfd]], ['nop.90', [0x90]], ['pause.f390', [0xf3, 0x90]],
] as const) add(name, 'misc', (b) => b.bytes(...bytes));
add('nop.0f1f.mem', 'misc', (b) => rmInsn(b, { op: [0x0f, 0x1f], osz: 4, ext: 0, rm: 'mem' }));
add('xlat.d7', 'misc', (b) => { b.setReg(3, BigInt(DATA_ADDR + b.rng.below(PAGE - 256))); b.bytes(0xd7); });

for (const k of RM_KINDS) {
  add(`mov.88.8.${k}`, 'mov', (b) => rmInsn(b, { op: [0x88], osz: 1, rm: k }));
  add(`mov.8a.8.${k}`, 'mov', (b) => rmInsn(b, { op: [0x8a], osz: 1, rm: k }));
  add(`mov.c6.8.${k}`, 'mov', (b) => rmInsn(b, { op: [0xc6], osz: 1, ext: 0, rm: k, imm: 'ib' }));
  for (const s of SIZES) {
    add(`mov.89.${BITS[s]}.${k}`, 'mov', (b) => rmInsn(b, { op: [0x89], osz: s, rm: k }));
    add(`mov.8b.${BITS[s]}.${k}`, 'mov', (b) => rmInsn(b, { op: [0x8b], osz: s, rm: k }));
    add(`mov.c7.${BITS[s]}.${k}`, 'mov', (b) => rmInsn(b, { op: [0xc7], osz: s, ext: 0, rm: k, imm: 'iz' }));
  }
}
add('mov.b0.8', 'mov', (b) => { b.byteMode(); b.emit({ op: [0xb0], osz: 1, opreg: b.reg(1), imm: [[1, b.imm(1)]] }); });
add('mov.b8.16', 'mov', (b) => b.emit({ op: [0xb8], osz: 2, opreg: b.reg(2), imm: [[2, b.imm(2)]] }));
add('mov.b8.32', 'mov', (b) => b.emit({ op: [0xb8], osz: 4, opreg: b.reg(4), imm: [[4, b.imm(4)]] }));
add('mov.b8.64', 'mov', (b) => b.emit({ op: [0xb8], osz: 8, opreg: b.reg(8), imm: [[8, b.imm(8)]] }));
for (const [op, s] of [[0xa0, 1], [0xa1, 2], [0xa1, 4], [0xa1, 8], [0xa2, 1], [0xa3, 2], [0xa3, 4], [0xa3, 8]] as [number, Size][]) {
  add(`mov.${hex2(op)}.${BITS[s]}.moffs`, 'mov', (b) => {
    const t = b.target(s);
    if (b.rng.chance(0.5)) b.poke(t, s, b.val(8 * s));
    b.emit({ op: [op], osz: s === 1 ? undefined : s, imm: [[8, BigInt(t)]] });
  });
}
for (const s of SIZES) {
  add(`movbe.0f38f0.${BITS[s]}.mem`, 'mov', (b) => rmInsn(b, { op: [0x0f, 0x38, 0xf0], osz: s, rm: 'mem' }), { needs: ['movbe'] });
  add(`movbe.0f38f1.${BITS[s]}.mem`, 'mov', (b) => rmInsn(b, { op: [0x0f, 0x38, 0xf1], osz: s, rm: 'mem' }), { needs: ['movbe'] });
}

// ---- Near control transfers: every path ends at the end of the code.
const le32 = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
add('jmp.eb', 'branch', (b) => { const f = filler(b); b.bytes(0xeb, f.length, ...f); });
add('jmp.e9', 'branch', (b) => { const f = filler(b); b.bytes(0xe9, ...le32(f.length), ...f); });
add('jmp.ff4.64.reg', 'branch', (b) => {
  const r = b.reg(8);
  b.lock(r);
  const f = filler(b);
  b.emit({ op: [0xff], ext: 4, rm: { reg: r } });
  b.bytes(...f);
  b.setReg(r, BigInt(b.here()));
});
add('jmp.ff4.64.mem', 'branch', (b) => {
  const m = b.mem(8, { plant: 0 });
  const t = memAddr(b, m);
  const f = filler(b);
  b.emit({ op: [0xff], ext: 4, rm: { mem: m } });
  b.bytes(...f);
  b.poke(t, 8, BigInt(b.here()));
});
add('call.e8', 'branch', (b) => { b.useStack(); const f = filler(b); b.bytes(0xe8, ...le32(f.length), ...f); });
add('call.ff2.64.reg', 'branch', (b) => {
  b.useStack();
  const r = b.reg(8);
  b.lock(r);
  const f = filler(b);
  b.emit({ op: [0xff], ext: 2, rm: { reg: r } });
  b.bytes(...f);
  b.setReg(r, BigInt(b.here()));
});
add('call.ff2.64.mem', 'branch', (b) => {
  b.useStack();
  const m = b.mem(8, { plant: 0 });
  const t = memAddr(b, m);
  const f = filler(b);
  b.emit({ op: [0xff], ext: 2, rm: { mem: m } });
  b.bytes(...f);
  b.poke(t, 8, BigInt(b.here()));
});
// call L1; jmp end; L1: ret — RET comes back to the JMP.
add('ret.c3', 'branch', (b) => { b.useStack(); b.bytes(0xe8, 2, 0, 0, 0, 0xeb, 1, 0xc3); });
add('ret.c2', 'branch', (b) => { b.useStack(); const n = b.rng.below(64) * (b.rng.chance(0.8) ? 8 : 1); b.bytes(0xe8, 2, 0, 0, 0, 0xeb, 3, 0xc2, n & 0xff, n >> 8); });
for (const [name, op, pfx] of [['loop.e2', 0xe2, []], ['loope.e1', 0xe1, []], ['loopne.e0', 0xe0, []], ['jrcxz.e3', 0xe3, []], ['jecxz.e3', 0xe3, [0x67]], ['loop.e2.addr32', 0xe2, [0x67]]] as const) {
  add(name, 'branch', (b) => {
    const r = b.rng.below(4);
    const c = r === 0 ? 0n : r === 1 ? 1n : r === 2 ? (b.rng.u64() & ~0xffffffffn) | BigInt(b.rng.below(3)) : b.val(64);
    b.setReg(1, c);
    const f = filler(b);
    b.bytes(...pfx, op, f.length, ...f);
  });
}
// A real loop: L: add edx, 3; loop L (RCX from 1 to 9).
add('loop.e2.backward', 'branch', (b) => { b.setReg(1, BigInt(1 + b.rng.below(9))); b.bytes(0x83, 0xc2, 0x03, 0xe2, 0xfb); });
add('loopne.e0.backward', 'branch', (b) => { b.setReg(1, BigInt(1 + b.rng.below(9))); b.setReg(2, b.val(8) & 0xffn); b.bytes(0xfe, 0xca, 0xe0, 0xfc); });

// ---- Faults: what Linux reports for each exception must match what ringside delivers.
add('fault.pf.read', 'fault', (b) => {
  const r = b.reg(8, [4]); b.setReg(r, BigInt(0x40000000 + b.rng.below(0x100000)));
  b.emit({ op: [0x8b], osz: 8, reg: b.reg(8), rm: { mem: { base: r, index: BASE_NONE, scale: 0, disp: 0, dispSize: 0 } } });
});
add('fault.pf.write.code', 'fault', (b) => {
  const r = b.reg(8, [4]); b.setReg(r, BigInt(CODE_ADDR + 0x200 + b.rng.below(0x100)));
  b.emit({ op: [0x89], osz: 4, reg: b.reg(4), rm: { mem: { base: r, index: BASE_NONE, scale: 0, disp: 0, dispSize: 0 } } });
});
add('fault.pf.split', 'fault', (b) => {
  // An 8-byte store that starts in the data page and ends in the unmapped page after it.
  const r = b.reg(8, [4]); b.setReg(r, BigInt(DATA_ADDR + PAGE - 1 - b.rng.below(7)));
  b.emit({ op: [0x89], osz: 8, reg: b.reg(8), rm: { mem: { base: r, index: BASE_NONE, scale: 0, disp: 0, dispSize: 0 } } });
});
add('fault.pf.exec.nx', 'fault', (b) => {
  const r = b.reg(8, [4]); b.setReg(r, BigInt(DATA_ADDR + b.rng.below(PAGE)));
  b.emit({ op: [0xff], ext: 4, rm: { reg: r } });
});
add('fault.pf.push', 'fault', (b) => { b.useStack(); b.setReg(4, BigInt(STACK_ADDR + 8 * b.rng.below(2))); b.bytes(0x50 + b.rng.below(4)); });
add('fault.gp.noncanonical', 'fault', (b) => {
  const r = b.reg(8, [4]); b.setReg(r, (1n << 47n) + b.rng.u64() % (1n << 62n));
  b.emit({ op: [0x8b], osz: 4, reg: b.reg(4), rm: { mem: { base: r, index: BASE_NONE, scale: 0, disp: 0, dispSize: 0 } } });
});
add('fault.gp.jmp.noncanonical', 'fault', (b) => {
  const r = b.reg(8, [4]); b.setReg(r, (1n << 47n) + b.rng.u64() % (1n << 62n));
  b.emit({ op: [0xff], ext: 4, rm: { reg: r } });
});
add('fault.ud.ud2', 'fault', (b) => b.bytes(0x0f, 0x0b));
add('fault.ud.into', 'fault', (b) => b.bytes(0xce));
add('fault.ud.lea.reg', 'fault', (b) => b.bytes(0x8d, 0xc0 + b.rng.below(64)));
add('fault.bp.int3', 'fault', (b) => b.bytes(0xcc));
// INT1 (ICEBP) raises a trap-class #DB: the frame's RIP is the next instruction (SDM Vol. 3
// §6.15, Interrupt 1). This AMD host, a virtual machine, reports RIP at the INT1 itself.
add('fault.db.int1', 'fault', (b) => b.bytes(0xf1), { quirk: { what: 'fault rip', why: 'the virtualised AMD host reports INT1 with RIP at the instruction' } });
add('fault.gp.int', 'fault', (b) => b.bytes(0xcd, b.rng.pick([0x0d, 0x21, 0x40, 0x81, 0xff])));
add('fault.gp.hlt', 'fault', (b) => b.bytes(0xf4));
add('fault.gp.cli', 'fault', (b) => b.bytes(0xfa));
add('fault.gp.in', 'fault', (b) => b.bytes(0xec));
add('fault.gp.out', 'fault', (b) => b.bytes(0xe6, b.rng.below(256)));
// Alignment check: EFLAGS.AC set by POPF, CR0.AM set by Linux, an unaligned access at CPL 3 →
// #AC(0) (SDM Vol. 3 §6.15, Interrupt 17); aligned accesses and AC clear do not fault.
add('fault.ac.unaligned', 'fault', (b) => {
  b.useStack();
  const misalign = b.rng.chance(0.8);
  b.poke(Number(b.regs[4]), 8, (b.rng.u64() & ~0x100n) | (b.rng.chance(0.8) ? 0x40000n : 0n));
  b.bytes(0x9d); // popf
  const t = b.target(8, { align: 8 }) + (misalign ? 1 + b.rng.below(7) : 0);
  const r = b.reg(8);
  b.emit({ op: [0x8b], osz: b.rng.pick(SIZES), reg: r, rm: { mem: b.mem(8, { plant: 0 }, t) } });
});

// ---- Sequences: a flag-setting instruction, then one that reads the flags (the lazy-flags
// machinery: ADD then JC, SUB then SETL, INC then ADC …).
type Piece = (b: Builder, r: () => number) => void;
const PRODUCERS: Piece[] = [
  (b, r) => b.emit({ op: [b.rng.pick([0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39])], osz: b.rng.pick(SIZES), reg: r(), rm: { reg: r() } }),
  (b, r) => b.emit({ op: [0x83], osz: b.rng.pick(SIZES), ext: b.rng.below(8), rm: { reg: r() }, imm: [[1, b.imm(1)]] }),
  (b, r) => b.emit({ op: [0xff], osz: b.rng.pick(SIZES), ext: b.rng.below(2), rm: { reg: r() } }),
  (b, r) => b.emit({ op: [0xf7], osz: b.rng.pick(SIZES), ext: 3, rm: { reg: r() } }),
  (b, r) => b.emit({ op: [0x85], osz: b.rng.pick(SIZES), reg: r(), rm: { reg: r() } }),
  (b, r) => b.emit({ op: [0x00], osz: 1, reg: r(), rm: { reg: r() } }),
  (b) => b.bytes(b.rng.pick([0xf8, 0xf9, 0xf5])),
];
const SHIFT_PRODUCER: Piece = (b, r) => b.emit({ op: [0xc1], osz: b.rng.pick(SIZES), ext: b.rng.pick([0, 1, 4, 5, 7]), rm: { reg: r() }, imm: [[1, BigInt(b.count(32) & 0xff)]] });
const CONSUMERS: Piece[] = [
  (b, r) => b.emit({ op: [0x0f, 0x90 + b.rng.below(16)], ext: 0, rm: { reg: r() }, rmByte: true }),
  (b, r) => b.emit({ op: [0x0f, 0x40 + b.rng.below(16)], osz: b.rng.pick([4, 8] as Size[]), reg: r(), rm: { reg: r() } }),
  (b, r) => b.emit({ op: [b.rng.pick([0x11, 0x19])], osz: b.rng.pick(SIZES), reg: r(), rm: { reg: r() } }),
  (b) => { const f = filler(b); b.bytes(0x70 + b.rng.below(16), f.length, ...f); },
  (b) => b.bytes(0x9f),
];
function sequence(b: Builder, producers: Piece[], n: number): void {
  const r = () => b.rng.below(16);
  for (let k = 0; k < n; k++) b.rng.pick(producers)(b, r);
  b.rng.pick(CONSUMERS)(b, r);
}
add('seq.alu-consumer', 'seq', (b) => sequence(b, PRODUCERS, 1));
add('seq.alu2-consumer', 'seq', (b) => sequence(b, PRODUCERS, 2));
add('seq.alu4-consumer', 'seq', (b) => sequence(b, PRODUCERS, 4));
for (const half of [0, 8]) {
  add(`seq.cmp-setcc-${half ? 'hi' : 'lo'}`, 'seq', (b) => {
    // CMP then eight conditions as SETcc into consecutive bytes of the data page.
    const base = b.reg(8, [4]);
    b.setReg(base, BigInt(DATA_ADDR + 16 * b.rng.below(200)));
    const s = b.rng.pick(SIZES);
    b.emit({ op: [0x39], osz: s, reg: b.reg(s, [base]), rm: { reg: b.reg(s, [base]) } });
    for (let cc = half; cc < half + 8; cc++) b.emit({ op: [0x0f, 0x90 + cc], ext: 0, rm: { mem: { base, index: BASE_NONE, scale: 0, disp: cc, dispSize: 1 } }, rmByte: true });
  });
}
add('seq.shift-consumer', 'seq', (b) => sequence(b, [SHIFT_PRODUCER], 1), { undef: OF | AF });
add('seq.adc-chain', 'seq', (b) => {
  // A 128-bit add: ADD then ADC, the carry crossing instructions.
  const r = () => b.rng.below(16);
  b.emit({ op: [0x01], osz: 8, reg: r(), rm: { reg: r() } });
  b.emit({ op: [0x11], osz: 8, reg: r(), rm: { reg: r() } });
  b.emit({ op: [0x19], osz: 4, reg: r(), rm: { reg: r() } });
  b.emit({ op: [0x0f, 0x92], ext: 0, rm: { reg: r() }, rmByte: true });
});
add('seq.inc-keeps-cf', 'seq', (b) => {
  b.useStack();
  const r = () => b.reg(8);
  b.emit({ op: [0x29], osz: b.rng.pick(SIZES), reg: r(), rm: { reg: r() } });
  b.emit({ op: [0xff], osz: b.rng.pick(SIZES), ext: b.rng.below(2), rm: { reg: r() } });
  b.emit({ op: [0x11], osz: b.rng.pick(SIZES), reg: r(), rm: { reg: r() } });
  b.bytes(0x9c, 0x58 + b.rng.below(4)); // pushf; pop r
});

// ---- SSE/SSE2 (ext 'sse'): register and memory forms with float-biased lanes.
type XKind = 'x' | 'xi' | 'ss' | 'sd' | 'ssi' | 'sdi';
function xmmForm(name: string, pfx: number[], op: number[], kind: XKind, memAlign = 16, needs: Feature[] = ['sse2']): void {
  const scalar = kind === 'ss' || kind === 'ssi' ? 4 : kind === 'sd' || kind === 'sdi' ? 8 : 16;
  const imm = kind === 'xi' || kind === 'ssi' || kind === 'sdi';
  for (const k of RM_KINDS) {
    add(`${name}.${k}`, 'sse', (b) => {
      b.fpRandom = true;
      const rm: Rm = k === 'reg' ? { reg: b.rng.below(16) } : { mem: b.mem(scalar, { align: scalar === 16 ? (b.rng.chance(0.95) ? memAlign : 1) : b.rng.pick([1, scalar]), plant: 0 }) };
      if ('mem' in rm) fillFloats(b, memAddr(b, rm.mem), scalar);
      b.emit({ pfx, op, reg: b.rng.below(16), rm, imm: imm ? [[1, BigInt(b.rng.below(256))]] : undefined });
    }, { ext: 'sse', needs });
  }
}
function fillFloats(b: Builder, at: number, n: number): void {
  for (let k = 0; k < n; k += 4) {
    const v = b.rng.chance(0.5) ? b.rng.u32() : b.rng.pick([0, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x00000001, 0x3ff00000, 0x7ff80000, 0x41e00000]);
    b.poke(at + k, 4, BigInt(v >>> 0));
  }
}
const FP_ARITH = [['add', 0x58], ['mul', 0x59], ['sub', 0x5c], ['min', 0x5d], ['div', 0x5e], ['max', 0x5f], ['sqrt', 0x51]] as const;
for (const [mn, op] of FP_ARITH) {
  xmmForm(`${mn}ps.0f${hex2(op)}`, [], [0x0f, op], 'x');
  xmmForm(`${mn}pd.660f${hex2(op)}`, [0x66], [0x0f, op], 'x');
  xmmForm(`${mn}ss.f30f${hex2(op)}`, [0xf3], [0x0f, op], 'ss');
  xmmForm(`${mn}sd.f20f${hex2(op)}`, [0xf2], [0x0f, op], 'sd');
}
for (const [mn, op] of [['and', 0x54], ['andn', 0x55], ['or', 0x56], ['xor', 0x57]] as const) {
  xmmForm(`${mn}ps.0f${hex2(op)}`, [], [0x0f, op], 'x');
  xmmForm(`${mn}pd.660f${hex2(op)}`, [0x66], [0x0f, op], 'x');
}
xmmForm('cmpps.0fc2', [], [0x0f, 0xc2], 'xi');
xmmForm('cmppd.660fc2', [0x66], [0x0f, 0xc2], 'xi');
xmmForm('cmpss.f30fc2', [0xf3], [0x0f, 0xc2], 'ssi');
xmmForm('cmpsd.f20fc2', [0xf2], [0x0f, 0xc2], 'sdi');
xmmForm('comiss.0f2f', [], [0x0f, 0x2f], 'ss');
xmmForm('ucomiss.0f2e', [], [0x0f, 0x2e], 'ss');
xmmForm('comisd.660f2f', [0x66], [0x0f, 0x2f], 'sd');
xmmForm('ucomisd.660f2e', [0x66], [0x0f, 0x2e], 'sd');
xmmForm('movaps.0f28', [], [0x0f, 0x28], 'x');
xmmForm('movups.0f10', [], [0x0f, 0x10], 'x', 1);
xmmForm('movdqa.660f6f', [0x66], [0x0f, 0x6f], 'x');
xmmForm('movdqu.f30f6f', [0xf3], [0x0f, 0x6f], 'x', 1);
xmmForm('movss.f30f10', [0xf3], [0x0f, 0x10], 'ss');
xmmForm('movsd.f20f10', [0xf2], [0x0f, 0x10], 'sd');
xmmForm('cvtss2sd.f30f5a', [0xf3], [0x0f, 0x5a], 'ss');
xmmForm('cvtsd2ss.f20f5a', [0xf2], [0x0f, 0x5a], 'sd');
xmmForm('cvtps2pd.0f5a', [], [0x0f, 0x5a], 'sd');
xmmForm('cvtpd2ps.660f5a', [0x66], [0x0f, 0x5a], 'x');
xmmForm('cvtdq2ps.0f5b', [], [0x0f, 0x5b], 'x');
xmmForm('cvtps2dq.660f5b', [0x66], [0x0f, 0x5b], 'x');
xmmForm('cvttps2dq.f30f5b', [0xf3], [0x0f, 0x5b], 'x');
xmmForm('cvtdq2pd.f30fe6', [0xf3], [0x0f, 0xe6], 'sd');
xmmForm('cvtpd2dq.f20fe6', [0xf2], [0x0f, 0xe6], 'x');
xmmForm('cvttpd2dq.660fe6', [0x66], [0x0f, 0xe6], 'x');
const PINT: [string, number][] = [
  ['paddb', 0xfc], ['paddw', 0xfd], ['paddd', 0xfe], ['paddq', 0xd4], ['psubb', 0xf8], ['psubw', 0xf9], ['psubd', 0xfa], ['psubq', 0xfb],
  ['paddsb', 0xec], ['paddsw', 0xed], ['paddusb', 0xdc], ['paddusw', 0xdd], ['psubsb', 0xe8], ['psubsw', 0xe9], ['psubusb', 0xd8], ['psubusw', 0xd9],
  ['pmullw', 0xd5], ['pmulhw', 0xe5], ['pmulhuw', 0xe4], ['pmuludq', 0xf4], ['pmaddwd', 0xf5],
  ['pcmpeqb', 0x74], ['pcmpeqw', 0x75], ['pcmpeqd', 0x76], ['pcmpgtb', 0x64], ['pcmpgtw', 0x65], ['pcmpgtd', 0x66],
  ['pand', 0xdb], ['pandn', 0xdf], ['por', 0xeb], ['pxor', 0xef],
  ['psllw', 0xf1], ['pslld', 0xf2], ['psllq', 0xf3], ['psrlw', 0xd1], ['psrld', 0xd2], ['psrlq', 0xd3], ['psraw', 0xe1], ['psrad', 0xe2],
  ['packsswb', 0x63], ['packssdw', 0x6b], ['packuswb', 0x67],
  ['punpcklbw', 0x60], ['punpcklwd', 0x61], ['punpckldq', 0x62], ['punpcklqdq', 0x6c],
  ['punpckhbw', 0x68], ['punpckhwd', 0x69], ['punpckhdq', 0x6a], ['punpckhqdq', 0x6d],
  ['pavgb', 0xe0], ['pavgw', 0xe3], ['pminub', 0xda], ['pmaxub', 0xde], ['pminsw', 0xea], ['pmaxsw', 0xee], ['psadbw', 0xf6],
  ['unpcklps', -0x14], ['unpckhps', -0x15],
];
for (const [mn, op] of PINT) {
  if (op < 0) xmmForm(`${mn}.0f${hex2(-op)}`, [], [0x0f, -op], 'x');
  else xmmForm(`${mn}.660f${hex2(op)}`, [0x66], [0x0f, op], 'x');
}
xmmForm('pshufd.660f70', [0x66], [0x0f, 0x70], 'xi');
xmmForm('pshuflw.f20f70', [0xf2], [0x0f, 0x70], 'xi');
xmmForm('pshufhw.f30f70', [0xf3], [0x0f, 0x70], 'xi');
xmmForm('shufps.0fc6', [], [0x0f, 0xc6], 'xi');
xmmForm('shufpd.660fc6', [0x66], [0x0f, 0xc6], 'xi');
for (const [mn, op, ext] of [['psrlw', 0x71, 2], ['psraw', 0x71, 4], ['psllw', 0x71, 6], ['psrld', 0x72, 2], ['psrad', 0x72, 4], ['pslld', 0x72, 6],
  ['psrlq', 0x73, 2], ['psrldq', 0x73, 3], ['psllq', 0x73, 6], ['pslldq', 0x73, 7]] as const) {
  add(`${mn}.660f${hex2(op)}.imm`, 'sse', (b) => { b.fpRandom = true; b.emit({ pfx: [0x66], op: [0x0f, op], ext, rm: { reg: b.rng.below(16) }, imm: [[1, BigInt(b.count(16))]] }); }, { ext: 'sse', needs: ['sse2'] });
}
for (const [name, pfx, op, w, toGpr] of [
  ['movd.660f6e', [0x66], 0x6e, false, false], ['movq.660f6e', [0x66], 0x6e, true, false],
  ['movd.660f7e', [0x66], 0x7e, false, true], ['movq.660f7e', [0x66], 0x7e, true, true],
  ['cvtsi2sd.f20f2a', [0xf2], 0x2a, false, false], ['cvtsi2sdq.f20f2a', [0xf2], 0x2a, true, false],
  ['cvtsi2ss.f30f2a', [0xf3], 0x2a, false, false], ['cvtsi2ssq.f30f2a', [0xf3], 0x2a, true, false],
  ['cvttsd2si.f20f2c', [0xf2], 0x2c, false, true], ['cvttsd2siq.f20f2c', [0xf2], 0x2c, true, true],
  ['cvtsd2si.f20f2d', [0xf2], 0x2d, false, true], ['cvtsd2siq.f20f2d', [0xf2], 0x2d, true, true],
  ['cvttss2si.f30f2c', [0xf3], 0x2c, false, true], ['cvtss2si.f30f2d', [0xf3], 0x2d, false, true],
  ['pmovmskb.660fd7', [0x66], 0xd7, false, true], ['movmskps.0f50', [], 0x50, false, true], ['movmskpd.660f50', [0x66], 0x50, false, true],
] as const) {
  add(name, 'sse', (b) => {
    b.fpRandom = true;
    const g = b.reg(w ? 8 : 4, [4]);
    const x = b.rng.below(16);
    // MOVD/MOVQ 7E store xmm → r/m (reg = xmm); the conversions and masks load r ← xmm (reg = GPR).
    const store = op === 0x7e;
    b.emit({ pfx: [...pfx], op: [0x0f, op], osz: w ? 8 : undefined, reg: store ? x : toGpr ? g : x, rm: { reg: store ? g : toGpr ? x : g } });
  }, { ext: 'sse', needs: ['sse2'] });
}
add('movq.f30f7e', 'sse', (b) => { b.fpRandom = true; b.emit({ pfx: [0xf3], op: [0x0f, 0x7e], reg: b.rng.below(16), rm: { reg: b.rng.below(16) } }); }, { ext: 'sse', needs: ['sse2'] });
add('movq.660fd6.mem', 'sse', (b) => { b.fpRandom = true; b.emit({ pfx: [0x66], op: [0x0f, 0xd6], reg: b.rng.below(16), rm: { mem: b.mem(8) } }); }, { ext: 'sse', needs: ['sse2'] });
add('pextrw.660fc5', 'sse', (b) => { b.fpRandom = true; b.emit({ pfx: [0x66], op: [0x0f, 0xc5], reg: b.reg(4, [4]), rm: { reg: b.rng.below(16) }, imm: [[1, BigInt(b.rng.below(256))]] }); }, { ext: 'sse', needs: ['sse2'] });
add('pinsrw.660fc4', 'sse', (b) => { b.fpRandom = true; b.emit({ pfx: [0x66], op: [0x0f, 0xc4], reg: b.rng.below(16), rm: { reg: b.reg(4) }, imm: [[1, BigInt(b.rng.below(256))]] }); }, { ext: 'sse', needs: ['sse2'] });
add('stmxcsr.0fae3.mem', 'sse', (b) => { b.fpRandom = true; b.emit({ op: [0x0f, 0xae], ext: 3, rm: { mem: b.mem(4) } }); }, { ext: 'sse', needs: ['sse2'] });
add('ldmxcsr.0fae2.mem', 'sse', (b) => {
  b.fpRandom = true;
  const m = b.mem(4, { plant: 0 });
  // Mostly valid values; one in ten sets a reserved bit (#GP(0)).
  b.poke(memAddr(b, m), 4, BigInt(((b.rng.u32() & 0xffff) | (b.rng.chance(0.1) ? 1 << (16 + b.rng.below(16)) : 0)) >>> 0));
  b.emit({ op: [0x0f, 0xae], ext: 2, rm: { mem: m } });
}, { ext: 'sse', needs: ['sse2'] });
add('fxsave64.0fae0.mem', 'sse', (b) => {
  b.fpRandom = true;
  const m = b.mem(0, { plant: 0 }, DATA_ADDR + 16 * b.rng.below(200));
  b.emit({ op: [0x0f, 0xae], osz: 8, ext: 0, rm: { mem: m } });
  // MXCSR_MASK (offset 28) is model-specific (this AMD host reports 0x2ffff, MM included):
  // overwrite it on both sides so that the rest of the image is compared.
  b.emit({ op: [0xc7], osz: 4, ext: 0, rm: { mem: { ...m, disp: m.disp + 28, dispSize: m.dispSize === 0 ? 1 : m.dispSize } }, imm: [[4, 0n]] });
}, { ext: 'sse', needs: ['sse2'] });
// Unmasked SIMD exceptions: #XM (Linux: SIGFPE, trap number 19) — divide by zero, invalid,
// overflow … with the exception unmasked in MXCSR (CR4.OSXMMEXCPT is set).
for (const [name, pfx, op] of [['fault.xm.divss', [0xf3], 0x5e], ['fault.xm.sqrtsd', [0xf2], 0x51], ['fault.xm.addps', [], 0x58], ['fault.xm.cvtsd2ss', [0xf2], 0x5a]] as const) {
  add(name, 'sse', (b) => {
    b.fpRandom = true;
    b.mxcsr = (b.rng.u32() & 0x1f80 & ~(0x80 << b.rng.below(6))) | (b.rng.below(4) << 13);
    b.emit({ pfx: [...pfx], op: [0x0f, op], reg: b.rng.below(16), rm: { reg: b.rng.below(16) } });
  }, { ext: 'sse', needs: ['sse2'] });
}

// ---- x87 (ext 'x87'): loads, stores, arithmetic on the register stack, compares, control.
function x87Mem(name: string, op: number, ext: number, size: number): void {
  add(name, 'x87', (b) => {
    b.fpRandom = true;
    const m = b.mem(size, { plant: 0 });
    fillFloats(b, memAddr(b, m), Math.max(4, size));
    b.emit({ op: [op], ext, rm: { mem: m } });
  }, { ext: 'x87', needs: ['fpu'] });
}
function x87Reg(name: string, bytes: (i: number) => number[]): void {
  add(name, 'x87', (b) => { b.fpRandom = true; b.bytes(...bytes(b.rng.below(8))); }, { ext: 'x87', needs: ['fpu'] });
}
x87Mem('fld.d9_0.m32', 0xd9, 0, 4); x87Mem('fld.dd_0.m64', 0xdd, 0, 8); x87Mem('fld.db_5.m80', 0xdb, 5, 10);
x87Mem('fst.d9_2.m32', 0xd9, 2, 4); x87Mem('fst.dd_2.m64', 0xdd, 2, 8);
x87Mem('fstp.d9_3.m32', 0xd9, 3, 4); x87Mem('fstp.dd_3.m64', 0xdd, 3, 8); x87Mem('fstp.db_7.m80', 0xdb, 7, 10);
x87Mem('fild.df_0.m16', 0xdf, 0, 2); x87Mem('fild.db_0.m32', 0xdb, 0, 4); x87Mem('fild.df_5.m64', 0xdf, 5, 8);
x87Mem('fist.df_2.m16', 0xdf, 2, 2); x87Mem('fist.db_2.m32', 0xdb, 2, 4);
x87Mem('fistp.df_3.m16', 0xdf, 3, 2); x87Mem('fistp.db_3.m32', 0xdb, 3, 4); x87Mem('fistp.df_7.m64', 0xdf, 7, 8);
x87Mem('fbld.df_4.m80', 0xdf, 4, 10); x87Mem('fbstp.df_6.m80', 0xdf, 6, 10);
x87Mem('fnstcw.d9_7.m16', 0xd9, 7, 2); x87Mem('fnstsw.dd_7.m16', 0xdd, 7, 2);
const X87_ARITH = ['fadd', 'fmul', 'fcom', 'fcomp', 'fsub', 'fsubr', 'fdiv', 'fdivr'];
X87_ARITH.forEach((mn, ext) => {
  x87Mem(`${mn}.d8_${ext}.m32`, 0xd8, ext, 4);
  x87Mem(`${mn}.dc_${ext}.m64`, 0xdc, ext, 8);
  x87Mem(`fi${mn.slice(1)}.da_${ext}.m32`, 0xda, ext, 4);
  x87Reg(`${mn}.d8_${ext}.st`, (i) => [0xd8, 0xc0 + ext * 8 + i]);
  if (ext !== 2 && ext !== 3) {
    x87Reg(`${mn}.dc_${ext}.st`, (i) => [0xdc, 0xc0 + ext * 8 + i]);
    x87Reg(`${mn}p.de_${ext}.st`, (i) => [0xde, 0xc0 + ext * 8 + i]);
  }
});
x87Reg('fld.d9c0.st', (i) => [0xd9, 0xc0 + i]);
x87Reg('fxch.d9c8.st', (i) => [0xd9, 0xc8 + i]);
x87Reg('fst.ddd0.st', (i) => [0xdd, 0xd0 + i]);
x87Reg('fstp.ddd8.st', (i) => [0xdd, 0xd8 + i]);
x87Reg('fucom.dde0.st', (i) => [0xdd, 0xe0 + i]);
x87Reg('fucomp.dde8.st', (i) => [0xdd, 0xe8 + i]);
x87Reg('fucompp.dae9', () => [0xda, 0xe9]);
x87Reg('fcompp.ded9', () => [0xde, 0xd9]);
x87Reg('fcomi.dbf0.st', (i) => [0xdb, 0xf0 + i]);
x87Reg('fucomi.dbe8.st', (i) => [0xdb, 0xe8 + i]);
x87Reg('fcomip.dff0.st', (i) => [0xdf, 0xf0 + i]);
x87Reg('fucomip.dfe8.st', (i) => [0xdf, 0xe8 + i]);
x87Reg('ffree.ddc0.st', (i) => [0xdd, 0xc0 + i]);
for (const [k, mn] of ['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu'].entries()) {
  x87Reg(`${mn}.da${hex2(0xc0 + 8 * k)}.st`, (i) => [0xda, 0xc0 + 8 * k + i]);
  x87Reg(`${mn.replace('fcmov', 'fcmovn')}.db${hex2(0xc0 + 8 * k)}.st`, (i) => [0xdb, 0xc0 + 8 * k + i]);
}
for (const [mn, b2] of [['fchs', 0xe0], ['fabs', 0xe1], ['ftst', 0xe4], ['fxam', 0xe5], ['fld1', 0xe8], ['fldl2t', 0xe9], ['fldl2e', 0xea],
  ['fldpi', 0xeb], ['fldlg2', 0xec], ['fldln2', 0xed], ['fldz', 0xee], ['fxtract', 0xf4], ['fprem1', 0xf5], ['fdecstp', 0xf6],
  ['fincstp', 0xf7], ['fprem', 0xf8], ['fsqrt', 0xfa], ['frndint', 0xfc], ['fscale', 0xfd], ['fnop', 0xd0]] as const) {
  x87Reg(`${mn}.d9${hex2(b2)}`, () => [0xd9, b2]);
}
x87Reg('fnstsw.dfe0.ax', () => [0xdf, 0xe0]);
// A pending unmasked x87 exception (FSW.ES with an unmasked flag) raises #MF at the next
// waiting instruction (SDM Vol. 1 §8.6); Linux reports it as SIGFPE with trap number 16.
add('fault.mf.fwait', 'x87', (b) => {
  b.fpRandom = true;
  // A consistent image: ES (and B, which mirrors it) set exactly when a flagged exception is
  // unmasked — FXRSTOR on the host recomputes them from the image, ringside's fields do not.
  const flag = 1 << b.rng.below(6);
  const unmasked = b.rng.chance(0.8);
  b.fcw = 0x037f & ~(unmasked ? flag : 0);
  b.fsw = flag | (unmasked ? 0x8080 : 0);
  b.bytes(0x9b);
}, { ext: 'x87', needs: ['fpu'] });
x87Reg('fnclex.dbe2', () => [0xdb, 0xe2]);
x87Reg('fninit.dbe3', () => [0xdb, 0xe3]);
add('fldcw.d9_5.m16', 'x87', (b) => {
  b.fpRandom = true;
  const m = b.mem(2, { plant: 0 });
  b.poke(memAddr(b, m), 2, BigInt(0x0040 | (b.rng.u32() & 0x0f3f) | 0x3f));
  b.emit({ op: [0xd9], ext: 5, rm: { mem: m } });
}, { ext: 'x87', needs: ['fpu'] });

export function formByName(name: string): Form | undefined {
  return FORMS.find((f) => f.name === name);
}
