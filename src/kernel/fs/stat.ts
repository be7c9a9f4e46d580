// The stat family and statx (fs/stat.c), and readlink (the walk stops at the link).

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { HostStat } from '../host.js';
import { defineSyscall } from '../syscalls/registry.js';
import { vfsOf } from './vfs.js';
import { walkAt, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT, AT_EMPTY_PATH, AT_STATX_SYNC_TYPE } from './namei.js';
import { getname, isLink } from './path.js';
import { EBADF, EFAULT, EINVAL, ENOENT } from '../errno.js';

/** struct stat for x86-64 (arch/x86/include/uapi/asm/stat.h), 144 bytes. */
export function encodeStat(st: HostStat): Uint8Array {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  const u64 = (o: number, v: number) => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), true);
  u64(0, st.dev);
  u64(8, st.ino);
  u64(16, st.nlink);
  dv.setUint32(24, st.mode, true);
  dv.setUint32(28, st.uid, true);
  dv.setUint32(32, st.gid, true);
  u64(40, st.rdev);
  u64(48, st.size);
  u64(56, st.blksize);
  u64(64, st.blocks);
  const ts = (o: number, ns: number) => { u64(o, Math.floor(ns / 1e9)); u64(o + 8, ns % 1e9); };
  ts(72, st.atimeNs);
  ts(88, st.mtimeNs);
  ts(104, st.ctimeNs);
  return b;
}

/** statx(2)'s struct statx (include/uapi/linux/stat.h), 256 bytes; the basic fields are always valid. */
export function encodeStatx(st: HostStat): Uint8Array {
  const STATX_BASIC_STATS = 0x7ff, STATX_MNT_ID = 0x1000;
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  const u64 = (o: number, v: number) => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), true);
  // vfs_statx() always reports the mount id (since Linux 5.8): one mount here, the guest's "/".
  dv.setUint32(0, STATX_BASIC_STATS | STATX_MNT_ID, true);
  u64(144, 1);
  dv.setUint32(4, st.blksize, true);
  dv.setUint32(16, st.nlink, true);
  dv.setUint32(20, st.uid, true);
  dv.setUint32(24, st.gid, true);
  dv.setUint16(28, st.mode, true);
  u64(32, st.ino);
  u64(40, st.size);
  u64(48, st.blocks);
  const ts = (o: number, ns: number) => { u64(o, Math.floor(ns / 1e9)); dv.setUint32(o + 8, ns % 1e9, true); };
  ts(64, st.atimeNs);
  ts(96, st.ctimeNs);
  ts(112, st.mtimeNs);
  // Device numbers split the way new_encode_dev packed them.
  const major = (d: number) => (d >>> 8) & 0xfff, minor = (d: number) => (d & 0xff) | ((d >>> 12) & 0xfff00);
  dv.setUint32(128, major(st.rdev), true);
  dv.setUint32(132, minor(st.rdev), true);
  dv.setUint32(136, major(st.dev), true);
  dv.setUint32(140, minor(st.dev), true);
  return b;
}

/** stat of a path relative to dirfd, with AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH. */
export function statAt(k: Kernel, t: Task, dirfd: number, pathAddr: number, flags: number): HostStat | number {
  // AT_EMPTY_PATH with a NULL path is allowed since Linux 6.11.
  const p = pathAddr === 0 && (flags & AT_EMPTY_PATH) ? '' : getname(t, pathAddr);
  if (typeof p === 'number') return p;
  if (p === '') {
    if (!(flags & AT_EMPTY_PATH)) return -ENOENT;
    if ((dirfd | 0) !== AT_FDCWD) {
      const f = t.files.get(dirfd | 0);
      return f ? f.stat() : -EBADF;
    }
  }
  const r = walkAt(vfsOf(k), t, dirfd, p === '' ? '.' : p, { follow: !(flags & AT_SYMLINK_NOFOLLOW) });
  if (typeof r === 'number') return r;
  return r.st!;
}

function putStat(t: Task, st: HostStat | number, addr: number): number {
  if (typeof st === 'number') return st;
  return t.um.write(addr, encodeStat(st)) ? 0 : -EFAULT;
}

defineSyscall('sys_newfstat', (_k, t, fd, addr) => {
  const f = t.files.get(fd | 0);
  return f ? putStat(t, f.stat(), addr) : -EBADF;
});
defineSyscall('sys_newfstatat', (k, t, dirfd, path, addr, flags) => {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) return -EINVAL;
  return putStat(t, statAt(k, t, dirfd, path, flags | 0), addr);
});
defineSyscall('sys_newstat', (k, t, path, addr) => putStat(t, statAt(k, t, AT_FDCWD, path, 0), addr));
defineSyscall('sys_newlstat', (k, t, path, addr) => putStat(t, statAt(k, t, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW), addr));

const STATX__RESERVED = 0x80000000;
defineSyscall('sys_statx', (k, t, dirfd, path, flags, mask, addr) => {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -EINVAL;
  if ((mask >>> 0) & STATX__RESERVED) return -EINVAL;
  const st = statAt(k, t, dirfd, path, flags | 0);
  if (typeof st === 'number') return st;
  return t.um.write(addr, encodeStatx(st)) ? 0 : -EFAULT;
});

function readlinkat(k: Kernel, t: Task, dirfd: number, pathAddr: number, buf: number, size: number): number {
  if ((size | 0) <= 0) return -EINVAL;
  const p = getname(t, pathAddr);
  if (typeof p === 'number') return p;
  const vfs = vfsOf(k);
  let path: string;
  if (p === '') {
    // An empty path reads the link an O_PATH|O_NOFOLLOW descriptor names.
    if ((dirfd | 0) === AT_FDCWD) return -ENOENT;
    const f = t.files.get(dirfd | 0);
    if (!f) return -EBADF;
    const fst = f.stat();
    if (typeof fst === 'number' || !isLink(fst.mode) || !f.named) return -ENOENT;
    path = f.path;
  } else {
    const r = walkAt(vfs, t, dirfd, p, { follow: false });
    if (typeof r === 'number') return r;
    if (!isLink(r.st!.mode)) return -EINVAL;
    path = r.path;
  }
  const target = vfs.fsFor(path).readlink(t, path);
  if (typeof target === 'number') return target;
  const bytes = new TextEncoder().encode(target).subarray(0, size | 0);
  return t.um.write(buf, bytes) ? bytes.length : -EFAULT;
}
defineSyscall('sys_readlink', (k, t, path, buf, size) => readlinkat(k, t, AT_FDCWD, path, buf, size));
defineSyscall('sys_readlinkat', (k, t, dirfd, path, buf, size) => readlinkat(k, t, dirfd, path, buf, size));
