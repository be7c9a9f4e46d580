// File systems the kernel makes up (procfs on /proc, the devices on /dev): a tree of nodes
// computed on every lookup, and the open files of their directories and generated text files.

import type { HostStat, HostDirent } from '../host.js';
import type { Task } from '../process/task.js';
import type { Fs, Vfs } from './vfs.js';
import { File, fileFlags } from './file.js';
import { dirListing } from './dirent.js';
import { S_IFDIR, S_IFREG, S_IFLNK, S_IFMT, dtype } from './path.js';
import { EINVAL, ENOENT, ENOTDIR } from '../errno.js';

export interface VNode {
  /** S_IFDIR, S_IFREG, S_IFLNK or S_IFCHR. */
  type: number;
  perm: number;
  ino: number;
  uid?: number;
  gid?: number;
  rdev?: number;
  /** Directories: the children's names and d_types, and a lookup by name. */
  list?(): [string, number][];
  child?(name: string): VNode | null;
  /** Regular files: the contents, generated when first read. */
  content?(): string | Uint8Array;
  /** Symbolic links. */
  target?(): string;
  /** Magic links (/proc/PID/fd/N): the open file named. */
  file?(): File | null;
  /** Character devices. */
  open?(flags: number, path: string): File | number;
}

/** A stable inode number for a made-up path (FNV-1a), clear of the small fixed numbers. */
export function inoOf(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return ((h >>> 0) % 0x7fff0000) + 0x10000;
}

export function dirNode(ino: number, perm: number, list: () => [string, number][], child: (name: string) => VNode | null, owner?: { uid: number; gid: number }): VNode {
  return { type: S_IFDIR, perm, ino, list, child, uid: owner?.uid, gid: owner?.gid };
}
export function fileNode(ino: number, content: () => string | Uint8Array, owner?: { uid: number; gid: number }, perm = 0o444): VNode {
  return { type: S_IFREG, perm, ino, content, uid: owner?.uid, gid: owner?.gid };
}
export function linkNode(ino: number, target: () => string, owner?: { uid: number; gid: number }, file?: () => File | null): VNode {
  return { type: S_IFLNK, perm: 0o777, ino, target, file, uid: owner?.uid, gid: owner?.gid };
}

/** A directory's child list from a table of static children. */
export function entriesOf(table: Record<string, VNode>): [string, number][] {
  return Object.entries(table).map(([n, v]) => [n, dtype(v.type)]);
}

export abstract class PseudoFs implements Fs {
  abstract readonly name: 'proc' | 'dev';
  constructor(readonly vfs: Vfs, readonly mount: string, readonly dev: number) {}

  /** The mount's root directory as seen by task t (procfs's "self" depends on who asks). */
  abstract rootNode(t: Task | null): VNode;

  node(t: Task | null, path: string): VNode | null {
    let n: VNode | null = this.rootNode(t);
    const rest = path.slice(this.mount.length);
    for (const name of rest.split('/')) {
      if (name === '') continue;
      if (!n || !n.child) return null;
      n = n.child(name);
    }
    return n;
  }

  statOf(n: VNode): HostStat {
    const boot = this.vfs.k.clock.bootRealtimeNs;
    return {
      dev: this.dev, ino: n.ino, mode: n.type | n.perm, nlink: n.type === S_IFDIR ? 2 : 1, uid: n.uid ?? 0, gid: n.gid ?? 0,
      rdev: n.rdev ?? 0, size: 0, blksize: 1024, blocks: 0, atimeNs: boot, mtimeNs: boot, ctimeNs: boot,
    };
  }

  lstat(t: Task | null, path: string): HostStat | number {
    const n = this.node(t, path);
    return n ? this.statOf(n) : -ENOENT;
  }
  readlink(t: Task | null, path: string): string | number {
    const n = this.node(t, path);
    if (!n) return -ENOENT;
    return n.target ? n.target() : -EINVAL;
  }
  linkFile(t: Task | null, path: string): File | null {
    const n = this.node(t, path);
    return n?.file ? n.file() : null;
  }
  readdir(t: Task | null, path: string): HostDirent[] | number {
    const n = this.node(t, path);
    if (!n) return -ENOENT;
    if (!n.list || !n.child) return -ENOTDIR;
    const out: HostDirent[] = [];
    for (const [name, type] of n.list()) {
      const c = n.child(name);
      if (c) out.push({ name, ino: c.ino, type });
    }
    return out;
  }
  open(t: Task | null, path: string, flags: number, _st: HostStat): File | number {
    const n = this.node(t, path);
    if (!n) return -ENOENT;
    if (n.open) return n.open(flags, path);
    // Opening for writing is allowed where the mode bits allow it (root); the files have no
    // write method, so writes fail with EINVAL, as Linux's do.
    const stat = () => this.statOf(n);
    let f: File;
    if (n.type === S_IFDIR) {
      f = new PseudoFile(fileFlags(flags), path, null, stat);
      f.isDir = true;
      f.lister = () => dirListing(this.vfs, t, path);
    } else if ((n.type & S_IFMT) === S_IFREG && n.content) {
      f = new PseudoFile(fileFlags(flags), path, n.content, stat);
    } else return -EINVAL;
    f.named = true;
    return f;
  }
}

const encoder = new TextEncoder();

/** An open made-up file: text generated at the first read (seq_file style), or a directory. */
export class PseudoFile extends File {
  private data: Uint8Array | null = null;
  constructor(flags: number, path: string, private readonly gen: (() => string | Uint8Array) | null, private readonly st: () => HostStat) {
    super(flags, path);
  }
  private bytes(): Uint8Array {
    if (this.data === null) {
      const c = this.gen ? this.gen() : new Uint8Array(0);
      this.data = typeof c === 'string' ? encoder.encode(c) : c;
    }
    return this.data;
  }
  override read(buf: Uint8Array): number {
    if (this.isDir) return -21; // EISDIR
    const n = this.pread(buf, this.pos);
    if (n > 0) this.pos += n;
    return n;
  }
  override pread(buf: Uint8Array, pos: number): number {
    if (this.isDir) return -21;
    const d = this.bytes();
    if (pos >= d.length) return 0;
    const n = Math.min(buf.length, d.length - pos);
    buf.set(d.subarray(pos, pos + n));
    return n;
  }
  override write(): number {
    return -EINVAL;
  }
  override lseek(off: number, whence: number): number {
    return this.seekTo(off, whence, () => this.bytes().length);
  }
  override stat(): HostStat | number {
    return this.st();
  }
  override nread(): number {
    return this.isDir ? -25 : Math.max(0, this.bytes().length - this.pos);
  }
}

