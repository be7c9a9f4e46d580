// ptrace(2) as strace 6.1 decodes it on x86-64 (its ptrace.c and the x86-64 struct user
// offsets): the request by name, the pid, then addr and data as the request gives them a
// meaning. What a request writes for the tracer (PEEK* words, registers, siginfo, the event
// message, the syscall info) is shown once the call has succeeded; on failure data stays a
// bare address. GETREGS/SETREGS/GETFPREGS/SETFPREGS omit addr, which they ignore.

import type { Task } from '../kernel/process/task.js';
import { SYSCALL_64 } from '../kernel/syscalls/generated/syscall_64.js';
import { ERRNO_NAMES } from './errno-names.js';
import { hex, ptr, flags, siginfo } from './strace-structs.js';

const REQUESTS: Record<number, string> = {
  0: 'PTRACE_TRACEME', 1: 'PTRACE_PEEKTEXT', 2: 'PTRACE_PEEKDATA', 3: 'PTRACE_PEEKUSER', 4: 'PTRACE_POKETEXT',
  5: 'PTRACE_POKEDATA', 6: 'PTRACE_POKEUSER', 7: 'PTRACE_CONT', 8: 'PTRACE_KILL', 9: 'PTRACE_SINGLESTEP',
  12: 'PTRACE_GETREGS', 13: 'PTRACE_SETREGS', 14: 'PTRACE_GETFPREGS', 15: 'PTRACE_SETFPREGS', 16: 'PTRACE_ATTACH',
  17: 'PTRACE_DETACH', 18: 'PTRACE_GETFPXREGS', 19: 'PTRACE_SETFPXREGS', 24: 'PTRACE_SYSCALL', 25: 'PTRACE_GET_THREAD_AREA',
  26: 'PTRACE_SET_THREAD_AREA', 30: 'PTRACE_ARCH_PRCTL', 31: 'PTRACE_SYSEMU', 32: 'PTRACE_SYSEMU_SINGLESTEP',
  33: 'PTRACE_SINGLEBLOCK', 0x4200: 'PTRACE_SETOPTIONS', 0x4201: 'PTRACE_GETEVENTMSG', 0x4202: 'PTRACE_GETSIGINFO',
  0x4203: 'PTRACE_SETSIGINFO', 0x4204: 'PTRACE_GETREGSET', 0x4205: 'PTRACE_SETREGSET', 0x4206: 'PTRACE_SEIZE',
  0x4207: 'PTRACE_INTERRUPT', 0x4208: 'PTRACE_LISTEN', 0x4209: 'PTRACE_PEEKSIGINFO', 0x420a: 'PTRACE_GETSIGMASK',
  0x420b: 'PTRACE_SETSIGMASK', 0x420c: 'PTRACE_SECCOMP_GET_FILTER', 0x420d: 'PTRACE_SECCOMP_GET_METADATA',
  0x420e: 'PTRACE_GET_SYSCALL_INFO', 0x420f: 'PTRACE_GET_RSEQ_CONFIGURATION',
};

const OPTIONS: [number, string][] = [
  [1, 'PTRACE_O_TRACESYSGOOD'], [2, 'PTRACE_O_TRACEFORK'], [4, 'PTRACE_O_TRACEVFORK'], [8, 'PTRACE_O_TRACECLONE'],
  [0x10, 'PTRACE_O_TRACEEXEC'], [0x20, 'PTRACE_O_TRACEVFORKDONE'], [0x40, 'PTRACE_O_TRACEEXIT'],
  [0x80, 'PTRACE_O_TRACESECCOMP'], [0x100000, 'PTRACE_O_EXITKILL'], [0x200000, 'PTRACE_O_SUSPEND_SECCOMP'],
];

const USER_REGS = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi',
  'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs'];

// The PEEKUSER/POKEUSER offsets strace names (struct user, x86-64): the registers up to SS as
// 8*NAME, then the named members; an offset between two names is NAME+delta, one past the
// end of struct user a bare number.
const USER_OFFSETS: [number, string][] = [
  ...['R15', 'R14', 'R13', 'R12', 'RBP', 'RBX', 'R11', 'R10', 'R9', 'R8', 'RAX', 'RCX', 'RDX', 'RSI', 'RDI', 'ORIG_RAX',
    'RIP', 'CS', 'EFL', 'RSP', 'SS'].map((n, i) => [i * 8, `8*${n}`] as [number, string]),
  ...([[0xd8, 'u_fpvalid'], [0xe0, 'i387'], [0x2e0, 'u_tsize'], [0x2e8, 'u_dsize'], [0x2f0, 'u_ssize'],
    [0x2f8, 'start_code'], [0x300, 'start_stack'], [0x308, 'signal'], [0x310, 'reserved'], [0x318, 'u_ar0'],
    [0x320, 'u_fpstate'], [0x328, 'magic'], [0x330, 'u_comm'], [0x350, 'u_debugreg']] as [number, string][])
    .map(([o, n]) => [o, `offsetof(struct user, ${n})`] as [number, string]),
];
const SIZEOF_USER = 0x390;

