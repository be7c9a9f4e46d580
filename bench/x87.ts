// x87 throughput on the bare test machine: the long double kernels compiled code runs most
// (load, multiply-add, store; compare; a division and a square root), in guest instructions
// per second. `node dist/bench/x87.js [iterations]`.

import { TestMachine } from '../tests/harness/machine.js';

interface Loop { name: string; body: number[]; insnsPerIter: number }

// Every loop: mov ecx, n; 1: <body>; dec ecx; jnz 1b — rdi points at a data page holding 1.5 (m64) at 0.
const LOOPS: Loop[] = [
  // fldl (rdi); fmul st0, st0; fadd st0, st1... keep the stack balanced: fldl; fmull; fstpl 8(rdi)
  { name: 'fld m64 / fmul m64 / fstp m64', body: [0xdd, 0x07, 0xdc, 0x0f, 0xdd, 0x5f, 0x08], insnsPerIter: 5 },
  // fldt 16(rdi); fld st0; fmulp; fstpt 16(rdi)
  { name: 'fld m80 / fld st / fmulp / fstp m80', body: [0xdb, 0x6f, 0x10, 0xd9, 0xc0, 0xde, 0xc9, 0xdb, 0x7f, 0x10], insnsPerIter: 6 },
  // fldl (rdi); fldl (rdi); fucomip st1; fstp st0
  { name: 'fld m64 x2 / fucomip / fstp st0', body: [0xdd, 0x07, 0xdd, 0x07, 0xdf, 0xe9, 0xdd, 0xd8], insnsPerIter: 6 },
  // fldl (rdi); fdivl (rdi); fsqrt; fstp st0
  { name: 'fld m64 / fdiv m64 / fsqrt / fstp st0', body: [0xdd, 0x07, 0xdc, 0x37, 0xd9, 0xfa, 0xdd, 0xd8], insnsPerIter: 6 },
];

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

export function runX87(iterations: number): void {
  for (const loop of LOOPS) {
    const m = new TestMachine();
    m.map(0x400000, 0x1000, { write: false, user: true, exec: true });
    m.map(0x600000, 0x1000, { write: true, user: true, exec: false });
    m.write32(0x600004, 0x3ff80000); // 1.5
    for (const [k, b] of [0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x3f].entries()) m.write8(0x600010 + k, b); // 1.5 as m80
    m.enterUser();
    m.cpu.setRegNum(7, 0x600000);
    const n = loop.body.length + 4;
    const code = (count: number) => [0xdb, 0xe3, 0xb9, ...le32(count), ...loop.body, 0xff, 0xc9, 0x75, (-n) & 0xff];
    m.run(0x400000, code(20000), 1e9);
    const before = m.cpu.icount;
    const t0 = process.hrtime.bigint();
    const trap = m.run(0x400000, code(iterations), 1e10);
    const t1 = process.hrtime.bigint();
    if (trap) throw new Error(`${loop.name}: unexpected exception ${trap.vector}`);
    const insns = m.cpu.icount - before;
    const secs = Number(t1 - t0) / 1e9;
    console.log(`${loop.name.padEnd(40)} ${String(insns).padStart(10)} insns  ${secs.toFixed(3)} s  ${(insns / secs / 1e6).toFixed(1)} MIPS`);
  }
}

if (process.argv[1] && process.argv[1].endsWith('x87.js')) runX87(Number(process.argv[2] ?? 200_000));
