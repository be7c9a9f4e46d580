// Open files (Linux's struct file) and the per-process descriptor table (struct files_struct).
// A File is shared by every descriptor dup()ed from it and across fork, with one position.

import type { HostStat, HostDirent } from '../host.js';
import type { WaitQueue } from '../sched/wait.js';
import { EBADF, EINVAL, ESPIPE, ENOTTY, EMFILE, ENOTDIR, EPERM } from '../errno.js';

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
export const O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000, O_LARGEFILE = 0o100000, O_TMPFILE = 0o20000000 | O_DIRECTORY;
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;

/**
 * The f_flags an open file keeps, as F_GETFL reports them on x86-64 Linux: the creation flags
 * and O_CLOEXEC dropped, O_LARGEFILE added (force_o_largefile); an O_PATH file keeps only
 * O_PATH, O_DIRECTORY and O_NOFOLLOW (checked against the host by tests/guest/src/fsops.c).
 */
export function fileFlags(flags: number): number {
  if (flags & O_PATH) return flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW);
  return (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
}

/** What a system call on a file needs from the kernel; kept minimal so files stay testable. */
export interface FileContext {
  now(): number;
}

// poll(2) event bits (include/uapi/asm-generic/poll.h).
export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
export const POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200;
/** What a file without a poll method reports: always readable and writable (DEFAULT_POLLMASK). */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

export abstract class File {
  pos = 0;
  refs = 1;
  /** A directory (usable as a dirfd, by fchdir and getdents). */
  isDir = false;
  /** Opened by its path name (which `path` holds), rather than made by pipe() or inherited. */
  named = false;
  /** On a file system mounted read-only (--read-only): fchmod, ftruncate … give EROFS. */
  readOnlyFs = false;
  /** getdents: lists the directory, "." and ".." first (set by whoever opened a directory). */
  lister: (() => HostDirent[] | number) | null = null;
  /** getdents: the listing taken at the first read (or after a seek to 0), and its cursor is pos. */
  dirCache: HostDirent[] | null = null;
  /**
   * `path` is the name the guest sees: an absolute guest path for files opened by name, or a
   * pseudo name ("pipe:[N]") that readlink of /proc/self/fd/N shows.
   */
  constructor(public flags: number, public path: string) {}
  /** Read up to buf.length bytes; returns the count or -errno. */
  read(_buf: Uint8Array): number { return -EINVAL; }
  write(_data: Uint8Array): number { return -EINVAL; }
  pread(_buf: Uint8Array, _pos: number): number { return -ESPIPE; }
  pwrite(_data: Uint8Array, _pos: number): number { return -ESPIPE; }
  lseek(_off: number, _whence: number): number { return -ESPIPE; }
  /**
   * generic_file_llseek() for the files that can seek: SEEK_SET, SEEK_CUR, or SEEK_END from
   * `size()` (the size, or -errno; not for directories), never to a negative position. A
   * directory rewound to its start lists afresh (rewinddir sees new entries).
   */
  protected seekTo(off: number, whence: number, size: () => number): number {
    let base: number;
    if (whence === SEEK_SET) base = 0;
    else if (whence === SEEK_CUR) base = this.pos;
    else if (whence === SEEK_END && !this.isDir) {
      base = size();
      if (base < 0) return base;
    } else return -EINVAL;
    const p = base + off;
    if (p < 0) return -EINVAL;
    this.pos = p;
    if (this.isDir && p === 0) this.dirCache = null;
    return p;
  }
  abstract stat(): HostStat | number;
  isatty(): boolean { return false; }
  winsize(): { rows: number; cols: number } | null { return null; }
  ioctl(_cmd: number): number { return -ENOTTY; }
  /** Readiness for poll/select: POLL* bits (the caller masks them with what was asked). */
  poll(): number { return DEFAULT_POLLMASK; }
  /**
   * Where a reader or writer that would block sleeps (src/kernel/sched/wait.ts), or null for
   * files that never block (their read/write never return -EAGAIN for want of data or room).
   */
  waitQueue(_forWrite: boolean): WaitQueue | null { return null; }
  /** FIONREAD: bytes that a read would return now. */
  nread(): number { return -ENOTTY; }
  fsync(_dataOnly: boolean): number { return -EINVAL; }
  truncate(_len: number): number { return -EINVAL; }
  chmod(_mode: number): number { return -EPERM; }
  chown(_uid: number, _gid: number): number { return -EPERM; }
  utimens(_atimeNs: number, _mtimeNs: number): number { return -EPERM; }
  /** A directory listing; -ENOTDIR unless a lister was attached. */
  listDir(): HostDirent[] | number { return this.lister ? this.lister() : -ENOTDIR; }
  /**
   * Open the same object again with new flags: what following the magic link /proc/PID/fd/N
   * does for files that have no path (pipes). null: the object cannot be reopened.
   */
  reopen(_flags: number): File | null { return null; }
  /** Called when the last reference goes away. */
  release(): void {}
  get readable(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY && (this.flags & O_PATH) === 0; }
  get writable(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY && (this.flags & O_PATH) === 0; }
}

export interface FdEntry {
  file: File;
  cloexec: boolean;
}

/** RLIMIT_NOFILE's default soft limit. */
export const NR_OPEN_DEFAULT = 1024;

export class FdTable {
  fds: (FdEntry | null)[] = [];
  /** Tasks sharing this table (CLONE_FILES). */
  users = 1;
  limit = NR_OPEN_DEFAULT;

  get(fd: number): File | null {
    if (!(fd >= 0 && fd < this.fds.length)) return null;
    return this.fds[fd]?.file ?? null;
  }

  entry(fd: number): FdEntry | null {
    if (!(fd >= 0 && fd < this.fds.length)) return null;
    return this.fds[fd];
  }

  /** Install a file at the lowest free descriptor ≥ min; returns it or -EMFILE. */
  install(file: File, cloexec: boolean, min = 0): number {
    for (let fd = min; fd < this.limit; fd++) {
      if (fd >= this.fds.length || this.fds[fd] === null) {
        while (this.fds.length <= fd) this.fds.push(null);
        this.fds[fd] = { file, cloexec };
        return fd;
      }
    }
    return -EMFILE;
  }

  /** Install at exactly `fd`, closing what was there (dup2/dup3). */
  installAt(fd: number, file: File, cloexec: boolean): void {
    while (this.fds.length <= fd) this.fds.push(null);
    const old = this.fds[fd];
    this.fds[fd] = { file, cloexec };
    if (old) put(old.file);
  }

  close(fd: number): number {
    const e = this.entry(fd);
    if (!e) return -EBADF;
    this.fds[fd] = null;
    put(e.file);
    return 0;
  }

  /** A copy for fork(): the same Files, one more reference each. */
  clone(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    t.fds = this.fds.map((e) => {
      if (!e) return null;
      e.file.refs++;
      return { file: e.file, cloexec: e.cloexec };
    });
    return t;
  }

  closeOnExec(): void {
    this.fds.forEach((e, fd) => { if (e && e.cloexec) this.close(fd); });
  }

  closeAll(): void {
    this.fds.forEach((e, fd) => { if (e) this.close(fd); });
  }
}

export function put(file: File): void {
  if (--file.refs === 0) file.release();
}
