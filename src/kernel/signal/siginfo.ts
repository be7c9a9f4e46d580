// siginfo_t (include/uapi/asm-generic/siginfo.h, x86-64 layout): 128 bytes, three ints and a
// union whose member is chosen by the signal and its si_code (kernel/signal.c siginfo_layout).
//
//   0 si_signo   4 si_errno   8 si_code   12 (padding)   16 _sifields:
//     kill/rt:   16 si_pid  20 si_uid  24 si_value (rt)
//     timer:     16 si_tid  20 si_overrun  24 si_value
//     chld:      16 si_pid  20 si_uid  24 si_status  32 si_utime  40 si_stime
//     fault:     16 si_addr  24 si_addr_lsb (short) | 32 si_lower 40 si_upper | 32 si_pkey
//     poll:      16 si_band (long)  24 si_fd
//     sys:       16 si_call_addr  24 si_syscall  28 si_arch

import { SIGCHLD, SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP, SIGPOLL, SIGSYS } from './signals.js';

export const SIGINFO_SIZE = 128;

// si_code values (include/uapi/asm-generic/siginfo.h).
export const SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3, SI_ASYNCIO = -4,
  SI_SIGIO = -5, SI_TKILL = -6;
export const ILL_ILLOPC = 1, ILL_ILLOPN = 2, ILL_ILLADR = 3, ILL_ILLTRP = 4, ILL_PRVOPC = 5, ILL_PRVREG = 6,
  ILL_COPROC = 7, ILL_BADSTK = 8;
export const FPE_INTDIV = 1, FPE_INTOVF = 2, FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6,
  FPE_FLTINV = 7, FPE_FLTSUB = 8;
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2;
export const BUS_ADRALN = 1, BUS_ADRERR = 2, BUS_OBJERR = 3;
export const TRAP_BRKPT = 1, TRAP_TRACE = 2, TRAP_BRANCH = 3, TRAP_HWBKPT = 4;
export const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5, CLD_CONTINUED = 6;
export const SYS_SECCOMP = 1;

/** The fields a siginfo can carry; which ones are meaningful follows from signo and code. */
export interface SigInfo {
  signo: number;
  errno: number;
  code: number;
  pid?: number;
  uid?: number;
  /** si_value (sival_ptr/sival_int), as a 64-bit value. */
  value?: bigint;
  tid?: number;
  overrun?: number;
  status?: number;
  utime?: number;
  stime?: number;
  addr?: number;
  addrLsb?: number;
  band?: number;
  fd?: number;
  callAddr?: number;
  syscall?: number;
  arch?: number;
  /**
   * Kernel-side only, never copied out: the action was made immutable (SA_IMMUTABLE, a seccomp
   * kill's HANDLER_EXIT): no tracer sees the signal and nothing can catch it.
   */
  immutable?: boolean;
}

export type SigInfoLayout = 'kill' | 'timer' | 'rt' | 'chld' | 'fault' | 'poll' | 'sys';

/** sig_sicodes[]: the highest si_code of each signal's own codes (NSIGILL …) and the member they use. */
const NSIGPOLL = 6;
const SICODE_LAYOUT: Record<number, [number, SigInfoLayout]> = {
  [SIGILL]: [11, 'fault'], [SIGFPE]: [15, 'fault'], [SIGSEGV]: [10, 'fault'], [SIGBUS]: [5, 'fault'],
  [SIGTRAP]: [6, 'fault'], [SIGCHLD]: [6, 'chld'], [SIGPOLL]: [NSIGPOLL, 'poll'], [SIGSYS]: [2, 'sys'],
};

/** siginfo_layout(): which union member the kernel fills for this signal and code. */
export function sigInfoLayout(signo: number, code: number): SigInfoLayout {
  if (code === SI_TIMER) return 'timer';
  if (code === SI_SIGIO) return 'poll';
  if (code === SI_QUEUE || code === SI_MESGQ || code === SI_ASYNCIO) return 'rt';
  if (code > SI_USER && code < SI_KERNEL) {
    // A code within the signal's own range selects its member; another small code is SIGPOLL's.
    const own = SICODE_LAYOUT[signo];
    if (own && code <= own[0]) return own[1];
    if (code <= NSIGPOLL) return 'poll';
    return 'kill';
  }
  return code < 0 ? 'rt' : 'kill';
}

/** The 128 bytes user space sees. */
export function encodeSigInfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(4, info.errno, true);
  dv.setInt32(8, info.code, true);
  const q = (off: number, v: number | undefined): void => { if (v !== undefined) dv.setBigInt64(off, BigInt(Math.trunc(v)), true); };
  const i = (off: number, v: number | undefined): void => { if (v !== undefined) dv.setInt32(off, v | 0, true); };
  switch (sigInfoLayout(info.signo, info.code)) {
    case 'kill': i(16, info.pid); i(20, info.uid); break;
    case 'rt': i(16, info.pid); i(20, info.uid); if (info.value !== undefined) dv.setBigUint64(24, BigInt.asUintN(64, info.value), true); break;
    case 'timer': i(16, info.tid); i(20, info.overrun); if (info.value !== undefined) dv.setBigUint64(24, BigInt.asUintN(64, info.value), true); break;
    case 'chld': i(16, info.pid); i(20, info.uid); i(24, info.status); q(32, info.utime); q(40, info.stime); break;
    case 'fault': q(16, info.addr); if (info.addrLsb !== undefined) dv.setInt16(24, info.addrLsb, true); break;
    case 'poll': q(16, info.band); i(24, info.fd); break;
    case 'sys': q(16, info.callAddr); i(24, info.syscall); i(28, info.arch); break;
  }
  return b;
}

/** The kernel's view of a siginfo a user passed in (rt_sigqueueinfo, PTRACE_SETSIGINFO). */
export function decodeSigInfo(b: Uint8Array): SigInfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const info: SigInfo = { signo: dv.getInt32(0, true), errno: dv.getInt32(4, true), code: dv.getInt32(8, true) };
  const q = (off: number): number => Number(dv.getBigInt64(off, true));
  switch (sigInfoLayout(info.signo, info.code)) {
    case 'kill': info.pid = dv.getInt32(16, true); info.uid = dv.getInt32(20, true); break;
    case 'rt': info.pid = dv.getInt32(16, true); info.uid = dv.getInt32(20, true); info.value = dv.getBigUint64(24, true); break;
    case 'timer': info.tid = dv.getInt32(16, true); info.overrun = dv.getInt32(20, true); info.value = dv.getBigUint64(24, true); break;
    case 'chld': info.pid = dv.getInt32(16, true); info.uid = dv.getInt32(20, true); info.status = dv.getInt32(24, true); info.utime = q(32); info.stime = q(40); break;
    case 'fault': info.addr = q(16); info.addrLsb = dv.getInt16(24, true); break;
    case 'poll': info.band = q(16); info.fd = dv.getInt32(24, true); break;
    case 'sys': info.callAddr = q(16); info.syscall = dv.getInt32(24, true); info.arch = dv.getInt32(28, true) >>> 0; break;
  }
  return info;
}
