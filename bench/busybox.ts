// A real program's speed: Debian's static busybox hashing a 10 MiB file (`sha256sum`, integer
// and memory work in a tight loop, few system calls) and sorting a 200,000-line file (`sort`:
// malloc, string compares, large reads and writes), run three ways in one go — under ringside
// (the CLI, `node bin/ringside.js /bin/busybox …`), natively, and under qemu-x86_64 (user-mode
// QEMU, a JIT translator: the usual yardstick for an emulator) — with the three outputs checked
// equal. `node dist/bench/busybox.js [MiB to hash] [lines to sort]`; `npm run bench:busybox`.
//
// Times are the child processes' CPU time (user + system, from the cutime/cstime that Linux adds
// to /proc/self/stat when a child is reaped), so other work on a shared machine does not count
// against a run; wall-clock time is printed beside it. That CPU time has a resolution of one
// clock tick (10 ms), too coarse for a native run of some tens of milliseconds, so native runs
// are repeated ten times and qemu runs five, and the means taken; ringside runs once (a cold start, as a user sees it:
// Node's start-up and module loading included, about 0.1 s), with --stats for the guest
// instruction count (and so MIPS).
// The input files are generated deterministically in os.tmpdir() and deleted afterwards.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../tests/guest/guests.js';

const BUSYBOX = '/bin/busybox';
const QEMU = '/usr/bin/qemu-x86_64';
const CLI = path.join(ROOT, 'bin/ringside.js');
const TICK = 100; // USER_HZ: /proc/<pid>/stat reports times in 1/100 s on Linux

interface Run { out: Buffer; err: Buffer; status: number | null; cpu: number; wall: number }

/** Children's CPU seconds so far (reaped children only), or null off Linux. */
function childCpu(): number | null {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'latin1');
    // Fields after the parenthesised command name: cutime and cstime are fields 16 and 17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / TICK;
  } catch {
    return null;
  }
}

function run(cmd: string, args: string[], cwd: string): Run {
  const c0 = childCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, maxBuffer: 1 << 30, env: { PATH: '/usr/bin:/bin', LANG: 'C' } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  const c1 = childCpu();
  const cpu = c0 !== null && c1 !== null ? c1 - c0 : wall;
  return { out: r.stdout, err: r.stderr, status: r.status, cpu, wall };
}

/** The mean of n runs: averaging tick-quantised CPU times gives a finer figure than any one run. */
function mean(n: number, f: () => Run): Run {
  const first = f();
  let cpu = first.cpu, wall = first.wall;
  for (let i = 1; i < n; i++) {
    const r = f();
    if (r.status !== first.status || !r.out.equals(first.out)) throw new Error('bench/busybox: a repeated run gave different output');
    cpu += r.cpu;
    wall += r.wall;
  }
  return { ...first, cpu: cpu / n, wall: wall / n };
}

/** xorshift32: the same bytes on every machine. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

function makeBinary(file: string, bytes: number): void {
  const next = prng(0x5eed);
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i + 4 <= bytes; i += 4) buf.writeUInt32LE(next(), i);
  fs.writeFileSync(file, buf);
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet',
  'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango'];

function makeLines(file: string, lines: number): void {
  const next = prng(0xc0ffee);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(`${WORDS[next() % WORDS.length]} ${(next() % 1000000).toString().padStart(6, '0')} ${WORDS[next() % WORDS.length]}-${i}\n`);
  }
  fs.writeFileSync(file, out.join(''));
}

interface Row { name: string; ringside: Run; native: Run; qemu: Run | null }

function fmt(r: Run): string {
  return `${r.cpu.toFixed(2).padStart(7)} s (wall ${r.wall.toFixed(2)})`;
}

/** Guest instructions (user + kernel) from the --stats summary on ringside's stderr. */
function guestInsns(r: Run): number {
  const text = r.err.toString('latin1');
  const user = /^\s+user\s+(\d+)$/m.exec(text), kernel = /^\s+kernel\s+(\d+)$/m.exec(text);
  return user && kernel ? Number(user[1]) + Number(kernel[1]) : NaN;
}

function ratio(a: Run, b: Run): string {
  return b.cpu > 0 ? `${(a.cpu / b.cpu).toFixed(0)}x` : 'n/a';
}

export function main(argv: string[]): void {
  const mib = Number(argv[0] ?? 10);
  const lineCount = Number(argv[1] ?? 200_000);
  if (!fs.existsSync(BUSYBOX)) {
    console.error(`bench/busybox: ${BUSYBOX} is missing (Debian: apt-get install busybox-static)`);
    process.exitCode = 1;
    return;
  }
  const haveQemu = fs.existsSync(QEMU);
  if (!haveQemu) console.error(`bench/busybox: ${QEMU} is missing (Debian: apt-get install qemu-user); qemu column skipped`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-bench-'));
  try {
    makeBinary(path.join(dir, 'data.bin'), mib * 1024 * 1024);
    makeLines(path.join(dir, 'lines.txt'), lineCount);
    const cases: [string, string[]][] = [
      [`sha256sum of ${mib} MiB`, ['sha256sum', 'data.bin']],
      [`sort of ${lineCount.toLocaleString('en')} lines`, ['sort', 'lines.txt']],
    ];
    const rows: Row[] = [];
    for (const [name, args] of cases) {
      const native = mean(10, () => run(BUSYBOX, args, dir));
      const qemu = haveQemu ? mean(5, () => run(QEMU, [BUSYBOX, ...args], dir)) : null;
      const ringside = run(process.execPath, [CLI, '--stats', BUSYBOX, ...args], dir);
      for (const [who, r] of [['native', native], ['qemu', qemu], ['ringside', ringside]] as const) {
        if (r && r.status !== 0) throw new Error(`${name}: ${who} exited with status ${r.status}`);
      }
      if (!ringside.out.equals(native.out)) throw new Error(`${name}: ringside's output differs from the native run's`);
      if (qemu && !qemu.out.equals(native.out)) throw new Error(`${name}: qemu's output differs from the native run's`);
      rows.push({ name, ringside, native, qemu });
    }
    console.log(`busybox under ringside, natively and under qemu-x86_64 (CPU seconds, user + system; outputs equal)`);
    console.log(`${'workload'.padEnd(26)} ${'ringside'.padEnd(22)} ${'native'.padEnd(22)} ${'qemu'.padEnd(22)} ringside/native  ringside/qemu`);
    for (const r of rows) {
      console.log(`${r.name.padEnd(26)} ${fmt(r.ringside).padEnd(22)} ${fmt(r.native).padEnd(22)} ${(r.qemu ? fmt(r.qemu) : 'n/a').padEnd(22)} ` +
        `${ratio(r.ringside, r.native).padStart(15)}  ${(r.qemu ? ratio(r.ringside, r.qemu) : 'n/a').padStart(13)}`);
    }
    for (const r of rows) {
      const n = guestInsns(r.ringside);
      console.log(`ringside, ${r.name}: ${(n / 1e6).toFixed(0)} M guest instructions, ${(n / r.ringside.cpu / 1e6).toFixed(1)} MIPS`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
