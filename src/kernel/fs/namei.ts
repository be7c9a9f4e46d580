// Path walking (Linux's fs/namei.c), done by the kernel one component at a time: each name is
// looked up with lstat through the file system that serves it, and each symbolic link is read
// and resolved here, against the guest's "/" for an absolute target. The host is never asked
// to follow a link or to resolve "..", so nothing the guest does reaches outside --root:
// ".." at "/" stays at "/" (as in a chroot), and an absolute link restarts at the guest root.
//
// The walk also makes the permission checks of a lookup (search permission on every directory
// passed through, may_lookup) against the task's credentials.

import type { HostStat } from '../host.js';
import type { Task } from '../process/task.js';
import type { File } from './file.js';
import type { Fs, Vfs } from './vfs.js';
import { joinPath, parentOf, baseName, byteLength, isDir, isLink, S_ISVTX, NAME_MAX } from './path.js';
import { EACCES, EBADF, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EPERM } from '../errno.js';

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200, AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000, AT_STATX_SYNC_TYPE = 0x6000;
/** MAXSYMLINKS (include/linux/namei.h). */
export const MAXSYMLINKS = 40;
export const MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4;

export interface WalkOpts {
  /** Follow a symbolic link in the last component (stat, open without O_NOFOLLOW …). */
  follow: boolean;
  /** The last component may be missing: the result then has st = null (creating calls). */
  create?: boolean;
  /** Check search permission as these ids (access(2) uses the real ones); default fsCred(t). */
  cred?: FsCred;
}

/** How the last component was spelled: "." and ".." cannot be created, removed or renamed. */
export type LastType = 'norm' | 'dot' | 'dotdot' | 'root';

export interface Found {
  fs: Fs;
  /** Guest path of the object (of the missing name, when st is null). */
  path: string;
  /** lstat of the object; null when it does not exist (only with `create`). */
  st: HostStat | null;
  /** The directory the last component was looked up in, and the name. */
  parent: string;
  name: string;
  last: LastType;
  /** The path ended with "/": the object must be a directory. */
  trailingSlash: boolean;
  /** A magic link followed at the end (/proc/PID/fd/N of a pipe): the open file it names. */
  magic: File | null;
}

/** Credentials for file access: the filesystem ids (fsuid follows euid) or, for access(2), the real ones. */
export interface FsCred {
  uid: number;
  gid: number;
}

export function fsCred(t: Task | null): FsCred {
  return t ? { uid: t.creds.euid, gid: t.creds.egid } : { uid: 0, gid: 0 };
}

/**
 * generic_permission: the owner, group or other class's bits; root passes read and write
 * always (CAP_DAC_OVERRIDE), search on directories, and execute when any x bit is set.
 */
export function permission(st: HostStat, c: FsCred, mask: number): boolean {
  if (c.uid === 0) return (mask & MAY_EXEC) === 0 || isDir(st.mode) || (st.mode & 0o111) !== 0;
  const bits = c.uid === st.uid ? (st.mode >>> 6) & 7 : c.gid === st.gid ? (st.mode >>> 3) & 7 : st.mode & 7;
  return (bits & mask) === mask;
}

/**
 * may_delete's sticky-directory rule: in a directory with S_ISVTX only the file's owner, the
 * directory's owner or root may remove or rename an entry.
 */
export function stickyDenied(dir: HostStat, victim: HostStat, c: FsCred): boolean {
  return (dir.mode & S_ISVTX) !== 0 && c.uid !== 0 && c.uid !== victim.uid && c.uid !== dir.uid;
}

/** The directory a relative path starts from: the cwd or a directory descriptor's. */
export function startDir(t: Task, dirfd: number, path: string): string | number {
  if (path.startsWith('/')) return '/';
  if ((dirfd | 0) === AT_FDCWD) return t.cwd;
  const f = t.files.get(dirfd | 0);
  if (!f) return -EBADF;
  if (!f.isDir) return -ENOTDIR;
  return f.path;
}

/** lstat through whichever file system serves the path. */
export function lstatPath(vfs: Vfs, t: Task | null, path: string): HostStat | number {
  return vfs.fsFor(path).lstat(t, path);
}

/**
 * Walk `path` from directory `start` (a guest path). Returns what the last component names,
 * or -errno: ENOENT, ENOTDIR, ELOOP (more than MAXSYMLINKS links), ENAMETOOLONG, EACCES.
 */
