// The Host interface (src/kernel/host.ts) implemented with Node's fs, tty, os and crypto:
// the guest sees the host's file system as the invoking user does (like qemu-user), and the
// host's stdin, stdout and stderr.

import fs from 'node:fs';
import os from 'node:os';
import tty from 'node:tty';
import { randomFillSync } from 'node:crypto';
import type { Host, HostStat, HostDirent } from '../kernel/host.js';

const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13,
  EFAULT: 14, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENFILE: 23,
  EMFILE: 24, ENOTTY: 25, EFBIG: 27, ENOSPC: 28, ESPIPE: 29, EROFS: 30, EMLINK: 31, EPIPE: 32, ENAMETOOLONG: 36,
  ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, EOVERFLOW: 75, ENOTSUP: 95, EOPNOTSUPP: 95,
};

function errno(e: unknown): number {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  if (code && ERRNO[code]) return -ERRNO[code];
  // libuv reports a failed system call as -errno (on Linux the kernel's own numbers).
  if (typeof err?.errno === 'number' && err.errno < 0 && err.errno > -4095) return err.errno;
  return -5;
}

/** Run a host call that returns nothing: 0, or -errno. */
function call(fn: () => void): number {
  try { fn(); return 0; } catch (e) { return errno(e); }
}

/** Node takes file times as seconds (a double): ns/1e9 keeps them to ~0.25 µs. */
function secs(ns: number): number {
  return ns / 1e9;
}

function toStat(s: fs.BigIntStats): HostStat {
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid),
    gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize), blocks: Number(s.blocks),
    atimeNs: Number(s.atimeNs), mtimeNs: Number(s.mtimeNs), ctimeNs: Number(s.ctimeNs),
  };
}

// Linux open(2) flag bits → Node's fs.constants (the same numbers on Linux, spelled out for clarity).
const OPEN_FLAGS = 0o3 | 0o100 | 0o200 | 0o400 | 0o1000 | 0o2000 | 0o4000 | 0o200000 | 0o400000 | 0o10000000;

export class NodeHost implements Host {
  /** Guest handle → host fd. Handles 0-2 are the host's standard streams. */
  private readonly fds = new Map<number, number>([[0, 0], [1, 1], [2, 2]]);
  private next = 3;

