// SSE state and the behaviour around the instructions that the host fixture (sse-fixture.test.ts)
// cannot show: FXSAVE/FXRSTOR images against an image the host CPU wrote, #XM versus #UD by
// CR4.OSXMMEXCPT, the MMX encodings this CPU leaves out, page-crossing stores that fault,
// MASKMOVDQU, compatibility mode, and CPUID.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TestMachine } from '../harness/machine.js';
import { cpuid } from '../../src/cpu/cpuid.js';
import { CR4_OSXMMEXCPT } from '../../src/cpu/regs.js';
import { getFlags } from '../../src/cpu/flags.js';

const CODE = 0x400000, DATA = 0x600000;
const GP = 13, UD = 6, PF = 14, XM = 19;

function machine(): TestMachine {
  const m = new TestMachine();
  m.map(CODE, 0x2000, { write: false, user: true, exec: true });
  m.map(DATA, 0x2000, { write: true, user: true, exec: false });
  m.enterUser();
  return m;
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
function setRdx(m: TestMachine, v: number): void { m.cpu.setRegNum(2, v); }

// Written by `fxsave64` / `fxsave` on the host (AMD EPYC) after: xmm0-15 ← bytes (7i+3) mod 256,
// MXCSR ← 0x3FA5, FNINIT, FLDCW 0x027F, FLDPI, FLD1, FLDZ, FCHS. The host's MXCSR_MASK field
// reads 0x0002FFFF (AMD's misaligned-SSE bit 17); this CPU models Intel's 0x0000FFFF, so bytes
// 28-31 are patched below. FIP/FDP/FOP are zero on the host (no x87 exception pending).
const HOST_FXSAVE64 =
  '7f020028e000000000000000000000000000000000000000a53f0000ffff0200' +
  '000000000000000000800000000000000000000000000080ff3f000000000000' +
  '35c26821a2da0fc9004000000000000000000000000000000000000000000000' +
  '0000000000000000000000000000000000000000000000000000000000000000' +
  '0000000000000000000000000000000000000000000000000000000000000000' +
  '030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc' +
  'e3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bc' +
  'c3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959c' +
  'a3aab1b8bfc6cdd4dbe2e9f0f7fe050c131a21282f363d444b525960676e757c' +
  '838a91989fa6adb4bbc2c9d0d7dee5ecf3fa01080f161d242b323940474e555c' +
  '636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff6fd040b121920272e353c' +
  '434a51585f666d747b828990979ea5acb3bac1c8cfd6dde4ebf2f900070e151c' +
  '232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc';
const INTEL_IMAGE = HOST_FXSAVE64.slice(0, 56) + 'ffff0000' + HOST_FXSAVE64.slice(64);

/** Put the machine in the state the host image was taken in, through the cpu.ts fields. */
function hostState(m: TestMachine): void {
  const cpu = m.cpu;
  for (let k = 0; k < 256; k++) {
    const v = (k * 7 + 3) & 0xff;
    const lane = k >> 2, sh = (k & 3) * 8;
    cpu.xmm[lane] = (cpu.xmm[lane] & ~(0xff << sh)) | (v << sh);
  }
  cpu.mxcsr = 0x3fa5;
  cpu.fpCw = 0x27f;
  cpu.fpSw = 0;
  cpu.fpTop = 5;
  cpu.fpTag = 0xe0; // physical registers 5, 6, 7
  cpu.fpOp = 0; cpu.fpIp = 0; cpu.fpDp = 0;
  // ST(0) = -0.0 (physical 5), ST(1) = 1.0 (6), ST(2) = π (7).
  cpu.fpMant[10] = 0; cpu.fpMant[11] = 0; cpu.fpExp[5] = 0x8000;
  cpu.fpMant[12] = 0; cpu.fpMant[13] = 0x80000000; cpu.fpExp[6] = 0x3fff;
  cpu.fpMant[14] = 0x2168c235; cpu.fpMant[15] = 0xc90fdaa2; cpu.fpExp[7] = 0x4000;
}

test('FXSAVE64 writes the image the host writes (SDM Vol. 1 Table 10-2), leaving bytes 416-511 alone', () => {
  const m = machine();
  hostState(m);
  m.writeBytes(DATA, new Uint8Array(512).fill(0xaa));
  setRdx(m, DATA);
  assert.equal(m.run(CODE, [0x48, 0x0f, 0xae, 0x02]), null); // fxsave64 [rdx]
  const img = m.readBytes(DATA, 512);
  assert.equal(hex(img.subarray(0, 416)), INTEL_IMAGE);
  assert.ok(img.subarray(416).every((b) => b === 0xaa));
});

test('FXSAVE without REX.W: the 32-bit FIP/FCS/FDP/FDS layout, same register areas', () => {
  const m = machine();
  hostState(m);
  m.cpu.fpIp = 0x12345678; m.cpu.fpDp = 0x9abcdef0;
  setRdx(m, DATA);
  assert.equal(m.run(CODE, [0x0f, 0xae, 0x02]), null); // fxsave [rdx]
  const img = m.readBytes(DATA, 416);
  const dv = new DataView(img.buffer);
  assert.equal(dv.getUint32(8, true), 0x12345678);
  assert.equal(dv.getUint16(12, true), 0); // FCS (not modelled)
  assert.equal(dv.getUint32(16, true), 0x9abcdef0);
  assert.equal(hex(img.subarray(24, 416)), INTEL_IMAGE.slice(48, 832));
});

test('FXRSTOR64 of the host image restores the x87, MXCSR and xmm fields; FXSAVE64 gives it back', () => {
  const m = machine();
  m.writeBytes(DATA, Buffer.from(INTEL_IMAGE, 'hex'));
  setRdx(m, DATA);
  assert.equal(m.run(CODE, [0x48, 0x0f, 0xae, 0x0a]), null); // fxrstor64 [rdx]
  const cpu = m.cpu;
  assert.equal(cpu.fpCw, 0x27f);
  assert.equal(cpu.fpTop, 5);
  assert.equal(cpu.fpSw & 0x3800, 0);
  assert.equal(cpu.fpTag, 0xe0);
  assert.equal(cpu.mxcsr, 0x3fa5);
  assert.deepEqual([cpu.fpMant[14], cpu.fpMant[15], cpu.fpExp[7]], [0x2168c235, 0xc90fdaa2, 0x4000]);
  assert.equal(cpu.fpExp[5], 0x8000);
  assert.equal(cpu.xmm[63] >>> 0, 0xfcf5eee7);
  setRdx(m, DATA + 512);
  assert.equal(m.run(CODE, [0x48, 0x0f, 0xae, 0x02]), null);
  assert.equal(hex(m.readBytes(DATA + 512, 416)), INTEL_IMAGE);
});

test('FXSAVE/FXRSTOR: #GP(0) on a misaligned operand; FXRSTOR with reserved MXCSR bits: #GP(0), nothing loaded', () => {
  const m = machine();
  setRdx(m, DATA + 8);
  assert.equal(m.run(CODE, [0x48, 0x0f, 0xae, 0x02])?.vector, GP);
  assert.equal(m.run(CODE, [0x48, 0x0f, 0xae, 0x0a])?.vector, GP);
  m.enterUser();
  const img = Buffer.from(INTEL_IMAGE, 'hex');
  img.writeUInt32LE(0x11f80, 24);
  m.writeBytes(DATA, img);
  setRdx(m, DATA);
  m.cpu.mxcsr = 0x1f80; m.cpu.fpCw = 0x37f;
  assert.equal(m.run(CODE, [0x48, 0x0f, 0xae, 0x0a])?.vector, GP);
  assert.equal(m.cpu.mxcsr, 0x1f80);
  assert.equal(m.cpu.fpCw, 0x37f);
});

test('FXSAVE in compatibility mode stores xmm0-7 only', () => {
  const m = machine();
  hostState(m);
  m.enterUser(32);
  m.writeBytes(DATA, new Uint8Array(512).fill(0xaa));
  m.cpu.setRegNum(2, DATA);
  assert.equal(m.run(CODE, [0x0f, 0xae, 0x02]), null);
  const img = m.readBytes(DATA, 512);
  assert.equal(hex(img.subarray(160, 288)), INTEL_IMAGE.slice(320, 576));
  assert.ok(img.subarray(288).every((b) => b === 0xaa));
});

test('compatibility mode: SSE arithmetic on xmm0-7 (addps xmm1, xmm2)', () => {
  const m = machine();
  m.enterUser(32);
  const f = m.cpu.xmmF32;
  f.set([1, 2, 3, 4], 4); f.set([0.5, 0.25, -3, 1e30], 8);
  assert.equal(m.run(CODE, [0x0f, 0x58, 0xca]), null);
  assert.deepEqual(Array.from(f.subarray(4, 8)), [1.5, 2.25, 0, Math.fround(1e30)]);
});

test('#XM for an unmasked SIMD exception, #UD instead when CR4.OSXMMEXCPT is clear (SDM Vol. 3 §13.1.3); destination unchanged', () => {
  const m = machine();
  const cpu = m.cpu;
  cpu.xmmF64[0] = 1; cpu.xmmF64[2] = 0;
  cpu.mxcsr = 0x1f80 & ~0x200; // ZM clear
  assert.equal(m.run(CODE, [0xf2, 0x0f, 0x5e, 0xc1])?.vector, XM); // divsd xmm0, xmm1
  assert.equal(cpu.xmmF64[0], 1);
  assert.equal(cpu.mxcsr & 0x3f, 0x4);
  m.enterUser();
  cpu.cr4 &= ~CR4_OSXMMEXCPT;
  assert.equal(m.run(CODE, [0xf2, 0x0f, 0x5e, 0xc1])?.vector, UD);
  cpu.cr4 |= CR4_OSXMMEXCPT;
});

test('MMX encodings (no prefix on 0F 6x/Dx-Fx, CVTPI2PS …) are #UD: MMX is not advertised', () => {
  assert.equal(cpuid('intel', 1, 0)[3] & (1 << 23), 0);
  for (const code of [[0x0f, 0xfc, 0xc1], [0x0f, 0x6f, 0xc1], [0x0f, 0xef, 0xc1], [0x0f, 0x2a, 0xc1], [0x0f, 0x38, 0x00, 0xc1], [0x0f, 0x77]]) {
    const m = machine();
    assert.equal(m.run(CODE, code)?.vector, UD, Buffer.from(code).toString('hex'));
  }
});

test('a 16-byte store that crosses into an unmapped page faults (#PF) and leaves the first page unchanged', () => {
  const m = machine();
  const at = DATA + 0x2000 - 8; // the last 8 bytes of the mapped range
  m.writeBytes(at, new Uint8Array(8).fill(0x55));
  m.cpu.xmm.fill(-1, 0, 4);
  setRdx(m, at);
  const t = m.run(CODE, [0x0f, 0x11, 0x02]); // movups [rdx], xmm0
  assert.equal(t?.vector, PF);
  assert.ok(m.readBytes(at, 8).every((b) => b === 0x55));
});

test('MASKMOVDQU stores the selected bytes at DS:rDI only', () => {
  const m = machine();
  const cpu = m.cpu;
  m.writeBytes(DATA, new Uint8Array(16).fill(0xee));
  for (let k = 0; k < 4; k++) cpu.xmm[k] = 0x03020100 + 0x04040404 * k; // data bytes 0..15
  cpu.xmm[4] = 0x00800080; cpu.xmm[5] = 0; cpu.xmm[6] = 0x80000000 | 0; cpu.xmm[7] = 0x7f; // mask: bytes 0, 2, 11
  cpu.setRegNum(7, DATA);
  assert.equal(m.run(CODE, [0x66, 0x0f, 0xf7, 0xc1]), null);
  const b = m.readBytes(DATA, 16);
  assert.deepEqual(Array.from(b), [0, 0xee, 2, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 11, 0xee, 0xee, 0xee, 0xee]);
});

test('PTEST: ZF = (dest AND src) = 0, CF = (NOT dest AND src) = 0, the other status flags cleared', () => {
  const m = machine();
  const cpu = m.cpu;
  cpu.xmm.fill(0, 0, 8);
  cpu.xmm[0] = 1; cpu.xmm[4] = 2;
  m.setFlags(0x8d5 | 0x202);
  assert.equal(m.run(CODE, [0x66, 0x0f, 0x38, 0x17, 0xc1]), null); // ptest xmm0, xmm1
  assert.equal(getFlags(cpu) & 0x8d5, 0x40);
  cpu.xmm[0] = 3;
  assert.equal(m.run(CODE, [0x66, 0x0f, 0x38, 0x17, 0xc8]), null); // ptest xmm1, xmm0: 2 AND 3 ≠ 0, ~2 AND 3 ≠ 0
  assert.equal(getFlags(cpu) & 0x8d5, 0);
});

test('CPUID advertises SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 (leaf 1), all implemented', () => {
  const [, , ecx, edx] = cpuid('intel', 1, 0);
  assert.equal(edx & ((1 << 25) | (1 << 26) | (1 << 24)), (1 << 25) | (1 << 26) | (1 << 24));
  for (const bit of [0, 9, 19, 20]) assert.notEqual(ecx & (1 << bit), 0, `ECX bit ${bit}`);
});

test('RCPPS/RSQRTPS: relative error at most 1.5 × 2^-12 (SDM Vol. 2 RCPPS), and their special cases', () => {
  const m = machine();
  const cpu = m.cpu, f = cpu.xmmF32, x = cpu.xmm;
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0) / 4294967296;
  for (let round = 0; round < 200; round++) {
    for (let k = 0; k < 4; k++) f[4 + k] = Math.fround((1 + rnd()) * 2 ** Math.floor(rnd() * 200 - 100));
    assert.equal(m.run(CODE, [0x0f, 0x53, 0xc1, 0x0f, 0x52, 0xd1]), null); // rcpps xmm0, xmm1; rsqrtps xmm2, xmm1
    for (let k = 0; k < 4; k++) {
      const v = f[4 + k];
      assert.ok(Math.abs(f[k] * v - 1) <= 1.5 * 2 ** -12, `rcp(${v}) = ${f[k]}`);
      assert.ok(Math.abs(f[8 + k] * Math.sqrt(v) - 1) <= 1.5 * 2 ** -12, `rsqrt(${v}) = ${f[8 + k]}`);
    }
  }
  // ±0 and denormals → ±∞; ±∞ → ±0 (RCP), +∞ → +0 and negative → default NaN (RSQRT); NaN → quieted.
  x.set([0, 0x80000001 | 0, 0x7f800000, 0xff800000 | 0], 4);
  assert.equal(m.run(CODE, [0x0f, 0x53, 0xc1, 0x0f, 0x52, 0xd1]), null);
  assert.deepEqual(Array.from(x.subarray(0, 4), (v) => v >>> 0), [0x7f800000, 0xff800000, 0, 0x80000000]);
  assert.deepEqual(Array.from(x.subarray(8, 12), (v) => v >>> 0), [0x7f800000, 0xff800000, 0, 0xffc00000]);
  x.set([0x7f800001, 0, 0, 0], 4);
  assert.equal(m.run(CODE, [0x0f, 0x53, 0xc1]), null);
  assert.equal(x[0] >>> 0, 0x7fc00001);
});
