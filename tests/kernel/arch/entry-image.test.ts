// The generated entry artifacts (src/kernel/arch/generated, written by scripts/build-asm.mjs)
// must agree with the TypeScript they were generated from. CI's rebuild step catches a stale
// artifact too, but only on a machine with binutils; these checks need Node alone and name the
// fix: run `npm run build:asm` and commit the result.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Decoder, DecoderOptions, FlowControl, Instruction, Code } from 'iced-x86';
import { asmOffsets } from '../../../src/kernel/arch/asm-offsets.js';
import { NATIVE_NAMES, NATIVE_BASE } from '../../../src/kernel/arch/natives.js';
import { KERNEL_TEXT } from '../../../src/kernel/arch/layout.js';
import { ENTRY_BASE, ENTRY_BASE_HEX, ENTRY_BYTES, ENTRY_SIZE, ENTRY_SYMBOLS, ENTRY_NATIVES, ENTRY_INPUTS } from '../../../src/kernel/arch/generated/entry-image.js';
import { ROOT } from '../../guest/guests.js';

const STALE = 'stale generated entry artifacts: run `npm run build:asm` and commit src/kernel/arch/generated';

test('asm-offsets.h holds exactly the constants asmOffsets() defines', () => {
  const header = readFileSync(`${ROOT}/src/kernel/arch/generated/asm-offsets.h`, 'utf8');
  const defined = new Map<string, bigint>();
  for (const m of header.matchAll(/^#define (\w+) (-?(?:0x[0-9a-f]+|\d+))$/gm)) {
    if (m[1] !== 'RINGSIDE_ASM_OFFSETS_H') defined.set(m[1], BigInt.asUintN(64, BigInt(m[2])));
  }
  const expected = new Map(asmOffsets().map(([name, v]) => [name, BigInt.asUintN(64, BigInt(v))]));
  assert.deepEqual(defined, expected, STALE);
});

test('the image is linked at KERNEL_TEXT and its symbols lie inside it', () => {
  assert.equal(ENTRY_BASE, KERNEL_TEXT, STALE);
  assert.equal(BigInt.asIntN(64, BigInt(ENTRY_BASE_HEX)), BigInt(ENTRY_BASE));
  const image = Buffer.from(ENTRY_BYTES, 'base64');
  assert.equal(image.length, ENTRY_SIZE);
  assert.equal(ENTRY_SYMBOLS._text, 0);
  assert.equal(ENTRY_SYMBOLS._end, ENTRY_SIZE);
  for (const [name, off] of Object.entries(ENTRY_SYMBOLS)) {
    assert.ok(Number.isInteger(off) && off >= 0 && off <= ENTRY_SIZE, `${name} at ${off}`);
  }
  // The layout kernel.lds promises: parts in order, writable data on its own pages.
  const s = ENTRY_SYMBOLS;
  assert.ok(s._etext <= s.__start_rodata && s.__start_rodata <= s._erodata && s._erodata <= s._sdata);
  assert.ok(s._sdata <= s._edata && s._edata <= s.__bss_start && s.__bss_stop <= s._end);
  assert.equal(s._sdata % 4096, 0);
  assert.equal(s.__start_rodata % 4096, 0);
  // .bss is part of the image, as zeros.
  assert.ok(image.subarray(s.__bss_start, s.__bss_stop).every((b) => b === 0));
});

test('the image was built from the current assembly sources and linker script', () => {
  const dir = `${ROOT}/src/kernel/arch`;
  const now = Object.fromEntries(readdirSync(dir).filter((f) => /\.(S|h|lds)$/.test(f)).sort()
    .map((f) => [f, createHash('sha256').update(readFileSync(`${dir}/${f}`)).digest('hex')]));
  assert.deepEqual(now, ENTRY_INPUTS, STALE);
});

test('the image was linked against the current native-slot order', () => {
  assert.deepEqual(ENTRY_NATIVES, Object.fromEntries(NATIVE_NAMES.map((n, k) => [n, k])), STALE);
});

test('every direct branch in the code lands in the code or on a native slot', () => {
  const image = Buffer.from(ENTRY_BYTES, 'base64');
  const text = image.subarray(0, ENTRY_SYMBOLS._etext);
  const base = BigInt.asUintN(64, BigInt(ENTRY_BASE));
  const nativeBase = BigInt.asUintN(64, BigInt(NATIVE_BASE));
  const decoder = new Decoder(64, text, DecoderOptions.None);
  decoder.ip = base;
  const insn = new Instruction();
  const starts = new Set<bigint>();
  const targets: [bigint, bigint, boolean][] = [];
  let nativeCalls = 0;
  // A linear sweep: the text section holds only code (padding is multi-byte NOPs), so every
  // instruction boundary is found and every branch target must be one of them.
  while (decoder.canDecode) {
    decoder.decodeOut(insn);
    assert.notEqual(insn.code, Code.INVALID, `undecodable bytes at ${insn.ip.toString(16)}`);
    starts.add(insn.ip);
    const fc = insn.flowControl;
    if (fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch) {
      targets.push([insn.ip, insn.nearBranchTarget, fc === FlowControl.Call]);
    }
  }
  insn.free();
  decoder.free();
  const imageEnd = base + BigInt(ENTRY_SYMBOLS._etext);
  for (const [ip, target, isCall] of targets) {
    if (target >= base && target < imageEnd) {
      assert.ok(starts.has(target), `branch at ${ip.toString(16)} into the middle of an instruction (${target.toString(16)})`);
      continue;
    }
    const slot = target - nativeBase;
    assert.ok(isCall && slot >= 0n && slot % 16n === 0n && slot / 16n < BigInt(NATIVE_NAMES.length),
      `branch at ${ip.toString(16)} to ${target.toString(16)}: neither code nor a native slot`);
    nativeCalls++;
  }
  assert.ok(nativeCalls > 0, 'the entry code calls TypeScript');
  // entry_SYSCALL_64 calls do_syscall_64 (slot 0) somewhere.
  assert.ok(targets.some(([, t, c]) => c && t === nativeBase), 'no call to do_syscall_64');
});
