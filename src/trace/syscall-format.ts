// strace-style lines for --trace=syscall: name(arguments) = result, with paths and buffers
// shown as strings (escaped and cut at 32 bytes, as strace does), flags by name, errors as
// "-1 ENOENT (No such file or directory)".

import type { Task } from '../kernel/process/task.js';

type Kind = 'd' | 'u' | 'x' | 'p' | 's' | 'o' | 'at' | 'oflags' | 'wbuf' | 'rbuf' | 'prot' | 'mapflags'
  // File-system kinds: *at() flags, renameat2 flags, a returned fd pair, fcntl and ioctl
  // commands, whence, poll timeouts in ms, flock operations, access modes, uid/gid (-1 shown).
  | 'atflags' | 'fdflags' | 'renameflags' | 'fdpair' | 'fcntlcmd' | 'ioctlcmd' | 'whence' | 'ms' | 'flockop' | 'amode' | 'id';

// Argument kinds for the calls a static C program makes most; others print as hex.
const SIGNATURES: Record<string, Kind[]> = {
  read: ['d', 'rbuf', 'u'], write: ['d', 'wbuf', 'u'], pread64: ['d', 'rbuf', 'u', 'd'], pwrite64: ['d', 'wbuf', 'u', 'd'],
  readv: ['d', 'p', 'd'], writev: ['d', 'p', 'd'],
  open: ['s', 'oflags', 'o'], openat: ['at', 's', 'oflags', 'o'], close: ['d'], lseek: ['d', 'd', 'whence'],
  stat: ['s', 'p'], lstat: ['s', 'p'], fstat: ['d', 'p'], newfstatat: ['at', 's', 'p', 'x'], statx: ['at', 's', 'x', 'x', 'p'],
  readlink: ['s', 'p', 'u'], readlinkat: ['at', 's', 'p', 'u'], access: ['s', 'amode'], faccessat: ['at', 's', 'amode'],
  getcwd: ['p', 'u'], ioctl: ['d', 'ioctlcmd', 'p'], fcntl: ['d', 'fcntlcmd', 'x'], dup: ['d'], dup2: ['d', 'd'], dup3: ['d', 'd', 'x'],
  brk: ['p'], mmap: ['p', 'u', 'prot', 'mapflags', 'd', 'x'], munmap: ['p', 'u'], mprotect: ['p', 'u', 'prot'],
  mremap: ['p', 'u', 'u', 'x', 'p'], madvise: ['p', 'u', 'd'],
  exit: ['d'], exit_group: ['d'], getpid: [], gettid: [], getppid: [], getuid: [], geteuid: [], getgid: [], getegid: [],
  set_tid_address: ['p'], set_robust_list: ['p', 'u'], arch_prctl: ['x', 'p'], uname: ['p'],
  prlimit64: ['d', 'd', 'p', 'p'], getrandom: ['p', 'u', 'x'], clock_gettime: ['d', 'p'], gettimeofday: ['p', 'p'],
  time: ['p'], rt_sigaction: ['d', 'p', 'p', 'u'], rt_sigprocmask: ['d', 'p', 'p', 'u'], rseq: ['p', 'u', 'x', 'x'],
  sched_getaffinity: ['d', 'u', 'p'], futex: ['p', 'd', 'd', 'p', 'p', 'd'], prctl: ['d', 'x', 'x', 'x', 'x'],
  // The file-system calls (src/kernel/fs).
  creat: ['s', 'o'], close_range: ['u', 'u', 'x'], getdents64: ['d', 'p', 'u'], getdents: ['d', 'p', 'u'],
  mkdir: ['s', 'o'], mkdirat: ['at', 's', 'o'], rmdir: ['s'], unlink: ['s'], unlinkat: ['at', 's', 'atflags'],
  rename: ['s', 's'], renameat: ['at', 's', 'at', 's'], renameat2: ['at', 's', 'at', 's', 'renameflags'],
  link: ['s', 's'], linkat: ['at', 's', 'at', 's', 'atflags'], symlink: ['s', 's'], symlinkat: ['s', 'at', 's'],
  chmod: ['s', 'o'], fchmod: ['d', 'o'], fchmodat: ['at', 's', 'o'], fchmodat2: ['at', 's', 'o', 'atflags'],
  chown: ['s', 'id', 'id'], fchown: ['d', 'id', 'id'], lchown: ['s', 'id', 'id'], fchownat: ['at', 's', 'id', 'id', 'atflags'],
  utimensat: ['at', 's', 'p', 'atflags'], utimes: ['s', 'p'], utime: ['s', 'p'], futimesat: ['at', 's', 'p'],
  truncate: ['s', 'd'], ftruncate: ['d', 'd'], fsync: ['d'], fdatasync: ['d'], sync: [], syncfs: ['d'],
  faccessat2: ['at', 's', 'amode', 'atflags'], chdir: ['s'], fchdir: ['d'], umask: ['o'], flock: ['d', 'flockop'],
  pipe: ['fdpair'], pipe2: ['fdpair', 'fdflags'], poll: ['p', 'u', 'ms'], ppoll: ['p', 'u', 'p', 'p', 'u'],
  select: ['d', 'p', 'p', 'p', 'p'], pselect6: ['d', 'p', 'p', 'p', 'p', 'p'], preadv: ['d', 'p', 'd', 'd'],
  pwritev: ['d', 'p', 'd', 'd'], fadvise64: ['d', 'd', 'd', 'd'],
};


