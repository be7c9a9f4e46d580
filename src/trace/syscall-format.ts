// strace-style lines for --trace=syscall: name(arguments) = result, decoded as strace 6.1 decodes
// them — paths and buffers as strings (escaped, cut at 32 bytes), flags and constants by name,
// structures in braces (strace-structs.ts), errors as "-1 ENOENT (No such file or directory)",
// restarts as "? ERESTARTSYS (To be restarted if SA_RESTART is set)". Arguments a call reads
// are decoded from guest memory as they are when the line is printed (after the call) except
// for the calls in DECODE_AT_ENTRY, whose memory the call itself replaces or never returns from.

import type { Task } from '../kernel/process/task.js';
import { signalName } from '../kernel/signal/signals.js';
import { ERRNO_NAMES, RESTART_NAMES } from './errno-names.js';
import { ptraceArgs } from './ptrace-format.js';
import {
  hex, ptr, flags, buffer, cString, sigset, sigaction, timespec, itimer, sigevent, siginfo, waitStatus, CLONE_FLAGS, iovec,
  pollfds, pollRevents, fdset, stat, rlimit, int, stackT, utsname, stringArray, countArray, cloneArgs, utimens, flock, statx, statxMask,
} from './strace-structs.js';

type Kind = 'd' | 'D' | 'u' | 'x' | 'p' | 's' | 'o' | 'at' | 'oflags' | 'wbuf' | 'rbuf' | 'prot' | 'mapflags'
  | 'atflags' | 'fdflags' | 'renameflags' | 'fdpair' | 'fcntlcmd' | 'ioctlcmd' | 'whence' | 'ms' | 'flockop' | 'amode' | 'id'
  | 'aflags' | 'U64' | 'sig' | 'sigset' | 'sigsetOut' | 'how' | 'ts' | 'tsOut' | 'clock' | 'stat' | 'rbufstr' | 'madv' | 'which';

/** Calls decoded entirely by argument kind; the rest have a function in CALLS. */
const SIGNATURES: Record<string, Kind[]> = {
  read: ['d', 'rbuf', 'u'], write: ['d', 'wbuf', 'u'], pread64: ['d', 'rbuf', 'u', 'D'], pwrite64: ['d', 'wbuf', 'u', 'D'],
  open: ['s', 'oflags', 'o'], close: ['d'], lseek: ['d', 'D', 'whence'],
  stat: ['s', 'stat'], lstat: ['s', 'stat'], fstat: ['d', 'stat'], 
  readlink: ['s', 'rbufstr', 'u'], readlinkat: ['at', 's', 'rbufstr', 'u'], access: ['s', 'amode'], faccessat: ['at', 's', 'amode'],
  getcwd: ['rbufstr', 'u'], dup: ['d'], dup2: ['d', 'd'], dup3: ['d', 'd', 'fdflags'],
  brk: ['p'], mmap: ['p', 'u', 'prot', 'mapflags', 'd', 'x'], munmap: ['p', 'u'], mprotect: ['p', 'u', 'prot'],
  mremap: ['p', 'u', 'u', 'x', 'p'], madvise: ['p', 'u', 'madv'],
  exit: ['d'], exit_group: ['d'], getpid: [], gettid: [], getppid: [], getuid: [], geteuid: [], getgid: [], getegid: [],
  getpgrp: [], getsid: ['d'], getpgid: ['d'], setpgid: ['d', 'd'], setsid: [], setresuid: ['id', 'id', 'id'], setresgid: ['id', 'id', 'id'],
  setuid: ['id'], setgid: ['id'], sched_yield: [], pause: [], sync: [], vfork: [], fork: [],
  set_tid_address: ['p'], set_robust_list: ['p', 'u'],
  getrandom: ['rbuf', 'u', 'x'], clock_gettime: ['clock', 'tsOut'], gettimeofday: ['p', 'p'],
  time: ['p'], sched_getaffinity: ['d', 'u', 'p'],
  creat: ['s', 'o'], close_range: ['u', 'u', 'x'],
  mkdir: ['s', 'o'], mkdirat: ['at', 's', 'o'], rmdir: ['s'], unlink: ['s'], unlinkat: ['at', 's', 'atflags'],
  rename: ['s', 's'], renameat: ['at', 's', 'at', 's'], renameat2: ['at', 's', 'at', 's', 'renameflags'],
  link: ['s', 's'], linkat: ['at', 's', 'at', 's', 'atflags'], symlink: ['s', 's'], symlinkat: ['s', 'at', 's'],
  chmod: ['s', 'o'], fchmod: ['d', 'o'], fchmodat: ['at', 's', 'o'],
  chown: ['s', 'id', 'id'], fchown: ['d', 'id', 'id'], lchown: ['s', 'id', 'id'], fchownat: ['at', 's', 'id', 'id', 'atflags'],
   utimes: ['s', 'p'], utime: ['s', 'p'], futimesat: ['at', 's', 'p'],
  truncate: ['s', 'U64'], ftruncate: ['d', 'U64'], fsync: ['d'], fdatasync: ['d'], syncfs: ['d'],
  faccessat2: ['at', 's', 'amode', 'aflags'], chdir: ['s'], fchdir: ['d'], umask: ['o'], flock: ['d', 'flockop'],
  pipe: ['fdpair'], pipe2: ['fdpair', 'fdflags'], preadv: ['d', 'p', 'd', 'd'],
  pwritev: ['d', 'p', 'd', 'd'], fadvise64: ['d', 'd', 'd', 'd'],
  kill: ['d', 'sig'], tkill: ['d', 'sig'], tgkill: ['d', 'd', 'sig'],
  rt_sigpending: ['sigsetOut', 'u'], rt_sigsuspend: ['sigset', 'u'],
  nanosleep: ['ts', 'tsOut'], alarm: ['u'], getitimer: ['which', 'p'],
  timer_getoverrun: ['d'], timer_delete: ['d'],
};

