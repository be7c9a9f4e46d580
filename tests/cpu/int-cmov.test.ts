// CMOVcc and SETcc (src/cpu/exec/cmov.ts): the 16 conditions, the zero-extension rule and the
// unconditional read of a memory source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machine, run, values, RAX, RCX, RDX, RBX, CF, PF, ZF, SF, OF, IF, RO } from './int-machine.js';

/** The condition table of SDM Vol. 1 Appendix B, on an RFLAGS value. */
function holds(cc: number, f: number): boolean {
  const cf = (f & CF) !== 0, zf = (f & ZF) !== 0, sf = (f & SF) !== 0, of = (f & OF) !== 0, pf = (f & PF) !== 0;
  const base = [of, cf, zf, cf || zf, sf, pf, sf !== of, zf || sf !== of][cc >> 1];
  return cc & 1 ? !base : base;
}

test('SETcc writes 1 or 0 to a byte for each of the 16 conditions, from any combination of CF/PF/ZF/SF/OF (SDM Vol. 1 App. B, Vol. 2 SETcc)', () => {
  const m = machine();
  for (let k = 0; k < 32; k++) {
    const f = (k & 1 ? CF : 0) | (k & 2 ? PF : 0) | (k & 4 ? ZF : 0) | (k & 8 ? SF : 0) | (k & 16 ? OF : 0) | IF;
    for (let cc = 0; cc < 16; cc++) {
      // setcc dl ; setcc ah (a high-byte register)
      const r = run(m, [0x0f, 0x90 + cc, 0xc2, 0x0f, 0x90 + cc, 0xc4], { [RDX]: 0xffffn, [RAX]: 0xffffn }, f);
      const want = holds(cc, f) ? 1n : 0n;
      assert.equal(r.r(RDX), 0xff00n | want, `set${cc} flags ${f.toString(16)}`);
      assert.equal(r.r(RAX), 0x00ffn | (want << 8n), `set${cc} ah`);
    }
  }
});

test('conditions after CMP agree with signed and unsigned comparison of the operands (SETcc after CMP r64 and r32)', () => {
  const m = machine();
  const next = values(31);
  for (let n = 0; n < 150; n++) {
    const a = next(), b = n % 5 === 0 ? a : next();
    for (const w of [32, 64]) {
      const msk = (1n << BigInt(w)) - 1n;
      const ua = a & msk, ub = b & msk, sa = BigInt.asIntN(w, ua), sb = BigInt.asIntN(w, ub);
      const rel = [null, null, ua < ub, ua >= ub, ua === ub, ua !== ub, ua <= ub, ua > ub, null, null, null, null, sa < sb, sa >= sb, sa <= sb, sa > sb];
      for (let cc = 2; cc < 16; cc++) {
        if (rel[cc] === null) continue;
        // cmp rax, rcx (or eax, ecx) ; setcc dl
        const code = [...(w === 64 ? [0x48] : []), 0x39, 0xc8, 0x0f, 0x90 + cc, 0xc2];
        const r = run(m, code, { [RAX]: a, [RCX]: b });
        assert.equal(r.r(RDX), rel[cc] ? 1n : 0n, `cc ${cc} w${w} ${ua.toString(16)} vs ${ub.toString(16)}`);
      }
    }
  }
});

test('CMOVcc moves when the condition holds; a 32-bit destination is zero-extended even when it does not; 16-bit is left alone (SDM Vol. 2 CMOVcc)', () => {
  const m = machine();
  const old = 0xaaaaaaaabbbbbbbbn, src = 0x1111111122222222n;
  for (let cc = 0; cc < 16; cc++) {
    for (const f of [IF, CF | ZF | IF, SF | IF, OF | PF | IF]) {
      const t = holds(cc, f);
      let r = run(m, [0x48, 0x0f, 0x40 + cc, 0xc1], { [RAX]: old, [RCX]: src }, f);
      assert.equal(r.r(RAX), t ? src : old, `cmov${cc} r64`);
      r = run(m, [0x0f, 0x40 + cc, 0xc1], { [RAX]: old, [RCX]: src }, f);
      assert.equal(r.r(RAX), t ? 0x22222222n : 0xbbbbbbbbn, `cmov${cc} r32`);
      r = run(m, [0x66, 0x0f, 0x40 + cc, 0xc1], { [RAX]: old, [RCX]: src }, f);
      assert.equal(r.r(RAX), t ? 0xaaaaaaaabbbb2222n : old, `cmov${cc} r16`);
      assert.equal(r.flags & (CF | ZF | SF | OF | PF), f & (CF | ZF | SF | OF | PF), 'no flag changes');
    }
  }
});

test('CMOVcc reads its memory source even when the condition is false: an unmapped source faults (SDM Vol. 2 CMOVcc: "the source operand is always read")', () => {
  const m = machine();
  // cmovz eax, [rbx] with ZF clear, rbx unmapped
  const r = run(m, [0x0f, 0x44, 0x03], { [RBX]: 0x900000n }, IF);
  assert.equal(r.trap?.vector, 14);
  // ... and from a readable (read-only) page it completes without writing anything.
  const ok = run(m, [0x0f, 0x44, 0x03], { [RBX]: BigInt(RO), [RAX]: 5n }, IF);
  assert.equal(ok.trap, null);
  assert.equal(ok.r(RAX), 5n);
});
