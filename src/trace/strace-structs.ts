// strace's renderings of the structures and flag sets system calls pass: signal sets, sigaction,
// timespec/timeval, itimerval/itimerspec, sigevent, siginfo read from guest memory, wait
// statuses, clone flags, iovecs, pollfds, fd sets, stat, rlimit. Each reader returns the
// pointer in hex when the guest memory cannot be read (strace does the same).

import type { Task } from '../kernel/process/task.js';
import type { SigInfo } from '../kernel/signal/siginfo.js';
import { formatSigInfo } from './siginfo-format.js';

const TWO32 = 4294967296;

export function hex(v: number): string {
  if (v >= 0) return '0x' + v.toString(16);
  return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
}
export function ptr(v: number): string {
  return v === 0 ? 'NULL' : hex(v);
}

/** Bits by name in table order, leftover bits in hex; `zero` when nothing is set. */
export function flags(v: number, table: [number, string][], zero = '0', unknown = ''): string {
  const parts: string[] = [];
  let rest = v;
  for (const [bit, name] of table) if (bit !== 0 && ((rest & bit) >>> 0) === bit) { parts.push(name); rest = (rest & ~bit) >>> 0; }
  // Bits strace has no name for: "KNOWN|0x8", or "0x8 /* AT_??? */" when none has a name.
  if (rest && parts.length === 0 && unknown) return `${hex(rest >>> 0)} /* ${unknown} */`;
  if (rest) parts.push(hex(rest >>> 0));
  return parts.length ? parts.join('|') : zero;
}

/** strace's string quoting: C escapes, octal for other bytes (three digits before a digit). */
export function quote(bytes: Uint8Array, max = 32, ellipsisIfLonger = true): string {
  let s = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x0c) s += '\\f';
    else if (c === 0x0b) s += '\\v';
    else if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else {
      const next = i + 1 < n ? bytes[i + 1] : -1;
      s += '\\' + (next >= 0x30 && next <= 0x37 ? c.toString(8).padStart(3, '0') : c.toString(8));
    }
  }
  return `"${s}"${ellipsisIfLonger && bytes.length > max ? '...' : ''}`;
}

/** A buffer of len bytes at addr, quoted and cut at 32 as strace's default -s 32. */
export function buffer(t: Task, addr: number, len: number): string {
  if (len < 0) return hex(addr);
  const b = t.um.read(addr, Math.min(len, 33));
  return b ? quote(b, 32) : hex(addr);
}

/** The bytes of a NUL-terminated string (up to max), read a page at a time; null if unreadable. */
export function cBytes(t: Task, addr: number, max: number): { bytes: Uint8Array; cut: boolean } | null {
  const out: number[] = [];
  let a = addr;
  while (out.length < max) {
    const n = Math.min(4096 - (a & 4095), max - out.length);
    const b = t.um.read(a, n);
    if (!b) return out.length ? { bytes: new Uint8Array(out), cut: true } : null;
    const z = b.indexOf(0);
    if (z >= 0) { for (let i = 0; i < z; i++) out.push(b[i]); return { bytes: new Uint8Array(out), cut: false }; }
    for (const x of b) out.push(x);
    a += n;
  }
  return { bytes: new Uint8Array(out), cut: true };
}

/** A path or other C string argument: whole up to PATH_MAX, then "..." (strace's printpath). */
export function cString(t: Task, addr: number, max = 4096): string {
  if (addr === 0) return 'NULL';
  // A path with no NUL in PATH_MAX bytes shows its first PATH_MAX - 1 and "...".
  const s = cBytes(t, addr, max);
  return s === null ? hex(addr) : s.cut ? quote(s.bytes.subarray(0, max - 1), max, false) + '...' : quote(s.bytes, max, false);
}

function view(t: Task, addr: number, len: number): DataView | null {
  if (addr === 0) return null;
  const b = t.um.read(addr, len);
  return b ? new DataView(b.buffer, b.byteOffset, b.byteLength) : null;
}
function q64(dv: DataView, off: number): number {
  return dv.getInt32(off + 4, true) * TWO32 + dv.getUint32(off, true);
}

