// sys_ptrace (kernel/ptrace.c ptrace_request, arch/x86/kernel/ptrace.c arch_ptrace): the
// requests of a tracer on a tracee that sits in a ptrace stop (ptrace_check_attach), and the
// ones that need no stop (TRACEME, ATTACH, SEIZE, KILL, INTERRUPT).

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { userRegs } from '../entry/ptregs.js';
import { sendSigInfo, userInfo, signalWakeUp } from '../signal/send.js';
import { encodeSigInfo, decodeSigInfo, SIGINFO_SIZE } from '../signal/siginfo.js';
import { SIGKILL } from '../signal/signals.js';
import { SYSCALL_WORK_SYSCALL_TRACE } from '../entry/thread-info.js';
import { AUDIT_ARCH_X86_64 } from '../seccomp/filter.js';
import { EIO, ESRCH, EFAULT, EINVAL } from '../errno.js';
import {
  ptraceState, PTRACE_TRACEME, PTRACE_PEEKTEXT, PTRACE_PEEKDATA, PTRACE_PEEKUSR, PTRACE_POKETEXT, PTRACE_POKEDATA,
  PTRACE_POKEUSR, PTRACE_CONT, PTRACE_KILL, PTRACE_SINGLESTEP, PTRACE_GETREGS, PTRACE_SETREGS, PTRACE_GETFPREGS,
  PTRACE_SETFPREGS, PTRACE_ATTACH, PTRACE_DETACH, PTRACE_SYSCALL, PTRACE_SETOPTIONS, PTRACE_GETEVENTMSG,
  PTRACE_GETSIGINFO, PTRACE_SETSIGINFO, PTRACE_GETREGSET, PTRACE_SETREGSET, PTRACE_SEIZE, PTRACE_INTERRUPT,
  PTRACE_GET_SYSCALL_INFO, PTRACE_O_MASK, PTRACE_EVENTMSG_SYSCALL_ENTRY, PTRACE_EVENTMSG_SYSCALL_EXIT,
  PTRACE_EVENT_SECCOMP,
} from './state.js';
import { traceMe, attach, detach, enableStep, disableStep } from './attach.js';
import { wakeTracee, installPtraceHooks } from './stops.js';
import { accessRead, accessWrite } from './access.js';
import {
  getReg, putReg, getRegs, setRegs, getFpregs, setFpregs, getDebugreg, setDebugreg, out,
  USER_REGS_SIZE, USER_FPREGS_SIZE, USER_SIZE, U_DEBUGREG, U_DEBUGREG_END,
} from './regs.js';

const NT_PRSTATUS = 1, NT_PRFPREG = 2;
const PTRACE_SYSCALL_INFO_NONE = 0, PTRACE_SYSCALL_INFO_ENTRY = 1, PTRACE_SYSCALL_INFO_EXIT = 2, PTRACE_SYSCALL_INFO_SECCOMP = 3;

function valid(sig: number): boolean {
  return sig >= 0 && sig <= 64;
}

/** ptrace_resume(): how the tracee goes on (syscall stops, single step) and with which signal. */
function resume(k: Kernel, child: Task, request: number, data: number): number {
  if (!valid(data)) return -EIO;
  k.setSyscallWork(child, SYSCALL_WORK_SYSCALL_TRACE, request === PTRACE_SYSCALL);
  if (request === PTRACE_SINGLESTEP) enableStep(k, child); else disableStep(k, child);
  wakeTracee(k, child, data);
  return 0;
}

