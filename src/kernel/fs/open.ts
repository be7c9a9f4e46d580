// Opening by name (fs/open.c, fs/namei.c path_openat): open, openat, creat, and close and
// close_range. The checks run in Linux's order: the walk (ENOENT, ENOTDIR, ELOOP, EACCES on a
// directory), then for a new file the read-only mount (EROFS) and write permission on the
// directory, for an existing one O_EXCL (EEXIST), the file type (EISDIR, ENOTDIR, ELOOP for
// O_NOFOLLOW), the read-only mount, and the permission bits against the task's credentials.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { defineSyscall } from '../syscalls/registry.js';
import {
  File, put, O_ACCMODE, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC,
  O_PATH, O_TMPFILE,
} from './file.js';
import { vfsOf } from './vfs.js';
import { walk, walkAt, writableDir, permission, fsCred, AT_FDCWD, MAY_READ, MAY_WRITE } from './namei.js';
import { getname, isDir, isLink, isReg } from './path.js';
import { EACCES, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, ENXIO, EOPNOTSUPP, EROFS, EBADF } from '../errno.js';

/**
 * Open `path` (relative to dirfd) with open(2) flags; mode is the creation mode before the
 * umask. Returns the new File (not yet in the descriptor table) or -errno.
 */
export function openFile(k: Kernel, t: Task, dirfd: number, path: string, flags: number, mode: number): File | number {
  if ((flags & O_TMPFILE) === O_TMPFILE) return -EOPNOTSUPP;
  // Since Linux 6.4 O_CREAT|O_DIRECTORY is refused outright.
  if ((flags & (O_CREAT | O_DIRECTORY)) === (O_CREAT | O_DIRECTORY)) return -EINVAL;
  if (flags & O_PATH) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  const vfs = vfsOf(k);
  const acc = flags & O_ACCMODE;
  const wantWrite = acc === O_WRONLY || acc === O_RDWR || (flags & O_TRUNC) !== 0;
  const creating = (flags & O_CREAT) !== 0;
  // O_CREAT|O_EXCL never follows a link in the last component: a dangling one is EEXIST.
  const follow = (flags & O_NOFOLLOW) === 0 && !(creating && (flags & O_EXCL));
  const r = walkAt(vfs, t, dirfd, path, { follow, create: creating });
  if (typeof r === 'number') return r;
  if (r.magic) return r.magic.reopen(flags) ?? -ENXIO;
  if (r.st === null) {
    if (r.trailingSlash) return -EISDIR;
    if (vfs.readOnly && r.fs.name === 'host') return -EROFS;
    if (r.fs.name !== 'host') return -EACCES;
    const dir = writableDir(vfs, t, r.parent);
    if (typeof dir === 'number') return dir;
    return vfs.hostFs.create(t, r.path, flags, mode & ~t.umask & 0o7777);
  }
  const st = r.st;
  if (creating && (flags & O_EXCL)) return -EEXIST;
  if (isLink(st.mode) && !(flags & O_PATH)) return -ELOOP;
  if (isDir(st.mode)) {
    if (creating) return -EISDIR;
    if (wantWrite && !(flags & O_PATH)) return -EISDIR;
  } else if (flags & O_DIRECTORY) return -ENOTDIR;
  if (!(flags & O_PATH)) {
    // sb_permission comes before the mode bits: a write on a read-only mount is EROFS even
    // where the bits would refuse it too.
    if (wantWrite && vfs.readOnly && r.fs.name === 'host' && (isReg(st.mode) || isDir(st.mode) || isLink(st.mode))) return -EROFS;
    const mask = (acc === O_WRONLY ? 0 : MAY_READ) | (wantWrite || acc === 3 ? MAY_WRITE : 0);
    if (!permission(st, fsCred(t), mask)) return -EACCES;
  }
  return r.fs.open(t, r.path, flags, st);
}

function openat(k: Kernel, t: Task, dirfd: number, pathAddr: number, flags: number, mode: number): number {
  const p = getname(t, pathAddr);
  if (typeof p === 'number') return p;
  if (p === '') return -ENOENT;
  const f = openFile(k, t, dirfd, p, flags, mode);
  if (typeof f === 'number') return f;
  const fd = t.files.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) put(f);
  return fd;
}

defineSyscall('sys_openat', (k, t, dirfd, path, flags, mode) => openat(k, t, dirfd, path, flags | 0, mode | 0));
defineSyscall('sys_open', (k, t, path, flags, mode) => openat(k, t, AT_FDCWD, path, flags | 0, mode | 0));
defineSyscall('sys_creat', (k, t, path, mode) => openat(k, t, AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode | 0));
defineSyscall('sys_close', (_k, t, fd) => t.files.close(fd | 0));

const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;
defineSyscall('sys_close_range', (_k, t, first, last, flags) => {
  const lo = first >>> 0, hi = last >>> 0;
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) return -EINVAL;
  if (lo > hi) return -EINVAL;
  const fds = t.files;
  for (let fd = lo; fd <= Math.min(hi, fds.fds.length - 1); fd++) {
    const e = fds.entry(fd);
    if (!e) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) e.cloexec = true;
    else fds.close(fd);
  }
  return 0;
});

/**
 * Read a whole file by guest path, as the kernel does for execve and the first program:
 * the walk (confined to --root), then the bytes. `t` null reads with root's rights and "/"
 * as the cwd. Returns the bytes and the path walked to, or -errno.
 */
export function kernelReadFile(k: Kernel, t: Task | null, path: string, execCheck = false): { path: string; bytes: Uint8Array } | number {
  const vfs = vfsOf(k);
  const r = walk(vfs, t, t ? t.cwd : '/', path, { follow: true });
  if (typeof r === 'number') return r;
  const st = r.st!;
  if (execCheck) {
    // do_open_execat / may_open: only regular files with an execute bit someone may use.
    if (!isReg(st.mode)) return -EACCES;
    if (!permission(st, fsCred(t), 1)) return -EACCES;
  }
  if (isDir(st.mode)) return -EISDIR;
  const f = r.magic ? r.magic.reopen(O_RDONLY) : r.fs.open(t, r.path, O_RDONLY, st);
  if (f === null) return -ENXIO;
  if (typeof f === 'number') return f;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const buf = new Uint8Array(Math.max(4096, Math.min(st.size - size, 1 << 24)));
    const n = f.read(buf);
    if (n < 0) { put(f); return n === -EBADF ? -EACCES : n; }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    size += n;
  }
  put(f);
  const bytes = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) { bytes.set(c, o); o += c.length; }
  return { path: r.path, bytes };
}