// Signal names inside sets and sigaction: without "SIG", real-time ones as RT_n (32 is RTMIN).
function setName(sig: number): string {
  const n = ['', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM',
    'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH',
    'IO', 'PWR', 'SYS'];
  if (sig < 32) return n[sig];
  return sig === 32 ? 'RTMIN' : `RT_${sig - 32}`;
}

/** A 64-signal mask as strace prints it: [USR1 RT_2], or ~[…] naming the clear bits when most are set. */
export function sigsetValue(lo: number, hi: number): string {
  let count = 0;
  for (let b = 0; b < 32; b++) { if ((lo >>> b) & 1) count++; if ((hi >>> b) & 1) count++; }
  const invert = count > 32;
  const names: string[] = [];
  for (let sig = 1; sig <= 64; sig++) {
    const bit = sig <= 32 ? (lo >>> (sig - 1)) & 1 : (hi >>> (sig - 33)) & 1;
    if ((bit === 1) !== invert) names.push(setName(sig));
  }
  return `${invert ? '~' : ''}[${names.join(' ')}]`;
}

export function sigset(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 8);
  return dv ? sigsetValue(dv.getUint32(0, true), dv.getUint32(4, true)) : hex(addr);
}

const SA_FLAGS: [number, string][] = [
  [0x04000000, 'SA_RESTORER'], [0x08000000, 'SA_ONSTACK'], [0x10000000, 'SA_RESTART'], [0x40000000, 'SA_NODEFER'],
  [0x80000000, 'SA_RESETHAND'], [4, 'SA_SIGINFO'], [1, 'SA_NOCLDSTOP'], [2, 'SA_NOCLDWAIT'],
];

const SA_KNOWN = SA_FLAGS.reduce((m, [b]) => m | b, 0);

/** struct sigaction as the kernel takes it (x86-64): handler, flags, restorer, mask. */
export function sigaction(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 32);
  if (!dv) return hex(addr);
  const h = q64(dv, 0);
  const fl = dv.getUint32(8, true), flHi = dv.getUint32(12, true);
  const handler = h === 0 ? 'SIG_DFL' : h === 1 ? 'SIG_IGN' : hex(h);
  // sa_flags is an unsigned long: a C library that sign-extends SA_RESETHAND leaves the high half set.
  let fs = flags(fl, SA_FLAGS);
  if (flHi) fs = (fs === '0' ? '' : fs.replace(/\|?0x[0-9a-f]+$/, '') + '|') + '0x' + (BigInt(flHi) * 4294967296n + BigInt(fl & ~SA_KNOWN)).toString(16);
  const f = [`sa_handler=${handler}`, `sa_mask=${sigsetValue(dv.getUint32(24, true), dv.getUint32(28, true))}`, `sa_flags=${fs}`];
  if (fl & 0x04000000) f.push(`sa_restorer=${ptr(q64(dv, 16))}`);
  return `{${f.join(', ')}}`;
}

export function timespec(t: Task, addr: number, usec = false): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 16);
  return dv ? timespecAt(dv, 0, usec) : hex(addr);
}
function timespecAt(dv: DataView, off: number, usec: boolean): string {
  return `{tv_sec=${q64(dv, off)}, ${usec ? 'tv_usec' : 'tv_nsec'}=${q64(dv, off + 8)}}`;
}

/** itimerval (usec) or itimerspec (nsec): {it_interval={…}, it_value={…}}. */
export function itimer(t: Task, addr: number, usec: boolean): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 32);
  return dv ? `{it_interval=${timespecAt(dv, 0, usec)}, it_value=${timespecAt(dv, 16, usec)}}` : hex(addr);
}

const SIGEV_NOTIFY: Record<number, string> = { 0: 'SIGEV_SIGNAL', 1: 'SIGEV_NONE', 2: 'SIGEV_THREAD', 4: 'SIGEV_THREAD_ID' };

