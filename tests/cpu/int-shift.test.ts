// Shifts and rotates (src/cpu/exec/shift.ts) against the SDM's definitions, restated here as a
// one-bit-at-a-time BigInt model, and against values recorded from the host (AMD EPYC) for the
// flags the SDM leaves undefined.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machine, run, values, RAX, RCX, RDX, RBX, CF, PF, AF, ZF, SF, OF, IF, STATUS, RO } from './int-machine.js';

const SHL = 4, SHR = 5, SAR = 7, ROL = 0, ROR = 1, RCL = 2, RCR = 3;
const WIDTHS = [8, 16, 32, 64] as const;

/** `op r/m, cl` on AL/AX/EAX/RAX. */
function byCl(op: number, w: number): number[] {
  const modrm = 0xc0 | (op << 3);
  return w === 8 ? [0xd2, modrm] : w === 16 ? [0x66, 0xd3, modrm] : w === 32 ? [0xd3, modrm] : [0x48, 0xd3, modrm];
}

function parity(v: bigint): number {
  let p = 1;
  for (let k = 0n; k < 8n; k++) p ^= Number((v >> k) & 1n);
  return p ? PF : 0;
}
function szp(v: bigint, w: number): number {
  return (v === 0n ? ZF : 0) | ((v >> BigInt(w - 1)) & 1n ? SF : 0) | parity(v);
}

interface Ref { res: bigint; cf: number; of: number | null }
/** The SDM's loop: count masked to 5 (6) bits, then one-bit steps; OF defined for count 1 only. */
function refShift(op: number, w: number, v: bigint, count: number, cfIn: number): Ref | null {
  const mask = (1n << BigInt(w)) - 1n, top = BigInt(w - 1);
  const c = count & (w === 64 ? 63 : 31);
  if (c === 0) return null;
  let x = v & mask, cf = cfIn;
  const steps = op === RCL || op === RCR ? (w === 8 ? c % 9 : w === 16 ? c % 17 : c) : op === ROL || op === ROR ? c % w : c;
  for (let k = 0; k < steps; k++) {
    switch (op) {
      case SHL: cf = Number((x >> top) & 1n); x = (x << 1n) & mask; break;
      case SHR: cf = Number(x & 1n); x >>= 1n; break;
      case SAR: cf = Number(x & 1n); x = (x >> 1n) | (x & (1n << top)); break;
      case ROL: { const b = (x >> top) & 1n; x = ((x << 1n) | b) & mask; break; }
      case ROR: { const b = x & 1n; x = (x >> 1n) | (b << top); break; }
      case RCL: { const b = Number((x >> top) & 1n); x = ((x << 1n) | BigInt(cf)) & mask; cf = b; break; }
      default: { const b = Number(x & 1n); x = (x >> 1n) | (BigInt(cf) << top); cf = b; break; }
    }
  }
  // ROL/ROR take CF from the result even when the rotation is a whole multiple of the width.
  if (op === ROL) cf = Number(x & 1n);
  if (op === ROR) cf = Number((x >> top) & 1n);
  let of: number | null = null;
  if (c === 1) {
    const msb = Number((x >> top) & 1n);
    if (op === SHL || op === ROL || op === RCL) of = msb ^ cf;
    else if (op === SHR) of = Number((v >> top) & 1n);
    else if (op === SAR) of = 0;
    else of = msb ^ Number((x >> (top - 1n)) & 1n);
  }
  return { res: x, cf, of };
}

test('SAL/SHL, SHR, SAR: result and CF follow the one-bit-at-a-time definition; count masked to 5 (6) bits; OF for count 1 (SDM Vol. 2 SAL/SAR/SHL/SHR)', () => {
  const m = machine();
  const next = values(1);
  for (const w of WIDTHS) {
    for (const op of [SHL, SHR, SAR]) {
      for (let n = 0; n < 120; n++) {
        const v = next(), count = n < 70 ? n : Number(next() & 0xffn);
        const ref = refShift(op, w, v, count, 0);
        const r = run(m, byCl(op, w), { [RAX]: v, [RCX]: BigInt(count) }, IF);
        assert.equal(r.trap, null);
        const got = r.r(RAX);
        const mask = (1n << BigInt(w)) - 1n;
        if (ref === null) continue; // count 0: checked in its own test
        const label = `op /${op} w${w} v=${v.toString(16)} count=${count}`;
        assert.equal(got & mask, ref.res, label);
        if (w === 32) assert.equal(got >> 32n, 0n, `${label}: 32-bit result zero-extends`);
        if (w < 32) assert.equal(got >> BigInt(w), (v & 0xffffffffffffffffn) >> BigInt(w), `${label}: upper bits kept`);
        assert.equal(r.flags & CF, ref.cf ? CF : 0, `${label} CF`);
        assert.equal(r.flags & (SF | ZF | PF), szp(ref.res, w), `${label} SF/ZF/PF`);
        if (ref.of !== null) assert.equal(r.flags & OF, ref.of ? OF : 0, `${label} OF`);
      }
    }
  }
});