/** ptrace_get_syscall_info(): the op follows last_siginfo's code and ptrace_message, as in Linux. */
function syscallInfo(k: Kernel, child: Task): Uint8Array {
  const st = ptraceState(child);
  const regs = userRegs(k, child);
  const b = new Uint8Array(88);
  const dv = new DataView(b.buffer);
  dv.setUint32(4, AUDIT_ARCH_X86_64, true);
  dv.setInt32(8, regs.lo('rip'), true); dv.setInt32(12, regs.hi('rip'), true);
  dv.setInt32(16, regs.lo('rsp'), true); dv.setInt32(20, regs.hi('rsp'), true);
  const code = st.info?.code ?? 0;
  let op = PTRACE_SYSCALL_INFO_NONE, size = 24;
  const args = (): void => {
    dv.setInt32(24, regs.lo('orig_rax'), true); dv.setInt32(28, regs.hi('orig_rax'), true);
    (['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'] as const).forEach((r, i) => {
      dv.setInt32(32 + 8 * i, regs.lo(r), true); dv.setInt32(36 + 8 * i, regs.hi(r), true);
    });
  };
  if (code === (5 | 0x80) && st.eventMsg === PTRACE_EVENTMSG_SYSCALL_ENTRY) {
    op = PTRACE_SYSCALL_INFO_ENTRY; size = 80; args();
  } else if (code === (5 | 0x80) && st.eventMsg === PTRACE_EVENTMSG_SYSCALL_EXIT) {
    op = PTRACE_SYSCALL_INFO_EXIT; size = 33;
    const lo = regs.lo('rax'), hi = regs.hi('rax');
    dv.setInt32(24, lo, true); dv.setInt32(28, hi, true);
    // is_error: IS_ERR_VALUE, a value in [-4095, -1].
    b[32] = hi === -1 && (lo >>> 0) >= 0xfffff001 ? 1 : 0;
  } else if (code === (5 | (PTRACE_EVENT_SECCOMP << 8))) {
    op = PTRACE_SYSCALL_INFO_SECCOMP; size = 84; args();
    dv.setUint32(80, st.eventMsg >>> 0, true);
  }
  b[0] = op;
  return b.subarray(0, size);
}

installPtraceHooks();

