// The decoder agrees with iced-x86, byte for byte: instruction length and valid/invalid, in
// 64-bit and 32-bit mode. iced is the oracle; src/cpu/opcodes.ts is written from the opcode
// maps, and these tests find where the two differ.
//
// Agreement, per sequence (tests/harness/decoder-oracle.ts has the details):
//  - iced decodes a legacy-encoded instruction (code !== Code.INVALID): decode() returns
//    DECODE_OK and the same length;
//  - iced decodes a VEX/EVEX/XOP/3DNow! instruction, which this CPU refuses: decode() returns
//    DECODE_UD and the same length (counted apart as "refused");
//  - iced finds no instruction (including anything past 15 bytes): decode() does not return
//    DECODE_OK (DECODE_UD, or DECODE_TOO_LONG); lengths of non-instructions are not compared.
// iced runs with DecoderOptions.None (Intel behaviour); sequences are 32 bytes, so iced never
// runs out of bytes ("short" must stay zero).
//
// The CI sample is 50,000 seeded random sequences (biased towards prefixes, escapes and
// addressing forms), a list of known-subtle encodings, and a sweep of every opcode and ModRM
// byte of the four legacy maps under each mandatory prefix. `npm run fuzz:decoder` runs
// the long version (1,000,000 sequences by default; --sweep for more prefix combinations and
// the VEX/EVEX/XOP maps).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecoderOracle, Rng, emptyStats, formatStats, fuzz, sweep, type Stats } from '../harness/decoder-oracle.js';

const SEED = 0x1ced;
const SAMPLE = 50_000;

function assertAgree(label: string, s: Stats): void {
  assert.equal(s.byCategory.short.total, 0, `${label}: iced ran out of bytes`);
  assert.equal(s.total - s.agree, 0, `${formatStats(label, s)}\n${s.disagreements.join('\n')}`);
}

for (const bits of [64, 32] as const) {
  test(`${SAMPLE / 2} random sequences in ${bits}-bit mode agree with iced-x86`, () => {
    const oracle = new DecoderOracle(bits);
    const s = emptyStats();
    fuzz(oracle, new Rng(SEED + bits), SAMPLE / 2, s);
    assert.equal(s.total, SAMPLE / 2);
    // The sample must reach every kind of outcome, or it proves little.
    assert.ok(s.byCategory.valid.total > SAMPLE / 8, formatStats('valid share too small', s));
    assert.ok(s.byCategory.invalid.total > SAMPLE / 20, formatStats('invalid share too small', s));
    assert.ok(s.byCategory.refused.total > 50, formatStats('too few VEX/EVEX/XOP encodings', s));
    assertAgree(`${bits}-bit random`, s);
  });
}

