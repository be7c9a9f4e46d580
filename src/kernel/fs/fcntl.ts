// Descriptor operations (fs/file.c, fs/fcntl.c, fs/locks.c, fs/ioctl.c): dup, dup2, dup3,
// fcntl, flock and ioctl. Advisory locks are accepted and checked as Linux checks them, but
// not kept: one guest process cannot conflict with another's lock here, so F_GETLK always
// finds the range free and F_SETLKW never waits.

import type { Task } from '../process/task.js';
import { defineSyscall } from '../syscalls/registry.js';
import { File, O_APPEND, O_NONBLOCK, O_CLOEXEC, O_PATH } from './file.js';
import { PipeFile } from './pipe.js';
import { ttyIoctl } from './tty.js';
import { EBADF, EFAULT, EINVAL, ENOTTY } from '../errno.js';

function fileOf(t: Task, fd: number): File | null {
  return t.files.get(fd | 0);
}

/** Another descriptor for `f` at the lowest free number ≥ min. */
function dupAt(t: Task, f: File, min: number, cloexec: boolean): number {
  f.refs++;
  const n = t.files.install(f, cloexec, min);
  if (n < 0) f.refs--;
  return n;
}

defineSyscall('sys_dup', (_k, t, fd) => {
  const f = fileOf(t, fd);
  return f ? dupAt(t, f, 0, false) : -EBADF;
});
function dup3(t: Task, oldfd: number, newfd: number, flags: number): number {
  const f = fileOf(t, oldfd);
  if (!f) return -EBADF;
  if ((newfd | 0) < 0 || newfd >= t.files.limit) return -EBADF;
  f.refs++;
  t.files.installAt(newfd | 0, f, (flags & O_CLOEXEC) !== 0);
  return newfd | 0;
}
defineSyscall('sys_dup2', (_k, t, oldfd, newfd) => {
  if ((oldfd | 0) === (newfd | 0)) return fileOf(t, oldfd) ? newfd | 0 : -EBADF;
  return dup3(t, oldfd, newfd, 0);
});
defineSyscall('sys_dup3', (_k, t, oldfd, newfd, flags) => {
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if ((oldfd | 0) === (newfd | 0)) return -EINVAL;
  return dup3(t, oldfd, newfd, flags);
});

export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
export const F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
export const F_SETLEASE = 1024, F_GETLEASE = 1025, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
export const FD_CLOEXEC = 1;
export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
const O_DIRECT = 0o40000, O_NOATIME = 0o1000000, FASYNC = 0o20000;
/** SETFL_MASK: the status flags F_SETFL may change. */
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | FASYNC;

/**
 * F_GETLK/F_SETLK/F_SETLKW and the OFD forms on struct flock (x86-64: l_type and l_whence as
 * shorts, l_start and l_len at 8 and 16, l_pid at 24).
 */
function lock(t: Task, f: File, cmd: number, arg: number): number {
  const b = t.um.read(arg, 32);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const type = dv.getInt16(0, true), whence = dv.getInt16(2, true);
  const start = Number(dv.getBigInt64(8, true)), len = Number(dv.getBigInt64(16, true)), pid = dv.getInt32(24, true);
  const ofd = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  const get = cmd === F_GETLK || cmd === F_OFD_GETLK;
  if (get) {
    if (type !== F_RDLCK && type !== F_WRLCK) return -EINVAL;
  } else if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
  // flock_to_posix_lock: the range must start at or after 0.
  if (whence !== 0 && whence !== 1 && whence !== 2) return -EINVAL;
  let base = 0;
  if (whence === 1) base = f.pos;
  else if (whence === 2) { const st = f.stat(); base = typeof st === 'number' ? 0 : st.size; }
  if (base + start < 0 || (len < 0 && base + start + len < 0)) return -EINVAL;
  if (ofd && pid !== 0) return -EINVAL;
  if (get) {
    // No other holder exists to conflict with: report the range free.
    dv.setInt16(0, F_UNLCK, true);
    return t.um.write(arg, b) ? 0 : -EFAULT;
  }
  // check_fmode_for_setlk: a read lock needs a readable file, a write lock a writable one.
  if (type === F_RDLCK && !f.readable) return -EBADF;
  if (type === F_WRLCK && !f.writable) return -EBADF;
  return 0;
}

defineSyscall('sys_fcntl', (_k, t, fd, cmdArg, arg) => {
  const e = t.files.entry(fd | 0);
  if (!e) return -EBADF;
  const f = e.file;
  const cmd = cmdArg | 0;
  // check_fcntl_cmd: an O_PATH descriptor allows only these.
  if ((f.flags & O_PATH) && cmd !== F_DUPFD && cmd !== F_DUPFD_CLOEXEC && cmd !== F_GETFD && cmd !== F_SETFD && cmd !== F_GETFL) return -EBADF;
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
      const min = arg | 0;
      if (min < 0 || min >= t.files.limit) return -EINVAL;
      return dupAt(t, f, min, cmd === F_DUPFD_CLOEXEC);
    }
    case F_GETFD: return e.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD: e.cloexec = (arg & FD_CLOEXEC) !== 0; return 0;
    case F_GETFL: return f.flags & ~O_CLOEXEC;
    case F_SETFL: f.flags = (f.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
      return lock(t, f, cmd, arg);
    case F_GETOWN: case F_GETSIG: return 0;
    case F_SETOWN: case F_SETSIG: return 0;
    case F_GETLEASE: return F_UNLCK;
    case F_GETPIPE_SZ: case F_SETPIPE_SZ: {
      if (!(f instanceof PipeFile)) return -EBADF;
      if (cmd === F_GETPIPE_SZ) return f.pipe.maxSlots * 4096;
      return f.pipe.setSize(arg, t.creds.euid === 0);
    }
    default: return -EINVAL;
  }
});

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
defineSyscall('sys_flock', (_k, t, fd, op) => {
  const f = fileOf(t, fd);
  if (!f || (f.flags & O_PATH)) return -EBADF;
  const kind = op & ~LOCK_NB;
  if (kind !== LOCK_SH && kind !== LOCK_EX && kind !== LOCK_UN) return -EINVAL;
  return 0;
});

// ioctl: the generic descriptor requests (do_vfs_ioctl), the terminal ones (tty.ts), FIONREAD.
const FIONREAD = 0x541b, FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452;
defineSyscall('sys_ioctl', (k, t, fd, cmdArg, arg) => {
  const e = t.files.entry(fd | 0);
  if (!e || (e.file.flags & O_PATH)) return -EBADF;
  const f = e.file;
  const cmd = cmdArg >>> 0;
  switch (cmd) {
    case FIOCLEX: e.cloexec = true; return 0;
    case FIONCLEX: e.cloexec = false; return 0;
    case FIONBIO: case FIOASYNC: {
      const v = t.um.readU32(arg);
      if (v === null) return -EFAULT;
      const bit = cmd === FIONBIO ? O_NONBLOCK : FASYNC;
      f.flags = v !== 0 ? f.flags | bit : f.flags & ~bit;
      return 0;
    }
    case FIONREAD: {
      const n = f.nread();
      if (n < 0) return n;
      return t.um.writeU32(arg, n) ? 0 : -EFAULT;
    }
  }
  const r = ttyIoctl(k, t, f, cmd, arg);
  return r ?? -ENOTTY;
});