defineSyscall('sys_ptrace', (k, t, request, pid, addr, data) => {
  request = request | 0;
  pid = pid | 0;
  if (request === PTRACE_TRACEME) return traceMe(t);
  const child = k.tasks.get(pid);
  if (!child || child.state === 'dead') return -ESRCH;
  if (request === PTRACE_ATTACH || request === PTRACE_SEIZE) return attach(k, t, child, request === PTRACE_SEIZE, addr, data);
  // ptrace_check_attach(): our tracee, and (for most requests) in a ptrace stop.
  if (child.tracer !== t) return -ESRCH;
  const st = ptraceState(child);
  if (request === PTRACE_KILL) {
    if (child.state !== 'zombie') sendSigInfo(k, child, userInfo(k, SIGKILL), false);
    return 0;
  }
  if (request === PTRACE_INTERRUPT) {
    if (!st.seized || addr !== 0 || data !== 0) return -EIO;
    st.trapStop = true;
    child.ptraceTrap = true;
    signalWakeUp(k, child, false);
    return 0;
  }
  if (!child.ptraceStopped || child.state === 'zombie') return -ESRCH;
  // The full 64-bit `data` (POKEDATA/POKEUSER store it): the tracer's r10, not a rounded number.
  const tr = userRegs(k, t);
  const dataLo = tr.lo('r10'), dataHi = tr.hi('r10');
  switch (request) {
    case PTRACE_PEEKTEXT: case PTRACE_PEEKDATA: {
      const b = new Uint8Array(8);
      if (accessRead(child, addr, b) !== 8) return -EIO;
      return t.um.write(data, b) ? 0 : -EFAULT;
    }
    case PTRACE_POKETEXT: case PTRACE_POKEDATA: {
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      dv.setInt32(0, dataLo, true); dv.setInt32(4, dataHi, true);
      return accessWrite(child, addr, b) === 8 ? 0 : -EIO;
    }
    case PTRACE_PEEKUSR: {
      if (addr % 8 !== 0 || addr < 0 || addr >= USER_SIZE) return -EIO;
      out.lo = 0; out.hi = 0;
      if (addr < USER_REGS_SIZE) getReg(k, child, addr);
      else if (addr >= U_DEBUGREG && addr < U_DEBUGREG_END) getDebugreg(child, (addr - U_DEBUGREG) / 8);
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      dv.setInt32(0, out.lo, true); dv.setInt32(4, out.hi, true);
      return t.um.write(data, b) ? 0 : -EFAULT;
    }
    case PTRACE_POKEUSR: {
      if (addr % 8 !== 0 || addr < 0 || addr >= USER_SIZE) return -EIO;
      if (addr < USER_REGS_SIZE) return putReg(k, child, addr, dataLo, dataHi);
      if (addr >= U_DEBUGREG && addr < U_DEBUGREG_END) return setDebugreg(child, (addr - U_DEBUGREG) / 8, dataLo, dataHi);
      return -EIO;
    }
    case PTRACE_CONT: case PTRACE_SYSCALL: case PTRACE_SINGLESTEP:
      return resume(k, child, request, data);
    case PTRACE_DETACH:
      if (!valid(data)) return -EIO;
      detach(k, child, data);
      return 0;
    case PTRACE_GETREGS:
      return t.um.write(data, getRegs(k, child)) ? 0 : -EFAULT;
    case PTRACE_SETREGS: {
      const b = t.um.read(data, USER_REGS_SIZE);
      return b ? setRegs(k, child, b) : -EFAULT;
    }
    case PTRACE_GETFPREGS:
      return t.um.write(data, getFpregs(child)) ? 0 : -EFAULT;
    case PTRACE_SETFPREGS: {
      const b = t.um.read(data, USER_FPREGS_SIZE);
      return b ? setFpregs(child, b) : -EFAULT;
    }
    case PTRACE_GETREGSET: case PTRACE_SETREGSET: {
      // struct iovec { iov_base; iov_len }: the length must be a multiple of the regset's
      // size and is cut to the regset; the length used is written back.
      const base = t.um.readPtr(data), len = t.um.readPtr(data + 8);
      if (base === null || len === null) return -EFAULT;
      const size = addr === NT_PRSTATUS ? USER_REGS_SIZE : addr === NT_PRFPREG ? USER_FPREGS_SIZE : 0;
      if (size === 0) return -EINVAL;
      if (len % 8 !== 0) return -EINVAL; // both regsets count in longs (regset->size)
      const n = Math.min(len, size);
      if (request === PTRACE_GETREGSET) {
        const img = addr === NT_PRSTATUS ? getRegs(k, child) : getFpregs(child);
        if (!t.um.write(base, img.subarray(0, n))) return -EFAULT;
      } else {
        const b = t.um.read(base, n);
        if (!b) return -EFAULT;
        const r = addr === NT_PRSTATUS ? setRegs(k, child, b) : setFpregs(child, b);
        if (r < 0) return r;
      }
      return t.um.writeU64(data + 8, BigInt(n)) ? 0 : -EFAULT;
    }
    case PTRACE_GETSIGINFO: {
      if (!st.info && !st.infoRaw) return -EINVAL;
      return t.um.write(data, st.infoRaw ?? encodeSigInfo(st.info!)) ? 0 : -EFAULT;
    }
    case PTRACE_SETSIGINFO: {
      if (!st.info && !st.infoRaw) return -EINVAL;
      const b = t.um.read(data, SIGINFO_SIZE);
      if (!b) return -EFAULT;
      st.infoRaw = b;
      st.info = decodeSigInfo(b);
      return 0;
    }
    case PTRACE_SETOPTIONS:
      if (data & ~PTRACE_O_MASK) return -EINVAL;
      st.options = data;
      return 0;
    case PTRACE_GETEVENTMSG:
      return t.um.writeU64(data, BigInt(st.eventMsg)) ? 0 : -EFAULT;
    case PTRACE_GET_SYSCALL_INFO: {
      const b = syscallInfo(k, child);
      if (addr > 0 && !t.um.write(data, b.subarray(0, Math.min(addr, b.length)))) return -EFAULT;
      return b.length;
    }
    default:
      return -EIO;
  }
});
