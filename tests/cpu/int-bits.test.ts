// Bit instructions (src/cpu/exec/bits.ts): BT* with register and immediate offsets, BSF/BSR,
// LZCNT, POPCNT, BSWAP, MOVBE, and the CPUID bits that go with them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machine, run, values, RAX, RCX, RDX, RBX, CF, PF, AF, ZF, SF, OF, IF, STATUS, DATA } from './int-machine.js';
import { cpuid } from '../../src/cpu/cpuid.js';

const mask = (w: number): bigint => (1n << BigInt(w)) - 1n;

test('BT/BTS/BTR/BTC with a register offset into memory address the unit at ea + osz·floor(offset/width), negative offsets included (SDM Vol. 2 BT "bit offset operand")', () => {
  const m = machine();
  const base = DATA + 0x1000;
  for (const [w, pre] of [[16, [0x66]], [32, []], [64, [0x48]]] as [number, number[]][]) {
    for (const off of [0, 5, w - 1, w, 3 * w + 7, -1, -w, -3 * w - 2, 1000, -1000]) {
      for (const [opc, kind] of [[0xa3, 'bt'], [0xab, 'bts'], [0xb3, 'btr'], [0xbb, 'btc']] as const) {
        // Fill the data around base with a known pattern.
        for (let k = -200; k < 200; k++) m.write8(base + k, (k * 37 + 11) & 0xff);
        const byteAddr = base + Math.floor(off / 8);
        const before = m.read8(byteAddr);
        const bit = ((off % 8) + 8) % 8;
        // bt [rbx], rcx (ModRM 00 001 011)
        const r = run(m, [...pre, 0x0f, opc, 0x0b], { [RBX]: BigInt(base), [RCX]: BigInt.asUintN(64, BigInt(off)) });
        assert.equal(r.trap, null);
        const label = `${kind} w${w} offset ${off}`;
        assert.equal(r.flags & CF, (before >> bit) & 1 ? CF : 0, label);
        const after = m.read8(byteAddr);
        const expect = kind === 'bt' ? before : kind === 'bts' ? before | (1 << bit) : kind === 'btr' ? before & ~(1 << bit) : before ^ (1 << bit);
        assert.equal(after, expect, `${label}: memory`);
        // The unit accessed is operand-sized and aligned to the operand size relative to ea:
        // nothing outside it changes.
        const unit = base + Math.floor(off / w) * (w / 8);
        for (let k = unit - 2; k < unit + w / 8 + 2; k++) {
          if (k !== byteAddr) assert.equal(m.read8(k), ((k - base) * 37 + 11) & 0xff, `${label}: byte ${k - base}`);
        }
      }
    }
  }
});

test('BT with a register operand or an immediate takes the offset modulo the width; only CF changes (host-recorded: other flags kept)', () => {
  const m = machine();
  const next = values(21);
  for (let n = 0; n < 200; n++) {
    const v = next(), off = Number(next() & 0xffn);
    const flagsIn = (n & 1 ? SF | ZF : 0) | (n & 2 ? OF | AF | PF : 0) | IF;
    // btc rax, rcx / bts eax, imm8
    let r = run(m, [0x48, 0x0f, 0xbb, 0xc8], { [RAX]: v, [RCX]: BigInt(off) }, flagsIn);
    assert.equal(r.r(RAX), v ^ (1n << BigInt(off & 63)));
    assert.equal(r.flags & CF, (v >> BigInt(off & 63)) & 1n ? CF : 0);
    assert.equal(r.flags & (STATUS & ~CF), flagsIn & (STATUS & ~CF));
    r = run(m, [0x0f, 0xba, 0xe8, off], { [RAX]: v }, flagsIn);
    assert.equal(r.r(RAX), (v & mask(32)) | (1n << BigInt(off & 31)), 'bts eax, imm8 (zero-extends)');
  }
});

test('BSF/BSR: index of the lowest/highest set bit; a zero source sets ZF and leaves the destination untouched, even its upper half (SDM Vol. 2 BSF; host-recorded)', () => {
  const m = machine('amd');
  const next = values(22);
  for (let n = 0; n < 300; n++) {
    const v = next();
    for (const [w, pre] of [[16, [0x66]], [32, []], [64, [0x48]]] as [number, number[]][]) {
      const src = v & mask(w);
      for (const fwd of [true, false]) {
        const r = run(m, [...pre, 0x0f, fwd ? 0xbc : 0xbd, 0xc1], { [RAX]: 0xdeadbeefcafef00dn, [RCX]: v });
        if (src === 0n) {
          assert.equal(r.r(RAX), 0xdeadbeefcafef00dn);
          assert.equal(r.flags & STATUS, ZF | PF);
          continue;
        }
        let idx = 0;
        if (fwd) { while (((src >> BigInt(idx)) & 1n) === 0n) idx++; } else { idx = w - 1; while (((src >> BigInt(idx)) & 1n) === 0n) idx--; }
        const got = r.r(RAX);
        if (w === 16) assert.equal(got, 0xdeadbeefcafe0000n | BigInt(idx));
        else assert.equal(got, BigInt(idx));
        // Undefined flags, as the AMD host reports them: all clear but PF (parity of the index).
        let ones = 0; for (let b = idx; b; b >>= 1) ones += b & 1;
        assert.equal(r.flags & STATUS, ones % 2 === 0 ? PF : 0);
      }
    }
  }
});

