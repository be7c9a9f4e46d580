// MUL, IMUL, DIV, IDIV (src/cpu/exec/muldiv.ts): full-width products and quotients checked
// against BigInt arithmetic (the handlers use 16/32-bit limbs), #DE rules, and the undefined
// flags recorded from the AMD host.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machine, run, values, le32, RAX, RCX, RDX, CF, PF, AF, ZF, SF, OF, IF, STATUS } from './int-machine.js';

const WIDTHS = [8, 16, 32, 64] as const;
const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;
const signed = (v: bigint, w: number): bigint => BigInt.asIntN(w, v);

/** `op rcx-sized operand` for group 3 /op with ModRM rm = CL/CX/ECX/RCX. */
function grp3(op: number, w: number): number[] {
  const modrm = 0xc0 | (op << 3) | 1;
  return w === 8 ? [0xf6, modrm] : w === 16 ? [0x66, 0xf7, modrm] : w === 32 ? [0xf7, modrm] : [0x48, 0xf7, modrm];
}
/** The double-width accumulator pair as one value: AX, DX:AX, EDX:EAX, RDX:RAX. */
function pair(w: number, rax: bigint, rdx: bigint): bigint {
  return w === 8 ? rax & 0xffffn : ((rdx & mask(w)) << BigInt(w)) | (rax & mask(w));
}

test('MUL and one-operand IMUL: the double-width product in (E/R)DX:(E/R)AX, CF = OF = upper half significant (SDM Vol. 2 MUL, IMUL)', () => {
  const m = machine();
  const next = values(11);
  for (const w of WIDTHS) {
    for (let n = 0; n < 300; n++) {
      const a = next(), b = next();
      for (const [op, sgn] of [[4, false], [5, true]] as const) {
        const r = run(m, grp3(op, w), { [RAX]: a, [RCX]: b, [RDX]: 0x5555n });
        assert.equal(r.trap, null);
        const x = sgn ? signed(a & mask(w), w) : a & mask(w), y = sgn ? signed(b & mask(w), w) : b & mask(w);
        const p = BigInt.asUintN(2 * w, x * y);
        const label = `${sgn ? 'imul' : 'mul'} w${w} ${a.toString(16)} * ${b.toString(16)}`;
        assert.equal(pair(w, r.r(RAX), r.r(RDX)), p, label);
        const fits = sgn ? signed(p, 2 * w) === signed(p & mask(w), w) : p >> BigInt(w) === 0n;
        assert.equal(r.flags & (CF | OF), fits ? 0 : CF | OF, `${label} CF/OF`);
        if (w === 32) assert.equal(r.r(RAX) >> 32n, 0n, `${label}: EAX zero-extends`);
      }
    }
  }
});

test('IMUL r, r/m and IMUL r, r/m, imm: the truncated product, CF = OF = it did not fit (SDM Vol. 2 IMUL)', () => {
  const m = machine();
  const next = values(12);
  for (const w of [16, 32, 64]) {
    const pre = w === 16 ? [0x66] : w === 64 ? [0x48] : [];
    for (let n = 0; n < 300; n++) {
      const a = next(), b = next();
      const imm = Number(next() & 0xffffffffn) | 0;
      const x16 = (v: number): bigint => BigInt((v << 16) >> 16);
      // [encoding, multiplicand, multiplier]: 0F AF multiplies EAX by ECX; 6B/69 multiply ECX by the immediate.
      const cases: [number[], bigint, bigint][] = [
        [[...pre, 0x0f, 0xaf, 0xc1], signed(a & mask(w), w), signed(b & mask(w), w)],
        [[...pre, 0x6b, 0xc1, imm & 0xff], signed(b & mask(w), w), BigInt((imm << 24) >> 24)],
        [[...pre, 0x69, 0xc1, ...(w === 16 ? le32(imm).slice(0, 2) : le32(imm))], signed(b & mask(w), w), w === 16 ? x16(imm) : BigInt(imm)],
      ];
      for (const [code, x, y] of cases) {
        const r = run(m, code, { [RAX]: a, [RCX]: b });
        const full = x * y;
        const label = `imul w${w} ${code.map((c) => c.toString(16)).join(' ')}: ${x} * ${y}`;
        assert.equal(r.r(RAX) & mask(w), BigInt.asUintN(w, full), label);
        assert.equal(r.flags & (CF | OF), signed(BigInt.asUintN(w, full), w) === full ? 0 : CF | OF, `${label} CF/OF`);
      }
    }
  }
});

