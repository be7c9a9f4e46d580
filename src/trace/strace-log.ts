// Writing --trace=syscall lines the way strace -f writes to its standard error: "[pid N] "
// in front while more than one task is traced (strace's nprocs > 1), none while only one is,
// and the result column padded to 40 characters. Called only when tracing is on.

import type { Kernel } from '../kernel/kernel.js';
import type { Task } from '../kernel/process/task.js';
import { signalName } from '../kernel/signal/signals.js';
import { quote, hex } from './strace-structs.js';
import { formatCall, formatResult } from './syscall-format.js';

/** strace's acolumn: "= result" starts at this column when the call text is shorter. */
const RESULT_COLUMN = 40;

function tracedTasks(k: Kernel): number {
  let n = 0;
  for (const x of k.tasks.values()) {
    if (x.state === 'zombie' || x.state === 'dead' || x.comm.startsWith('kspin/')) continue;
    if (++n > 1) break;
  }
  return n;
}

export function tracePrefix(k: Kernel, t: Task): string {
  return tracedTasks(k) > 1 ? `[pid ${String(t.pid).padStart(5)}] ` : '';
}

/** A line that is not a call: "--- SIGUSR1 {…} ---", "+++ exited with 0 +++". */
export function traceLine(k: Kernel, t: Task, text: string): void {
  k.opts.log(tracePrefix(k, t) + text);
}

/** A call's line: "name(args)", padding to the result column, "= result". */
export function traceCall(k: Kernel, t: Task, call: string, result: string): void {
  const head = tracePrefix(k, t) + call;
  k.opts.log(head.length < RESULT_COLUMN ? `${head.padEnd(RESULT_COLUMN)}= ${result}` : `${head} = ${result}`);
}

/** Top-level arguments of a formatted call (commas inside braces, brackets and strings kept). */
export function splitArgs(call: string): { name: string; args: string[] } {
  const open = call.indexOf('(');
  const inner = call.slice(open + 1, -1);
  const args: string[] = [];
  let depth = 0, inStr = false, cur = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (inStr) {
      cur += c;
      if (c === '\\') { cur += inner[++i] ?? ''; continue; }
      if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    if (c === ',' && depth === 0) { args.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim() !== '' || args.length) args.push(cur.trim());
  return { name: call.slice(0, open), args };
}

// How many arguments strace prints when a call is entered (the rest it decodes at exit).
const ENTRY_ARGS: Record<string, number> = {
  read: 1, readv: 1, pread64: 1, preadv: 1, wait4: 1, waitid: 2, nanosleep: 1, clock_nanosleep: 3, rt_sigtimedwait: 1,
  getrandom: 0, readlink: 1, getcwd: 0, pipe: 0, pipe2: 0, rt_sigprocmask: 2, rt_sigaction: 2, sigaltstack: 1,
  setitimer: 2, getitimer: 1, timer_settime: 3, timer_gettime: 1, timer_create: 2, rt_sigpending: 0, uname: 0,
  fstat: 1, newfstatat: 2, stat: 1, select: 4, pselect6: 5, clone3: 1,
};

/** A call the task never returned from because a fatal signal ended it: "name(entry-args <unfinished ...>) = ?". */
export function traceKilledCall(k: Kernel, t: Task, call: string): void {
  const { name, args } = splitArgs(call);
  const n = ENTRY_ARGS[name] ?? args.length;
  const shown = args.slice(0, n).join(', ');
  const sep = n < args.length ? (n > 0 ? ', ' : '') : '';
  traceCall(k, t, `${name}(${shown}${sep} <unfinished ...>)`, '?');
}

/** strace's line for the first program, which it starts itself with execve. */
export function traceSpawnExecve(k: Kernel, t: Task, path: string, argv: string[], envc: number, envp: number): void {
  const q = (s: string): string => quote(new TextEncoder().encode(s), 32);
  traceCall(k, t, `execve(${quote(new TextEncoder().encode(path), 4096)}, [${argv.map(q).join(', ')}], ${hex(envp)} /* ${envc} var${envc === 1 ? '' : 's'} */)`, '0');
}

// The call each task is inside (entered, no line written yet), for a task that dies there.
const inSyscall = new WeakMap<Task, { name: string; args: number[] }>();

export function traceSyscallEntered(t: Task, name: string, args: number[]): void {
  inSyscall.set(t, { name, args });
}
export function traceSyscallDone(t: Task): void {
  inSyscall.delete(t);
}

/** "+++ exited with N +++" or "+++ killed by SIG +++" as each task ends (no core is ever dumped). */
export function traceExit(k: Kernel, t: Task, status: number): void {
  if (t.comm.startsWith('kspin/')) return;
  // A task that dies inside a call (killed at entry, or asleep when another thread ended the
  // group) has its call shown with no result, as strace shows it.
  const open = inSyscall.get(t);
  if (open) {
    inSyscall.delete(t);
    const call = formatCall(open.name, open.args, 0, t);
    if (t.state === 'sleeping') traceKilledCall(k, t, call); else traceCall(k, t, call, '?');
  }
  const sig = status & 0x7f;
  traceLine(k, t, sig === 0 ? `+++ exited with ${(status >> 8) & 0xff} +++` : `+++ killed by ${signalName(sig)} +++`);
}

// strace announces a change of personality before the first call in the other mode:
// "[ Process PID=N runs in 32 bit mode. ]", and 64 on the way back.
const in32 = new WeakSet<Task>();

/** Calls whose i386 arguments the 64-bit decoders read correctly (numbers, strings, byte buffers). */
const SAFE32 = new Set(['read', 'write', 'open', 'openat', 'close', 'exit', 'exit_group', 'getpid', 'gettid', 'getppid',
  'getuid', 'geteuid', 'getgid', 'getegid', 'kill', 'tkill', 'tgkill', 'brk', 'access', 'unlink', 'mkdir', 'rmdir', 'chdir',
  'dup', 'dup2', 'pipe', 'pipe2', 'lseek', 'readlink', 'getcwd', 'munmap', 'mprotect', 'alarm', 'umask', 'rt_sigsuspend']);

/** A compat (i386) call's line, named as strace names it (plain name, after the mode line). */
export function traceSyscall32(k: Kernel, t: Task, name: string, args: number[], ret: number): void {
  if (!in32.has(t)) { in32.add(t); traceLine(k, t, `[ Process PID=${t.pid} runs in 32 bit mode. ]`); }
  const call = SAFE32.has(name) ? formatCall(name, args, ret, t) : `${name}(${args.slice(0, 6).map((v) => hex(v >>> 0)).join(', ')})`;
  traceCall(k, t, call, formatResult(name, ret | 0, args, t));
}

/** Before a 64-bit call's line: announce the switch back if the task last ran 32-bit calls. */
export function traceMode64(k: Kernel, t: Task): void {
  if (in32.has(t)) { in32.delete(t); traceLine(k, t, `[ Process PID=${t.pid} runs in 64 bit mode. ]`); }
}