const OFLAGS: [number, string][] = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'], [0o4000, 'O_NONBLOCK'],
  [0o4010000, 'O_SYNC'], [0o10000, 'O_DSYNC'], [0o20000, 'O_ASYNC'], [0o40000, 'O_DIRECT'], [0o100000, 'O_LARGEFILE'],
  [0o400000, 'O_NOFOLLOW'], [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'], [0o200000, 'O_DIRECTORY'],
];
const AT_FLAGS: [number, string][] = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'], [0x800, 'AT_NO_AUTOMOUNT'],
  [0x1000, 'AT_EMPTY_PATH'], [0x8000, 'AT_RECURSIVE'],
];
const FACCESSAT_FLAGS: [number, string][] = [[0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_EACCESS'], [0x1000, 'AT_EMPTY_PATH']];
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
const MAP_FLAGS: [number, string][] = [
  [1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x100, 'MAP_GROWSDOWN'],
  [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x20000, 'MAP_STACK'], [0x100000, 'MAP_FIXED_NOREPLACE'],
];
const CLOCKS = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID', 'CLOCK_MONOTONIC_RAW',
  'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME', 'CLOCK_REALTIME_ALARM', 'CLOCK_BOOTTIME_ALARM', '', 'CLOCK_TAI'];
const MADV: Record<number, string> = { 0: 'MADV_NORMAL', 1: 'MADV_RANDOM', 2: 'MADV_SEQUENTIAL', 3: 'MADV_WILLNEED', 4: 'MADV_DONTNEED', 8: 'MADV_FREE' };
const RLIMITS = ['RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_DATA', 'RLIMIT_STACK', 'RLIMIT_CORE', 'RLIMIT_RSS', 'RLIMIT_NPROC', 'RLIMIT_NOFILE',
  'RLIMIT_MEMLOCK', 'RLIMIT_AS', 'RLIMIT_LOCKS', 'RLIMIT_SIGPENDING', 'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_RTPRIO', 'RLIMIT_RTTIME'];
const FUTEX_OPS = ['FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_FD', 'FUTEX_REQUEUE', 'FUTEX_CMP_REQUEUE', 'FUTEX_WAKE_OP', 'FUTEX_LOCK_PI',
  'FUTEX_UNLOCK_PI', 'FUTEX_TRYLOCK_PI', 'FUTEX_WAIT_BITSET', 'FUTEX_WAKE_BITSET', 'FUTEX_WAIT_REQUEUE_PI', 'FUTEX_CMP_REQUEUE_PI'];
const PRCTL: Record<number, string> = {
  1: 'PR_SET_PDEATHSIG', 2: 'PR_GET_PDEATHSIG', 3: 'PR_GET_DUMPABLE', 4: 'PR_SET_DUMPABLE', 15: 'PR_SET_NAME', 16: 'PR_GET_NAME',
  21: 'PR_GET_SECCOMP', 22: 'PR_SET_SECCOMP', 38: 'PR_SET_NO_NEW_PRIVS', 39: 'PR_GET_NO_NEW_PRIVS',
};
const SECCOMP_OPS = ['SECCOMP_SET_MODE_STRICT', 'SECCOMP_SET_MODE_FILTER', 'SECCOMP_GET_ACTION_AVAIL', 'SECCOMP_GET_NOTIF_SIZES'];
const SECCOMP_FILTER_FLAGS: [number, string][] = [
  [1, 'SECCOMP_FILTER_FLAG_TSYNC'], [2, 'SECCOMP_FILTER_FLAG_LOG'], [4, 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
  [8, 'SECCOMP_FILTER_FLAG_NEW_LISTENER'], [16, 'SECCOMP_FILTER_FLAG_TSYNC_ESRCH'], [32, 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
];
const SECCOMP_RET: Record<number, string> = {
  0x80000000: 'SECCOMP_RET_KILL_PROCESS', 0: 'SECCOMP_RET_KILL_THREAD', 0x30000: 'SECCOMP_RET_TRAP', 0x50000: 'SECCOMP_RET_ERRNO',
  0x7fc00000: 'SECCOMP_RET_USER_NOTIF', 0x7ff00000: 'SECCOMP_RET_TRACE', 0x7ffc0000: 'SECCOMP_RET_LOG', 0x7fff0000: 'SECCOMP_RET_ALLOW',
};
const WAIT_OPTS: [number, string][] = [
  [1, 'WNOHANG'], [2, 'WSTOPPED'], [4, 'WEXITED'], [8, 'WCONTINUED'], [0x1000000, 'WNOWAIT'], [0x20000000, '__WNOTHREAD'],
  [0x40000000, '__WALL'], [0x80000000, '__WCLONE'],
];

/** Signal numbers as strace shows them in arguments (SIGUSR1, SIGRT_2, 0). */
export function sigName(n: number): string {
  return n === 0 ? '0' : n === 32 ? 'SIGRTMIN' : n > 0 && n <= 64 ? signalName(n) : String(n);
}

function sockfprog(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = t.um.read(addr, 16);
  if (!b) return hex(addr);
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  return `{len=${dv.getUint16(0, true)}, filter=${ptr(dv.getInt32(12, true) * 4294967296 + dv.getUint32(8, true))}}`;
}

function arg(kind: Kind, v: number, args: number[], ret: number, t: Task): string {
  const failed = ret < 0 && ret >= -4095;
  switch (kind) {
    case 'd': return String(v | 0);
    case 'D': return String(v);
    case 'u': return String(v);
    case 'x': return v === 0 ? '0' : hex(v);
    case 'o': return '0' + ((v >>> 0) & 0o7777).toString(8);
    case 'p': return ptr(v);
    case 'at': return (v | 0) === -100 ? 'AT_FDCWD' : String(v | 0);
    case 's': return cString(t, v);
    case 'wbuf': return buffer(t, v, args[2]);
    case 'rbuf': return failed ? hex(v) : buffer(t, v, ret);
    case 'rbufstr': return failed ? hex(v) : buffer(t, v, ret);
    case 'oflags': {
      const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][v & 3];
      const rest = flags(v & ~3, OFLAGS, '');
      return rest ? `${acc}|${rest}` : acc;
    }
    case 'prot': return flags(v, [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [0x1000000, 'PROT_GROWSDOWN'], [0x2000000, 'PROT_GROWSUP']], 'PROT_NONE');
    case 'atflags': return flags(v, AT_FLAGS, '0', 'AT_???');
    case 'fdflags': return flags(v, OFLAGS, '0', 'O_???');
    case 'renameflags': return flags(v, [[1, 'RENAME_NOREPLACE'], [2, 'RENAME_EXCHANGE'], [4, 'RENAME_WHITEOUT']], '0', 'RENAME_??');
    case 'fdpair': {
      if (ret !== 0) return ptr(v);
      const b = t.um.read(v, 8);
      if (!b) return hex(v);
      const dv = new DataView(b.buffer, b.byteOffset, 8);
      return `[${dv.getInt32(0, true)}, ${dv.getInt32(4, true)}]`;
    }
    case 'fcntlcmd': return FCNTL_CMDS[v | 0] ?? String(v | 0);
    case 'ioctlcmd': return IOCTL_CMDS[v >>> 0] ?? hex(v);
    case 'whence': return ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'][v] ?? String(v | 0);
    case 'ms': return String(v | 0);
    case 'flockop': return flags(v, [[1, 'LOCK_SH'], [2, 'LOCK_EX'], [4, 'LOCK_NB'], [8, 'LOCK_UN']]);
    case 'amode': return flags(v, [[4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK']], 'F_OK', '?_OK');
    case 'aflags': return flags(v, FACCESSAT_FLAGS, '0', 'AT_???');
    case 'U64': return BigInt.asUintN(64, BigInt(v)).toString();
    case 'id': return String(v | 0);
    case 'mapflags': return flags(v, MAP_FLAGS);
    case 'sig': return sigName(v | 0);
    case 'sigset': return sigset(t, v);
    case 'sigsetOut': return failed ? ptr(v) : sigset(t, v);
    case 'how': return ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'][v] ?? String(v);
    case 'ts': return timespec(t, v);
    // A structure the call fills in: shown once it succeeded.
    case 'tsOut': return failed ? ptr(v) : timespec(t, v);
    case 'clock': return CLOCKS[v] || String(v | 0);
    case 'stat': return failed ? ptr(v) : stat(t, v);
    case 'madv': return MADV[v] ?? String(v);
    case 'which': return ['ITIMER_REAL', 'ITIMER_VIRTUAL', 'ITIMER_PROF'][v] ?? String(v);
  }
}

type Decoder = (a: number[], ret: number, t: Task) => string;
const failedRet = (ret: number): boolean => ret < 0 && ret >= -4095;

// Decoders for calls whose arguments depend on each other or on the result.
const CALLS: Record<string, Decoder> = {
  rt_sigaction: (a, ret, t) => `${sigName(a[0])}, ${sigaction(t, a[1])}, ${failedRet(ret) ? ptr(a[2]) : sigaction(t, a[2])}, ${a[3]}`,
  rt_sigprocmask: (a, ret, t) => `${arg('how', a[0], a, ret, t)}, ${sigset(t, a[1])}, ${failedRet(ret) ? ptr(a[2]) : sigset(t, a[2])}, ${a[3]}`,
  rt_sigtimedwait: (a, ret, t) => `${sigset(t, a[0])}, ${failedRet(ret) ? ptr(a[1]) : siginfo(t, a[1])}, ${timespec(t, a[2])}, ${a[3]}`,
  rt_sigqueueinfo: (a, _r, t) => `${a[0]}, ${sigName(a[1])}, ${siginfo(t, a[2])}`,
  rt_tgsigqueueinfo: (a, _r, t) => `${a[0]}, ${a[1]}, ${sigName(a[2])}, ${siginfo(t, a[3])}`,
  sigaltstack: (a, ret, t) => `${stackT(t, a[0])}, ${failedRet(ret) ? ptr(a[1]) : stackT(t, a[1])}`,
  setitimer: (a, ret, t) => `${arg('which', a[0], a, ret, t)}, ${itimer(t, a[1], true)}, ${failedRet(ret) ? ptr(a[2]) : itimer(t, a[2], true)}`,
  getitimer: (a, ret, t) => `${arg('which', a[0], a, ret, t)}, ${failedRet(ret) ? ptr(a[1]) : itimer(t, a[1], true)}`,
  timer_create: (a, ret, t) => `${CLOCKS[a[0]] || a[0]}, ${sigevent(t, a[1], sigName)}, ${failedRet(ret) ? ptr(a[2]) : int(t, a[2])}`,
  timer_settime: (a, ret, t) => `${a[0]}, ${a[1] === 1 ? 'TIMER_ABSTIME' : a[1]}, ${itimer(t, a[2], false)}, ${failedRet(ret) ? ptr(a[3]) : itimer(t, a[3], false)}`,
  timer_gettime: (a, ret, t) => `${a[0]}, ${failedRet(ret) ? ptr(a[1]) : itimer(t, a[1], false)}`,
  nanosleep: (a, ret, t) => `${timespec(t, a[0])}, ${sleepRem(t, a[1], ret)}`,
  clock_nanosleep: (a, ret, t) => `${CLOCKS[a[0]] || a[0]}, ${a[1] === 1 ? 'TIMER_ABSTIME' : a[1]}, ${timespec(t, a[2])}, ${sleepRem(t, a[3], ret)}`,
  wait4: (a, ret, t) => {
    const st = a[1] === 0 ? 'NULL' : ret > 0 ? statusAt(t, a[1]) : ptr(a[1]);
    const ru = a[3] === 0 || ret <= 0 ? ptr(a[3]) : `{ru_utime=${timespec(t, a[3], true)}, ru_stime=${timespec(t, a[3] + 16, true)}, ...}`;
    return `${a[0] | 0}, ${st}, ${flags(a[2] >>> 0, WAIT_OPTS)}, ${ru}`;
  },
  waitid: (a, ret, t) => {
    const idtype = ['P_ALL', 'P_PID', 'P_PGID', 'P_PIDFD'][a[0]] ?? String(a[0]);
    return `${idtype}, ${a[1] | 0}, ${failedRet(ret) ? ptr(a[2]) : siginfo(t, a[2])}, ${flags(a[3] >>> 0, WAIT_OPTS)}, ${ptr(a[4])}`;
  },
  clone: (a, _r, t) => {
    const fl = a[0] >>> 0;
    const f = [`child_stack=${ptr(a[1])}`, `flags=${cloneFlags(fl)}`];
    if (fl & 0x100000) f.push(`parent_tid=${parentTid(t, a[2])}`);
    if (fl & 0x80000) f.push(`tls=${ptr(a[4])}`);
    if (fl & 0x1200000) f.push(`child_tidptr=${ptr(a[3])}`);
    return f.join(', ');
  },
  clone3: (a, ret, t) => {
    let s = cloneArgs(t, a[0], sigName);
    const b = t.um.read(a[0], 32);
    if (b && ret > 0) {
      const dv = new DataView(b.buffer, b.byteOffset, 32);
      const ptid = dv.getInt32(28, true) * 4294967296 + dv.getUint32(24, true);
      if ((dv.getUint32(0, true) & 0x100000) && ptid) s += ` => {parent_tid=${parentTid(t, ptid)}}`;
    }
    return `${s}, ${a[1]}`;
  },
  execve: (a, _r, t) => `${cString(t, a[0])}, ${stringArray(t, a[1])}, ${envp(t, a[2])}`,
  arch_prctl: (a) => {
    const codes: Record<number, string> = { 0x1001: 'ARCH_SET_GS', 0x1002: 'ARCH_SET_FS', 0x1003: 'ARCH_GET_FS', 0x1004: 'ARCH_GET_GS' };
    return `${codes[a[0]] ?? hex(a[0])}, ${ptr(a[1])}`;
  },
  rseq: (a) => `${ptr(a[0])}, ${hex(a[1])}, ${a[2]}, ${hex(a[3])}`,
  prlimit64: (a, ret, t) => `${a[0]}, ${RLIMITS[a[1]] ?? a[1]}, ${rlimit(t, a[2])}, ${failedRet(ret) ? ptr(a[3]) : rlimit(t, a[3])}`,
  getrandom: (a, ret, t) => `${failedRet(ret) ? hex(a[0]) : buffer(t, a[0], ret)}, ${a[1]}, ${flags(a[2], [[1, 'GRND_NONBLOCK'], [2, 'GRND_RANDOM'], [4, 'GRND_INSECURE']])}`,
  readlink: (a, ret, t) => `${cString(t, a[0])}, ${failedRet(ret) ? hex(a[1]) : buffer(t, a[1], ret)}, ${a[2]}`,
  getcwd: (a, ret, t) => `${failedRet(ret) ? hex(a[0]) : cString(t, a[0])}, ${a[1]}`,
  uname: (a, ret, t) => failedRet(ret) ? ptr(a[0]) : utsname(t, a[0]),
  openat: (a, ret, t) => {
    const creat = (a[2] & 0o100) !== 0 || (a[2] & 0o20200000) === 0o20200000;
    return `${arg('at', a[0], a, ret, t)}, ${cString(t, a[1])}, ${arg('oflags', a[2], a, ret, t)}${creat ? `, ${arg('o', a[3], a, ret, t)}` : ''}`;
  },
  open: (a, ret, t) => `${cString(t, a[0])}, ${arg('oflags', a[1], a, ret, t)}${(a[1] & 0o100) ? `, ${arg('o', a[2], a, ret, t)}` : ''}`,
  newfstatat: (a, ret, t) => `${arg('at', a[0], a, ret, t)}, ${cString(t, a[1])}, ${failedRet(ret) ? ptr(a[2]) : stat(t, a[2])}, ${arg('atflags', a[3], a, ret, t)}`,
  statx: (a, ret, t) => {
    const sync = ['AT_STATX_SYNC_AS_STAT', 'AT_STATX_FORCE_SYNC', 'AT_STATX_DONT_SYNC', 'AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC'][(a[2] >> 13) & 3];
    const rest = flags(a[2] & ~0x6000, AT_FLAGS, '');
    return `${arg('at', a[0], a, ret, t)}, ${cString(t, a[1])}, ${sync}${rest ? '|' + rest : ''}, ${statxMask(a[3])}, ${failedRet(ret) ? ptr(a[4]) : statx(t, a[4])}`;
  },
  signalfd4: (a, _r, t) => `${a[0] | 0}, ${sigset(t, a[1])}, ${a[2]}, ${flags(a[3], [[0o2000000, 'SFD_CLOEXEC'], [0o4000, 'SFD_NONBLOCK']])}`,
  utimensat: (a, ret, t) => `${arg('at', a[0], a, ret, t)}, ${cString(t, a[1])}, ${utimens(t, a[2])}, ${arg('atflags', a[3], a, ret, t)}`,
  // strace 6.1 predates fchmodat2 (Linux 6.6): it prints the number and six raw arguments.
  fchmodat2: (a) => a.map((v) => (v === 0 ? '0' : hex(v))).join(', '),
  fcntl: (a, ret, t) => {
    const cmd = a[1] | 0;
    const name = FCNTL_CMDS[cmd] ?? `${hex(cmd >>> 0)} /* F_??? */`;
    if (cmd === 5 || cmd === 36) return `${a[0]}, ${name}, ${failedRet(ret) ? ptr(a[2]) : flock(t, a[2], true)}`;
    if (cmd === 6 || cmd === 7 || cmd === 37 || cmd === 38) return `${a[0]}, ${name}, ${flock(t, a[2], false)}`;
    if (cmd === 1 || cmd === 3 || cmd === 9 || cmd === 1032) return `${a[0]}, ${name}`;
    if (cmd === 2) return `${a[0]}, ${name}, ${flags(a[2], [[1, 'FD_CLOEXEC']])}`;
    if (cmd === 4) return `${a[0]}, ${name}, ${arg('oflags', a[2], a, ret, t)}`;
    if (cmd === 5 || cmd === 6 || cmd === 7 || cmd >= 36 && cmd <= 38) return `${a[0]}, ${name}, ${ptr(a[2])}`;
    return `${a[0]}, ${name}, ${a[2] >>> 0}`;
  },
  ioctl: (a, ret, t) => {
    const cmd = a[1] >>> 0;
    const name = IOCTL_CMDS[cmd] ?? hex(cmd);
    if (cmd === 0x541b) return `${a[0]}, ${name}, ${failedRet(ret) ? ptr(a[2]) : int(t, a[2])}`;
    if (cmd === 0x5421) return `${a[0]}, ${name}, ${int(t, a[2])}`;
    if (cmd === 0x5450 || cmd === 0x5451) return `${a[0]}, ${name}`;
    return `${a[0]}, ${name}, ${ptr(a[2])}`;
  },
  writev: (a, _r, t) => `${a[0]}, ${iovec(t, a[1], a[2], null)}, ${a[2]}`,
  readv: (a, ret, t) => `${a[0]}, ${iovec(t, a[1], a[2], ret)}, ${a[2]}`,
  poll: (a, _r, t) => `${a[0] === 0 ? 'NULL' : pollfds(t, a[0], a[1])}, ${a[1]}, ${a[2] | 0}`,
  ppoll: (a, _r, t) => `${a[0] === 0 ? 'NULL' : pollfds(t, a[0], a[1])}, ${a[1]}, ${timespec(t, a[2])}, ${sigset(t, a[3])}, ${a[4]}`,
  select: (a, _r, t) => `${a[0] | 0}, ${fdset(t, a[1], a[0] | 0)}, ${fdset(t, a[2], a[0] | 0)}, ${fdset(t, a[3], a[0] | 0)}, ${timespec(t, a[4], true)}`,
  pselect6: (a, _r, t) => `${a[0] | 0}, ${fdset(t, a[1], a[0] | 0)}, ${fdset(t, a[2], a[0] | 0)}, ${fdset(t, a[3], a[0] | 0)}, ${timespec(t, a[4])}, ${pselectMask(t, a[5])}`,
  getdents64: (a, ret) => `${a[0]}, ${failedRet(ret) ? hex(a[1]) : `${hex(a[1])} /* ${direntCount} entries */`}, ${a[2]}`,
  futex: (a) => {
    const op = a[1] & 0x7f;
    const name = (FUTEX_OPS[op] ?? String(op)) + (a[1] & 128 ? '_PRIVATE' : '') + (a[1] & 256 ? '|FUTEX_CLOCK_REALTIME' : '');
    if (op === 1) return `${ptr(a[0])}, ${name}, ${a[2]}`;
    if (op === 9) return `${ptr(a[0])}, ${name}, ${a[2]}, ${ptr(a[3])}, ${a[5] === 0xffffffff ? 'FUTEX_BITSET_MATCH_ANY' : hex(a[5])}`;
    return `${ptr(a[0])}, ${name}, ${a[2]}, ${ptr(a[3])}`;
  },
  prctl: (a, _r, t) => {
    const name = PRCTL[a[0]] ?? String(a[0]);
    if (a[0] === 21 || a[0] === 3) return name;
    if (a[0] === 22) {
      const mode = ['SECCOMP_MODE_DISABLED', 'SECCOMP_MODE_STRICT', 'SECCOMP_MODE_FILTER'][a[1]];
      if (mode === 'SECCOMP_MODE_STRICT') return `${name}, ${mode}`;
      return mode === 'SECCOMP_MODE_FILTER' ? `${name}, ${mode}, ${sockfprog(t, a[2])}`
        : `${name}, ${mode ?? `${hex(a[1])} /* SECCOMP_MODE_??? */`}, ${hex(a[2])}, ${hex(a[3])}, ${hex(a[4])}`.replace(/0x0\b/g, '0');
    }
    return `${name}, ${a[1]}, ${a[2]}, ${a[3]}, ${a[4]}`;
  },
  seccomp: (a, _r, t) => {
    const op = SECCOMP_OPS[a[0]] ?? `${hex(a[0])} /* SECCOMP_SET_MODE_??? */`;
    if (a[0] === 1) return `${op}, ${flags(a[1], SECCOMP_FILTER_FLAGS, '0', 'SECCOMP_FILTER_FLAG_???')}, ${sockfprog(t, a[2])}`;
    if (a[0] === 2) {
      const v = a[2] === 0 ? null : t.um.readU32(a[2]);
      return `${op}, ${a[1]}, ${v === null ? ptr(a[2]) : `[${SECCOMP_RET[v >>> 0] ?? `${hex(v >>> 0)} /* SECCOMP_RET_??? */`}]`}`;
    }
    if (a[0] === 3) {
      const b = _r === 0 ? t.um.read(a[2], 6) : null;
      if (b) {
        const dv = new DataView(b.buffer, b.byteOffset, 6);
        return `${op}, ${a[1]}, {seccomp_notif=${dv.getUint16(0, true)}, seccomp_notif_resp=${dv.getUint16(2, true)}, seccomp_data=${dv.getUint16(4, true)}}`;
      }
    }
    return `${op}, ${a[1] === 0 ? '0' : hex(a[1])}, ${ptr(a[2])}`;
  },
  ptrace: (a, ret, t) => ptraceArgs(a, ret, t, sigName),
  restart_syscall: (_a, _r, t) => `<... resuming interrupted ${restartOf.get(t) ?? '???'} ...>`,
  // The frame strace reads at entry: rsp points just above the popped pretcode, and the
  // saved mask is uc_sigmask, 304 bytes into the frame (frame.ts).
  rt_sigreturn: (_a, _r, t) => `{mask=${sigset(t, sigreturnRsp - 8 + 304)}}`,
};

/** How many entries the last getdents64 returned (set by the result decoder). */
let direntCount = 0;

/** rt_sigreturn's user stack pointer at entry (formatCall's rsp argument). */
let sigreturnRsp = 0;

/** The name of the call a task's restart_syscall resumes (strace remembers it per task). */
const restartOf = new WeakMap<Task, string>();

function sleepRem(t: Task, addr: number, ret: number): string {
  if (addr === 0) return 'NULL';
  // strace prints the remainder only when the sleep was interrupted (it holds something then).
  return ret === -4 || ret === -516 || ret === -514 || ret === -512 || ret === -513 ? timespec(t, addr) : hex(addr);
}

function statusAt(t: Task, addr: number): string {
  const v = t.um.readU32(addr);
  return v === null ? hex(addr) : waitStatus(v, sigName);
}

function parentTid(t: Task, addr: number): string {
  const v = t.um.readU32(addr);
  return v === null ? hex(addr) : `[${v | 0}]`;
}

function cloneFlags(fl: number): string {
  const sig = fl & 0xff;
  const rest = flags(fl & ~0xff, CLONE_FLAGS, '');
  const s = sig ? sigName(sig) : '';
  return [rest, s].filter(Boolean).join('|') || '0';
}

function envp(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const n = countArray(t, addr);
  return `${hex(addr)} /* ${n} var${n === 1 ? '' : 's'} */`;
}

function pselectMask(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const b = t.um.read(addr, 16);
  if (!b) return hex(addr);
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  const p = dv.getInt32(4, true) * 4294967296 + dv.getUint32(0, true);
  return `{sigmask=${sigset(t, p)}, sigsetsize=${dv.getUint32(8, true)}}`;
}

function countDirents(t: Task, addr: number, len: number): number {
  const b = t.um.read(addr, len);
  if (!b) return 0;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let n = 0;
  for (let off = 0; off + 19 <= len; n++) {
    const rl = dv.getUint16(off + 16, true);
    if (rl === 0) break;
    off += rl;
  }
  return n;
}

/** Calls decoded when they are entered: execve replaces the memory its arguments live in,
 *  rt_sigreturn pops the frame strace reads, and exit/exit_group never return. */
export const DECODE_AT_ENTRY = new Set(['execve', 'execveat', 'rt_sigreturn', 'exit', 'exit_group',
  // select and poll rewrite their sets and timeouts: the arguments are what went in.
  'select', 'pselect6', 'poll', 'ppoll']);

/** The "name(arguments)" half of a line. `rsp` is the user stack pointer (rt_sigreturn's frame). */
export function formatCall(name: string, args: number[], ret: number, t: Task, rsp = 0): string {
  if (ret >= 0 || ret < -4095) {
    if (name === 'getdents64') direntCount = countDirents(t, args[1], ret);
  }
  if (ret === -516) restartOf.set(t, name === 'restart_syscall' ? 'restart_syscall' : name);
  sigreturnRsp = rsp;
  const dec = CALLS[name];
  if (name === 'fchmodat2') return `syscall_0x1c4(${dec(args, ret, t)})`;
  if (dec) return `${name}(${dec(args, ret, t)})`;
  const sig = SIGNATURES[name];
  const shown = sig ? sig.map((k, i) => arg(k, args[i], args, ret, t)) : args.slice(0, 6).map(hex);
  return `${name}(${shown.join(', ')})`;
}

/** The text after "= ": the value, an errno, a restart, and strace's decoded extras. */
export function formatResult(name: string, ret: number, args: number[] = [], t: Task | null = null): string {
  if (name === 'exit' || name === 'exit_group') return '?';
  if (ret < 0 && ret >= -4095) {
    const r = RESTART_NAMES[-ret];
    if (r) return `? ${r[0]} (${r[1]})`;
    const e = ERRNO_NAMES[-ret];
    return e ? `-1 ${e[0]} (${e[1]})` : `-1 (errno ${-ret})`;
  }
  if (name === 'mmap' || name === 'brk' || name === 'mremap') return hex(ret);
  if (name === 'umask') return '0' + ret.toString(8);
  if (t !== null) {
    if (name === 'fcntl' && (args[1] === 3)) return `${ret === 0 ? '0' : hex(ret)} (flags ${arg('oflags', ret, args, 0, t)})`;
    if (name === 'fcntl' && (args[1] === 1)) return ret === 0 ? '0' : `${hex(ret)} (flags ${flags(ret, [[1, 'FD_CLOEXEC']])})`;
    if (name === 'rt_sigtimedwait' && ret > 0) return `${ret} (${sigName(ret)})`;
    if ((name === 'poll' || name === 'ppoll') && ret === 0) return '0 (Timeout)';
    if (name === 'poll') return `${ret} (${pollRevents(t, args[0], args[1])})`;
    if (name === 'ppoll') return `${ret} (${pollRevents(t, args[0], args[1])}${args[2] ? `, left ${timespec(t, args[2])}` : ''})`;
    if ((name === 'select' || name === 'pselect6') && ret === 0) return '0 (Timeout)';
    if (name === 'select' || name === 'pselect6') {
      const n = args[0] | 0;
      const parts: string[] = [];
      const sets: [string, number][] = [['in', args[1]], ['out', args[2]], ['except', args[3]]];
      for (const [label, p] of sets) if (p !== 0) { const s = fdset(t, p, n); if (s !== '[]') parts.push(`${label} ${s}`); }
      if (args[4]) parts.push(`left ${timespec(t, args[4], name === 'select')}`);
      return `${ret} (${parts.join(', ')})`;
    }
  }
  return String(ret);
}

/** One whole line, without strace's column padding (the tracer adds it). */
export function formatSyscall(name: string, args: number[], ret: number, t: Task): string {
  return `${formatCall(name, args, ret, t)} = ${formatResult(name, ret, args, t)}`;
}
