// CMPXCHG, CMPXCHG8B/16B and XADD (src/cpu/exec/atomic.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machine, run, put64, RAX, RCX, RDX, RBX, CF, ZF, SF, OF, PF, AF, IF, STATUS, DATA, RO } from './int-machine.js';

test('CMPXCHG: equal → ZF=1 and the destination takes the source; not equal → ZF=0 and the accumulator takes the destination; flags as CMP (SDM Vol. 2 CMPXCHG)', () => {
  const m = machine();
  // cmpxchg [rbx], rcx (64-bit)
  put64(m, DATA, 0x1234n);
  let r = run(m, [0xf0, 0x48, 0x0f, 0xb1, 0x0b], { [RBX]: BigInt(DATA), [RAX]: 0x1234n, [RCX]: 0x9999n });
  assert.equal(m.read64(DATA), 0x9999n);
  assert.equal(r.flags & (ZF | CF | SF | OF), ZF);
  r = run(m, [0xf0, 0x48, 0x0f, 0xb1, 0x0b], { [RBX]: BigInt(DATA), [RAX]: 0x1234n, [RCX]: 0x5555n });
  assert.equal(m.read64(DATA), 0x9999n);
  assert.equal(r.r(RAX), 0x9999n);
  // CMP 0x1234 - 0x9999: borrow, negative
  assert.equal(r.flags & (ZF | CF | SF), CF | SF);
  // cmpxchg cl, dl (byte form)
  r = run(m, [0x0f, 0xb0, 0xd1], { [RAX]: 0x77n, [RCX]: 0x1277n, [RDX]: 0x42n });
  assert.equal(r.r(RCX), 0x1242n);
});

test('CMPXCHG with a 32-bit register destination: the register not written is not zero-extended (host-recorded on AMD, as QEMU documents for Intel)', () => {
  const m = machine('amd');
  // cmpxchg ecx, edx: equal → ECX ← EDX (zero-extended), RAX untouched
  let r = run(m, [0x0f, 0xb1, 0xd1], { [RAX]: 0xffffffff00000005n, [RCX]: 0xffffffff00000005n, [RDX]: 0xffffffff00000009n });
  assert.equal(r.r(RCX), 9n);
  assert.equal(r.r(RAX), 0xffffffff00000005n);
  assert.equal(r.flags & STATUS, ZF | PF);
  // not equal → EAX ← ECX (zero-extended), RCX untouched
  r = run(m, [0x0f, 0xb1, 0xd1], { [RAX]: 0xffffffff00000005n, [RCX]: 0xffffffff00000006n, [RDX]: 0xffffffff00000009n });
  assert.equal(r.r(RAX), 6n);
  assert.equal(r.r(RCX), 0xffffffff00000006n);
  assert.equal(r.flags & STATUS, SF | AF | PF | CF);
});

test('CMPXCHG always writes a memory destination: a read-only page faults even when the comparison fails, leaving RAX and the flags alone', () => {
  const m = machine();
  const r = run(m, [0x0f, 0xb1, 0x0b], { [RBX]: BigInt(RO), [RAX]: 0x1n }, CF | IF);
  assert.equal(r.trap?.vector, 14);
  assert.equal(r.trap?.errorCode, 7);
  assert.equal(r.r(RAX), 1n);
  assert.equal(r.flags & STATUS, CF);
});

test('XADD: TEMP ← SRC + DEST; SRC ← DEST; DEST ← TEMP, flags as ADD; with one register for both, the sum wins (SDM Vol. 2 XADD)', () => {
  const m = machine();
  put64(m, DATA, 0x7fffffffffffffffn);
  // lock xadd [rbx], rcx
  let r = run(m, [0xf0, 0x48, 0x0f, 0xc1, 0x0b], { [RBX]: BigInt(DATA), [RCX]: 1n });
  assert.equal(m.read64(DATA), 0x8000000000000000n);
  assert.equal(r.r(RCX), 0x7fffffffffffffffn);
  assert.equal(r.flags & (OF | SF | CF | ZF), OF | SF);
  // xadd ecx, ecx
  r = run(m, [0x0f, 0xc1, 0xc9], { [RCX]: 0xffffffff00000003n });
  assert.equal(r.r(RCX), 6n);
  // xadd on a read-only page: #PF, flags unchanged
  r = run(m, [0x0f, 0xc1, 0x0b], { [RBX]: BigInt(RO), [RCX]: 1n }, ZF | IF);
  assert.equal(r.trap?.vector, 14);
  assert.equal(r.flags & STATUS, ZF);
});

test('CMPXCHG8B/16B compare EDX:EAX (RDX:RAX) with memory and store ECX:EBX (RCX:RBX) or load; only ZF changes (SDM Vol. 2 CMPXCHG8B/CMPXCHG16B)', () => {
  const m = machine();
  put64(m, DATA, 0x1111111122222222n);
  // cmpxchg8b [rsi] (0f c7 0e), equal
  let r = run(m, [0x0f, 0xc7, 0x0e], { 6: BigInt(DATA), [RAX]: 0x22222222n, [RDX]: 0x11111111n, [RBX]: 0xbbbbn, [RCX]: 0xccccn }, CF | SF | IF);
  assert.equal(m.read64(DATA), 0x0000cccc0000bbbbn);
  assert.equal(r.flags & STATUS, ZF | CF | SF);
  // not equal: EDX:EAX loaded (zero-extended)
  r = run(m, [0x0f, 0xc7, 0x0e], { 6: BigInt(DATA), [RAX]: 0xffffffff00000000n, [RDX]: 0xffffffff00000000n }, ZF | IF);
  assert.equal(r.r(RAX), 0xbbbbn);
  assert.equal(r.r(RDX), 0xccccn);
  assert.equal(r.flags & STATUS, 0);
  // cmpxchg16b [rsi] (48 0f c7 0e)
  const a16 = DATA + 0x40;
  put64(m, a16, 5n); put64(m, a16 + 8, 6n);
  r = run(m, [0x48, 0x0f, 0xc7, 0x0e], { 6: BigInt(a16), [RAX]: 5n, [RDX]: 6n, [RBX]: 7n, [RCX]: 8n });
  assert.equal(m.read64(a16), 7n);
  assert.equal(m.read64(a16 + 8), 8n);
  assert.equal(r.flags & ZF, ZF);
  r = run(m, [0x48, 0x0f, 0xc7, 0x0e], { 6: BigInt(a16), [RAX]: 0n, [RDX]: 0n });
  assert.equal(r.r(RAX), 7n);
  assert.equal(r.r(RDX), 8n);
  assert.equal(r.flags & ZF, 0);
});

test('CMPXCHG16B needs a 16-byte aligned operand (#GP(0)); the register forms and LOCK on a register operand are #UD', () => {
  const m = machine();
  let r = run(m, [0x48, 0x0f, 0xc7, 0x0e], { 6: BigInt(DATA + 8) });
  assert.equal(r.trap?.vector, 13);
  assert.equal(r.trap?.errorCode, 0);
  r = run(m, [0x0f, 0xc7, 0xc9]); // cmpxchg8b with mod = 3
  assert.equal(r.trap?.vector, 6);
  r = run(m, [0xf0, 0x0f, 0xb1, 0xd1]); // lock cmpxchg ecx, edx
  assert.equal(r.trap?.vector, 6);
});