test('ROL/ROR/RCL/RCR: rotate through the width (RCL/RCR through CF, 8/16-bit counts modulo 9/17); only CF and OF change (SDM Vol. 2 RCL/RCR/ROL/ROR)', () => {
  const m = machine();
  const next = values(2);
  for (const w of WIDTHS) {
    for (const op of [ROL, ROR, RCL, RCR]) {
      for (let n = 0; n < 80; n++) {
        const v = next(), count = n < 40 ? n : Number(next() & 0x3fn);
        const flagsIn = (n & 1 ? CF : 0) | (n & 2 ? SF | ZF : 0) | (n & 4 ? AF | PF : 0) | IF;
        const ref = refShift(op, w, v, count, flagsIn & CF);
        const r = run(m, byCl(op, w), { [RAX]: v, [RCX]: BigInt(count) }, flagsIn);
        if (ref === null) continue;
        const label = `op /${op} w${w} v=${v.toString(16)} count=${count}`;
        assert.equal(r.r(RAX) & ((1n << BigInt(w)) - 1n), ref.res, label);
        assert.equal(r.flags & CF, ref.cf ? CF : 0, `${label} CF`);
        assert.equal(r.flags & (SF | ZF | AF | PF), flagsIn & (SF | ZF | AF | PF), `${label} other flags kept`);
        if (ref.of !== null) assert.equal(r.flags & OF, ref.of ? OF : 0, `${label} OF`);
      }
    }
  }
});

test('a masked count of 0 changes no flag, yet a 32-bit register destination is still written (bits 63:32 cleared; host-recorded)', () => {
  const m = machine();
  for (const op of [ROL, SHL, SAR]) {
    const flagsIn = CF | PF | AF | ZF | SF | OF | IF;
    // shl eax, cl with cl = 32: masked to 0.
    let r = run(m, byCl(op, 32), { [RAX]: 0xffffffff12345678n, [RCX]: 32n }, flagsIn);
    assert.equal(r.r(RAX), 0x12345678n);
    assert.equal(r.flags & STATUS, flagsIn & STATUS);
    // 64-bit and 16-bit forms leave the register alone.
    r = run(m, byCl(op, 64), { [RAX]: 0xffffffff12345678n, [RCX]: 64n }, flagsIn);
    assert.equal(r.r(RAX), 0xffffffff12345678n);
    r = run(m, byCl(op, 16), { [RAX]: 0xffffffff12345678n, [RCX]: 0n }, flagsIn);
    assert.equal(r.r(RAX), 0xffffffff12345678n);
    assert.equal(r.flags & STATUS, flagsIn & STATUS);
  }
});