  open(path: string, flags: number, mode: number): number {
    try {
      const fd = fs.openSync(path, flags & OPEN_FLAGS, mode);
      const h = this.next++;
      this.fds.set(h, fd);
      return h;
    } catch (e) {
      return errno(e);
    }
  }
  close(handle: number): number {
    const fd = this.fds.get(handle);
    if (fd === undefined) return -9;
    this.fds.delete(handle);
    if (handle > 2) try { fs.closeSync(fd); } catch (e) { return errno(e); }
    return 0;
  }
  read(handle: number, buf: Uint8Array, position: number | null): number {
    const fd = this.fds.get(handle);
    if (fd === undefined) return -9;
    for (;;) {
      try {
        return fs.readSync(fd, buf, 0, buf.length, position);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); continue; }
        if (code === 'EOF') return 0;
        return errno(e);
      }
    }
  }
  write(handle: number, buf: Uint8Array, position: number | null): number {
    const fd = this.fds.get(handle);
    if (fd === undefined) return -9;
    let done = 0;
    while (done < buf.length) {
      try {
        done += fs.writeSync(fd, buf, done, buf.length - done, position === null ? null : position + done);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); continue; }
        return done > 0 ? done : errno(e);
      }
    }
    return done;
  }
  fstat(handle: number): HostStat | number {
    const fd = this.fds.get(handle);
    if (fd === undefined) return -9;
    try { return toStat(fs.fstatSync(fd, { bigint: true })); } catch (e) { return errno(e); }
  }
  stat(path: string, followLinks: boolean): HostStat | number {
    try {
      return toStat(followLinks ? fs.statSync(path, { bigint: true }) : fs.lstatSync(path, { bigint: true }));
    } catch (e) {
      return errno(e);
    }
  }
  readlink(path: string): string | number {
    try { return fs.readlinkSync(path); } catch (e) { return errno(e); }
  }
  readdir(path: string): HostDirent[] | number {
    try {
      return fs.readdirSync(path, { withFileTypes: true }).map((d) => {
        let ino = 0;
        try { ino = Number(fs.lstatSync(`${path}/${d.name}`, { bigint: true }).ino); } catch { /* vanished */ }
        const type = d.isFile() ? 8 : d.isDirectory() ? 4 : d.isSymbolicLink() ? 10 : d.isFIFO() ? 1 : d.isSocket() ? 12 : d.isCharacterDevice() ? 2 : d.isBlockDevice() ? 6 : 0;
        return { name: d.name, ino, type };
      });
    } catch (e) {
      return errno(e);
    }
  }
  mkdir(path: string, mode: number): number {
    return call(() => fs.mkdirSync(path, { mode }));
  }
  rmdir(path: string): number {
    return call(() => fs.rmdirSync(path));
  }
  unlink(path: string): number {
    return call(() => fs.unlinkSync(path));
  }
  rename(from: string, to: string): number {
    return call(() => fs.renameSync(from, to));
  }
  link(existing: string, newPath: string): number {
    return call(() => fs.linkSync(existing, newPath));
  }
  symlink(target: string, path: string): number {
    return call(() => fs.symlinkSync(target, path));
  }
  chmod(path: string, mode: number): number {
    return call(() => fs.chmodSync(path, mode));
  }
  fchmod(handle: number, mode: number): number {
    const fd = this.fds.get(handle);
    return fd === undefined ? -9 : call(() => fs.fchmodSync(fd, mode));
  }
  chown(path: string, uid: number, gid: number, follow: boolean): number {
    return call(() => (follow ? fs.chownSync : fs.lchownSync)(path, uid, gid));
  }
  fchown(handle: number, uid: number, gid: number): number {
    const fd = this.fds.get(handle);
    return fd === undefined ? -9 : call(() => fs.fchownSync(fd, uid, gid));
  }
  utimens(path: string, atimeNs: number, mtimeNs: number, follow: boolean): number {
    return call(() => (follow ? fs.utimesSync : fs.lutimesSync)(path, secs(atimeNs), secs(mtimeNs)));
  }
  futimens(handle: number, atimeNs: number, mtimeNs: number): number {
    const fd = this.fds.get(handle);
    return fd === undefined ? -9 : call(() => fs.futimesSync(fd, secs(atimeNs), secs(mtimeNs)));
  }
  truncate(path: string, length: number): number {
    return call(() => fs.truncateSync(path, length));
  }
  ftruncate(handle: number, length: number): number {
    const fd = this.fds.get(handle);
    return fd === undefined ? -9 : call(() => fs.ftruncateSync(fd, length));
  }
  fsync(handle: number, dataOnly: boolean): number {
    const fd = this.fds.get(handle);
    return fd === undefined ? -9 : call(() => (dataOnly ? fs.fdatasyncSync : fs.fsyncSync)(fd));
  }
  isatty(handle: number): boolean {
    const fd = this.fds.get(handle);
    return fd !== undefined && tty.isatty(fd);
  }
  winsize(handle: number): { rows: number; cols: number } | null {
    if (!this.isatty(handle)) return null;
    const s = handle === 2 ? process.stderr : process.stdout;
    return { rows: (s as tty.WriteStream).rows ?? 24, cols: (s as tty.WriteStream).columns ?? 80 };
  }
  cwd(): string {
    return process.cwd();
  }
  realtimeNs(): number {
    return Date.now() * 1e6;
  }
  monotonicNs(): number {
    return Number(process.hrtime.bigint());
  }
  randomBytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    randomFillSync(b);
    return b;
  }
  identity(): { uid: number; gid: number; hostname: string } {
    return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, hostname: os.hostname() };
  }
}