export function walk(vfs: Vfs, t: Task | null, start: string, path: string, o: WalkOpts): Found | number {
  const cred = o.cred ?? fsCred(t);
  const root = cred.uid === 0; // root may search every directory: no need to stat each one
  let cur = path.startsWith('/') ? '/' : start;
  let curSt: HostStat | null = null;
  const comps = path.split('/').filter((c) => c !== '');
  let trailingSlash = path.length > 1 && path.endsWith('/');
  let links = 0;
  let last: LastType = comps.length === 0 ? 'root' : 'norm';
  for (let i = 0; i < comps.length;) {
    const name = comps[i++];
    const isLast = i === comps.length;
    if (!root) {
      if (curSt === null) {
        const s = lstatPath(vfs, t, cur);
        if (typeof s === 'number') return s;
        curSt = s;
      }
      if (!permission(curSt, cred, MAY_EXEC)) return -EACCES;
    }
    if (name === '.') { last = 'dot'; continue; }
    if (name === '..') { cur = parentOf(cur); curSt = null; last = 'dotdot'; continue; }
    last = 'norm';
    if (name.length > NAME_MAX / 4 && byteLength(name) > NAME_MAX) return -ENAMETOOLONG;
    const child = joinPath(cur, name);
    const fs = vfs.fsFor(child);
    const st = fs.lstat(t, child);
    if (typeof st === 'number') {
      if (st === -ENOENT && isLast && o.create) {
        return { fs, path: child, st: null, parent: cur, name, last, trailingSlash, magic: null };
      }
      return st;
    }
    if (isLink(st.mode) && (!isLast || o.follow || trailingSlash)) {
      if (++links > MAXSYMLINKS) return -ELOOP;
      if (isLast) {
        // A magic link names an open file directly (nd_jump_link). Files opened by name are
        // reached through their path; the others (pipes, the inherited terminal) only this way.
        const f = fs.linkFile(t, child);
        if (f && !f.named) {
          const fst = f.stat();
          if (typeof fst === 'number') return fst;
          return { fs, path: child, st: fst, parent: cur, name, last, trailingSlash, magic: f };
        }
      }
      const target = fs.readlink(t, child);
      if (typeof target === 'number') return target;
      if (target === '') return -ENOENT;
      if (target.endsWith('/') && isLast) trailingSlash = true;
      comps.splice(i, 0, ...target.split('/').filter((c) => c !== ''));
      if (target.startsWith('/')) { cur = '/'; curSt = null; last = 'root'; }
      continue;
    }
    if (!isLast && !isDir(st.mode)) return -ENOTDIR;
    cur = child;
    curSt = st;
  }
  if (curSt === null) {
    const s = lstatPath(vfs, t, cur);
    if (typeof s === 'number') return s;
    curSt = s;
  }
  if (trailingSlash && !isDir(curSt.mode)) return -ENOTDIR;
  return { fs: vfs.fsFor(cur), path: cur, st: curSt, parent: parentOf(cur), name: baseName(cur), last, trailingSlash, magic: null };
}

/** Walk a path given relative to a dirfd (openat-style). */
export function walkAt(vfs: Vfs, t: Task, dirfd: number, path: string, o: WalkOpts): Found | number {
  const start = startDir(t, dirfd, path);
  if (typeof start === 'number') return start;
  return walk(vfs, t, start, path, o);
}

/**
 * The parent directory of a name about to be created or removed, checked for write and search
 * permission (may_create, may_delete). Returns its stat or -errno.
 */
export function writableDir(vfs: Vfs, t: Task | null, dir: string): HostStat | number {
  const st = lstatPath(vfs, t, dir);
  if (typeof st === 'number') return st;
  if (!isDir(st.mode)) return -ENOTDIR;
  if (!permission(st, fsCred(t), MAY_WRITE | MAY_EXEC)) return -EACCES;
  return st;
}

/** may_delete for an existing `victim` in `dir`: write+search on dir and the sticky rule. */
export function mayDelete(vfs: Vfs, t: Task | null, dir: string, victim: HostStat): number {
  const dst = writableDir(vfs, t, dir);
  if (typeof dst === 'number') return dst;
  if (stickyDenied(dst, victim, fsCred(t))) return -EPERM;
  return 0;
}
