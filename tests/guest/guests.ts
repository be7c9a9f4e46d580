// The committed guest programs (tests/guest/bin, built from tests/guest/src by
// scripts/build-guests.sh) and a way to run one on the host. They are static x86-64 Linux
// programs, so on an x86-64 Linux host the host itself is the oracle: a test runs the same
// binary natively and under ringside and compares what each printed and how each ended.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'tests/guest/src'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('guests: cannot find the repository root');
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();
export const GUEST_SRC = join(ROOT, 'tests/guest/src');
export const GUEST_BIN = join(ROOT, 'tests/guest/bin');

/** Can this host run the guest binaries itself? */
export const HOST_IS_X86_64_LINUX = process.platform === 'linux' && process.arch === 'x64';

/** The path of a committed guest binary, e.g. guestPath('hello.musl'). */
export function guestPath(name: string): string {
  return join(GUEST_BIN, name);
}

/** Names of the committed binaries (files in tests/guest/bin), sorted. */
export function guestBinaries(): string[] {
  return readdirSync(GUEST_BIN).filter((f) => !f.startsWith('.')).sort();
}

/** Sources: C programs (NAME.c) and assembly programs (NAME.S), by base name. */
export function guestSources(): { c: string[]; asm: string[] } {
  const files = readdirSync(GUEST_SRC).sort();
  return {
    c: files.filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)),
    asm: files.filter((f) => f.endsWith('.S')).map((f) => f.slice(0, -2)),
  };
}

export interface NativeRun {
  stdout: string;
  stderr: string;
  /** Exit status, or null if a signal ended the program. */
  status: number | null;
  /** The terminating signal's name (SIGKILL …), or null. */
  signal: NodeJS.Signals | null;
}

/**
 * Run a guest binary on the host with exactly the given environment (none by default), so
 * that output depending on envp is reproducible. argv[0] is the binary's path.
 */
export function runNative(name: string, args: readonly string[] = [], env: Record<string, string> = {}): NativeRun {
  const r = spawnSync(guestPath(name), args, { env, encoding: 'utf8', timeout: 20_000, cwd: ROOT });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal };
}
