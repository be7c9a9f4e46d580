// Running a guest under the host's strace and under ringside --trace=syscall, and comparing
// the two traces (strace-compare.ts says what is normalised).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runGuest, GUEST_ENV } from '../harness/run-guest.js';
import { parseRingside, parseStrace, normalise, diffTraces, type NormaliseOptions } from './strace-compare.js';

export const HAVE_STRACE = process.platform === 'linux' && process.arch === 'x64' && fs.existsSync('/usr/bin/strace')
  && spawnSync('/usr/bin/strace', ['-f', '-q', '-o', '/dev/null', '/bin/true']).status === 0;

/**
 * The program under `strace -f -q`: its trace text (pid in front of every line). With
 * `follow` false, strace traces the first process only (no -f; its lines get the pid 1 here):
 * for a program that traces its own children, which a process strace traces could not do.
 */
export function straceNative(bin: string, args: string[] = [], follow = true): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-strace-')), 'trace');
  const env = Object.fromEntries(GUEST_ENV.map((e) => e.split('=') as [string, string]));
  spawnSync('/usr/bin/strace', [...(follow ? ['-f'] : []), '-q', '-o', out, bin, ...args], { env, encoding: 'latin1', timeout: 30_000, killSignal: 'SIGKILL' });
  let text = fs.readFileSync(out, 'latin1');
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  // Without -f there is no pid column: the first set_tid_address returns the process's own pid.
  if (!follow) {
    const pid = /^set_tid_address\(.*\)\s+= (\d+)$/m.exec(text)?.[1] ?? '1';
    text = text.split('\n').map((l) => (l ? `${pid} ${l}` : l)).join('\n');
  }
  return text;
}

export interface ParityResult { diffs: string[]; ringside: string[]; strace: string }

export function compareWithStrace(bin: string, args: string[] = [], opts: NormaliseOptions & { argsGuest?: string[]; between?: () => void; rootOnly?: boolean } = {}): ParityResult {
  const strace = straceNative(bin, args, !opts.rootOnly);
  opts.between?.();
  // A tracer's own lines carry its children's pids as register values and ptrace results
  // (rdi=0x5649, rval=22089): ringside numbers its processes from the host's pid for that run,
  // so that they are as large as the host's (never confused with small values) and usually equal.
  const firstPid = opts.rootOnly ? Number(/^(\d+) /.exec(strace)?.[1] ?? 1) : 1;
  const r = runGuest(bin, opts.argsGuest ?? args, { traceSyscalls: true }, firstPid > 1 ? (k) => {
    (k as unknown as { nextPid: number }).nextPid = firstPid;
  } : undefined);
  const parsed = parseRingside(r.log, r.kernel.initTgid);
  if (opts.rootOnly) for (const pid of [...parsed.tasks.keys()]) if (pid !== parsed.root) parsed.tasks.delete(pid);
  const a = normalise(parsed, opts);
  const b = normalise(parseStrace(strace), opts);
  return { diffs: diffTraces(a, b, 1000), ringside: r.log, strace };
}
