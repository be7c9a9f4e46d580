// strace-style lines for --trace=syscall: name(arguments) = result, with paths and buffers
// shown as strings (escaped and cut at 32 bytes, as strace does), flags by name, errors as
// "-1 ENOENT (No such file or directory)".

import type { Task } from '../kernel/process/task.js';

type Kind = 'd' | 'u' | 'x' | 'p' | 's' | 'o' | 'at' | 'oflags' | 'wbuf' | 'rbuf' | 'prot' | 'mapflags';

// Argument kinds for the calls a static C program makes most; others print as hex.
const SIGNATURES: Record<string, Kind[]> = {
  read: ['d', 'rbuf', 'u'], write: ['d', 'wbuf', 'u'], pread64: ['d', 'rbuf', 'u', 'd'], pwrite64: ['d', 'wbuf', 'u', 'd'],
  readv: ['d', 'p', 'd'], writev: ['d', 'p', 'd'],
  open: ['s', 'oflags', 'o'], openat: ['at', 's', 'oflags', 'o'], close: ['d'], lseek: ['d', 'd', 'd'],
  stat: ['s', 'p'], lstat: ['s', 'p'], fstat: ['d', 'p'], newfstatat: ['at', 's', 'p', 'x'], statx: ['at', 's', 'x', 'x', 'p'],
  readlink: ['s', 'p', 'u'], readlinkat: ['at', 's', 'p', 'u'], access: ['s', 'o'], faccessat: ['at', 's', 'o'],
  getcwd: ['p', 'u'], ioctl: ['d', 'x', 'p'], fcntl: ['d', 'd', 'x'], dup: ['d'], dup2: ['d', 'd'], dup3: ['d', 'd', 'x'],
  brk: ['p'], mmap: ['p', 'u', 'prot', 'mapflags', 'd', 'x'], munmap: ['p', 'u'], mprotect: ['p', 'u', 'prot'],
  mremap: ['p', 'u', 'u', 'x', 'p'], madvise: ['p', 'u', 'd'],
  exit: ['d'], exit_group: ['d'], getpid: [], gettid: [], getppid: [], getuid: [], geteuid: [], getgid: [], getegid: [],
  set_tid_address: ['p'], set_robust_list: ['p', 'u'], arch_prctl: ['x', 'p'], uname: ['p'],
  prlimit64: ['d', 'd', 'p', 'p'], getrandom: ['p', 'u', 'x'], clock_gettime: ['d', 'p'], gettimeofday: ['p', 'p'],
  time: ['p'], rt_sigaction: ['d', 'p', 'p', 'u'], rt_sigprocmask: ['d', 'p', 'p', 'u'], rseq: ['p', 'u', 'x', 'x'],
  sched_getaffinity: ['d', 'u', 'p'], futex: ['p', 'd', 'd', 'p', 'p', 'd'], prctl: ['d', 'x', 'x', 'x', 'x'],
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
  38: ['ENOSYS', 'Function not implemented'], 39: ['ENOTEMPTY', 'Directory not empty'], 40: ['ELOOP', 'Too many levels of symbolic links'],
};

const OFLAGS: [number, string][] = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'], [0o4000, 'O_NONBLOCK'],
  [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
];

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