export function sigevent(t: Task, addr: number, signame: (n: number) => string): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 24);
  if (!dv) return hex(addr);
  const v = q64(dv, 0);
  const notify = dv.getInt32(12, true);
  const f = [`sigev_value={sival_int=${dv.getInt32(0, true)}, sival_ptr=${ptr(v)}}`, `sigev_signo=${signame(dv.getInt32(8, true))}`,
    `sigev_notify=${SIGEV_NOTIFY[notify] ?? notify}`];
  if (notify === 4) f.push(`sigev_notify_thread_id=${dv.getInt32(16, true)}`);
  return `{${f.join(', ')}}`;
}

/** A siginfo_t in guest memory (include/uapi/asm-generic/siginfo.h layout), through formatSigInfo. */
export function siginfo(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 48);
  if (!dv) return hex(addr);
  const signo = dv.getInt32(0, true), code = dv.getInt32(8, true);
  const info: SigInfo = {
    signo, errno: dv.getInt32(4, true), code, pid: dv.getInt32(16, true), uid: dv.getUint32(20, true),
    value: dv.getBigUint64(24, true), tid: dv.getInt32(16, true), overrun: dv.getInt32(20, true), status: dv.getInt32(24, true),
    utime: q64(dv, 32), stime: q64(dv, 40), addr: q64(dv, 16), callAddr: q64(dv, 16), syscall: dv.getInt32(24, true),
    arch: dv.getUint32(28, true), band: q64(dv, 16), fd: dv.getInt32(24, true),
  };
  return formatSigInfo(info);
}

const PTRACE_EVENTS: Record<number, string> = {
  1: 'PTRACE_EVENT_FORK', 2: 'PTRACE_EVENT_VFORK', 3: 'PTRACE_EVENT_CLONE', 4: 'PTRACE_EVENT_EXEC',
  5: 'PTRACE_EVENT_VFORK_DONE', 6: 'PTRACE_EVENT_EXIT', 7: 'PTRACE_EVENT_SECCOMP', 128: 'PTRACE_EVENT_STOP',
};

/** A wait status as strace decodes it: [{WIFEXITED(s) && WEXITSTATUS(s) == 3}]. */
export function waitStatus(st: number, signame: (n: number) => string): string {
  const sig = st & 0x7f;
  let s: string;
  if (sig === 0) s = `WIFEXITED(s) && WEXITSTATUS(s) == ${(st >> 8) & 0xff}`;
  else if (st === 0xffff) s = 'WIFCONTINUED(s)';
  else if (sig === 0x7f) {
    // A PTRACE_O_TRACESYSGOOD syscall stop reports SIGTRAP | 0x80 (strace names the bit apart).
    const ss = (st >> 8) & 0xff;
    s = `WIFSTOPPED(s) && WSTOPSIG(s) == ${ss === (5 | 0x80) ? `${signame(5)} | 0x80` : signame(ss)}`;
  } else s = `WIFSIGNALED(s) && WTERMSIG(s) == ${signame(sig)}${st & 0x80 ? ' && WCOREDUMP(s)' : ''}`;
  // A PTRACE_EVENT stop's event sits in bits 16-23, outside the braces: [{…}|PTRACE_EVENT_FORK<<16].
  const ev = (st >>> 16) & 0xff;
  if (sig === 0x7f && ev !== 0) return `[{${s}}|${PTRACE_EVENTS[ev] ?? String(ev)}<<16]`;
  return `[{${s}}]`;
}

