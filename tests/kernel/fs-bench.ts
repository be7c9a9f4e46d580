// A kernel with one process that never runs, for calling file-system code and system call
// handlers directly: strings and buffers go into an anonymous mapping of the process, and
// handlers are called by their entry-point names as do_syscall_64 would call them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kernel, type KernelOptions } from '../../src/kernel/kernel.js';
import { entryImage } from '../../src/kernel/arch/image.js';
import { syscallHandler } from '../../src/kernel/syscalls/registry.js';
import { mmap } from '../../src/kernel/mm/syscalls.js';
import { vfsOf, type Vfs } from '../../src/kernel/fs/vfs.js';
import type { Task } from '../../src/kernel/process/task.js';
import type { Host } from '../../src/kernel/host.js';
import { CaptureHost } from '../harness/run-guest.js';
import { guestPath } from '../guest/guests.js';
import '../../src/kernel/syscalls/index.js';

const SCRATCH = 1 << 20;

export class FsBench {
  readonly k: Kernel;
  readonly t: Task;
  readonly vfs: Vfs;
  private base: number;
  private next = 0;

  constructor(opts: Partial<KernelOptions> = {}, host: Host = new CaptureHost()) {
    this.k = new Kernel(host, entryImage(), { memoryMiB: 64, ...opts });
    // Any static program will do: it is loaded, never run.
    const prog = guestPath('syscalls.asm');
    this.t = this.k.spawn(fs.readFileSync(prog), prog, [prog], []);
    this.vfs = vfsOf(this.k);
    this.base = mmap(this.k, this.t, 0, SCRATCH, 3, 0x22, -1, 0);
    if (this.base < 0) throw new Error(`mmap failed: ${this.base}`);
  }

  /** Scratch user memory of n bytes (zeroed). */
  buf(n: number): number {
    const a = this.base + this.next;
    this.next += (n + 15) & ~15;
    if (this.next > SCRATCH) this.next = 0;
    this.t.um.write(a, new Uint8Array(n));
    return a;
  }

  /** A NUL-terminated string in user memory. */
  str(s: string): number {
    const e = new TextEncoder().encode(s);
    const a = this.buf(e.length + 1);
    this.t.um.write(a, e);
    return a;
  }

  bytes(addr: number, n: number): Uint8Array {
    const b = this.t.um.read(addr, n);
    if (!b) throw new Error(`cannot read user memory at ${addr.toString(16)}`);
    return b;
  }

  i32(addr: number): number {
    return new DataView(this.bytes(addr, 4).buffer).getInt32(0, true);
  }

  /** Call a system call handler by its entry point (sys_openat …) with number arguments. */
  call(entry: string, ...args: number[]): number {
    const fn = syscallHandler(entry);
    if (!fn) throw new Error(`no handler for ${entry}`);
    const a = [...args, 0, 0, 0, 0, 0, 0];
    return fn(this.k, this.t, a[0], a[1], a[2], a[3], a[4], a[5]);
  }
}

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh empty directory under the OS temp dir (symlinks resolved, so paths compare), removed at exit. */
export function tempDir(tag: string): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `ringside-${tag}-`)));
  made.push(d);
  return d;
}