// [code, rax, rcx, rdx, flags in] → [rax out (low 16 bits), flags out], recorded on the AMD host.
const HOST_AMD: [string, number[], bigint, bigint, bigint, number, bigint, number][] = [
  ['shl al,cl (count 7: OF = MSB(result) XOR CF, AF set)', [0xd2, 0xe0], 0x81n, 7n, 0n, IF, 0x80n, 0x890],
  ['shl al,cl (count 8: CF = old bit 0)', [0xd2, 0xe0], 0x81n, 8n, 0n, IF, 0x00n, 0x855],
  ['shl al,cl (count 9: past the width, CF 0)', [0xd2, 0xe0], 0x81n, 9n, 0n, IF, 0x00n, 0x54],
  ['shr al,cl (count 3)', [0xd2, 0xe8], 0x81n, 3n, 0n, IF, 0x10n, 0x10],
  ['sar al,cl (count 9: sign fills, CF = sign)', [0xd2, 0xf8], 0x81n, 9n, 0n, IF, 0xffn, 0x95],
  ['rol al,cl (count 3: OF = MSB XOR CF)', [0xd2, 0xc0], 0x81n, 3n, 0n, 0x8d5 | IF, 0x0cn, 0xd4],
  ['rcr al,cl (count 9 = 0 mod 9: OF = top two bits XOR)', [0xd2, 0xd8], 0x81n, 9n, 0n, CF | IF, 0x81n, 0x801],
  ['shld ax,dx,cl (count 16: OF = CF)', [0x66, 0x0f, 0xa5, 0xd0], 0x0001n, 16n, 0x8000n, IF, 0x8000n, 0x895],
  ['shld ax,dx,cl (count 17: source rotated in, CF 0)', [0x66, 0x0f, 0xa5, 0xd0], 0x1234n, 17n, 0xabcdn, IF, 0x579bn, 0x10],
  ['shld ax,dx,cl (count 31)', [0x66, 0x0f, 0xa5, 0xd0], 0x1234n, 31n, 0xabcdn, IF, 0xd5e6n, 0x90],
  ['shrd ax,dx,cl (count 18)', [0x66, 0x0f, 0xad, 0xd0], 0x1234n, 18n, 0xabcdn, IF, 0x6af3n, 0x814],
  ['shrd ax,dx,cl (count 31)', [0x66, 0x0f, 0xad, 0xd0], 0x1234n, 31n, 0xabcdn, IF, 0x579bn, 0x810],
];

test('flags the SDM leaves undefined (OF for counts > 1, AF, 16-bit SHLD/SHRD counts > 16) match the AMD host', () => {
  const m = machine('amd');
  for (const [name, code, rax, rcx, rdx, fin, out, fout] of HOST_AMD) {
    const r = run(m, code, { [RAX]: rax, [RCX]: rcx, [RDX]: rdx }, fin);
    assert.equal(r.r(RAX) & 0xffffn, out, name);
    assert.equal(r.flags & STATUS, fout, name);
  }
});

test('AF after a shift: set on AMD, clear on Intel (the vendor setting picks the undefined value)', () => {
  for (const [vendor, af] of [['amd', AF], ['intel', 0]] as const) {
    const r = run(machine(vendor), [0xd2, 0xe0], { [RAX]: 0x81n, [RCX]: 2n }, IF);
    assert.equal(r.flags & AF, af, vendor);
  }
});

test('SHLD/SHRD: bits shift in from the source, CF is the last bit out (SDM Vol. 2 SHLD, SHRD)', () => {
  const m = machine();
  const next = values(3);
  for (const w of [16, 32, 64]) {
    const mask = (1n << BigInt(w)) - 1n;
    for (let n = 0; n < 150; n++) {
      const d = next() & mask, s = next() & mask;
      const c = 1 + (n % (w === 16 ? 16 : w - 1));
      const pre = w === 16 ? [0x66] : w === 64 ? [0x48] : [];
      // shld eax, edx, cl / shrd eax, edx, cl
      let r = run(m, [...pre, 0x0f, 0xa5, 0xd0], { [RAX]: d, [RDX]: s, [RCX]: BigInt(c) });
      const wide = ((d << BigInt(w)) | s) << BigInt(c);
      assert.equal(r.r(RAX) & mask, (wide >> BigInt(w)) & mask, `shld w${w} c${c}`);
      assert.equal(r.flags & CF, Number((d >> BigInt(w - c)) & 1n) ? CF : 0, `shld CF w${w} c${c}`);
      r = run(m, [...pre, 0x0f, 0xad, 0xd0], { [RAX]: d, [RDX]: s, [RCX]: BigInt(c) });
      const both = (s << BigInt(w)) | d;
      assert.equal(r.r(RAX) & mask, (both >> BigInt(c)) & mask, `shrd w${w} c${c}`);
      assert.equal(r.flags & CF, Number((d >> BigInt(c - 1)) & 1n) ? CF : 0, `shrd CF w${w} c${c}`);
    }
  }
});

test('a shift of a read-only memory operand faults (#PF, write) with memory and flags unchanged', () => {
  const m = machine();
  const flagsIn = CF | ZF | IF;
  // shl dword [rbx], 1
  const r = run(m, [0xd1, 0x23], { [RBX]: BigInt(RO) }, flagsIn);
  assert.equal(r.trap?.vector, 14);
  assert.equal(r.trap?.errorCode, 0x7); // present, write, user
  assert.equal(r.flags & STATUS, flagsIn & STATUS);
});
