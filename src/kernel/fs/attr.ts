// Changing and checking file attributes (fs/open.c, fs/attr.c, fs/utimes.c, fs/sync.c):
// chmod, chown, utimensat, truncate, fsync, and access. Permission checks use the task's
// credentials and the mode bits (namei.ts permission()); access(2) uses the real ids.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { HostStat } from '../host.js';
import { defineSyscall } from '../syscalls/registry.js';
import { O_PATH, type File } from './file.js';
import { vfsOf } from './vfs.js';
import {
  walkAt, permission, fsCred, type Found, type FsCred, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_EACCESS, MAY_WRITE,
} from './namei.js';
import { getname, isDir, isLink, isReg } from './path.js';
import { EACCES, EBADF, EFAULT, EINVAL, EISDIR, ENOENT, EOPNOTSUPP, EPERM, EROFS, ESPIPE } from '../errno.js';
import { PipeFile } from './pipe.js';
import { CLOCK_REALTIME } from '../time/clock.js';

/** What a path-or-descriptor attribute call acts on. */
interface Target {
  st: HostStat;
  /** Host path for host files (null for a descriptor-only target or a made-up file). */
  hostPath: string | null;
  file: File | null;
  readOnly: boolean;
}

/**
 * Resolve the object of an *at attribute call: a path relative to dirfd, or with AT_EMPTY_PATH
 * (or a NULL path, for utimensat) the descriptor itself.
 */
function target(k: Kernel, t: Task, dirfd: number, pathAddr: number | null, flags: number, follow: boolean): Target | number {
  const p = pathAddr === null ? '' : getname(t, pathAddr);
  if (typeof p === 'number') return p;
  if (p === '') {
    if (pathAddr !== null && !(flags & AT_EMPTY_PATH)) return -ENOENT;
    if ((dirfd | 0) === AT_FDCWD) return pathAddr === null ? -EFAULT : targetOfPath(k, t, '.', dirfd, true);
    const f = t.files.get(dirfd | 0);
    if (!f) return -EBADF;
    const st = f.stat();
    if (typeof st === 'number') return st;
    // A file opened by name is changed by that name (an O_PATH descriptor has no host handle
    // that fchmod would accept); others through their own methods.
    const vfs = vfsOf(k);
    const hostPath = f.named && vfs.fsFor(f.path).name === 'host' ? vfs.hostFs.hostPath(f.path) : null;
    return { st, hostPath, file: f, readOnly: f.readOnlyFs };
  }
  return targetOfPath(k, t, p, dirfd, follow);
}

function targetOfPath(k: Kernel, t: Task, p: string, dirfd: number, follow: boolean): Target | number {
  const vfs = vfsOf(k);
  const r: Found | number = walkAt(vfs, t, dirfd, p, { follow });
  if (typeof r === 'number') return r;
  if (r.magic) return { st: r.st!, hostPath: null, file: r.magic, readOnly: r.magic.readOnlyFs };
  const host = r.fs.name === 'host';
  return { st: r.st!, hostPath: host ? vfs.hostFs.hostPath(r.path) : null, file: null, readOnly: host && vfs.readOnly };
}

/** inode_owner_or_capable: the owner or root. */
function ownerOrRoot(t: Task, st: HostStat): boolean {
  return t.creds.euid === 0 || t.creds.euid === st.uid;
}

// --- chmod.
function chmodTarget(k: Kernel, t: Task, tg: Target, mode: number): number {
  if (tg.readOnly) return -EROFS;
  if (!ownerOrRoot(t, tg.st)) return -EPERM;
  const m = mode & 0o7777;
  if (tg.hostPath !== null) return vfsOf(k).host.chmod(tg.hostPath, m);
  if (tg.file) return tg.file.chmod(m);
  return -EPERM;
}
function fchmodat(k: Kernel, t: Task, dirfd: number, pathAddr: number, mode: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const tg = target(k, t, dirfd, pathAddr, flags, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof tg === 'number') return tg;
  // Links have no mode of their own to change (fchmodat2 with AT_SYMLINK_NOFOLLOW on a link).
  if (isLink(tg.st.mode)) return -EOPNOTSUPP;
  return chmodTarget(k, t, tg, mode);
}
defineSyscall('sys_fchmodat2', (k, t, dirfd, path, mode, flags) => fchmodat(k, t, dirfd, path, mode, flags | 0));
defineSyscall('sys_fchmodat', (k, t, dirfd, path, mode) => fchmodat(k, t, dirfd, path, mode, 0));
defineSyscall('sys_chmod', (k, t, path, mode) => fchmodat(k, t, AT_FDCWD, path, mode, 0));
defineSyscall('sys_fchmod', (k, t, fd, mode) => {
  const f = t.files.get(fd | 0);
  if (!f || (f.flags & O_PATH)) return -EBADF;
  const st = f.stat();
  if (typeof st === 'number') return st;
  return chmodTarget(k, t, { st, hostPath: null, file: f, readOnly: f.readOnlyFs }, mode);
});