export const CLONE_FLAGS: [number, string][] = [
  [0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'], [0x1000, 'CLONE_PIDFD'],
  [0x2000, 'CLONE_PTRACE'], [0x4000, 'CLONE_VFORK'], [0x8000, 'CLONE_PARENT'], [0x10000, 'CLONE_THREAD'],
  [0x20000, 'CLONE_NEWNS'], [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'], [0x100000, 'CLONE_PARENT_SETTID'],
  // 0x400000 (CLONE_DETACHED, ignored since 2.6.2) has no name in strace 6.1's table.
  [0x200000, 'CLONE_CHILD_CLEARTID'], [0x800000, 'CLONE_UNTRACED'],
  [0x1000000, 'CLONE_CHILD_SETTID'], [0x2000000, 'CLONE_NEWCGROUP'], [0x4000000, 'CLONE_NEWUTS'], [0x8000000, 'CLONE_NEWIPC'],
  [0x10000000, 'CLONE_NEWUSER'], [0x20000000, 'CLONE_NEWPID'], [0x40000000, 'CLONE_NEWNET'], [0x80000000, 'CLONE_IO'],
];

/** iovec array: [{iov_base="…", iov_len=N}, …]; `data` bytes in all (the result, for reads). */
export function iovec(t: Task, addr: number, cnt: number, data: number | null): string {
  if (addr === 0) return 'NULL';
  if (data !== null && data < 0) return hex(addr);
  const dv = view(t, addr, Math.min(cnt, 1024) * 16);
  if (!dv) return hex(addr);
  const parts: string[] = [];
  let left = data ?? Infinity;
  for (let i = 0; i < cnt && i < 1024; i++) {
    const base = q64(dv, i * 16), len = q64(dv, i * 16 + 8);
    let b: string;
    if (base === 0) b = 'NULL';
    else {
      const n = Math.min(len, left);
      b = buffer(t, base, n);
      left -= n;
    }
    parts.push(`{iov_base=${b}, iov_len=${len}}`);
  }
  return `[${parts.join(', ')}]`;
}

const POLL_EVENTS: [number, string][] = [
  [1, 'POLLIN'], [2, 'POLLPRI'], [4, 'POLLOUT'], [8, 'POLLERR'], [0x10, 'POLLHUP'], [0x20, 'POLLNVAL'], [0x40, 'POLLRDNORM'],
  [0x80, 'POLLRDBAND'], [0x100, 'POLLWRNORM'], [0x200, 'POLLWRBAND'], [0x400, 'POLLMSG'], [0x2000, 'POLLRDHUP'],
];

/** pollfd array at entry: [{fd=3, events=POLLIN}, {fd=-1}]. */
export function pollfds(t: Task, addr: number, n: number): string {
  const dv = view(t, addr, n * 8);
  if (!dv) return hex(addr);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const fd = dv.getInt32(i * 8, true);
    parts.push(fd < 0 ? `{fd=${fd}}` : `{fd=${fd}, events=${flags(dv.getUint16(i * 8 + 4, true), POLL_EVENTS)}}`);
  }
  return `[${parts.join(', ')}]`;
}

/** The result side: [{fd=3, revents=POLLIN}] for the entries with events. */
export function pollRevents(t: Task, addr: number, n: number): string {
  const dv = view(t, addr, n * 8);
  if (!dv) return '';
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const re = dv.getUint16(i * 8 + 6, true);
    if (re) parts.push(`{fd=${dv.getInt32(i * 8, true)}, revents=${flags(re, POLL_EVENTS)}}`);
  }
  return `[${parts.join(', ')}]`;
}

/** An fd_set of nfds bits: [3 4]. */
export function fdset(t: Task, addr: number, nfds: number): string {
  if (addr === 0) return 'NULL';
  if (nfds < 0) return hex(addr);
  const bytes = Math.ceil(nfds / 64) * 8;
  const b = bytes === 0 ? new Uint8Array(0) : t.um.read(addr, bytes);
  if (!b) return hex(addr);
  const fds: number[] = [];
  for (let fd = 0; fd < nfds; fd++) if (b[fd >> 3] & (1 << (fd & 7))) fds.push(fd);
  return `[${fds.join(' ')}]`;
}

const S_IFMT: Record<number, string> = {
  0o140000: 'S_IFSOCK', 0o120000: 'S_IFLNK', 0o100000: 'S_IFREG', 0o060000: 'S_IFBLK', 0o040000: 'S_IFDIR',
  0o020000: 'S_IFCHR', 0o010000: 'S_IFIFO',
};