test('LZCNT counts leading zeros (CF: source 0, ZF: result 0); POPCNT counts ones (ZF: source 0, other flags clear) (SDM Vol. 2 LZCNT, POPCNT)', () => {
  const m = machine();
  const next = values(23);
  for (let n = 0; n < 300; n++) {
    const v = next();
    for (const [w, pre] of [[16, [0x66]], [32, []], [64, [0x48]]] as [number, number[]][]) {
      const src = v & mask(w);
      let lz = 0; while (lz < w && ((src >> BigInt(w - 1 - lz)) & 1n) === 0n) lz++;
      // f3 0f bd c1: lzcnt eax, ecx (the F3 goes before 66/REX)
      let r = run(m, [0xf3, ...pre, 0x0f, 0xbd, 0xc1], { [RCX]: v }, OF | IF);
      assert.equal(r.r(RAX) & mask(w), BigInt(lz), `lzcnt w${w} ${src.toString(16)}`);
      assert.equal(r.flags & (CF | ZF), (src === 0n ? CF : 0) | (lz === 0 ? ZF : 0));
      let pc = 0; for (let b = src; b; b >>= 1n) pc += Number(b & 1n);
      r = run(m, [0xf3, ...pre, 0x0f, 0xb8, 0xc1], { [RCX]: v }, STATUS | IF);
      assert.equal(r.r(RAX) & mask(w), BigInt(pc), `popcnt w${w}`);
      assert.equal(r.flags & STATUS, src === 0n ? ZF : 0);
    }
  }
  // POPCNT without F3 is not an instruction (0F B8 was JMPE, IA-64 only).
  assert.equal(run(m, [0x0f, 0xb8, 0xc1]).trap?.vector, 6);
});

test('CPUID is consistent with the bit instructions: POPCNT, MOVBE and LZCNT advertised; BMI1 not, so F3 0F BC (TZCNT) executes as BSF', () => {
  for (const vendor of ['intel', 'amd'] as const) {
    const [, , ecx1] = cpuid(vendor, 1, 0);
    const [, ebx7] = cpuid(vendor, 7, 0);
    const [, , ecxExt] = cpuid(vendor, 0x80000001, 0);
    assert.equal((ecx1 >>> 23) & 1, 1, 'POPCNT');
    assert.equal((ecx1 >>> 22) & 1, 1, 'MOVBE');
    assert.equal((ecx1 >>> 13) & 1, 1, 'CX16');
    assert.equal((ecxExt >>> 5) & 1, 1, 'ABM/LZCNT');
    assert.equal((ebx7 >>> 3) & 1, 0, 'BMI1');
  }
  const m = machine();
  // rep bsf eax, ecx with ECX = 0: BSF semantics (destination kept, ZF set), not TZCNT's (32, CF).
  const r = run(m, [0xf3, 0x0f, 0xbc, 0xc1], { [RAX]: 77n, [RCX]: 0n });
  assert.equal(r.r(RAX), 77n);
  assert.equal(r.flags & (ZF | CF), ZF);
  assert.equal(run(m, [0xf3, 0x0f, 0xbc, 0xc1], { [RCX]: 0x50n }).r(RAX), 4n);
});

test('BSWAP reverses bytes (32-bit zero-extends; the undefined 16-bit form clears the low word, host-recorded); MOVBE loads and stores byte-swapped (SDM Vol. 2 BSWAP, MOVBE)', () => {
  const m = machine();
  assert.equal(run(m, [0x0f, 0xc8], { [RAX]: 0x1122334455667788n }).r(RAX), 0x88776655n);
  assert.equal(run(m, [0x48, 0x0f, 0xc8], { [RAX]: 0x1122334455667788n }).r(RAX), 0x8877665544332211n);
  assert.equal(run(m, [0x41, 0x0f, 0xc9], { 9: 0x1122334455667788n }).r(9), 0x88776655n);
  assert.equal(run(m, [0x66, 0x0f, 0xc8], { [RAX]: 0x12345678n }).r(RAX), 0x12340000n);
  // movbe rdx, [rbx] ; movbe [rbx+8], edx ; movbe ax, [rbx]
  m.writeBytes(DATA, [1, 2, 3, 4, 5, 6, 7, 8]);
  let r = run(m, [0x48, 0x0f, 0x38, 0xf0, 0x13], { [RBX]: BigInt(DATA) });
  assert.equal(r.r(RDX), 0x0102030405060708n);
  r = run(m, [0x0f, 0x38, 0xf1, 0x53, 0x08], { [RBX]: BigInt(DATA), [RDX]: 0xaabbccddn });
  assert.deepEqual([...m.readBytes(DATA + 8, 4)], [0xaa, 0xbb, 0xcc, 0xdd]);
  r = run(m, [0x66, 0x0f, 0x38, 0xf0, 0x03], { [RBX]: BigInt(DATA), [RAX]: 0xffffffffffffffffn });
  assert.equal(r.r(RAX), 0xffffffffffff0102n);
  // MOVBE has no register form.
  assert.equal(run(m, [0x0f, 0x38, 0xf0, 0xc1]).trap?.vector, 6);
});
