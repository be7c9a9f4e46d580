// The host's file system as the guest sees it: guest path P is host path ROOT + P. Lookups are
// lstat and readlink on single components (the walk in namei.ts resolves links itself); opens
// add O_NOFOLLOW, since the walk never hands over a path whose last component is a link it
// meant to follow.

import type { HostStat, HostDirent } from '../host.js';
import type { Task } from '../process/task.js';
import type { Fs, Vfs } from './vfs.js';
import { File, fileFlags, O_CREAT, O_EXCL, O_CLOEXEC, O_NOFOLLOW, O_NONBLOCK } from './file.js';
import { HostFile } from './hostfile.js';
import { dirListing } from './dirent.js';
import { isDir, isReg, S_IFMT, S_IFIFO } from './path.js';

export class HostFs implements Fs {
  readonly name = 'host';
  constructor(readonly vfs: Vfs) {}

  /** The host path of a guest path. */
  hostPath(path: string): string {
    const root = this.vfs.root;
    if (root === '') return path;
    return path === '/' ? root : root + path;
  }

  lstat(_t: Task | null, path: string): HostStat | number {
    return this.vfs.host.stat(this.hostPath(path), false);
  }
  readlink(_t: Task | null, path: string): string | number {
    return this.vfs.host.readlink(this.hostPath(path));
  }
  linkFile(): File | null {
    return null;
  }
  readdir(_t: Task | null, path: string): HostDirent[] | number {
    return this.vfs.host.readdir(this.hostPath(path));
  }

  open(t: Task | null, path: string, flags: number, st: HostStat): File | number {
    let hflags = (flags & ~(O_CREAT | O_EXCL | O_CLOEXEC)) | O_NOFOLLOW;
    // A FIFO opened on the host would block the whole machine until a peer appears.
    if ((st.mode & S_IFMT) === S_IFIFO) hflags |= O_NONBLOCK;
    const h = this.vfs.host.open(this.hostPath(path), hflags, 0);
    if (h < 0) return h;
    return this.wrap(t, h, flags, path, st);
  }

  /** Create a new regular file (the name is known not to exist) with exactly `mode`. */
  create(t: Task | null, path: string, flags: number, mode: number): File | number {
    const host = this.vfs.host;
    const h = host.open(this.hostPath(path), (flags & ~O_CLOEXEC) | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
    if (h < 0) return h;
    // The host process's own umask applied too; the guest's umask (already in mode) is the one that counts.
    host.fchmod(h, mode);
    const st = host.fstat(h);
    if (typeof st === 'number') { host.close(h); return st; }
    return this.wrap(t, h, flags, path, st);
  }

  private wrap(t: Task | null, h: number, flags: number, path: string, st: HostStat): File {
    const f = new HostFile(this.vfs.host, h, fileFlags(flags), path, isReg(st.mode) || isDir(st.mode));
    f.named = true;
    f.readOnlyFs = this.vfs.readOnly;
    if (isDir(st.mode)) {
      f.isDir = true;
      f.lister = () => dirListing(this.vfs, t, path);
    }
    return f;
  }
}