/** struct stat, abbreviated as strace prints it without -v. */
export function stat(t: Task, addr: number): string {
  const dv = view(t, addr, 144);
  if (!dv) return hex(addr);
  const mode = dv.getUint32(24, true);
  const type = S_IFMT[mode & 0o170000] ?? '0';
  const perm = mode & 0o777;
  const special = flags(mode & 0o7000, [[0o4000, 'S_ISUID'], [0o2000, 'S_ISGID'], [0o1000, 'S_ISVTX']], '');
  const f = [`st_mode=${type}|${special ? special + '|' : ''}0${perm.toString(8)}`];
  const rdev = q64(dv, 40);
  if ((mode & 0o170000) === 0o020000 || (mode & 0o170000) === 0o060000) {
    const major = ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / TWO32) & ~0xfff);
    const minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xff);
    f.push(`st_rdev=makedev(${hex(major)}, ${hex(minor)})`);
  } else f.push(`st_size=${q64(dv, 48)}`);
  return `{${f.join(', ')}, ...}`;
}

/** A limit value: RLIM64_INFINITY, N*1024 when a multiple of 1024, else N. */
function rlimValue(dv: DataView, off: number): string {
  if (dv.getInt32(off, true) === -1 && dv.getInt32(off + 4, true) === -1) return 'RLIM64_INFINITY';
  const v = q64(dv, off);
  return v > 0 && v % 1024 === 0 ? `${v / 1024}*1024` : String(v);
}
export function rlimit(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 16);
  return dv ? `{rlim_cur=${rlimValue(dv, 0)}, rlim_max=${rlimValue(dv, 8)}}` : hex(addr);
}

export function int(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 4);
  return dv ? `[${dv.getInt32(0, true)}]` : hex(addr);
}

export function stackT(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 24);
  if (!dv) return hex(addr);
  const fl = dv.getInt32(8, true);
  return `{ss_sp=${ptr(q64(dv, 0))}, ss_flags=${flags(fl >>> 0, [[1, 'SS_ONSTACK'], [2, 'SS_DISABLE'], [0x80000000, 'SS_AUTODISARM']])}, ss_size=${q64(dv, 16)}}`;
}

export function utsname(t: Task, addr: number): string {
  const sys = cBytes(t, addr, 65), node = cBytes(t, addr + 65, 65);
  if (sys === null || node === null) return hex(addr);
  return `{sysname=${quote(sys.bytes, 64)}, nodename=${quote(node.bytes, 64)}, ...}`;
}

const STATX_MASK: [number, string][] = [
  [0x7ff, 'STATX_BASIC_STATS'], [1, 'STATX_TYPE'], [2, 'STATX_MODE'], [4, 'STATX_NLINK'], [8, 'STATX_UID'], [0x10, 'STATX_GID'],
  [0x20, 'STATX_ATIME'], [0x40, 'STATX_MTIME'], [0x80, 'STATX_CTIME'], [0x100, 'STATX_INO'], [0x200, 'STATX_SIZE'],
  [0x400, 'STATX_BLOCKS'], [0x800, 'STATX_BTIME'], [0x1000, 'STATX_MNT_ID'], [0x2000, 'STATX_DIOALIGN'],
];
export function statxMask(v: number): string {
  return flags(v, STATX_MASK, '0');
}

/** struct statx, abbreviated as strace prints it without -v. */
export function statx(t: Task, addr: number): string {
  const dv = view(t, addr, 0x100);
  if (!dv) return hex(addr);
  const mode = dv.getUint16(28, true);
  const type = S_IFMT[mode & 0o170000] ?? '0';
  const special = flags(mode & 0o7000, [[0o4000, 'S_ISUID'], [0o2000, 'S_ISGID'], [0o1000, 'S_ISVTX']], '');
  return `{stx_mask=${statxMask(dv.getUint32(0, true))}, stx_attributes=${q64(dv, 8) === 0 ? '0' : hex(q64(dv, 8))}, ` +
    `stx_mode=${type}|${special ? special + '|' : ''}0${(mode & 0o777).toString(8)}, stx_size=${q64(dv, 40)}, ...}`;
}

