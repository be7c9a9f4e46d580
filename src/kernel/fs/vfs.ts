// The guest's file namespace: which file system serves a path (the host's, confined to the
// --root directory, with procfs on /proc and the kernel's devices on /dev), and the state that
// belongs to the machine rather than to one process (the read-only flag, terminals, pipe inode
// numbers). One Vfs per Kernel, made on first use (vfsOf).

import type { Kernel } from '../kernel.js';
import type { Host, HostStat, HostDirent } from '../host.js';
import type { Task } from '../process/task.js';
import type { File } from './file.js';
import { isWithin } from './path.js';
import { ProcFs } from './procfs.js';
import { DevFs } from './devices.js';
import { HostFs } from './hostfs.js';

/** What the walk (namei.ts) needs from a file system. Paths are guest paths inside its mount. */
export interface Fs {
  readonly name: 'host' | 'proc' | 'dev';
  lstat(t: Task | null, path: string): HostStat | number;
  readlink(t: Task | null, path: string): string | number;
  /** For a magic link (/proc/PID/fd/N): the open file it names; null for an ordinary link. */
  linkFile(t: Task | null, path: string): File | null;
  /** Directory entries without "." and "..". */
  readdir(t: Task | null, path: string): HostDirent[] | number;
  /** Open an existing object that lstat described as `st` (never a symlink). */
  open(t: Task | null, path: string, flags: number, st: HostStat): File | number;
}

export class Vfs {
  /** The host directory that is the guest's "/" ('' when the guest sees the host's own root). */
  readonly root: string;
  readonly readOnly: boolean;
  readonly host: Host;
  readonly hostFs: HostFs;
  readonly proc: ProcFs;
  readonly dev: DevFs;
  /** Pipe inode numbers (pipefs), as "pipe:[N]" shows them. */
  nextPipeIno = 10000;

  constructor(readonly k: Kernel) {
    this.host = k.host;
    const r = k.opts.root ?? '';
    this.root = r === '/' ? '' : r.replace(/\/+$/, '');
    this.readOnly = k.opts.readOnly;
    this.hostFs = new HostFs(this);
    this.proc = new ProcFs(this);
    this.dev = new DevFs(this);
  }

  /** The file system serving a (normalized) guest path: a mount on /proc or /dev, else the host. */
  fsFor(path: string): Fs {
    if (path.length >= 4 && path.charCodeAt(1) === 0x70 /* p */ && isWithin(path, '/proc')) return this.proc;
    if (path.length >= 4 && path.charCodeAt(1) === 0x64 /* d */ && isWithin(path, '/dev')) return this.dev;
    return this.hostFs;
  }
}

const VFS = new WeakMap<Kernel, Vfs>();

export function vfsOf(k: Kernel): Vfs {
  let v = VFS.get(k);
  if (!v) { v = new Vfs(k); VFS.set(k, v); }
  return v;
}

/**
 * The first process's working directory: the host's, seen from inside the root when it lies
 * there, else the root itself (what chroot(1) leaves after its chdir("/")).
 */
export function initialCwd(hostCwd: string, root: string | null): string {
  if (root === null || root === '' || root === '/') return hostCwd;
  const r = root.replace(/\/+$/, '');
  if (hostCwd === r) return '/';
  if (hostCwd.startsWith(r + '/')) return hostCwd.slice(r.length);
  return '/';
}
