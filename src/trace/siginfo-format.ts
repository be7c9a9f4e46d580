// strace's rendering of a siginfo_t, for the "--- SIGNAL {…} ---" lines of --trace=syscall:
// si_signo and si_code by name, then the fields of the union member the signal and code select.

import { sigInfoLayout, type SigInfo, type SigInfoLayout } from '../kernel/signal/siginfo.js';

/**
 * Which fields strace prints: by the signal for any positive code but SI_KERNEL (strace's
 * printsiginfo), which is not quite the kernel's siginfo_layout — a ptrace event's SIGTRAP
 * (si_code 0x105) carries si_pid/si_uid, and strace shows those bytes as si_addr.
 */
function straceLayout(signo: number, code: number): SigInfoLayout {
  if (code > 0 && code !== 0x80) {
    if (signo === 4 || signo === 8 || signo === 11 || signo === 7 || signo === 5) return 'fault';
    if (signo === 17) return 'chld';
    if (signo === 29) return 'poll';
    if (signo === 31) return 'sys';
  }
  return sigInfoLayout(signo, code);
}
import { signalName } from '../kernel/signal/signals.js';
import { SYSCALL_64 } from '../kernel/syscalls/generated/syscall_64.js';
import { ERRNO_NAMES } from './errno-names.js';

const GENERIC_CODES: Record<number, string> = {
  0: 'SI_USER', 0x80: 'SI_KERNEL', [-1]: 'SI_QUEUE', [-2]: 'SI_TIMER', [-3]: 'SI_MESGQ', [-4]: 'SI_ASYNCIO',
  [-5]: 'SI_SIGIO', [-6]: 'SI_TKILL', [-7]: 'SI_DETHREAD', [-60]: 'SI_ASYNCNL',
};
const CODES: Record<string, string[]> = {
  SIGILL: ['', 'ILL_ILLOPC', 'ILL_ILLOPN', 'ILL_ILLADR', 'ILL_ILLTRP', 'ILL_PRVOPC', 'ILL_PRVREG', 'ILL_COPROC', 'ILL_BADSTK', 'ILL_BADIADDR'],
  SIGFPE: ['', 'FPE_INTDIV', 'FPE_INTOVF', 'FPE_FLTDIV', 'FPE_FLTOVF', 'FPE_FLTUND', 'FPE_FLTRES', 'FPE_FLTINV', 'FPE_FLTSUB', 'FPE_FLTUNK', 'FPE_CONDTRAP'],
  SIGSEGV: ['', 'SEGV_MAPERR', 'SEGV_ACCERR', 'SEGV_BNDERR', 'SEGV_PKUERR', 'SEGV_ACCADI', 'SEGV_ADIDERR', 'SEGV_ADIPERR', 'SEGV_MTEAERR', 'SEGV_MTESERR', 'SEGV_CPERR'],
  SIGBUS: ['', 'BUS_ADRALN', 'BUS_ADRERR', 'BUS_OBJERR', 'BUS_MCEERR_AR', 'BUS_MCEERR_AO'],
  SIGTRAP: ['', 'TRAP_BRKPT', 'TRAP_TRACE', 'TRAP_BRANCH', 'TRAP_HWBKPT', 'TRAP_UNK', 'TRAP_PERF'],
  SIGCHLD: ['', 'CLD_EXITED', 'CLD_KILLED', 'CLD_DUMPED', 'CLD_TRAPPED', 'CLD_STOPPED', 'CLD_CONTINUED'],
  SIGPOLL: ['', 'POLL_IN', 'POLL_OUT', 'POLL_MSG', 'POLL_ERR', 'POLL_PRI', 'POLL_HUP'],
  SIGSYS: ['', 'SYS_SECCOMP', 'SYS_USER_DISPATCH'],
};

function codeName(info: SigInfo): string {
  const name = signalName(info.signo === 29 ? 29 : info.signo);
  const table = CODES[info.signo === 29 ? 'SIGPOLL' : name];
  if (info.code > 0 && info.code !== 0x80 && table && table[info.code]) return table[info.code];
  // A code strace has no name for (a ptrace event's SIGTRAP | event << 8) is shown in hex.
  return GENERIC_CODES[info.code] ?? (info.code > 0 ? '0x' + info.code.toString(16) : String(info.code));
}

/** SIGSYS's si_syscall as strace shows it: __NR_getppid (x86-64 numbers only). */
function syscallNumberName(nr: number, arch: number | undefined): string {
  if (arch !== 0xc000003e) return String(nr);
  if (SYSCALL_NAMES === null) { SYSCALL_NAMES = []; for (const e of SYSCALL_64) SYSCALL_NAMES[e.nr] = e.name; }
  const n = SYSCALL_NAMES[nr];
  return n ? `__NR_${n}` : String(nr);
}
let SYSCALL_NAMES: string[] | null = null;

const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]); // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV

function ptr(v: number | undefined): string {
  if (!v) return 'NULL';
  return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
}

/** The {…} part of strace's signal line. */
export function formatSigInfo(info: SigInfo): string {
  const f = [`si_signo=${signalName(info.signo)}`, `si_code=${codeName(info)}`];
  if (info.errno) f.push(`si_errno=${ERRNO_NAMES[info.errno]?.[0] ?? info.errno}`);
  switch (straceLayout(info.signo, info.code)) {
    case 'kill':
      if (info.code !== 0x80) f.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`);
      // strace shows the fault address of a fault signal the kernel raised without a code (#GP, INT3).
      else if (FAULT_SIGNALS.has(info.signo)) f.push(`si_addr=${ptr(info.addr)}`);
      break;
    case 'rt': {
      const v = info.value ?? 0n;
      if (info.code === -6) { f.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`); break; } // SI_TKILL: no value
      f.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`, `si_int=${Number(BigInt.asIntN(32, v))}`, `si_ptr=${v ? '0x' + v.toString(16) : 'NULL'}`);
      break;
    }
    case 'timer': {
      const v = info.value ?? 0n;
      f.push(`si_timerid=${info.tid ?? 0}`, `si_overrun=${info.overrun ?? 0}`, `si_int=${Number(BigInt.asIntN(32, v))}`, `si_ptr=${v ? '0x' + v.toString(16) : 'NULL'}`);
      break;
    }
    case 'chld':
      f.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`,
        `si_status=${info.code === 1 || !info.status ? info.status ?? 0 : signalName(info.status)}`, `si_utime=${info.utime ?? 0}`, `si_stime=${info.stime ?? 0}`);
      break;
    case 'fault':
      // The same union bytes the kernel filled as si_pid and si_uid, if it did.
      f.push(`si_addr=${ptr(info.addr ?? ((info.uid ?? 0) >>> 0) * 4294967296 + ((info.pid ?? 0) >>> 0))}`);
      break;
    case 'poll':
      f.push(`si_band=${info.band ?? 0}`, `si_fd=${info.fd ?? 0}`);
      break;
    case 'sys':
      f.push(`si_call_addr=${ptr(info.callAddr)}`, `si_syscall=${syscallNumberName(info.syscall ?? 0, info.arch)}`, `si_arch=${info.arch === 0xc000003e ? 'AUDIT_ARCH_X86_64' : info.arch === 0x40000003 ? 'AUDIT_ARCH_I386' : String(info.arch)}`);
      break;
  }
  return `{${f.join(', ')}}`;
}
