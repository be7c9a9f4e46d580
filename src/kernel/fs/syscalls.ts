// File system calls on descriptors and paths: read/write and their vector and positional forms,
// open/openat/close, lseek, the stat family and statx, readlink, getcwd, access, dup, fcntl and
// the terminal ioctls a C library asks at start-up (TCGETS, TIOCGWINSZ).

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { HostStat } from '../host.js';
import { File, O_ACCMODE, O_CLOEXEC, O_DIRECTORY, O_PATH, O_APPEND, O_NONBLOCK } from './file.js';
import { HostFile } from './hostfile.js';
import { EBADF, EFAULT, EINVAL, ENOTTY, ENOENT, ERANGE, ENOTDIR, EISDIR } from '../errno.js';

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;
const S_IFMT = 0o170000, S_IFDIR = 0o040000, S_IFREG = 0o100000, S_IFLNK = 0o120000;
const MAX_IO = 0x7ffff000; // MAX_RW_COUNT: Linux caps one read/write at this

function fileOf(t: Task, fd: number): File | null {
  return t.files.get(fd | 0);
}

/** Resolve a path against the cwd or a directory descriptor; string or -errno. */
export function resolvePath(t: Task, dirfd: number, path: string): string | number {
  if (path.startsWith('/')) return normalize(path);
  let base: string;
  if ((dirfd | 0) === AT_FDCWD) base = t.cwd;
  else {
    const f = fileOf(t, dirfd);
    if (!f) return -EBADF;
    base = f.path;
  }
  return normalize(base + '/' + path);
}

function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

// --- read and write.
defineSyscall('sys_read', (_k, t, fd, buf, count) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if (count < 0) return -EINVAL;
  const n = Math.min(count, MAX_IO);
  const tmp = new Uint8Array(Math.min(n, 1 << 20));
  const got = f.read(tmp);
  if (got <= 0) return got;
  return t.um.write(buf, tmp.subarray(0, got)) ? got : -EFAULT;
});
defineSyscall('sys_write', (_k, t, fd, buf, count) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if (count < 0) return -EINVAL;
  const data = t.um.read(buf, Math.min(count, MAX_IO));
  if (!data) return -EFAULT;
  return f.write(data);
});
defineSyscall('sys_pread64', (_k, t, fd, buf, count, pos) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if (pos < 0) return -EINVAL;
  const tmp = new Uint8Array(Math.min(count, 1 << 20));
  const got = f.pread(tmp, pos);
  if (got <= 0) return got;
  return t.um.write(buf, tmp.subarray(0, got)) ? got : -EFAULT;
});
defineSyscall('sys_pwrite64', (_k, t, fd, buf, count, pos) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if (pos < 0) return -EINVAL;
  const data = t.um.read(buf, Math.min(count, MAX_IO));
  if (!data) return -EFAULT;
  return f.pwrite(data, pos);
});

/** Read an iovec array: [base, len] pairs, or -errno. */
function readIov(t: Task, iov: number, cnt: number): [number, number][] | number {
  if (cnt < 0 || cnt > 1024) return -EINVAL;
  const raw = t.um.read(iov, cnt * 16);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const out: [number, number][] = [];
  for (let k = 0; k < cnt; k++) {
    const len = Number(dv.getBigInt64(k * 16 + 8, true));
    if (len < 0) return -EINVAL;
    out.push([Number(dv.getBigUint64(k * 16, true)), len]);
  }
  return out;
}
defineSyscall('sys_writev', (_k, t, fd, iov, cnt) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  const v = readIov(t, iov, cnt);
  if (typeof v === 'number') return v;
  // One write of the gathered bytes, so the output is not split (as Linux does for regular files and ttys).
  const parts: Uint8Array[] = [];
  for (const [base, len] of v) {
    if (len === 0) continue;
    const d = t.um.read(base, len);
    if (!d) { if (parts.length === 0) return -EFAULT; break; }
    parts.push(d);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return f.write(all);
});
defineSyscall('sys_readv', (_k, t, fd, iov, cnt) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  const v = readIov(t, iov, cnt);
  if (typeof v === 'number') return v;
  let total = 0;
  for (const [base, len] of v) {
    if (len === 0) continue;
    const tmp = new Uint8Array(Math.min(len, 1 << 20));
    const got = f.read(tmp);
    if (got < 0) return total > 0 ? total : got;
    if (got > 0 && !t.um.write(base, tmp.subarray(0, got))) return total > 0 ? total : -EFAULT;
    total += got;
    if (got < len) break;
  }
  return total;
});

defineSyscall('sys_lseek', (_k, t, fd, off, whence) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  return f.lseek(off, whence | 0);
});