test('DIV and IDIV: quotient and remainder, IDIV truncating toward zero with the remainder taking the dividend sign (SDM Vol. 2 DIV, IDIV)', () => {
  const m = machine();
  const next = values(13);
  let done = 0;
  for (const w of WIDTHS) {
    for (let n = 0; n < 400; n++) {
      for (const [op, sgn] of [[6, false], [7, true]] as const) {
        const d = next() & mask(w);
        if (d === 0n) continue;
        // A dividend whose quotient fits: small high half most of the time.
        let lo = next(), hi = n % 3 === 0 ? next() : 0n;
        if (sgn && n % 2 === 1) { hi = mask(64); lo |= 1n << 63n; }
        const rax = lo, rdx = hi;
        const dividend = w === 8 ? rax & 0xffffn : pair(w, rax, rdx);
        const x = sgn ? signed(dividend, 2 * w) : dividend, y = sgn ? signed(d, w) : d;
        const q = x / y, rem = x % y; // BigInt division truncates toward zero, like IDIV
        const fits = sgn ? q >= -(1n << BigInt(w - 1)) && q < 1n << BigInt(w - 1) : q <= mask(w);
        const r = run(m, grp3(op, w), { [RAX]: rax, [RCX]: d, [RDX]: rdx });
        const label = `${sgn ? 'idiv' : 'div'} w${w} ${x} / ${y}`;
        if (!fits) {
          assert.equal(r.trap?.vector, 0, `${label}: #DE`);
          continue;
        }
        assert.equal(r.trap, null, label);
        done++;
        if (w === 8) {
          assert.equal(r.r(RAX) & 0xffn, BigInt.asUintN(8, q), `${label} AL`);
          assert.equal((r.r(RAX) >> 8n) & 0xffn, BigInt.asUintN(8, rem), `${label} AH`);
        } else {
          assert.equal(r.r(RAX) & mask(w), BigInt.asUintN(w, q), `${label} quotient`);
          assert.equal(r.r(RDX) & mask(w), BigInt.asUintN(w, rem), `${label} remainder`);
        }
      }
    }
  }
  assert.ok(done > 1000, `enough non-faulting divisions (${done})`);
});

test('DIV/IDIV raise #DE (no error code) on a zero divisor and when the quotient does not fit, with no register changed and RIP at the instruction (SDM Vol. 2 DIV)', () => {
  const m = machine();
  const cases: [string, number[], bigint, bigint, bigint][] = [
    ['div ecx by 0', [0xf7, 0xf1], 7n, 0n, 0n],
    ['div ecx: EDX >= divisor', [0xf7, 0xf1], 0n, 5n, 5n],
    ['div rcx: RDX >= divisor', [0x48, 0xf7, 0xf1], 0n, 0x100000000n, 0x100000000n],
    ['div cl: AX / CL > 255', [0xf6, 0xf1], 0x1234n, 0x12n, 0n],
    ['idiv ecx: INT_MIN / -1', [0xf7, 0xf9], 0x80000000n, 0xffffffffn, 0xffffffffn],
    ['idiv rcx: INT64_MIN / -1', [0x48, 0xf7, 0xf9], 1n << 63n, mask(64), mask(64)],
    ['idiv cl: 128 / 1', [0xf6, 0xf9], 0x80n, 1n, 0n],
  ];
  for (const [name, code, rax, rcx, rdx] of cases) {
    const flagsIn = CF | ZF | IF;
    const r = run(m, code, { [RAX]: rax, [RCX]: rcx, [RDX]: rdx }, flagsIn);
    assert.equal(r.trap?.vector, 0, name);
    assert.equal(r.trap?.errorCode, -1, `${name}: #DE pushes no error code`);
    assert.equal(r.trap?.rip, 0x400000, `${name}: RIP at the instruction`);
    assert.equal(r.r(RAX), rax, name);
    assert.equal(r.r(RDX), rdx, name);
    assert.equal(r.flags & STATUS, flagsIn & STATUS, name);
  }
});

test('undefined flags: AMD keeps SF/ZF/AF/PF across MUL/IMUL and sets AF, clears SF/ZF/PF, keeps CF/OF across DIV (host-recorded); Intel derives SF/ZF/PF from the result', () => {
  const all = CF | PF | AF | ZF | SF | OF | IF;
  const amd = machine('amd');
  // mul cl with AL=3, CL=5 (host: flags 0x202 -> 0x000, 0xad7 -> 0x0d4)
  assert.equal(run(amd, [0xf6, 0xe1], { [RAX]: 3n, [RCX]: 5n }, IF).flags & STATUS, 0);
  assert.equal(run(amd, [0xf6, 0xe1], { [RAX]: 3n, [RCX]: 5n }, all).flags & STATUS, 0xd4);
  // imul eax, ecx with 7 * -1 (host: 0xad7 -> 0x0d4)
  assert.equal(run(amd, [0x0f, 0xaf, 0xc1], { [RAX]: 7n, [RCX]: 0xffffffffn }, all).flags & STATUS, 0xd4);
  // div ecx 7/2 (host: 0x202 -> 0x010, 0xa02 -> 0x810, 0xad7 -> 0x811)
  assert.equal(run(amd, [0xf7, 0xf1], { [RAX]: 7n, [RCX]: 2n }, IF).flags & STATUS, 0x10);
  assert.equal(run(amd, [0xf7, 0xf1], { [RAX]: 7n, [RCX]: 2n }, OF | IF).flags & STATUS, 0x810);
  assert.equal(run(amd, [0xf7, 0xf1], { [RAX]: 7n, [RCX]: 2n }, all).flags & STATUS, 0x811);
  const intel = machine('intel');
  // imul eax, ecx = -7: SF set from the truncated result (SDM: "SF is updated according to the
  // most significant bit of the operand-size-truncated result").
  const r = run(intel, [0x0f, 0xaf, 0xc1], { [RAX]: 7n, [RCX]: 0xffffffffn }, IF);
  assert.equal(r.flags & (SF | ZF | CF | OF), SF);
});