function userOffset(addr: number): string {
  if (addr < 0 || addr >= SIZEOF_USER) return addr === SIZEOF_USER ? 'sizeof(struct user)' : hex(addr);
  let best = USER_OFFSETS[0];
  for (const e of USER_OFFSETS) if (e[0] <= addr) best = e;
  return addr === best[0] ? best[1] : `${best[1]}+${addr - best[0]}`;
}

const TWO32 = 4294967296;

/** A 64-bit word as strace prints a kernel_ulong: 0 as `zero`, the rest in hex. */
function word(dv: DataView, off: number, zero = '0'): string {
  const lo = dv.getUint32(off, true), hi = dv.getUint32(off + 4, true);
  if (lo === 0 && hi === 0) return zero;
  return hi === 0 ? hex(lo) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}
const num = (v: number): string => (v === 0 ? '0' : hex(v >>> 0));

function read(t: Task, addr: number, len: number): DataView | null {
  if (addr === 0) return null;
  const b = t.um.read(addr, len);
  return b ? new DataView(b.buffer, b.byteOffset, len) : null;
}

/** struct user_regs_struct, every field (strace prints it whole). */
function userRegs(t: Task, addr: number): string {
  const dv = read(t, addr, 27 * 8);
  if (!dv) return ptr(addr);
  return `{${USER_REGS.map((n, i) => `${n}=${word(dv, i * 8)}`).join(', ')}}`;
}

function u32Array(dv: DataView, off: number, n: number, shown = n): string {
  const parts: string[] = [];
  for (let i = 0; i < shown; i++) parts.push(num(dv.getUint32(off + i * 4, true)));
  return `[${parts.join(', ')}${shown < n ? ', ...' : ''}]`;
}

/** struct user_fpregs_struct (the FXSAVE image); xmm_space is cut at strace's 32 elements. */
function userFpregs(t: Task, addr: number): string {
  const dv = read(t, addr, 512);
  if (!dv) return ptr(addr);
  return `{cwd=${num(dv.getUint16(0, true))}, swd=${num(dv.getUint16(2, true))}, ftw=${num(dv.getUint16(4, true))}, ` +
    `fop=${num(dv.getUint16(6, true))}, rip=${word(dv, 8)}, rdp=${word(dv, 16)}, mxcsr=${num(dv.getUint32(24, true))}, ` +
    `mxcr_mask=${num(dv.getUint32(28, true))}, st_space=${u32Array(dv, 32, 32)}, xmm_space=${u32Array(dv, 160, 64, 32)}, ` +
    `padding=${u32Array(dv, 416, 24)}}`;
}

let NR_NAMES: Map<number, string> | null = null;
function nrName(nr: number): string {
  NR_NAMES ??= new Map(SYSCALL_64.map((e) => [e.nr, e.name]));
  const n = NR_NAMES.get(nr);
  return n ? `__NR_${n}` : String(nr);
}

const INFO_OPS = ['PTRACE_SYSCALL_INFO_NONE', 'PTRACE_SYSCALL_INFO_ENTRY', 'PTRACE_SYSCALL_INFO_EXIT', 'PTRACE_SYSCALL_INFO_SECCOMP'];

