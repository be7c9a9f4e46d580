// Running a guest program under ringside inside the test process (output captured), and the
// same program natively on the host for comparison.

import fs from 'node:fs';
import os from 'node:os';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel.js';
import { entryImage } from '../../src/kernel/arch/image.js';
import { NodeHost } from '../../src/cli/node-host.js';

/** A NodeHost whose stdout and stderr are captured instead of written. */
export class CaptureHost extends NodeHost {
  stdout: Buffer[] = [];
  stderr: Buffer[] = [];
  override write(handle: number, buf: Uint8Array, position: number | null): number {
    if (handle === 1) { this.stdout.push(Buffer.from(buf)); return buf.length; }
    if (handle === 2) { this.stderr.push(Buffer.from(buf)); return buf.length; }
    return super.write(handle, buf, position);
  }
  override isatty(handle: number): boolean {
    return handle <= 2 ? false : super.isatty(handle);
  }
}

export interface GuestRun {
  status: number;
  error: string | null;
  stdout: string;
  stderr: string;
  log: string[];
  kernel: Kernel;
}

export const GUEST_ENV = ['PATH=/usr/bin:/bin', 'HOME=/root', 'LANG=C'];

export function runGuest(path: string, args: string[] = [], opts: Partial<KernelOptions> = {}, setup?: (k: Kernel) => void): GuestRun {
  const host = new CaptureHost();
  const log: string[] = [];
  const k = new Kernel(host, entryImage(), { poisonClobbers: true, memoryMiB: 256, log: (l) => log.push(l), ...opts });
  setup?.(k);
  k.spawn(fs.readFileSync(path), path, [path, ...args], GUEST_ENV);
  const r = k.run(2_000_000_000);
  return {
    status: r.status, error: r.error, kernel: k, log,
    stdout: Buffer.concat(host.stdout).toString('latin1'),
    stderr: Buffer.concat(host.stderr).toString('latin1'),
  };
}

export function runNative(path: string, args: string[] = []): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(path, args, { env: Object.fromEntries(GUEST_ENV.map((e) => e.split('=') as [string, string])), encoding: 'latin1' });
  const sig = r.signal ? os.constants.signals[r.signal] : 0;
  return { status: r.status ?? 128 + sig, stdout: r.stdout, stderr: r.stderr };
}

/** Two outputs, compared line by line so that a failure names the first line that differs. */
export function assertSameLines(got: string, want: string, what = 'ringside, then host'): void {
  const a = got.split('\n'), b = want.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) assert.equal(a[i], b[i], `line ${i + 1} differs (${what})`);
}
