// Guest MIPS: tight integer loops run at CPL 3 on the bare test machine (no kernel), then real
// static programs under the full kernel (tests/guest/bin/cpuloop.*: sieve, hash, sort).
// `node dist/bench/mips.js [iterations] [cpuloop rounds]`; `npm run bench` runs it with defaults.
//
// Each figure is guest instructions retired divided by the process's CPU time (user + system)
// over the measured run, so that other processes on a shared machine do not count against us;
// wall-clock MIPS is printed beside it. A tight loop is measured three times after a warm-up and
// the best run is kept (the spread on a shared machine is large); a guest program runs once, from
// a cold start (module loading excepted), as a user would see it.

import os from 'node:os';
import { TestMachine } from '../tests/harness/machine.js';
import { runGuest } from '../tests/harness/run-guest.js';
import { guestPath } from '../tests/guest/guests.js';

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

export interface Measure { name: string; insns: number; cpuSecs: number; wallSecs: number; mips: number; wallMips: number }

/** Run `f`, which retires `count()` instructions, and time it in CPU and wall-clock seconds. */
function measure(name: string, count: () => number, f: () => void, print = true): Measure {
  const before = count();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  f();
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage(c0);
  const insns = count() - before;
  const cpuSecs = (c1.user + c1.system) / 1e6;
  const wallSecs = Number(t1 - t0) / 1e9;
  const m = { name, insns, cpuSecs, wallSecs, mips: insns / cpuSecs / 1e6, wallMips: insns / wallSecs / 1e6 };
  return print ? report(m) : m;
}

function report(m: Measure): Measure {
  console.log(`${m.name.padEnd(40)} ${String(m.insns).padStart(11)} insns  ${m.cpuSecs.toFixed(3)} s  ${m.mips.toFixed(1).padStart(6)} MIPS` +
    `  (wall ${m.wallSecs.toFixed(3)} s, ${m.wallMips.toFixed(1)} MIPS)`);
  return m;
}

export function runMips(iterations: number): Measure[] {
  const out: Measure[] = [];
  for (const loop of LOOPS) {
    const m = new TestMachine();
    m.map(0x400000, 0x1000, { write: false, user: true, exec: true });
    m.map(0x600000, 0x1000, { write: true, user: true, exec: false });
    m.enterUser();
    // Warm up (JIT), then measure.
    m.run(0x400000, loop.code(100000), 1e9);
    let best: Measure | null = null;
    for (let k = 0; k < 3; k++) {
      const r = measure(loop.name, () => m.cpu.icount, () => {
        const trap = m.run(0x400000, loop.code(iterations), 1e10);
        if (trap) throw new Error(`${loop.name}: unexpected exception ${trap.vector}`);
      }, false);
      if (best === null || r.mips > best.mips) best = r;
    }
    out.push(report(best as Measure));
  }
  return out;
}

/**
 * A static guest program under the full kernel (boot, ELF loading, entry code, syscalls), from
 * start to exit: start-up and JIT warm-up included, as a user sees it.
 */
export function runGuestMips(name: string, args: string[]): Measure {
  let insns = 0;
  const m = measure(`${name} ${args.join(' ')}`.trim(), () => insns, () => {
    const r = runGuest(guestPath(name), args, { poisonClobbers: false });
    if (r.status !== 0 || r.error) throw new Error(`${name}: status ${r.status} ${r.error ?? ''}\n${r.stderr}`);
    insns = r.kernel.cpu.icount;
  });
  return m;
}

if (process.argv[1] && process.argv[1].endsWith('mips.js')) {
  const iterations = Number(process.argv[2] ?? 10_000_000);
  const rounds = process.argv[3] ?? '14';
  console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg()[0].toFixed(2)}`);
  console.log('tight loops at CPL 3 (bare machine), best of 3:');
  runMips(iterations);
  console.log('guest programs under the kernel (start-up included):');
  runGuestMips('hello.glibc', []);
  runGuestMips('cpuloop.glibc', [rounds]);
  runGuestMips('cpuloop.musl', [rounds]);
}