/** struct ptrace_syscall_info, as much of it as the kernel filled in (`len` bytes). */
function syscallInfo(t: Task, addr: number, len: number): string {
  const dv = read(t, addr, Math.max(len, 24));
  if (!dv || len < 24) return ptr(addr);
  const op = dv.getUint8(0);
  const arch = dv.getUint32(4, true);
  const f = [`op=${INFO_OPS[op] ?? `${hex(op)} /* PTRACE_SYSCALL_INFO_??? */`}`,
    `arch=${arch === 0xc000003e ? 'AUDIT_ARCH_X86_64' : arch === 0x40000003 ? 'AUDIT_ARCH_I386' : hex(arch)}`,
    `instruction_pointer=${word(dv, 8)}`, `stack_pointer=${word(dv, 16)}`];
  const args = (): string => `nr=${nrName(dv.getUint32(24, true))}, args=[${[0, 1, 2, 3, 4, 5].map((i) => word(dv, 32 + 8 * i)).join(', ')}]`;
  if (op === 1 && len >= 80) f.push(`entry={${args()}}`);
  else if (op === 2 && len >= 33) {
    const lo = dv.getUint32(24, true), hi = dv.getInt32(28, true);
    const isError = dv.getUint8(32);
    const v = hi * TWO32 + lo;
    const errno = isError ? ERRNO_NAMES[-v]?.[0] : undefined;
    f.push(`exit={rval=${errno ? `-${errno}` : String(v)}, is_error=${isError}}`);
  } else if (op === 3 && len >= 84) f.push(`seccomp={${args()}, ret_data=${dv.getUint32(80, true)}}`);
  return `{${f.join(', ')}}`;
}

/** The arguments of a ptrace call, decoded after it returned `ret`. */
export function ptraceArgs(a: number[], ret: number, t: Task, sigName: (n: number) => string): string {
  const req = a[0] >>> 0;
  const pid = a[1] | 0, addr = a[2], data = a[3];
  const ok = !(ret < 0 && ret >= -4095);
  const name = REQUESTS[req] ?? `${hex(req)} /* PTRACE_??? */`;
  const sig = (v: number): string => (v === 0 ? '0' : sigName(v));
  switch (req) {
    case 0: return name;
    case 8: case 16: case 0x4207: return `${name}, ${pid}`;
    case 1: case 2: {
      const dv = ok ? read(t, data, 8) : null;
      return `${name}, ${pid}, ${ptr(addr)}, ${dv ? `[${word(dv, 0, 'NULL')}]` : ptr(data)}`;
    }
    case 3: {
      const dv = ok ? read(t, data, 8) : null;
      return `${name}, ${pid}, ${userOffset(addr)}, ${dv ? `[${word(dv, 0, 'NULL')}]` : ptr(data)}`;
    }
    case 4: case 5: return `${name}, ${pid}, ${ptr(addr)}, ${ptr(data)}`;
    case 6: return `${name}, ${pid}, ${userOffset(addr)}, ${ptr(data)}`;
    case 7: case 9: case 17: case 24: case 31: case 32: case 33:
      return `${name}, ${pid}, ${ptr(addr)}, ${sig(data)}`;
    case 12: return `${name}, ${pid}, ${ok ? userRegs(t, data) : ptr(data)}`;
    case 13: return `${name}, ${pid}, ${userRegs(t, data)}`;
    case 14: return `${name}, ${pid}, ${ok ? userFpregs(t, data) : ptr(data)}`;
    case 15: return `${name}, ${pid}, ${userFpregs(t, data)}`;
    case 0x4200: case 0x4206: return `${name}, ${pid}, ${ptr(addr)}, ${flags(data >>> 0, OPTIONS, '0')}`;
    case 0x4201: {
      const dv = ok ? read(t, data, 8) : null;
      return `${name}, ${pid}, ${ptr(addr)}, ${dv ? `[${dv.getUint32(4, true) * TWO32 + dv.getUint32(0, true)}]` : ptr(data)}`;
    }
    case 0x4202: return `${name}, ${pid}, ${ptr(addr)}, ${ok ? siginfo(t, data) : ptr(data)}`;
    case 0x4203: return `${name}, ${pid}, ${ptr(addr)}, ${siginfo(t, data)}`;
    case 0x4204: case 0x4205: {
      const nt = addr === 1 ? 'NT_PRSTATUS' : addr === 2 ? 'NT_FPREGSET' : hex(addr);
      const dv = read(t, data, 16);
      if (!dv || (req === 0x4204 && !ok)) return `${name}, ${pid}, ${nt}, ${ptr(data)}`;
      const base = dv.getInt32(4, true) * TWO32 + dv.getUint32(0, true), len = dv.getUint32(8, true);
      const body = addr === 1 && len >= 27 * 8 ? userRegs(t, base) : addr === 2 && len >= 512 ? userFpregs(t, base) : ptr(base);
      return `${name}, ${pid}, ${nt}, {iov_base=${body}, iov_len=${len}}`;
    }
    case 0x420e: return `${name}, ${pid}, ${addr}, ${ok ? syscallInfo(t, data, Math.min(ret, addr)) : ptr(data)}`;
    default: return `${name}, ${pid}, ${ptr(addr)}, ${ptr(data)}`;
  }
}
