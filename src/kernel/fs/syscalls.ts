// The file-system system calls, one file per area: reading and writing (rw.ts), opening by
// name (open.ts), stat and readlink (stat.ts), namespace changes (dirops.ts), attributes and
// access (attr.ts), the working directory and umask (cwd.ts), descriptors, locks and ioctl
// (fcntl.ts), directories (dirent.ts), pipes (pipe.ts), and poll/select (poll.ts). Importing
// this module registers them all.

import type { Task } from '../process/task.js';
import { normalize } from './path.js';
import { AT_FDCWD } from './namei.js';
import { EBADF } from '../errno.js';
import './rw.js';
import './open.js';
import './stat.js';
import './dirops.js';
import './attr.js';
import './cwd.js';
import './fcntl.js';
import './dirent.js';
import './pipe.js';
import './poll.js';

export { AT_FDCWD, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH } from './namei.js';
export { encodeStat } from './stat.js';
export { S_IFLNK, S_IFREG, S_IFDIR } from './path.js';
export { kernelReadFile } from './open.js';

/**
 * A path made absolute against the cwd or a directory descriptor, lexically (no lookup):
 * "..", "." and repeated slashes removed. The system calls walk paths with namei.ts instead;
 * this is for callers that only need a name to show.
 */
export function resolvePath(t: Task, dirfd: number, path: string): string | number {
  if (path.startsWith('/')) return normalize(path);
  let base: string;
  if ((dirfd | 0) === AT_FDCWD) base = t.cwd;
  else {
    const f = t.files.get(dirfd | 0);
    if (!f) return -EBADF;
    base = f.path;
  }
  return normalize(base + '/' + path);
}