// --- open and close.
function openat(k: Kernel, t: Task, dirfd: number, pathAddr: number, flags: number, mode: number): number {
  const p = t.um.readCString(pathAddr, 4096);
  if (p === null) return -EFAULT;
  if (p === '') return -ENOENT;
  const path = resolvePath(t, dirfd, p);
  if (typeof path === 'number') return path;
  const h = k.host.open(path, flags & ~O_CLOEXEC, mode & ~t.umask);
  if (h < 0) return h;
  const st = k.host.fstat(h);
  const isDir = typeof st !== 'number' && (st.mode & S_IFMT) === S_IFDIR;
  if ((flags & O_DIRECTORY) && !isDir) { k.host.close(h); return -ENOTDIR; }
  if (isDir && (flags & O_ACCMODE) !== 0) { k.host.close(h); return -EISDIR; }
  const seekable = typeof st !== 'number' && ((st.mode & S_IFMT) === S_IFREG || (st.mode & S_IFMT) === S_IFDIR);
  const f = new HostFile(k.host, h, flags, path, seekable);
  const fd = t.files.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0) f.release();
  return fd;
}
defineSyscall('sys_openat', (k, t, dirfd, path, flags, mode) => openat(k, t, dirfd, path, flags | 0, mode | 0));
defineSyscall('sys_open', (k, t, path, flags, mode) => openat(k, t, AT_FDCWD, path, flags | 0, mode | 0));
defineSyscall('sys_close', (_k, t, fd) => t.files.close(fd | 0));

// --- stat.
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

function statPath(k: Kernel, t: Task, dirfd: number, pathAddr: number, flags: number): HostStat | number {
  const p = t.um.readCString(pathAddr, 4096);
  if (p === null) return -EFAULT;
  if (p === '') {
    if (!(flags & AT_EMPTY_PATH)) return -ENOENT;
    if ((dirfd | 0) === AT_FDCWD) return k.host.stat(t.cwd, true);
    const f = fileOf(t, dirfd);
    return f ? f.stat() : -EBADF;
  }
  const path = resolvePath(t, dirfd, p);
  if (typeof path === 'number') return path;
  return k.host.stat(path, !(flags & AT_SYMLINK_NOFOLLOW));
}
function putStat(t: Task, st: HostStat | number, addr: number): number {
  if (typeof st === 'number') return st;
  return t.um.write(addr, encodeStat(st)) ? 0 : -EFAULT;
}
defineSyscall('sys_newfstat', (_k, t, fd, addr) => {
  const f = fileOf(t, fd);
  return f ? putStat(t, f.stat(), addr) : -EBADF;
});
defineSyscall('sys_newfstatat', (k, t, dirfd, path, addr, flags) => putStat(t, statPath(k, t, dirfd, path, flags | 0), addr));
defineSyscall('sys_newstat', (k, t, path, addr) => putStat(t, statPath(k, t, AT_FDCWD, path, 0), addr));
defineSyscall('sys_newlstat', (k, t, path, addr) => putStat(t, statPath(k, t, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW), addr));

// statx (include/uapi/linux/stat.h struct statx, 256 bytes). The basic fields are always valid.
const STATX_BASIC_STATS = 0x7ff;
defineSyscall('sys_statx', (k, t, dirfd, path, flags, mask, addr) => {
  const st = statPath(k, t, dirfd, path, flags | 0);
  if (typeof st === 'number') return st;
  void mask;
  const b = new Uint8Array(256);
  const dv = new DataView(b.buffer);
  const u64 = (o: number, v: number) => dv.setBigUint64(o, BigInt(Math.max(0, Math.floor(v))), true);
  dv.setUint32(0, STATX_BASIC_STATS, true);
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
  dv.setUint32(128, Math.floor(st.rdev / 256) & 0xfff, true);
  dv.setUint32(132, st.rdev & 0xff, true);
  dv.setUint32(136, Math.floor(st.dev / 256) & 0xfff, true);
  dv.setUint32(140, st.dev & 0xff, true);
  return t.um.write(addr, b) ? 0 : -EFAULT;
});

// --- readlink, getcwd, access.
function readlinkat(k: Kernel, t: Task, dirfd: number, pathAddr: number, buf: number, size: number): number {
  if (size <= 0) return -EINVAL;
  const p = t.um.readCString(pathAddr, 4096);
  if (p === null) return -EFAULT;
  const path = resolvePath(t, dirfd, p);
  if (typeof path === 'number') return path;
  // /proc/self/exe names the running executable (as the guest gave it), not the emulator.
  const target = path === '/proc/self/exe' ? t.exePath : k.host.readlink(path);
  if (typeof target === 'number') return target;
  const bytes = new TextEncoder().encode(target).subarray(0, size);
  return t.um.write(buf, bytes) ? bytes.length : -EFAULT;
}
defineSyscall('sys_readlink', (k, t, path, buf, size) => readlinkat(k, t, AT_FDCWD, path, buf, size));
defineSyscall('sys_readlinkat', (k, t, dirfd, path, buf, size) => readlinkat(k, t, dirfd, path, buf, size));