/** argv-style NULL-terminated string arrays (execve). */
export function stringArray(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const parts: string[] = [];
  for (let i = 0; i < 4096; i++) {
    const p = t.um.readPtr(addr + i * 8);
    if (p === null) return hex(addr);
    if (p === 0) break;
    const s = cBytes(t, p, 33);
    parts.push(s === null ? hex(p) : quote(s.bytes, 32));
  }
  return `[${parts.join(', ')}]`;
}

export function countArray(t: Task, addr: number): number {
  let n = 0;
  for (; n < 65536; n++) {
    const p = t.um.readPtr(addr + n * 8);
    if (p === null || p === 0) break;
  }
  return n;
}

/** clone3's struct clone_args, the fields strace shows (those not zero, flags and exit_signal always). */
export function cloneArgs(t: Task, addr: number, signame: (n: number) => string): string {
  const dv = view(t, addr, 64);
  if (!dv) return hex(addr);
  const fl = q64(dv, 0);
  const f = [`flags=${flags(fl >>> 0, CLONE_FLAGS)}`];
  const pidfd = q64(dv, 8), ctid = q64(dv, 16), ptid = q64(dv, 24), sig = q64(dv, 32);
  const stack = q64(dv, 40), size = q64(dv, 48), tls = q64(dv, 56);
  if (fl & 0x1000) f.push(`pidfd=${hex(pidfd)}`);
  if (ctid) f.push(`child_tid=${hex(ctid)}`);
  if (ptid) f.push(`parent_tid=${hex(ptid)}`);
  f.push(`exit_signal=${sig === 0 ? '0' : signame(sig)}`);
  if (stack) f.push(`stack=${hex(stack)}`);
  if (size) f.push(`stack_size=${hex(size)}`);
  if (tls) f.push(`tls=${hex(tls)}`);
  return `{${f.join(', ')}}`;
}

/** A time as strace comments it: 2001-09-09T01:46:40+0000, with the nanoseconds when not zero. */
function timeComment(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const iso = d.toISOString().slice(0, 19);
  return `${iso}${nsec ? '.' + String(nsec).padStart(9, '0') : ''}+0000`;
}

/** utimensat's two timespecs: UTIME_NOW/UTIME_OMIT by name, valid times with a date comment. */
export function utimens(t: Task, addr: number): string {
  if (addr === 0) return 'NULL';
  const dv = view(t, addr, 32);
  if (!dv) return hex(addr);
  const one = (off: number): string => {
    const sec = q64(dv, off), nsec = q64(dv, off + 8);
    if (nsec === 0x3fffffff) return 'UTIME_NOW';
    if (nsec === 0x3ffffffe) return 'UTIME_OMIT';
    const ts = `{tv_sec=${sec}, tv_nsec=${nsec}}`;
    return nsec >= 0 && nsec < 1e9 ? `${ts} /* ${timeComment(sec, nsec)} */` : ts;
  };
  return `[${one(0)}, ${one(16)}]`;
}

/** struct flock: l_type, l_whence, l_start, l_len (and l_pid when the kernel filled it in). */
export function flock(t: Task, addr: number, withPid: boolean): string {
  const dv = view(t, addr, 32);
  if (!dv) return hex(addr);
  const type = dv.getInt16(0, true), whence = dv.getInt16(2, true);
  const tn = ['F_RDLCK', 'F_WRLCK', 'F_UNLCK'][type] ?? `${hex(type)} /* F_??? */`;
  const wn = ['SEEK_SET', 'SEEK_CUR', 'SEEK_END'][whence] ?? `${hex(whence)} /* SEEK_??? */`;
  const f = [`l_type=${tn}`, `l_whence=${wn}`, `l_start=${q64(dv, 8)}`, `l_len=${q64(dv, 16)}`];
  if (withPid) f.push(`l_pid=${dv.getInt32(24, true)}`);
  return `{${f.join(', ')}}`;
}
