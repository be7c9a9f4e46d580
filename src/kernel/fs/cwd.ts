// The working directory and the file-creation mask (fs/open.c chdir/fchdir, fs/d_path.c
// getcwd, kernel/sys.c umask). The cwd is a guest path: getcwd never shows the host's --root.

import { defineSyscall } from '../syscalls/registry.js';
import { vfsOf } from './vfs.js';
import { walkAt, permission, fsCred, AT_FDCWD, MAY_EXEC } from './namei.js';
import { getname, isDir } from './path.js';
import { EACCES, EBADF, EFAULT, ENOENT, ENOTDIR, ERANGE } from '../errno.js';

defineSyscall('sys_chdir', (k, t, pathAddr) => {
  const p = getname(t, pathAddr);
  if (typeof p === 'number') return p;
  if (p === '') return -ENOENT;
  const r = walkAt(vfsOf(k), t, AT_FDCWD, p, { follow: true });
  if (typeof r === 'number') return r;
  if (!isDir(r.st!.mode)) return -ENOTDIR;
  if (!permission(r.st!, fsCred(t), MAY_EXEC)) return -EACCES;
  t.cwd = r.path;
  return 0;
});

defineSyscall('sys_fchdir', (_k, t, fd) => {
  const f = t.files.get(fd | 0);
  if (!f) return -EBADF;
  if (!f.isDir) return -ENOTDIR;
  const st = f.stat();
  if (typeof st === 'number') return st;
  if (!permission(st, fsCred(t), MAY_EXEC)) return -EACCES;
  t.cwd = f.path;
  return 0;
});

defineSyscall('sys_getcwd', (_k, t, buf, size) => {
  const bytes = new TextEncoder().encode(t.cwd + '\0');
  if (bytes.length > (size >>> 0)) return -ERANGE;
  return t.um.write(buf, bytes) ? bytes.length : -EFAULT;
});

defineSyscall('sys_umask', (_k, t, mask) => {
  const old = t.umask;
  t.umask = mask & 0o777;
  return old;
});
