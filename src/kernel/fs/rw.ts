// read, write and their vector and positional forms, and lseek (fs/read_write.c). A read or
// write that a file cannot serve now (an empty or full pipe) returns -EAGAIN from the file; on
// a blocking file the system call then sleeps on the file's wait queue and tries again when
// woken (src/kernel/sched/wait.ts), keeping what a partial write already put in. A write that
// finds no reader (a pipe, or the host's stdout closed under us) raises SIGPIPE.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { defineSyscall } from '../syscalls/registry.js';
import { File, O_NONBLOCK, O_PATH } from './file.js';
import { PipeFile } from './pipe.js';
import { sendSignal } from '../signal/send.js';
import { SIGPIPE } from '../signal/signals.js';
import { EAGAIN, EBADF, EFAULT, EINVAL, EISDIR, EPIPE } from '../errno.js';

/** MAX_RW_COUNT: Linux caps one read or write at this many bytes. */
export const MAX_RW_COUNT = 0x7ffff000;
/** The largest piece copied through the kernel at once. */
const CHUNK = 1 << 20;
const UIO_MAXIOV = 1024;

function fileOf(t: Task, fd: number): File | null {
  return t.files.get(fd | 0);
}

/** Can a read of this file go to sleep? */
function blocking(f: File, forWrite: boolean): boolean {
  return (f.flags & O_NONBLOCK) === 0 && f.waitQueue(forWrite) !== null;
}

/**
 * Read up to `count` bytes and hand them to `sink(chunk, offset)`, which copies them to user
 * memory (false: a fault). Regular files are read until `count` or EOF; others return what
 * they have. Sleeps while a blocking file has nothing.
 */
export function readTo(k: Kernel, t: Task, f: File, count: number, sink: (chunk: Uint8Array, at: number) => boolean): number {
  if ((f.flags & O_PATH) !== 0 || !f.readable) return -EBADF;
  if (f.isDir) return -EISDIR;
  const want = Math.min(count, MAX_RW_COUNT);
  const attempt = (): number => {
    if (want === 0) return 0;
    let total = 0;
    while (total < want) {
      const n = Math.min(want - total, CHUNK);
      const tmp = new Uint8Array(n);
      const got = f.read(tmp);
      if (got < 0) {
        if (total > 0) return total;
        if (got === -EAGAIN && blocking(f, false)) return k.sleep(t, [f.waitQueue(false)!], attempt);
        return got;
      }
      if (got > 0 && !sink(tmp.subarray(0, got), total)) return total > 0 ? total : -EFAULT;
      total += got;
      if (got < n) break;
    }
    return total;
  };
  return attempt();
}

/**
 * Write `data`, sleeping while a blocking file has no room; a write interrupted by the reader
 * going away returns what went in, or -EPIPE.
 */
export function writeFrom(k: Kernel, t: Task, f: File, data: Uint8Array): number {
  if ((f.flags & O_PATH) !== 0 || !f.writable) return -EBADF;
  let done = 0;
  const attempt = (again: boolean): number => {
    const rest = data.subarray(done);
    const n = again && f instanceof PipeFile ? f.writeMore(rest) : f.write(rest);
    if (n < 0) {
      if (n === -EAGAIN && blocking(f, true)) return k.sleep(t, [f.waitQueue(true)!], () => attempt(true));
      // pipe_write: no reader left is SIGPIPE for the writer, and EPIPE unless some bytes went in.
      if (n === -EPIPE) sendSignal(k, t, SIGPIPE);
      return done > 0 ? done : n;
    }
    done += n;
    if (done < data.length && n > 0 && blocking(f, true)) return k.sleep(t, [f.waitQueue(true)!], () => attempt(true));
    return done;
  };
  return attempt(false);
}

defineSyscall('sys_read', (k, t, fd, buf, count) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if (count < 0) return -EINVAL;
  return readTo(k, t, f, count, (chunk, at) => t.um.write(buf + at, chunk));
});

defineSyscall('sys_write', (k, t, fd, buf, count) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if (count < 0) return -EINVAL;
  if ((f.flags & O_PATH) !== 0 || !f.writable) return -EBADF;
  const data = t.um.read(buf, Math.min(count, MAX_RW_COUNT));
  if (!data) return -EFAULT;
  return writeFrom(k, t, f, data);
});

function pread(t: Task, f: File, count: number, pos: number, sink: (chunk: Uint8Array, at: number) => boolean): number {
  if ((f.flags & O_PATH) !== 0 || !f.readable) return -EBADF;
  if (f.isDir) return -EISDIR;
  if (pos < 0) return -EINVAL;
  let total = 0;
  const want = Math.min(count, MAX_RW_COUNT);
  while (total < want) {
    const n = Math.min(want - total, CHUNK);
    const tmp = new Uint8Array(n);
    const got = f.pread(tmp, pos + total);
    if (got < 0) return total > 0 ? total : got;
    if (got > 0 && !sink(tmp.subarray(0, got), total)) return total > 0 ? total : -EFAULT;
    total += got;
    if (got < n) break;
  }
  return total;
}