// Encodings where decoders are known to go wrong (SDM Vol. 2 ch. 2 and the instruction pages).
const DIRECTED: readonly [bits: 64 | 32, hex: string, why: string][] = [
  [64, '66 f3 0f 10 c0', 'F3 beats 66 as mandatory prefix (MOVSS)'],
  [64, 'f3 66 0f 10 c0', '... whatever the order'],
  [64, 'f2 f3 0f 10 c0', 'of F2/F3 the last wins'],
  [64, 'f3 f2 0f 10 c0', '... both ways'],
  [64, '66 0f 38 00 c0', 'PSHUFB xmm'],
  [64, 'f2 0f 38 00 c0', 'no F2 form of PSHUFB'],
  [64, '66 f3 0f b8 c0', 'POPCNT r16: F3 mandatory, 66 operand size'],
  [64, 'f2 0f b8 c0', 'no F2 form of POPCNT'],
  [64, '48 66 b8 34 12', 'REX before a legacy prefix is ignored: MOV ax, imm16'],
  [64, '66 48 b8 88 77 66 55 44 33 22 11', 'REX.W beats 66: MOV rax, imm64'],
  [64, '40 41 89 c0', 'of two REX bytes the last counts'],
  [64, '66 e8 00 00 00 00', 'CALL rel32 in 64-bit mode ignores 66 (Intel)'],
  [64, '66 e9 00 00 00 00', 'JMP rel32 likewise'],
  [64, '66 0f 84 00 00 00 00', 'Jcc rel32 likewise'],
  [32, '66 e8 00 00', 'CALL rel16 in 32-bit mode'],
  [32, '66 0f 84 00 00', 'Jcc rel16 in 32-bit mode'],
  [32, '67 8b 06 34 12', '16-bit addressing: [disp16]'],
  [32, '67 8b 46 12', '16-bit addressing: [bp+disp8]'],
  [32, '67 8b 84 34 12', '16-bit addressing: [si+disp16], no SIB'],
  [32, '67 a1 34 12', 'moffs16 with 67'],
  [64, '67 a1 78 56 34 12', 'moffs32 with 67 in 64-bit mode'],
  [64, 'a1 88 77 66 55 44 33 22 11', 'moffs64'],
  [64, '8b 04 25 78 56 34 12', 'SIB with no base: disp32'],
  [64, '8b 05 78 56 34 12', 'RIP-relative'],
  [64, '8b 44 25 12', 'SIB base rbp with mod 1'],
  [64, '8f c0', 'POP r/m64'],
  [64, '8f c8 00', 'POP with /1 is not an instruction'],
  [64, '8f e8 78 c0 c0 00', 'XOP (map 8, imm8): refused, measured'],
  [64, '8f ea 78 10 c0 00 00 00 00', 'XOP map 10 (BEXTR imm32)'],
  [64, 'c7 f8 00 00 00 00', 'XBEGIN rel32'],
  [64, '66 c7 f8 00 00', 'XBEGIN rel16'],
  [64, 'c6 f8 01', 'XABORT imm8'],
  [64, 'c6 c8 01', 'C6 /1 does not exist'],
  [64, 'c7 c8 00 00 00 00', 'C7 /1 does not exist'],
  [64, '0f 20 00', 'MOV from CR0 with mod 0: still a register form, no displacement'],
  [64, '0f 20 48 00', 'MOV from CR1 does not exist'],
  [64, '44 0f 20 c0', 'CR8 with REX.R'],
  [64, '44 0f 20 d0', 'no CR10'],
  [64, '44 0f 21 c0', 'no DR8'],
  [64, 'f0 0f 20 c0', 'LOCK MOV CR (AMD CR8 alias) is Intel #UD'],
  [64, '0f 1a 00', 'BNDLDX without MPX: a hint NOP'],
  [64, 'f3 0f 1b 00', 'BNDMK without MPX: a hint NOP'],
  [64, 'f3 0f 1e fa', 'ENDBR64'],
  [32, 'f3 0f 1e fb', 'ENDBR32'],
  [64, '0f 01 d0', 'XGETBV'],
  [64, '66 0f 01 c8', 'MONITOR takes no 66'],
  [64, '0f 01 f8', 'SWAPGS'],
  [32, '0f 01 f8', 'SWAPGS is 64-bit only'],
  [64, '0f 01 00', 'SGDT m'],
  [64, '0f ae e8', 'LFENCE'],
  [64, 'f3 0f ae c0', 'RDFSBASE'],
  [32, 'f3 0f ae c0', 'RDFSBASE is 64-bit only'],
  [64, 'f3 0f ae 20', 'PTWRITE m32'],
  [64, '66 f3 0f ae 20', 'PTWRITE with 66 is #UD'],
  [64, '66 0f ae 00', 'FXSAVE takes no 66'],
  [64, '0f c7 08', 'CMPXCHG8B'],
  [64, 'f0 48 0f c7 08', 'LOCK CMPXCHG16B'],
  [64, '0f c7 c8', 'CMPXCHG8B register form does not exist'],
  [64, 'f0 01 00', 'LOCK ADD m, r'],
  [64, 'f0 01 c0', 'LOCK on a register form'],
  [64, 'f0 3b 00', 'LOCK CMP'],
  [64, 'f0 8b 00', 'LOCK MOV'],
  [64, 'f0 0f 38 00 00', 'LOCK on an SSE form'],
  [32, 'f0 82 00 01', '82 is 80 outside 64-bit mode, lockable too'],
  [64, '82 00 01', '... and missing in 64-bit mode'],
  [64, '2e 3e 26 36 8b 00', 'ES/CS/SS/DS overrides count as prefixes in 64-bit mode'],
  [64, '64 65 8b 00', 'FS/GS'],
  [64, '66 66 66 66 66 66 66 66 66 66 66 66 66 66 90', '15 bytes: the limit'],
  [64, '66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90', '16 bytes: #GP'],
  [64, '66 66 66 66 66 66 66 48 c7 84 24 00 00 00 00 00 00 00 00', 'too long by its operands'],
  [32, '26 26 26 26 26 26 26 26 26 26 26 c7 05 00 00 00 00 00 00 00 00', 'too long in 32-bit mode'],
  [64, '0f 0f c0 9e', '3DNow! PFADD: refused, measured'],
  [64, '0f 0f c0 ff', '3DNow! with a reserved suffix'],
  [64, 'c5 f8 77', 'VZEROUPPER: VEX without ModRM'],
  [64, 'c4 e3 79 0f c0 01', 'VEX map 3 with imm8'],
  [64, '62 f1 7c 48 58 c0', 'EVEX VADDPS zmm'],
  [32, 'c5 f8 58 c0', 'VEX in 32-bit mode (register ModRM)'],
  [32, 'c5 00', 'LDS in 32-bit mode'],
  [32, '62 00', 'BOUND in 32-bit mode'],
  [32, '67 c5 f8 58 46 12', 'VEX with 16-bit addressing'],
  [64, '66 c5 f8 58 c0', 'VEX after 66 is #UD'],
  [64, '0f 78 c0', 'VMREAD'],
  [64, '66 0f 78 c0 01 02', 'EXTRQ imm8, imm8'],
  [64, 'f2 0f 78 c1 01 02', 'INSERTQ imm8, imm8'],
  [32, 'f3 0f a6 c0', 'MONTMUL (32-bit addressing)'],
  [32, 'f3 67 0f a6 c0', 'MONTMUL with 16-bit addressing'],
  [64, 'f3 0f 3a f0 c0 01', 'HRESET'],
  [64, 'd9 d0', 'FNOP'],
  [64, 'd9 d1', 'D9 D1 does not exist'],
  [64, 'db e3', 'FNINIT'],
  [64, 'db 20', 'DB /4 has no memory form'],
  [64, 'de d9', 'FCOMPP'],
  [64, 'df e0', 'FNSTSW AX'],
  [64, 'df e1', 'DF E1 does not exist'],
  [64, '8c f0', 'no segment register 6'],
  [64, '8e c8', 'MOV CS, r is #UD'],
  [64, '8d c0', 'LEA with a register operand'],
  [64, 'ff d8', 'far CALL needs memory'],
  [64, 'ff 38', 'FF /7 does not exist'],
  [64, 'f7 c8 00 00 00 00', 'TEST alias F7 /1 has an immediate'],
  [64, 'f6 d0', 'NOT has none'],
  [64, 'c8 08 00 01', 'ENTER imm16, imm8'],
  [32, '9a 00 00 00 00 08 00', 'far CALL ptr16:32'],
  [32, '66 ea 00 00 08 00', 'far JMP ptr16:16'],
  [64, '9a 00 00 00 00 08 00', 'no far CALL ptr in 64-bit mode'],
  [64, '0f 05', 'SYSCALL'],
  [32, '0f 05', 'SYSCALL (exists for AMD outside 64-bit mode)'],
  [64, '0f 37', 'GETSEC'],
  [64, 'f3 0f 37', 'GETSEC takes no prefix'],
  [64, '0f b9 00', 'UD1 has a ModRM byte'],
  [64, '0f ff 00', 'UD0 has a ModRM byte (Intel)'],
];

test('known-subtle encodings agree with iced-x86', () => {
  const oracles = { 64: new DecoderOracle(64), 32: new DecoderOracle(32) };
  const bad: string[] = [];
  for (const [bits, hex, why] of DIRECTED) {
    const d = oracles[bits].check(hex);
    if (d !== null) bad.push(`${d}   (${why})`);
  }
  assert.deepEqual(bad, []);
});

test('every opcode and ModRM byte of the four legacy maps, under each mandatory prefix, agrees with iced-x86', () => {
  const prefixes = [[], [0x66], [0xf3], [0xf2]];
  for (const bits of [64, 32] as const) {
    const s = emptyStats();
    sweep(new DecoderOracle(bits), new Rng(SEED ^ bits), s, prefixes);
    assert.equal(s.total, 4 * 4 * 65536);
    assertAgree(`${bits}-bit sweep`, s);
  }
});