// --- chown. Where the host refuses (an unprivileged host user giving a file away), the call
// succeeds without effect: the guest may believe it is root.
function chownTarget(k: Kernel, tg: Target, uid: number, gid: number): number {
  if (tg.readOnly) return -EROFS;
  const u = uid >>> 0 === 0xffffffff ? -1 : uid >>> 0, g = gid >>> 0 === 0xffffffff ? -1 : gid >>> 0;
  let e: number;
  if (tg.hostPath !== null) e = vfsOf(k).host.chown(tg.hostPath, u, g, false);
  else if (tg.file) e = tg.file.chown(u, g);
  else e = -EPERM;
  return e === -EPERM ? 0 : e;
}
function fchownat(k: Kernel, t: Task, dirfd: number, pathAddr: number, uid: number, gid: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const tg = target(k, t, dirfd, pathAddr, flags, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof tg === 'number') return tg;
  return chownTarget(k, tg, uid, gid);
}
defineSyscall('sys_fchownat', (k, t, dirfd, path, uid, gid, flags) => fchownat(k, t, dirfd, path, uid, gid, flags | 0));
defineSyscall('sys_chown', (k, t, path, uid, gid) => fchownat(k, t, AT_FDCWD, path, uid, gid, 0));
defineSyscall('sys_lchown', (k, t, path, uid, gid) => fchownat(k, t, AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW));
defineSyscall('sys_fchown', (k, t, fd, uid, gid) => {
  const f = t.files.get(fd | 0);
  if (!f || (f.flags & O_PATH)) return -EBADF;
  const st = f.stat();
  if (typeof st === 'number') return st;
  return chownTarget(k, { st, hostPath: null, file: f, readOnly: f.readOnlyFs }, uid, gid);
});

// --- utimensat (and the older utime, utimes, futimesat, which are the same with coarser times).
export const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;
type Stamp = number | 'now' | 'omit';

function setTimes(k: Kernel, t: Task, tg: Target, atime: Stamp, mtime: Stamp): number {
  if (atime === 'omit' && mtime === 'omit') return 0;
  if (tg.readOnly) return -EROFS;
  // Explicit times need ownership (EPERM); "now" needs ownership or write permission (EACCES).
  const explicit = atime !== 'now' && atime !== 'omit' || mtime !== 'now' && mtime !== 'omit';
  if (!ownerOrRoot(t, tg.st)) {
    if (explicit) return -EPERM;
    if (!permission(tg.st, fsCred(t), MAY_WRITE)) return -EACCES;
  }
  const now = k.clock.read(CLOCK_REALTIME)!;
  const pick = (s: Stamp, cur: number): number => (s === 'now' ? now : s === 'omit' ? cur : s);
  const a = pick(atime, tg.st.atimeNs), m = pick(mtime, tg.st.mtimeNs);
  if (tg.hostPath !== null) return vfsOf(k).host.utimens(tg.hostPath, a, m, false);
  if (tg.file) return tg.file.utimens(a, m);
  return -EPERM;
}

/** Two struct timespec (utimensat) or timeval (utimes) at addr; null addr means both "now". */
function readTimes(t: Task, addr: number, micro: boolean): [Stamp, Stamp] | number {
  if (addr === 0) return ['now', 'now'];
  const b = t.um.read(addr, 32);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const out: Stamp[] = [];
  for (let i = 0; i < 2; i++) {
    const sec = Number(dv.getBigInt64(i * 16, true));
    const frac = Number(dv.getBigInt64(i * 16 + 8, true));
    if (micro) {
      if (frac < 0 || frac >= 1e6) return -EINVAL;
      out.push(sec * 1e9 + frac * 1000);
    } else if (frac === UTIME_NOW) out.push('now');
    else if (frac === UTIME_OMIT) out.push('omit');
    else if (frac < 0 || frac >= 1e9) return -EINVAL;
    else out.push(sec * 1e9 + frac);
  }
  return [out[0], out[1]];
}

function utimensat(k: Kernel, t: Task, dirfd: number, pathAddr: number, timesAddr: number, flags: number, micro: boolean): number {
  const times = readTimes(t, timesAddr, micro);
  if (typeof times === 'number') return times;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  // A NULL path means the descriptor itself (futimens is utimensat(fd, NULL, …)): no flags,
  // and not an O_PATH descriptor (do_utimes_fd's fdget does not see those).
  if (pathAddr === 0 && (dirfd | 0) !== AT_FDCWD) {
    if (flags) return -EINVAL;
    const f = t.files.get(dirfd | 0);
    if (!f || (f.flags & O_PATH)) return -EBADF;
  }
  const tg = target(k, t, dirfd, pathAddr === 0 ? null : pathAddr, flags, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof tg === 'number') return tg;
  return setTimes(k, t, tg, times[0], times[1]);
}
defineSyscall('sys_utimensat', (k, t, dirfd, path, times, flags) => utimensat(k, t, dirfd, path, times, flags | 0, false));
defineSyscall('sys_futimesat', (k, t, dirfd, path, times) => utimensat(k, t, dirfd, path, times, 0, true));
defineSyscall('sys_utimes', (k, t, path, times) => utimensat(k, t, AT_FDCWD, path, times, 0, true));
defineSyscall('sys_utime', (k, t, path, addr) => {
  // struct utimbuf: actime, modtime in whole seconds.
  let times: [Stamp, Stamp] = ['now', 'now'];
  if (addr !== 0) {
    const b = t.um.read(addr, 16);
    if (!b) return -EFAULT;
    const dv = new DataView(b.buffer);
    times = [Number(dv.getBigInt64(0, true)) * 1e9, Number(dv.getBigInt64(8, true)) * 1e9];
  }
  const tg = target(k, t, AT_FDCWD, path, 0, true);
  if (typeof tg === 'number') return tg;
  return setTimes(k, t, tg, times[0], times[1]);
});