defineSyscall('sys_getcwd', (_k, t, buf, size) => {
  const bytes = new TextEncoder().encode(t.cwd + '\0');
  if (bytes.length > size) return -ERANGE;
  return t.um.write(buf, bytes) ? bytes.length : -EFAULT;
});

function faccessat(k: Kernel, t: Task, dirfd: number, pathAddr: number, mode: number): number {
  const p = t.um.readCString(pathAddr, 4096);
  if (p === null) return -EFAULT;
  const path = resolvePath(t, dirfd, p);
  if (typeof path === 'number') return path;
  const st = k.host.stat(path, true);
  if (typeof st === 'number') return st;
  void mode;
  return 0;
}
defineSyscall('sys_access', (k, t, path, mode) => faccessat(k, t, AT_FDCWD, path, mode));
defineSyscall('sys_faccessat', (k, t, dirfd, path, mode) => faccessat(k, t, dirfd, path, mode));
defineSyscall('sys_faccessat2', (k, t, dirfd, path, mode) => faccessat(k, t, dirfd, path, mode));

// --- dup and fcntl.
defineSyscall('sys_dup', (_k, t, fd) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  f.refs++;
  const n = t.files.install(f, false);
  if (n < 0) f.refs--;
  return n;
});
function dup3(t: Task, oldfd: number, newfd: number, flags: number): number {
  const f = fileOf(t, oldfd);
  if (!f) return -EBADF;
  if ((newfd | 0) < 0 || newfd >= t.files.limit) return -EBADF;
  f.refs++;
  t.files.installAt(newfd | 0, f, (flags & O_CLOEXEC) !== 0);
  return newfd;
}
defineSyscall('sys_dup2', (_k, t, oldfd, newfd) => {
  if (oldfd === newfd) return fileOf(t, oldfd) ? newfd : -EBADF;
  return dup3(t, oldfd, newfd, 0);
});
defineSyscall('sys_dup3', (_k, t, oldfd, newfd, flags) => {
  if (oldfd === newfd) return -EINVAL;
  if (flags & ~O_CLOEXEC) return -EINVAL;
  return dup3(t, oldfd, newfd, flags);
});

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;
defineSyscall('sys_fcntl', (_k, t, fd, cmd, arg) => {
  const e = t.files.entry(fd | 0);
  if (!e) return -EBADF;
  switch (cmd | 0) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
      e.file.refs++;
      const n = t.files.install(e.file, cmd === F_DUPFD_CLOEXEC, arg | 0);
      if (n < 0) e.file.refs--;
      return n;
    }
    case F_GETFD: return e.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD: e.cloexec = (arg & FD_CLOEXEC) !== 0; return 0;
    case F_GETFL: return e.file.flags & ~O_CLOEXEC;
    case F_SETFL: e.file.flags = (e.file.flags & ~(O_APPEND | O_NONBLOCK)) | (arg & (O_APPEND | O_NONBLOCK)); return 0;
    default: return -EINVAL;
  }
});

// --- ioctl: terminals (TCGETS, TIOCGWINSZ, TIOCGPGRP); everything else is -ENOTTY.
const TCGETS = 0x5401, TIOCGWINSZ = 0x5413, TIOCGPGRP = 0x540f, FIONREAD = 0x541b;
defineSyscall('sys_ioctl', (_k, t, fd, cmd, arg) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if ((f.flags & O_PATH) !== 0) return -EBADF;
  switch (cmd >>> 0) {
    case TCGETS: {
      if (!f.isatty()) return -ENOTTY;
      // struct termios: a cooked terminal's defaults (ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD,
      // ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE) and the usual control characters.
      const b = new Uint8Array(36);
      const dv = new DataView(b.buffer);
      dv.setUint32(0, 0x500, true);
      dv.setUint32(4, 0x5, true);
      dv.setUint32(8, 0xbf, true);
      dv.setUint32(12, 0x8a3b, true);
      b.set([3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0], 17);
      return t.um.write(arg, b) ? 0 : -EFAULT;
    }
    case TIOCGWINSZ: {
      const ws = f.winsize();
      if (!ws) return -ENOTTY;
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      dv.setUint16(0, ws.rows, true);
      dv.setUint16(2, ws.cols, true);
      return t.um.write(arg, b) ? 0 : -EFAULT;
    }
    case TIOCGPGRP:
      if (!f.isatty()) return -ENOTTY;
      return t.um.writeU32(arg, t.tgid) ? 0 : -EFAULT;
    case FIONREAD:
      return -ENOTTY;
    default:
      return -ENOTTY;
  }
});

export { S_IFLNK, S_IFREG, S_IFDIR };
