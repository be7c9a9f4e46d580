// Files backed by the host (the guest sees the host's file system, as under qemu-user), and the
// host's terminal for descriptors 0-2.

import type { Host, HostStat } from '../host.js';
import { File, fileFlags, O_APPEND } from './file.js';
import { EINVAL, EBADF, ENOTTY } from '../errno.js';

const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFIFO = 0o010000;

export class HostFile extends File {
  constructor(readonly host: Host, readonly handle: number, flags: number, path: string, readonly seekable: boolean) {
    super(flags, path);
  }
  override read(buf: Uint8Array): number {
    if (!this.readable) return -EBADF;
    const n = this.host.read(this.handle, buf, this.seekable ? this.pos : null);
    if (n > 0 && this.seekable) this.pos += n;
    return n;
  }
  override write(data: Uint8Array): number {
    if (!this.writable) return -EBADF;
    if (this.seekable && (this.flags & O_APPEND) !== 0) {
      const st = this.host.fstat(this.handle);
      if (typeof st !== 'number') this.pos = st.size;
    }
    const n = this.host.write(this.handle, data, this.seekable ? this.pos : null);
    if (n > 0 && this.seekable) this.pos += n;
    return n;
  }
  override pread(buf: Uint8Array, pos: number): number {
    if (!this.seekable) return super.pread(buf, pos);
    if (!this.readable) return -EBADF;
    return this.host.read(this.handle, buf, pos);
  }
  override pwrite(data: Uint8Array, pos: number): number {
    if (!this.seekable) return super.pwrite(data, pos);
    if (!this.writable) return -EBADF;
    return this.host.write(this.handle, data, pos);
  }
  override lseek(off: number, whence: number): number {
    if (!this.seekable) return super.lseek(off, whence);
    return this.seekTo(off, whence, () => {
      const st = this.host.fstat(this.handle);
      return typeof st === 'number' ? st : st.size;
    });
  }
  override stat(): HostStat | number {
    return this.host.fstat(this.handle);
  }
  override isatty(): boolean {
    return this.host.isatty(this.handle);
  }
  override winsize(): { rows: number; cols: number } | null {
    return this.host.winsize(this.handle);
  }
  override nread(): number {
    // FIONREAD on a regular file is what is left before EOF (fs/ioctl.c: i_size - f_pos).
    const st = this.host.fstat(this.handle);
    if (typeof st === 'number') return st;
    if ((st.mode & S_IFMT) === S_IFREG) return Math.max(0, st.size - this.pos);
    // A host terminal or pipe: the host cannot tell without reading, so nothing is "waiting".
    if (this.isatty() || (st.mode & S_IFMT) === S_IFIFO) return 0;
    return -ENOTTY;
  }
  override fsync(dataOnly: boolean): number {
    if (!this.seekable) return -EINVAL;
    return this.host.fsync(this.handle, dataOnly);
  }
  override truncate(len: number): number {
    const st = this.host.fstat(this.handle);
    if (typeof st === 'number') return st;
    // do_ftruncate: only a regular file open for writing.
    if ((st.mode & S_IFMT) !== S_IFREG || !this.writable) return -EINVAL;
    return this.host.ftruncate(this.handle, len);
  }
  override chmod(mode: number): number {
    return this.host.fchmod(this.handle, mode);
  }
  override chown(uid: number, gid: number): number {
    return this.host.fchown(this.handle, uid, gid);
  }
  override utimens(atimeNs: number, mtimeNs: number): number {
    return this.host.futimens(this.handle, atimeNs, mtimeNs);
  }
  override reopen(flags: number): File | null {
    // The inherited standard streams (handles 0-2, never closed by the kernel) can be opened
    // again through /proc/self/fd/N or /dev/stdin; a file opened by name is reopened by name.
    if (this.named || this.handle > 2) return null;
    return new HostFile(this.host, this.handle, fileFlags(flags), this.path, this.seekable);
  }
  override release(): void {
    if (this.handle > 2) this.host.close(this.handle);
  }
}