// --- truncate, fsync.
defineSyscall('sys_truncate', (k, t, path, len) => {
  if (len < 0) return -EINVAL;
  const tg = target(k, t, AT_FDCWD, path, 0, true);
  if (typeof tg === 'number') return tg;
  if (isDir(tg.st.mode)) return -EISDIR;
  if (!isReg(tg.st.mode)) return -EINVAL;
  if (tg.readOnly) return -EROFS;
  if (!permission(tg.st, fsCred(t), MAY_WRITE)) return -EACCES;
  if (tg.hostPath === null) return -EACCES;
  return vfsOf(k).host.truncate(tg.hostPath, len);
});
defineSyscall('sys_ftruncate', (_k, t, fd, len) => {
  if (len < 0) return -EINVAL;
  const f = t.files.get(fd | 0);
  if (!f || (f.flags & O_PATH)) return -EBADF;
  if (f.readOnlyFs && f.writable) return -EROFS;
  return f.truncate(len);
});
function fsync(t: Task, fd: number, dataOnly: boolean): number {
  const f = t.files.get(fd | 0);
  if (!f || (f.flags & O_PATH)) return -EBADF;
  return f.fsync(dataOnly);
}
defineSyscall('sys_fsync', (_k, t, fd) => fsync(t, fd, false));
defineSyscall('sys_fdatasync', (_k, t, fd) => fsync(t, fd, true));
defineSyscall('sys_sync', () => 0);
defineSyscall('sys_syncfs', (_k, t, fd) => (t.files.get(fd | 0) ? 0 : -EBADF));

// fadvise64 (mm/fadvise.c): advice about future access, which a host-backed page cache has no
// use for; checked and accepted.
defineSyscall('sys_fadvise64', (_k, t, fd, _offset, len, advice) => {
  const f = t.files.get(fd | 0);
  if (!f || (f.flags & O_PATH)) return -EBADF;
  if (f instanceof PipeFile) return -ESPIPE;
  if (len < 0 || (advice >>> 0) > 5) return -EINVAL;
  return 0;
});

// --- access: the real uid and gid unless AT_EACCESS (do_faccessat's override_creds).
const R_OK = 4, W_OK = 2, X_OK = 1;
function faccessat(k: Kernel, t: Task, dirfd: number, pathAddr: number, mode: number, flags: number): number {
  if (mode & ~(R_OK | W_OK | X_OK)) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const cred: FsCred = flags & AT_EACCESS ? { uid: t.creds.euid, gid: t.creds.egid } : { uid: t.creds.uid, gid: t.creds.gid };
  const p = getname(t, pathAddr);
  if (typeof p === 'number') return p;
  let st: HostStat;
  let ro: boolean;
  if (p === '' && (flags & AT_EMPTY_PATH) && (dirfd | 0) !== AT_FDCWD) {
    const f = t.files.get(dirfd | 0);
    if (!f) return -EBADF;
    const s = f.stat();
    if (typeof s === 'number') return s;
    st = s;
    ro = f.readOnlyFs;
  } else {
    if (p === '' && !(flags & AT_EMPTY_PATH)) return -ENOENT;
    const vfs = vfsOf(k);
    const r = walkAt(vfs, t, dirfd, p === '' ? '.' : p, { follow: !(flags & AT_SYMLINK_NOFOLLOW), cred });
    if (typeof r === 'number') return r;
    st = r.st!;
    ro = vfs.readOnly && r.fs.name === 'host';
  }
  if (mode === 0) return 0;
  if ((mode & W_OK) && ro && (isReg(st.mode) || isDir(st.mode) || isLink(st.mode))) return -EROFS;
  return permission(st, cred, mode) ? 0 : -EACCES;
}
defineSyscall('sys_access', (k, t, path, mode) => faccessat(k, t, AT_FDCWD, path, mode | 0, 0));
defineSyscall('sys_faccessat', (k, t, dirfd, path, mode) => faccessat(k, t, dirfd, path, mode | 0, 0));
defineSyscall('sys_faccessat2', (k, t, dirfd, path, mode, flags) => faccessat(k, t, dirfd, path, mode | 0, flags | 0));