function pwrite(t: Task, f: File, data: Uint8Array, pos: number): number {
  if ((f.flags & O_PATH) !== 0 || !f.writable) return -EBADF;
  if (pos < 0) return -EINVAL;
  return f.pwrite(data, pos);
}

defineSyscall('sys_pread64', (_k, t, fd, buf, count, pos) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if (count < 0) return -EINVAL;
  return pread(t, f, count, pos, (chunk, at) => t.um.write(buf + at, chunk));
});
defineSyscall('sys_pwrite64', (_k, t, fd, buf, count, pos) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if (count < 0) return -EINVAL;
  const data = t.um.read(buf, Math.min(count, MAX_RW_COUNT));
  if (!data) return -EFAULT;
  return pwrite(t, f, data, pos);
});

/** struct iovec array: [base, len] pairs, or -errno (EINVAL for a negative length or too many). */
export function readIov(t: Task, iov: number, cnt: number): [number, number][] | number {
  if (cnt < 0 || cnt > UIO_MAXIOV) return -EINVAL;
  if (cnt === 0) return [];
  const raw = t.um.read(iov, cnt * 16);
  if (!raw) return -EFAULT;
  const dv = new DataView(raw.buffer);
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < cnt; i++) {
    const len = Number(dv.getBigInt64(i * 16 + 8, true));
    if (len < 0) return -EINVAL;
    // The total is capped at MAX_RW_COUNT (rw_copy_check_uvector truncates, it does not fail).
    const take = Math.min(len, MAX_RW_COUNT - total);
    out.push([Number(dv.getBigUint64(i * 16, true)), take]);
    total += take;
  }
  return out;
}

/** Copy a chunk that starts `at` bytes into the request across the iovecs. */
function scatter(t: Task, v: [number, number][]): (chunk: Uint8Array, at: number) => boolean {
  return (chunk, at) => {
    let skip = at, off = 0;
    for (const [base, len] of v) {
      if (off >= chunk.length) break;
      if (skip >= len) { skip -= len; continue; }
      const n = Math.min(len - skip, chunk.length - off);
      if (!t.um.write(base + skip, chunk.subarray(off, off + n))) return false;
      off += n;
      skip = 0;
    }
    return true;
  };
}

/** The bytes the iovecs name, in order: up to the first fault, or null if the first faults. */
function gather(t: Task, v: [number, number][]): Uint8Array | null {
  const parts: Uint8Array[] = [];
  for (const [base, len] of v) {
    if (len === 0) continue;
    const d = t.um.read(base, len);
    if (!d) { if (parts.length === 0) return null; break; }
    parts.push(d);
  }
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return all;
}

const total = (v: [number, number][]): number => v.reduce((s, [, len]) => s + len, 0);

defineSyscall('sys_readv', (k, t, fd, iov, cnt) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  const v = readIov(t, iov, cnt | 0);
  if (typeof v === 'number') return v;
  return readTo(k, t, f, total(v), scatter(t, v));
});
defineSyscall('sys_writev', (k, t, fd, iov, cnt) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  if ((f.flags & O_PATH) !== 0 || !f.writable) return -EBADF;
  const v = readIov(t, iov, cnt | 0);
  if (typeof v === 'number') return v;
  // One write of the gathered bytes, so that the output is not split (a pipe write stays atomic).
  const data = gather(t, v);
  if (!data) return -EFAULT;
  return writeFrom(k, t, f, data);
});
defineSyscall('sys_preadv', (_k, t, fd, iov, cnt, pos) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  const v = readIov(t, iov, cnt | 0);
  if (typeof v === 'number') return v;
  return pread(t, f, total(v), pos, scatter(t, v));
});
defineSyscall('sys_pwritev', (_k, t, fd, iov, cnt, pos) => {
  const f = fileOf(t, fd);
  if (!f) return -EBADF;
  const v = readIov(t, iov, cnt | 0);
  if (typeof v === 'number') return v;
  const data = gather(t, v);
  if (!data) return -EFAULT;
  return pwrite(t, f, data, pos);
});

defineSyscall('sys_lseek', (_k, t, fd, off, whence) => {
  const f = fileOf(t, fd);
  if (!f || (f.flags & O_PATH) !== 0) return -EBADF;
  if ((whence >>> 0) > 4) return -EINVAL;
  return f.lseek(off, whence | 0);
});
