// Changing the namespace (fs/namei.c): mkdir, rmdir, unlink, rename, link and symlink, in
// their *at forms. Every one walks both parents in the kernel (namei.ts), so a name can only
// be made or removed inside --root; the checks follow Linux's order (the parent walk, "." and
// ".." as the last component, the read-only mount, existence, then permission on the parent).

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { defineSyscall } from '../syscalls/registry.js';
import { vfsOf, type Vfs } from './vfs.js';
import { walkAt, writableDir, mayDelete, type Found, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH } from './namei.js';
import { getname, isDir } from './path.js';
import { EACCES, EBADF, EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, EROFS, EXDEV } from '../errno.js';

/** Where creating or removing in a made-up file system (/proc, /dev) fails. */
function notHost(f: Found): number {
  return f.fs.name === 'proc' ? -ENOENT : -EACCES;
}

function roHost(vfs: Vfs, f: Found): boolean {
  return vfs.readOnly && f.fs.name === 'host';
}

/** A name to create: the walk to its parent, then "it must not exist yet". */
function lookupCreate(k: Kernel, t: Task, dirfd: number, pathAddr: number): Found | number {
  const p = getname(t, pathAddr);
  if (typeof p === 'number') return p;
  if (p === '') return -ENOENT;
  return walkAt(vfsOf(k), t, dirfd, p, { follow: false, create: true });
}

function mkdirat(k: Kernel, t: Task, dirfd: number, pathAddr: number, mode: number): number {
  const vfs = vfsOf(k);
  const r = lookupCreate(k, t, dirfd, pathAddr);
  if (typeof r === 'number') return r;
  if (r.last !== 'norm' || r.st !== null) return -EEXIST;
  if (r.fs.name !== 'host') return notHost(r);
  if (vfs.readOnly) return -EROFS;
  const dir = writableDir(vfs, t, r.parent);
  if (typeof dir === 'number') return dir;
  const hp = vfs.hostFs.hostPath(r.path);
  const m = mode & 0o1777 & ~t.umask;
  const e = vfs.host.mkdir(hp, m);
  if (e < 0) return e;
  // The host's own umask applied too: set exactly what the guest asked for.
  vfs.host.chmod(hp, m);
  return 0;
}
defineSyscall('sys_mkdirat', (k, t, dirfd, path, mode) => mkdirat(k, t, dirfd, path, mode | 0));
defineSyscall('sys_mkdir', (k, t, path, mode) => mkdirat(k, t, AT_FDCWD, path, mode | 0));

function removeAt(k: Kernel, t: Task, dirfd: number, pathAddr: number, dir: boolean): number {
  const vfs = vfsOf(k);
  const r = lookupCreate(k, t, dirfd, pathAddr);
  if (typeof r === 'number') return r;
  if (r.last !== 'norm') {
    if (!dir) return -EISDIR;
    return r.last === 'dot' ? -EINVAL : r.last === 'dotdot' ? -ENOTEMPTY : -EBUSY;
  }
  if (roHost(vfs, r)) return -EROFS;
  if (r.st === null) return -ENOENT;
  if (r.fs.name !== 'host') return r.path === '/proc' || r.path === '/dev' ? -EBUSY : -EPERM;
  if (dir && !isDir(r.st.mode)) return -ENOTDIR;
  if (!dir && isDir(r.st.mode)) return -EISDIR;
  const e = mayDelete(vfs, t, r.parent, r.st);
  if (e < 0) return e;
  const hp = vfs.hostFs.hostPath(r.path);
  return dir ? vfs.host.rmdir(hp) : vfs.host.unlink(hp);
}
defineSyscall('sys_unlinkat', (k, t, dirfd, path, flags) => {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return removeAt(k, t, dirfd, path, (flags & AT_REMOVEDIR) !== 0);
});
defineSyscall('sys_unlink', (k, t, path) => removeAt(k, t, AT_FDCWD, path, false));
defineSyscall('sys_rmdir', (k, t, path) => removeAt(k, t, AT_FDCWD, path, true));

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
function renameat2(k: Kernel, t: Task, olddfd: number, oldAddr: number, newdfd: number, newAddr: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)) return -EINVAL;
  // Exchanging two names atomically has no host equivalent through Node: refused as a file
  // system without the feature does. RENAME_WHITEOUT belongs to overlay file systems.
  if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  const vfs = vfsOf(k);
  const from = lookupCreate(k, t, olddfd, oldAddr);
  if (typeof from === 'number') return from;
  const to = lookupCreate(k, t, newdfd, newAddr);
  if (typeof to === 'number') return to;
  if (from.last !== 'norm' || to.last !== 'norm') return -EBUSY;
  if (from.fs !== to.fs || from.fs.name !== 'host') return from.fs.name !== 'host' && from.st === null ? -ENOENT : -EXDEV;
  if (vfs.readOnly) return -EROFS;
  if (from.st === null) return -ENOENT;
  if ((flags & RENAME_NOREPLACE) && to.st !== null) return -EEXIST;
  if (!isDir(from.st.mode) && (from.trailingSlash || to.trailingSlash)) return -ENOTDIR;
  if (to.st !== null) {
    if (isDir(from.st.mode) && !isDir(to.st.mode)) return -ENOTDIR;
    if (!isDir(from.st.mode) && isDir(to.st.mode)) return -EISDIR;
  }
  let e = mayDelete(vfs, t, from.parent, from.st);
  if (e < 0) return e;
  if (to.st !== null) e = mayDelete(vfs, t, to.parent, to.st);
  else {
    const d = writableDir(vfs, t, to.parent);
    e = typeof d === 'number' ? d : 0;
  }
  if (e < 0) return e;
  return vfs.host.rename(vfs.hostFs.hostPath(from.path), vfs.hostFs.hostPath(to.path));
}
defineSyscall('sys_renameat2', (k, t, od, o, nd, n, flags) => renameat2(k, t, od, o, nd, n, flags | 0));
defineSyscall('sys_renameat', (k, t, od, o, nd, n) => renameat2(k, t, od, o, nd, n, 0));
defineSyscall('sys_rename', (k, t, o, n) => renameat2(k, t, AT_FDCWD, o, AT_FDCWD, n, 0));

