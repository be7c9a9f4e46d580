// Guest MIPS on tight integer loops, run at CPL 3 on the bare test machine (no kernel).
// Prints one line per loop: instructions, seconds, MIPS. `node dist/bench/mips.js [iterations]`.

import { TestMachine } from '../tests/harness/machine.js';

interface Loop { name: string; code: (n: number) => number[]; insnsPerIter: number }

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

const LOOPS: Loop[] = [
  {
    // mov ecx, n; xor eax, eax; 1: add eax, ecx; dec ecx; jnz 1b
    name: 'add/dec/jnz (32-bit)',
    code: (n) => [0xb9, ...le32(n), 0x31, 0xc0, 0x01, 0xc8, 0xff, 0xc9, 0x75, 0xfa],
    insnsPerIter: 3,
  },
  {
    // mov rcx, n; xor eax, eax; 1: add rax, rcx; mov rdx, rax; xor rdx, rcx; cmp rcx, 0; lea rcx, [rcx-1]; jne 1b
    name: 'add/mov/xor/cmp/lea/jne (64-bit)',
    code: (n) => [0x48, 0xc7, 0xc1, ...le32(n), 0x31, 0xc0,
      0x48, 0x01, 0xc8, 0x48, 0x89, 0xc2, 0x48, 0x31, 0xca, 0x48, 0x83, 0xf9, 0x01, 0x48, 0x8d, 0x49, 0xff, 0x75, 0xed],
    insnsPerIter: 6,
  },
  {
    // Memory: mov rsi, buf; mov ecx, n; 1: mov rax, [rsi]; add rax, rcx; mov [rsi], rax; dec ecx; jnz 1b
    name: 'load/add/store/dec/jnz (memory)',
    code: (n) => [0x48, 0xbe, 0, 0, 0x60, 0, 0, 0, 0, 0, 0xb9, ...le32(n),
      0x48, 0x8b, 0x06, 0x48, 0x01, 0xc8, 0x48, 0x89, 0x06, 0xff, 0xc9, 0x75, 0xf3],
    insnsPerIter: 5,
  },
];

export function runMips(iterations: number): { name: string; mips: number }[] {
  const out: { name: string; mips: number }[] = [];
  for (const loop of LOOPS) {
    const m = new TestMachine();
    m.map(0x400000, 0x1000, { write: false, user: true, exec: true });
    m.map(0x600000, 0x1000, { write: true, user: true, exec: false });
    m.enterUser();
    // Warm up (JIT), then measure.
    m.run(0x400000, loop.code(100000), 1e9);
    const before = m.cpu.icount;
    const t0 = process.hrtime.bigint();
    const trap = m.run(0x400000, loop.code(iterations), 1e10);
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

if (process.argv[1] && process.argv[1].endsWith('mips.js')) {
  runMips(Number(process.argv[2] ?? 10_000_000));
}
