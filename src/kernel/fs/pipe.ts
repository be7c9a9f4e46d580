// Pipes (fs/pipe.c): a ring of page-sized buffers, 16 of them (64 KiB) by default, shared by a
// read end and a write end. The buffer accounting is Linux's, so that a program filling a
// pipe without blocking stops at the same byte count as on Linux: a write first tops up the
// last page with its sub-page tail when that fits, then takes whole new pages; writes of at
// most PIPE_BUF bytes are never split. Reads and writes that cannot proceed return -EAGAIN
// here; the system call sleeps on the pipe's queues unless the file is O_NONBLOCK (rw.ts).

import type { HostStat } from '../host.js';
import type { Task } from '../process/task.js';
import type { Kernel } from '../kernel.js';
import { defineSyscall } from '../syscalls/registry.js';
import { WaitQueue } from '../sched/wait.js';
import { File, O_NONBLOCK, O_CLOEXEC, O_RDONLY, O_WRONLY, O_ACCMODE, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, POLLHUP, POLLERR } from './file.js';
import { vfsOf } from './vfs.js';
import { S_IFIFO } from './path.js';
import { EAGAIN, EBADF, EBUSY, EFAULT, EINVAL, EMFILE, EPERM, EPIPE } from '../errno.js';

export const PIPE_BUF = 4096;
const PAGE_SIZE = 4096;
export const PIPE_DEF_BUFFERS = 16;
/** /proc/sys/fs/pipe-max-size: the most an unprivileged F_SETPIPE_SZ may ask for. */
export const PIPE_MAX_SIZE = 1048576;
/** st_dev of pipefs (0:12). */
const PIPEFS_DEV = 12;
const O_DIRECT = 0o40000;

interface Slot {
  page: Uint8Array;
  off: number;
  len: number;
}

export class Pipe {
  /** Occupied buffers, oldest first. */
  readonly slots: Slot[] = [];
  /** Capacity in buffers (a power of two; F_SETPIPE_SZ changes it). */
  maxSlots = PIPE_DEF_BUFFERS;
  readers = 0;
  writers = 0;
  /** Woken when data arrives or the last writer goes (pipe->rd_wait). */
  readonly rdWait = new WaitQueue();
  /** Woken when room appears or the last reader goes (pipe->wr_wait). */
  readonly wrWait = new WaitQueue();
  readonly ctimeNs: number;
  constructor(readonly ino: number, readonly uid: number, readonly gid: number, nowNs: number) {
    this.ctimeNs = nowNs;
  }

  get bytes(): number {
    let n = 0;
    for (const s of this.slots) n += s.len;
    return n;
  }
  get full(): boolean {
    return this.slots.length >= this.maxSlots;
  }

  /** pipe_read's copy loop: whatever is there, up to buf.length; -EAGAIN when empty with writers. */
  read(buf: Uint8Array): number {
    if (this.slots.length === 0) return this.writers === 0 ? 0 : -EAGAIN;
    const wasFull = this.full;
    let done = 0;
    while (done < buf.length && this.slots.length > 0) {
      const s = this.slots[0];
      const n = Math.min(s.len, buf.length - done);
      buf.set(s.page.subarray(s.off, s.off + n), done);
      s.off += n;
      s.len -= n;
      done += n;
      if (s.len === 0) this.slots.shift();
    }
    if (wasFull && !this.full) this.wrWait.wake();
    return done;
  }

  /**
   * pipe_write for one attempt: the bytes taken (possibly fewer than offered), -EAGAIN when
   * nothing fits, -EPIPE with no reader. `partial` says part of this write went in on an
   * earlier attempt, so the sub-page merge (done only at a write's start) is skipped.
   */
  write(data: Uint8Array, partial: boolean): number {
    const total = data.length;
    if (total === 0) return 0;
    if (this.readers === 0) return -EPIPE;
    const wasEmpty = this.slots.length === 0;
    let done = 0;
    const chars = total & (PAGE_SIZE - 1);
    if (!partial && chars !== 0 && !wasEmpty) {
      const last = this.slots[this.slots.length - 1];
      const end = last.off + last.len;
      if (end + chars <= PAGE_SIZE) {
        last.page.set(data.subarray(0, chars), end);
        last.len += chars;
        done = chars;
      }
    }
    while (done < total && !this.full) {
      const n = Math.min(PAGE_SIZE, total - done);
      const page = new Uint8Array(PAGE_SIZE);
      page.set(data.subarray(done, done + n));
      this.slots.push({ page, off: 0, len: n });
      done += n;
    }
    if (done > 0) this.rdWait.wake();
    // A write of at most PIPE_BUF bytes is atomic: with no room at all nothing went in.
    return done === 0 ? -EAGAIN : done;
  }

