// A glibc-style long double formatting loop on the emulated x87: 1/3 by FLD1/FIDIV, then one
// decimal digit at a time by FIMUL 10, FISTP (the digit, rounded by RC), FISUB. The program's
// bytes and the host's digits for every rounding and precision mode come from the host oracle
// (tests/oracle/x87/x87-oracle.c, stub "digits_one_third"); the digits must be the host's,
// byte for byte, and in the default mode they must spell 0.333… to extended precision.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TestMachine, KSTACK_TOP } from '../harness/machine.js';
import { UD } from '../../src/cpu/regs.js';

interface Stub { name: string; memLen: number; code: string; cases: string[] }
const fixture = JSON.parse(readFileSync(new URL('../../../tests/oracle/x87/x87-fixture.json', import.meta.url), 'utf8')) as { stubs: Stub[] };
const stub = fixture.stubs.find((s) => s.name === 'digits_one_third');

const CODE = 0x400000, DATA = 0x600000;
const hex = (s: string) => s.match(/../g)!.map((b) => parseInt(b, 16));

test('1/3 printed digit by digit with FIMUL/FISTP/FISUB matches the host in every RC and PC', () => {
  assert.ok(stub, 'the fixture has the digits program');
  const m = new TestMachine('amd');
  m.map(CODE, 0x1000, { write: false, user: true, exec: true });
  m.map(DATA, 0x1000, { write: true, user: true, exec: false });
  const code = hex(stub.code);
  let sawDefault = false;
  for (const c of stub.cases) {
    const [inp, out] = c.split(':');
    const cw = parseInt(inp.split(' ')[2], 16);
    for (let k = 0; k < 512; k++) m.write8(DATA + k, 0);
    m.write8(DATA + 32, cw & 0xff);
    m.write8(DATA + 33, cw >> 8);
    m.write8(DATA + 40, 0x02);
    m.cpu.setRegNum(7, DATA);
    m.cpu.setRegNum(4, KSTACK_TOP);
    const t = m.run(CODE, code);
    assert.equal(t, null, `cw ${cw.toString(16)}: ${t && t.vector === UD ? 'UD' : JSON.stringify(t)}`);
    const expected = out.split(' ').at(-1)!;
    const digits = [...m.readBytes(DATA + 112, 20)];
    assert.deepEqual(digits, hex(expected).slice(16, 36), `cw ${cw.toString(16)}: digits`);
    if (cw === 0x037f) {
      sawDefault = true;
      assert.equal(digits.slice(0, 19).join(''), '3'.repeat(19), '1/3 to 64-bit precision is 0.3333333333333333333…');
    }
  }
  assert.ok(sawDefault);
});