function linkat(k: Kernel, t: Task, olddfd: number, oldAddr: number, newdfd: number, newAddr: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const vfs = vfsOf(k);
  const p = getname(t, oldAddr);
  if (typeof p === 'number') return p;
  let fromPath: string;
  let fromDir: boolean;
  if (p === '') {
    // AT_EMPTY_PATH: link the file a descriptor refers to (by its name here).
    if (!(flags & AT_EMPTY_PATH)) return -ENOENT;
    const f = t.files.get(olddfd | 0);
    if (!f) return -EBADF;
    if (!f.named || vfs.fsFor(f.path).name !== 'host') return -ENOENT;
    fromPath = f.path;
    fromDir = f.isDir;
  } else {
    const from = walkAt(vfs, t, olddfd, p, { follow: (flags & AT_SYMLINK_FOLLOW) !== 0 });
    if (typeof from === 'number') return from;
    if (from.fs.name !== 'host') return -EXDEV;
    fromPath = from.path;
    fromDir = isDir(from.st!.mode);
  }
  const to = lookupCreate(k, t, newdfd, newAddr);
  if (typeof to === 'number') return to;
  if (to.last !== 'norm' || to.st !== null) return -EEXIST;
  if (to.fs.name !== 'host') return -EXDEV;
  if (vfs.readOnly) return -EROFS;
  if (fromDir) return -EPERM;
  const d = writableDir(vfs, t, to.parent);
  if (typeof d === 'number') return d;
  return vfs.host.link(vfs.hostFs.hostPath(fromPath), vfs.hostFs.hostPath(to.path));
}
defineSyscall('sys_linkat', (k, t, od, o, nd, n, flags) => linkat(k, t, od, o, nd, n, flags | 0));
defineSyscall('sys_link', (k, t, o, n) => linkat(k, t, AT_FDCWD, o, AT_FDCWD, n, 0));

function symlinkat(k: Kernel, t: Task, targetAddr: number, newdfd: number, pathAddr: number): number {
  const target = getname(t, targetAddr);
  if (typeof target === 'number') return target;
  if (target === '') return -ENOENT;
  const vfs = vfsOf(k);
  const r = lookupCreate(k, t, newdfd, pathAddr);
  if (typeof r === 'number') return r;
  if (r.last !== 'norm' || r.st !== null) return -EEXIST;
  if (r.fs.name !== 'host') return notHost(r);
  if (vfs.readOnly) return -EROFS;
  const d = writableDir(vfs, t, r.parent);
  if (typeof d === 'number') return d;
  // The target is stored as given; the walk resolves it inside the guest's root when followed.
  return vfs.host.symlink(target, vfs.hostFs.hostPath(r.path));
}
defineSyscall('sys_symlinkat', (k, t, target, dirfd, path) => symlinkat(k, t, target, dirfd, path));
defineSyscall('sys_symlink', (k, t, target, path) => symlinkat(k, t, target, AT_FDCWD, path));