  /** F_SETPIPE_SZ (pipe_set_size, round_pipe_size): at least a page, a power of two. */
  setSize(arg: number, privileged: boolean): number {
    const size = arg >>> 0; // the argument is an unsigned int
    if (size > 0x80000000) return -EINVAL;
    const bytes = size <= PAGE_SIZE ? PAGE_SIZE : 2 ** Math.ceil(Math.log2(size));
    const pages = bytes / PAGE_SIZE;
    if (bytes > PIPE_MAX_SIZE && !privileged) return -EPERM;
    if (this.slots.length > pages) return -EBUSY;
    this.maxSlots = pages;
    this.wrWait.wake();
    return bytes;
  }
}

export class PipeFile extends File {
  constructor(readonly pipe: Pipe, flags: number) {
    super(flags, `pipe:[${pipe.ino}]`);
    if (this.readable) pipe.readers++;
    if (this.writable) pipe.writers++;
  }
  override read(buf: Uint8Array): number {
    if (!this.readable) return -EBADF;
    return this.pipe.read(buf);
  }
  override write(data: Uint8Array): number {
    if (!this.writable) return -EBADF;
    return this.pipe.write(data, false);
  }
  /** The rest of a blocking write that already put `data`'s earlier part in. */
  writeMore(data: Uint8Array): number {
    return this.pipe.write(data, true);
  }
  override stat(): HostStat {
    const p = this.pipe;
    return {
      dev: PIPEFS_DEV, ino: p.ino, mode: S_IFIFO | 0o600, nlink: 1, uid: p.uid, gid: p.gid, rdev: 0, size: 0,
      blksize: 4096, blocks: 0, atimeNs: p.ctimeNs, mtimeNs: p.ctimeNs, ctimeNs: p.ctimeNs,
    };
  }
  override poll(): number {
    // pipe_poll: readable with data, HUP once no writer is left; writable with a free buffer,
    // ERR once no reader is left.
    const p = this.pipe;
    let mask = 0;
    if (this.readable) {
      if (p.slots.length > 0) mask |= POLLIN | POLLRDNORM;
      if (p.writers === 0) mask |= POLLHUP;
    }
    if (this.writable) {
      if (!p.full) mask |= POLLOUT | POLLWRNORM;
      if (p.readers === 0) mask |= POLLERR;
    }
    return mask;
  }
  override waitQueue(forWrite: boolean): WaitQueue {
    return forWrite ? this.pipe.wrWait : this.pipe.rdWait;
  }
  override nread(): number {
    return this.pipe.bytes;
  }
  override reopen(flags: number): File | null {
    // Opening /proc/self/fd/N of a pipe opens the pipe again, with the access asked for.
    return new PipeFile(this.pipe, flags & (O_ACCMODE | O_NONBLOCK));
  }
  override release(): void {
    const p = this.pipe;
    if (this.readable && --p.readers === 0) p.wrWait.wake();
    if (this.writable && --p.writers === 0) p.rdWait.wake();
  }
}

/** A new pipe's two ends, [read, write]. */
export function createPipe(k: Kernel, t: Task, flags: number): [PipeFile, PipeFile] {
  const vfs = vfsOf(k);
  const p = new Pipe(vfs.nextPipeIno++, t.creds.euid, t.creds.egid, k.clock.read(0) ?? 0);
  const keep = flags & (O_NONBLOCK | O_DIRECT);
  return [new PipeFile(p, O_RDONLY | keep), new PipeFile(p, O_WRONLY | keep)];
}

function pipe2(k: Kernel, t: Task, addr: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  const [r, w] = createPipe(k, t, flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = t.files.install(r, cloexec);
  if (rfd < 0) { r.release(); w.release(); return -EMFILE; }
  const wfd = t.files.install(w, cloexec);
  if (wfd < 0) { t.files.close(rfd); w.release(); return -EMFILE; }
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, rfd, true);
  dv.setInt32(4, wfd, true);
  if (!t.um.write(addr, b)) {
    t.files.close(rfd);
    t.files.close(wfd);
    return -EFAULT;
  }
  return 0;
}

defineSyscall('sys_pipe', (k, t, addr) => pipe2(k, t, addr, 0));
defineSyscall('sys_pipe2', (k, t, addr, flags) => pipe2(k, t, addr, flags | 0));