const ERRNO_NAMES: Record<number, [string, string]> = {
  1: ['EPERM', 'Operation not permitted'], 2: ['ENOENT', 'No such file or directory'], 3: ['ESRCH', 'No such process'],
  4: ['EINTR', 'Interrupted system call'], 5: ['EIO', 'Input/output error'], 9: ['EBADF', 'Bad file descriptor'],
  10: ['ECHILD', 'No child processes'], 11: ['EAGAIN', 'Resource temporarily unavailable'], 12: ['ENOMEM', 'Cannot allocate memory'],
  13: ['EACCES', 'Permission denied'], 14: ['EFAULT', 'Bad address'], 16: ['EBUSY', 'Device or resource busy'],
  17: ['EEXIST', 'File exists'], 20: ['ENOTDIR', 'Not a directory'], 21: ['EISDIR', 'Is a directory'],
  22: ['EINVAL', 'Invalid argument'], 24: ['EMFILE', 'Too many open files'], 25: ['ENOTTY', 'Inappropriate ioctl for device'],
  29: ['ESPIPE', 'Illegal seek'], 30: ['EROFS', 'Read-only file system'], 32: ['EPIPE', 'Broken pipe'],
  34: ['ERANGE', 'Numerical result out of range'], 36: ['ENAMETOOLONG', 'File name too long'],
  6: ['ENXIO', 'No such device or address'], 18: ['EXDEV', 'Invalid cross-device link'], 26: ['ETXTBSY', 'Text file busy'],
  27: ['EFBIG', 'File too large'], 28: ['ENOSPC', 'No space left on device'], 31: ['EMLINK', 'Too many links'],
  95: ['EOPNOTSUPP', 'Operation not supported'],
  38: ['ENOSYS', 'Function not implemented'], 39: ['ENOTEMPTY', 'Directory not empty'], 40: ['ELOOP', 'Too many levels of symbolic links'],
};

const OFLAGS: [number, string][] = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'], [0o4000, 'O_NONBLOCK'],
  [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
];

const AT_FLAGS: [number, string][] = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'], [0x800, 'AT_NO_AUTOMOUNT'],
  [0x1000, 'AT_EMPTY_PATH'],
];
const FCNTL_CMDS: Record<number, string> = {
  0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 5: 'F_GETLK', 6: 'F_SETLK', 7: 'F_SETLKW',
  8: 'F_SETOWN', 9: 'F_GETOWN', 36: 'F_OFD_GETLK', 37: 'F_OFD_SETLK', 38: 'F_OFD_SETLKW', 1030: 'F_DUPFD_CLOEXEC',
  1031: 'F_SETPIPE_SZ', 1032: 'F_GETPIPE_SZ',
};
const IOCTL_CMDS: Record<number, string> = {
  0x5401: 'TCGETS', 0x5402: 'TCSETS', 0x5403: 'TCSETSW', 0x5404: 'TCSETSF', 0x5409: 'TCSBRK', 0x540b: 'TCFLSH',
  0x540f: 'TIOCGPGRP', 0x5410: 'TIOCSPGRP', 0x5413: 'TIOCGWINSZ', 0x5414: 'TIOCSWINSZ', 0x541b: 'FIONREAD',
  0x5421: 'FIONBIO', 0x5429: 'TIOCGSID', 0x5450: 'FIONCLEX', 0x5451: 'FIOCLEX',
};

