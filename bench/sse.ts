// Guest MIPS on SSE loops of the kinds compiled C runs (double arithmetic, packed single
// arithmetic, 16-byte copies, a strlen-style compare-and-mask), on the bare test machine at CPL 3.
// `node dist/bench/sse.js [iterations]`.

import { TestMachine } from '../tests/harness/machine.js';

interface Loop { name: string; body: number[]; insnsPerIter: number; setup?: (m: TestMachine) => void }

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const BUF = 0x600000;

const LOOPS: Loop[] = [
  {
    // 1: addsd xmm0, xmm1; mulsd xmm0, xmm2; dec ecx; jnz 1b
    name: 'addsd/mulsd/dec/jnz',
    body: [0xf2, 0x0f, 0x58, 0xc1, 0xf2, 0x0f, 0x59, 0xc2],
    insnsPerIter: 4,
    setup: (m) => { const f = m.cpu.xmmF64; f[0] = 1; f[2] = 1e-7; f[4] = 0.9999999; },
  },
  {
    // 1: addps xmm0, xmm1; mulps xmm0, xmm2; dec ecx; jnz 1b
    name: 'addps/mulps/dec/jnz',
    body: [0x0f, 0x58, 0xc1, 0x0f, 0x59, 0xc2],
    insnsPerIter: 4,
    setup: (m) => { const f = m.cpu.xmmF32; f.set([1, 2, 3, 4], 0); f.set([1e-3, 1e-3, 1e-3, 1e-3], 4); f.set([0.999, 0.999, 0.999, 0.999], 8); },
  },
  {
    // 1: movdqu xmm0, [rsi]; movdqu [rsi+16], xmm0; dec ecx; jnz 1b
    name: 'movdqu load/store/dec/jnz',
    body: [0xf3, 0x0f, 0x6f, 0x06, 0xf3, 0x0f, 0x7f, 0x46, 0x10],
    insnsPerIter: 4,
  },
  {
    // 1: movdqa xmm1, [rsi]; pcmpeqb xmm1, xmm0; pmovmskb eax, xmm1; test eax, eax; dec ecx; jnz 1b
    name: 'movdqa/pcmpeqb/pmovmskb/test/dec/jnz',
    body: [0x66, 0x0f, 0x6f, 0x0e, 0x66, 0x0f, 0x74, 0xc8, 0x66, 0x0f, 0xd7, 0xc1, 0x85, 0xc0],
    insnsPerIter: 6,
  },
];

function program(loop: Loop, n: number): number[] {
  // mov rsi, BUF; mov ecx, n; body; dec ecx; jnz body
  const head = [0x48, 0xbe, ...le32(BUF), 0, 0, 0, 0, 0xb9, ...le32(n)];
  const back = -(loop.body.length + 4);
  return [...head, ...loop.body, 0xff, 0xc9, 0x75, back & 0xff];
}

export function runSse(iterations: number): { name: string; mips: number }[] {
  const out: { name: string; mips: number }[] = [];
  for (const loop of LOOPS) {
    const m = new TestMachine();
    m.map(0x400000, 0x1000, { write: false, user: true, exec: true });
    m.map(BUF, 0x1000, { write: true, user: true, exec: false });
    m.enterUser();
    loop.setup?.(m);
    m.run(0x400000, program(loop, 100000), 1e9);
    loop.setup?.(m);
    const before = m.cpu.icount;
    const t0 = process.hrtime.bigint();
    const trap = m.run(0x400000, program(loop, iterations), 1e10);
    const t1 = process.hrtime.bigint();
    if (trap) throw new Error(`${loop.name}: unexpected exception ${trap.vector}`);
    const insns = m.cpu.icount - before;
    const secs = Number(t1 - t0) / 1e9;
    const mips = insns / secs / 1e6;
    out.push({ name: loop.name, mips });
    console.log(`${loop.name.padEnd(40)} ${String(insns).padStart(11)} insns  ${secs.toFixed(3)} s  ${mips.toFixed(1)} MIPS`);
  }
  return out;
}

if (process.argv[1] && process.argv[1].endsWith('sse.js')) {
  runSse(Number(process.argv[2] ?? 2_000_000));
}
