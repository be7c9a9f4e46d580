// Files backed by the host (the guest sees the host's file system, as under qemu-user), and the
// host's terminal for descriptors 0-2.

import type { Host, HostStat } from '../host.js';
import { File, SEEK_SET, SEEK_CUR, SEEK_END, O_APPEND } from './file.js';
import { EINVAL, EBADF } from '../errno.js';

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
    let base: number;
    if (whence === SEEK_SET) base = 0;
    else if (whence === SEEK_CUR) base = this.pos;
    else if (whence === SEEK_END) {
      const st = this.host.fstat(this.handle);
      if (typeof st === 'number') return st;
      base = st.size;
    } else return -EINVAL;
    const p = base + off;
    if (p < 0) return -EINVAL;
    this.pos = p;
    return p;
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
  override release(): void {
    if (this.handle > 2) this.host.close(this.handle);
  }
}