function hex(v: number): string {
  return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
}

function escape(bytes: Uint8Array, max = 32): string {
  let s = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + c.toString(8);
  }
  return `"${s}"${bytes.length > max ? '...' : ''}`;
}

function flagsOf(v: number, table: [number, string][], base: string[]): string {
  const parts = [...base];
  let rest = v;
  for (const [bit, name] of table) if (rest & bit) { parts.push(name); rest &= ~bit; }
  if (rest) parts.push(hex(rest));
  return parts.join('|');
}

function arg(kind: Kind, v: number, args: number[], ret: number, t: Task): string {
  switch (kind) {
    case 'd': return String(v | 0);
    case 'u': return String(v);
    case 'x': return hex(v);
    case 'o': return '0' + ((v >>> 0) & 0o7777).toString(8);
    case 'p': return v === 0 ? 'NULL' : hex(v);
    case 'at': return (v | 0) === -100 ? 'AT_FDCWD' : String(v | 0);
    case 's': {
      if (v === 0) return 'NULL';
      const s = t.um.readCString(v, 4096);
      return s === null ? hex(v) : escape(new TextEncoder().encode(s), 4096);
    }
    case 'wbuf': case 'rbuf': {
      const len = kind === 'rbuf' ? ret : args[2];
      if (len < 0) return hex(v);
      const b = t.um.read(v, Math.min(len, 33));
      return b ? escape(b.subarray(0, Math.min(len, 33)), 32) + (len > 32 && b.length <= 32 ? '...' : '') : hex(v);
    }
    case 'oflags': {
      const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '3'][v & 3];
      return flagsOf(v & ~3, OFLAGS, [acc]);
    }
    case 'prot':
      return v === 0 ? 'PROT_NONE' : flagsOf(v, [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC']], []);
    case 'atflags':
      return v === 0 ? '0' : flagsOf(v, AT_FLAGS, []);
    case 'fdflags':
      return v === 0 ? '0' : flagsOf(v, OFLAGS, []);
    case 'renameflags':
      return v === 0 ? '0' : flagsOf(v, [[1, 'RENAME_NOREPLACE'], [2, 'RENAME_EXCHANGE'], [4, 'RENAME_WHITEOUT']], []);
    case 'fdpair': {
      // pipe's result array, shown once the call filled it (strace's [3, 4]).
      if (ret !== 0) return v === 0 ? 'NULL' : hex(v);
      const b = t.um.read(v, 8);
      if (!b) return hex(v);
      const dv = new DataView(b.buffer);
      return `[${dv.getInt32(0, true)}, ${dv.getInt32(4, true)}]`;
    }
    case 'fcntlcmd': return FCNTL_CMDS[v | 0] ?? String(v | 0);
    case 'ioctlcmd': return IOCTL_CMDS[v >>> 0] ?? hex(v);
    case 'whence': return ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'][v] ?? String(v | 0);
    case 'ms': return String(v | 0);
    case 'flockop': return flagsOf(v, [[1, 'LOCK_SH'], [2, 'LOCK_EX'], [4, 'LOCK_NB'], [8, 'LOCK_UN']], []) || '0';
    case 'amode': return v === 0 ? 'F_OK' : flagsOf(v, [[4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK']], []);
    case 'id': return String(v | 0);
    case 'mapflags':
      return flagsOf(v, [[1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x100, 'MAP_GROWSDOWN'],
        [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x20000, 'MAP_STACK'], [0x100000, 'MAP_FIXED_NOREPLACE']], []);
  }
}

export function formatResult(name: string, ret: number): string {
  if (ret < 0 && ret >= -4095) {
    const e = ERRNO_NAMES[-ret];
    return e ? `-1 ${e[0]} (${e[1]})` : `-1 errno ${-ret}`;
  }
  if (name === 'mmap' || name === 'brk' || name === 'mremap') return hex(ret);
  return String(ret);
}

export function formatSyscall(name: string, args: number[], ret: number, t: Task): string {
  const sig = SIGNATURES[name];
  const shown = sig ? sig.map((k, i) => arg(k, args[i], args, ret, t)) : args.slice(0, 6).map(hex);
  const tail = name === 'exit' || name === 'exit_group' ? '?' : formatResult(name, ret);
  return `${name}(${shown.join(', ')}) = ${tail}`;
}
