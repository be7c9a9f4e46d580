// Reading directories: getdents64 and the old getdents (fs/readdir.c). A directory's listing
// is taken when reading starts (and again after a seek back to 0, as rewinddir does), "." and
// ".." first; the file position is the index of the next entry, and every record's d_off is
// the cookie that seeks to the entry after it.

import type { HostDirent } from '../host.js';
import type { Task } from '../process/task.js';
import type { Vfs } from './vfs.js';
import { defineSyscall } from '../syscalls/registry.js';
import { O_PATH } from './file.js';
import { parentOf, DT_DIR } from './path.js';
import { EBADF, EFAULT, EINVAL, ENOTDIR } from '../errno.js';

const encoder = new TextEncoder();

/** The entries of the directory at guest path `path`: ".", "..", then what its file system lists. */
export function dirListing(vfs: Vfs, t: Task | null, path: string): HostDirent[] | number {
  const fs = vfs.fsFor(path);
  const self = fs.lstat(t, path);
  if (typeof self === 'number') return self;
  const up = parentOf(path);
  const parent = vfs.fsFor(up).lstat(t, up);
  const entries = fs.readdir(t, path);
  if (typeof entries === 'number') return entries;
  return [
    { name: '.', ino: self.ino, type: DT_DIR },
    { name: '..', ino: typeof parent === 'number' ? self.ino : parent.ino, type: DT_DIR },
    ...entries,
  ];
}

type Encoder = (dv: DataView, out: Uint8Array, at: number, e: HostDirent, name: Uint8Array, next: number) => number;

/** struct linux_dirent64: d_ino, d_off, d_reclen, d_type, d_name[] NUL-terminated; 8-aligned. */
const dirent64: Encoder = (dv, out, at, e, name, next) => {
  const reclen = (19 + name.length + 1 + 7) & ~7;
  if (at + reclen > out.length) return -1;
  dv.setBigUint64(at, BigInt(e.ino), true);
  dv.setBigInt64(at + 8, BigInt(next), true);
  dv.setUint16(at + 16, reclen, true);
  out[at + 18] = e.type;
  out.set(name, at + 19);
  out.fill(0, at + 19 + name.length, at + reclen);
  return reclen;
};

/** struct linux_dirent: d_ino, d_off, d_reclen, d_name[], NUL, padding, d_type in the last byte. */
const direntOld: Encoder = (dv, out, at, e, name, next) => {
  const reclen = (18 + name.length + 2 + 7) & ~7;
  if (at + reclen > out.length) return -1;
  dv.setBigUint64(at, BigInt(e.ino), true);
  dv.setBigInt64(at + 8, BigInt(next), true);
  dv.setUint16(at + 16, reclen, true);
  out.set(name, at + 18);
  out.fill(0, at + 18 + name.length, at + reclen);
  out[at + reclen - 1] = e.type;
  return reclen;
};

function getdents(t: Task, fd: number, buf: number, count: number, enc: Encoder): number {
  const f = t.files.get(fd | 0);
  if (!f || (f.flags & O_PATH) !== 0) return -EBADF;
  if (!f.isDir) return -ENOTDIR;
  if (f.dirCache === null || f.pos === 0) {
    const list = f.listDir();
    if (typeof list === 'number') return list;
    f.dirCache = list;
  }
  const list = f.dirCache;
  const size = Math.min(count >>> 0, 1 << 20);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let at = 0;
  let i = f.pos;
  for (; i < list.length; i++) {
    const e = list[i];
    const n = enc(dv, out, at, e, encoder.encode(e.name), i + 1);
    if (n < 0) break;
    at += n;
  }
  // Not even one record fits: EINVAL ("result buffer is too small").
  if (at === 0 && i < list.length) return -EINVAL;
  if (at > 0 && !t.um.write(buf, out.subarray(0, at))) return -EFAULT;
  f.pos = i;
  return at;
}

defineSyscall('sys_getdents64', (_k, t, fd, buf, count) => getdents(t, fd, buf, count, dirent64));
defineSyscall('sys_getdents', (_k, t, fd, buf, count) => getdents(t, fd, buf, count, direntOld));
