// The ringside command: run a static x86-64 Linux program on the emulated machine.
//   npx ringside [options] PROGRAM [ARGS...]
// The guest's stdin, stdout and stderr are the host's; ringside exits with the guest's exit
// status (128 + signal when a signal killed it). Problems with the program file are one line
// each, with the shell's statuses (127: not found, 126: cannot execute).

import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { Kernel } from '../kernel/kernel.js';
import { ElfError } from '../loader/elf.js';
import { entryImage } from '../kernel/arch/image.js';
import { NodeHost } from './node-host.js';
import { checkRoot, readProgramInRoot } from './root.js';
import { DEFAULT_SYSRET_CHECKS } from '../kernel/entry/syscall.js';
import { PROFILES, DEFAULT_PROFILE } from '../trace/costs.js';

function fail(msg: string, status: number): never {
  process.stderr.write(`ringside: ${msg}\n`);
  process.exit(status);
}

export function main(argv: string[]): void {
  const program = new Command()
    .name('ringside')
    .usage('[options] PROGRAM [ARGS...]')
    .description('Run a static x86-64 Linux program on an emulated CPU whose kernel entry path is real x86 code.')
    .argument('<program>', 'the executable to run')
    .argument('[args...]', 'its arguments')
    .addOption(new Option('--trace <what>', 'comma-separated: syscall (strace-like lines), entry (one line per kernel entry)').default(''))
    .option('--stats', 'print a summary at exit: syscalls, entries, SYSRET/IRET returns, instructions')
    .addOption(new Option('--cpu-vendor <vendor>', 'CPU vendor behaviour').choices(['intel', 'amd']).default('intel'))
    .addOption(new Option('--memory <MiB>', 'guest physical memory').default('512'))
    .addOption(new Option('--sysret <mode>', 'return from system calls by SYSRET when allowed, or always by IRET').choices(['opportunistic', 'never']).default('opportunistic'))
    .addOption(new Option('--context-tracking <mode>', 'run context tracking on every kernel entry and exit').choices(['off', 'force']).default('off'))
    .addOption(new Option('--cost-profile <name>', 'the microarchitecture whose costs the cycle counter models (src/trace/costs.ts)').choices(Object.keys(PROFILES)).default(DEFAULT_PROFILE))
    .addOption(new Option('--syscall-path <path>', "today's C entry, or 2015's split fast/slow tables").choices(['c', 'split-tables']).default('c'))
    .option('--check-entry', 'check the entry/exit invariants at every kernel instruction and return; stop on a violation')
    .addOption(new Option('--kernel-rseq <mode>', 'restart kernel restartable sequences that an interrupt or NMI preempted').choices(['on', 'off']).default('on'))
    .addOption(new Option('--inject <what>', 'raise an interrupt or NMI at every boundary of the entry/exit code in turn').choices(['irq:every', 'nmi:every']))
    .option('--host-time', 'guest clocks follow the host clock instead of the emulated cycle counter')
    .option('--no-vdso', 'do not map the vDSO: clock_gettime and friends enter the kernel')
    .addOption(new Option('--vsyscall <mode>', 'the legacy vsyscall page: emulate (readable), xonly (calls only), none').choices(['emulate', 'xonly', 'none']).default('xonly'))
    .addOption(new Option('--compat-entry <how>', "32-bit programs' __kernel_vsyscall: auto (by CPU vendor), int80, sysenter, syscall32").choices(['auto', 'int80', 'sysenter', 'syscall32']).default('auto'))
    .addOption(new Option('--max-insns <n>', 'stop after this many instructions').default(''))
    .option('--root <dir>', 'the guest sees DIR as "/" and cannot leave it (PROGRAM is a path inside it)')
    .option('--read-only', 'refuse every write to the file system with EROFS')
    .passThroughOptions()
    .allowExcessArguments(true)
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<{ trace: string; stats?: boolean; cpuVendor: 'intel' | 'amd'; memory: string; hostTime?: boolean; maxInsns: string; sysret: 'opportunistic' | 'never'; contextTracking: 'off' | 'force'; checkEntry?: boolean; inject?: string; syscallPath: 'c' | 'split-tables' }>();
  const [prog, ...args] = program.args;
  const traces = new Set(opts.trace.split(',').map((s) => s.trim()).filter(Boolean));
  for (const t of traces) if (t !== 'syscall' && t !== 'entry') fail(`unknown --trace value '${t}' (want syscall, entry)`, 2);
  const memoryMiB = Number(opts.memory);
  if (!Number.isInteger(memoryMiB) || memoryMiB < 16 || memoryMiB > 3072) fail(`--memory must be an integer from 16 to 3072 (MiB)`, 2);

  const fsOpts = program.opts<{ root?: string; readOnly?: boolean }>();
  let root: string | null = null;
  if (fsOpts.root !== undefined) {
    const c = checkRoot(fsOpts.root);
    if ('error' in c) fail(c.error, 2);
    root = c.root;
  }
  let file: Uint8Array;
  try {
    file = root === null ? fs.readFileSync(prog) : new Uint8Array(0);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(`${prog}: No such file or directory`, 127);
    if (code === 'EISDIR') fail(`${prog}: Is a directory`, 126);
    fail(`${prog}: ${(e as Error).message}`, 126);
  }
  const log = (line: string) => process.stderr.write(line + '\n');
  const vdsoOpts = program.opts<{ vdso: boolean; vsyscall: 'emulate' | 'xonly' | 'none'; compatEntry: 'auto' | 'int80' | 'sysenter' | 'syscall32' }>();
  const kernel = new Kernel(new NodeHost(), entryImage(), {
    vendor: opts.cpuVendor,
    memoryMiB,
    traceSyscalls: traces.has('syscall'),
    traceEntries: traces.has('entry'),
    stats: !!opts.stats,
    hostTime: !!opts.hostTime,
    sysretChecks: { ...DEFAULT_SYSRET_CHECKS, mode: opts.sysret },
    contextTracking: opts.contextTracking,
    syscallPath: opts.syscallPath,
    checkEntry: !!opts.checkEntry,
    inject: opts.inject === 'irq:every' ? 'irq' : opts.inject === 'nmi:every' ? 'nmi' : 'none',
    costProfile: program.opts<{ costProfile: string }>().costProfile,
    log,
    root,
    readOnly: !!fsOpts.readOnly,
    vdso: vdsoOpts.vdso,
    vsyscall: vdsoOpts.vsyscall,
    compatEntry: vdsoOpts.compatEntry,
    kernelRseq: program.opts<{ kernelRseq: 'on' | 'off' }>().kernelRseq === 'on',
  });
  if (root !== null) {
    const r = readProgramInRoot(kernel, prog);
    if ('error' in r) fail(r.error, r.status);
    file = r.bytes;
  }
  try {
    kernel.spawn(file, prog, [prog, ...args], envList());
  } catch (e) {
    if (e instanceof ElfError) fail(`${prog}: cannot execute: ${e.message}`, 126);
    throw e;
  }
  const max = opts.maxInsns ? Number(opts.maxInsns) : Infinity;
  const t0 = process.hrtime.bigint();
  const r = kernel.run(max);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) process.stderr.write(`ringside: ${r.error}\n`);
  if (opts.stats) {
    const cpu = kernel.cpu;
    log(kernel.stats.format({ userInsns: cpu.icount - cpu.kernelIcount, kernelInsns: cpu.kernelIcount, cycles: cpu.tsc, clock: kernel.costs }));
    log(`  host time ${secs.toFixed(3)} s, ${(cpu.icount / secs / 1e6).toFixed(1)} MIPS`);
  }
  process.exitCode = r.status;
}

function envList(): string[] {
  return Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
}

const invokedAs = process.argv[1] ? path.basename(process.argv[1]) : '';
if (invokedAs === 'main.js') main(process.argv);
