// Creating tasks: fork, vfork, clone and clone3 (kernel/fork.c). The child gets a copy (or,
// with CLONE_VM, a share) of the address space, a copy or share of the descriptor table, and
// a kernel stack prepared as copy_thread() prepares it: the parent's pt_regs with ax = 0 on
// top, and ret_from_fork as the return address the scheduler switches in to — so the child's
// first return to user mode goes through ret_from_fork and the IRET exit path.

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import { Task } from './task.js';
import { fpuSave } from '../../cpu/exec/fxsave.js';
import { PtRegs, PT_REGS_SIZE } from '../entry/ptregs.js';
import { THREAD_SIZE } from '../arch/layout.js';
import { UserMemory } from '../mm/uaccess.js';
import { WaitQueue } from '../sched/wait.js';
import { EINVAL, ENOMEM, EFAULT, EAGAIN } from '../errno.js';
import { rseqFork } from '../rseq/rseq.js';
import { copySeccomp } from '../seccomp/filter.js';
import { ptraceCloneChild } from '../ptrace/attach.js';
import { ptraceEvent } from '../ptrace/stops.js';

export const CSIGNAL = 0xff;
export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000;
export const CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000;
export const CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000;
export const CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000;
export const CLONE_CHILD_SETTID = 0x1000000;
const CLONE_NAMESPACES = 0x20000 | 0x2000000 | 0x4000000 | 0x8000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80000000 | 0x02000000;

interface CloneArgs {
  flags: number;
  exitSignal: number;
  stack: number;
  parentTid: number;
  childTid: number;
  tls: number;
}

const REG_NAMES = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi', 'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss'] as const;

/** kernel_clone(): returns the child's pid (to the parent) or -errno. */
export function kernelClone(k: Kernel, parent: Task, a: CloneArgs): number {
  const f = a.flags;
  if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND)) return -EINVAL;
  if ((f & CLONE_SIGHAND) && !(f & CLONE_VM)) return -EINVAL;
  if (f & CLONE_NAMESPACES) return -EINVAL; // namespaces are not modelled
  if (k.tasks.size >= 4096) return -EAGAIN;
  let mm = parent.mm;
  if (f & CLONE_VM) mm.users++;
  else {
    const copy = parent.mm.clone((root) => k.ks.shareKernelHalf(root));
    if (!copy) return -ENOMEM;
    mm = copy;
  }
  const files = f & CLONE_FILES ? parent.files : parent.files.clone();
  if (f & CLONE_FILES) files.users++;
  const pid = k.allocPid();
  const top = k.ks.taskStack(THREAD_SIZE);
  const tgid = f & CLONE_THREAD ? parent.tgid : pid;
  const um = f & CLONE_VM ? parent.um : new UserMemory(mm, k.cpu.mem);
  const child = new Task(pid, tgid, f & CLONE_THREAD || f & CLONE_PARENT ? parent.ppid : parent.tgid, mm, um, files, parent.cwd, { ...parent.creds }, top);
  child.comm = parent.comm;
  child.exePath = parent.exePath;
  child.umask = parent.umask;
  child.sigmask = parent.sigmask;
  // Threads share the group's signal state; a new process starts its own, with nothing pending.
  if (f & CLONE_THREAD) child.signal = parent.signal;
  // A thread on its own stack must not inherit an alternate stack it shares (copy_process).
  if ((f & (CLONE_VM | CLONE_VFORK)) !== CLONE_VM) child.altstack = { ...parent.altstack };
  child.fpu = fpuSave(k.cpu);
  child.pgid = parent.pgid;
  child.sid = parent.sid;
  if (f & CLONE_SIGHAND) child.sigactions = parent.sigactions;
  else for (const [sig, act] of parent.sigactions) child.sigactions.set(sig, { ...act });
  child.exitSignal = f & CLONE_THREAD ? -1 : a.exitSignal;
  if (f & CLONE_THREAD) { child.group = parent.group; child.group.add(child); }
  const realParent = f & (CLONE_THREAD | CLONE_PARENT) ? (parent.parent ?? parent) : parent;
  child.parent = f & (CLONE_THREAD | CLONE_PARENT) ? parent.parent : parent;
  // A thread is not its parent's child for wait(): only the group (through its leader) is.
  if (child.parent && !(f & CLONE_THREAD)) child.parent.children.add(child);
  void realParent;

  // The child's registers: the parent's frame, with ax = 0, and the new stack and TLS if given.
  const cpu = k.cpu;
  const from = new PtRegs(cpu, parent.kstackTop - PT_REGS_SIZE);
  const to = new PtRegs(cpu, top - PT_REGS_SIZE);
  for (const r of REG_NAMES) to.set(r, from.lo(r), from.hi(r));
  to.set('rax', 0, 0);
  if (a.stack) to.setNum('rsp', a.stack);
  // The saved FS/GS bases: the parent's live ones, or the new TLS.
  child.fsBase = f & CLONE_SETTLS ? a.tls : cpu.segBaseHi[4] * 4294967296 + (cpu.segBaseLo[4] >>> 0);
  child.gsBase = cpu.kernelGsBaseHi * 4294967296 + (cpu.kernelGsBaseLo >>> 0);
  // Below pt_regs: the return address the scheduler's switch "returns" to.
  const retAddr = top - PT_REGS_SIZE - 8;
  const rf = k.ks.symbol('ret_from_fork');
  cpu.mem.kwrite64(retAddr, rf | 0, Math.floor(rf / 4294967296) | 0);
  child.ksp = retAddr;

  if (f & CLONE_PARENT_SETTID && !parent.um.writeU32(a.parentTid, pid)) return -EFAULT;
  if (f & CLONE_CHILD_SETTID && !child.um.writeU32(a.childTid, pid)) return -EFAULT;
  if (f & CLONE_CHILD_CLEARTID) child.clearChildTid = a.childTid;
  child.traceEntry = { kind: 'syscall', label: `${f & CLONE_THREAD ? 'new thread' : 'child'} of ${parent.pid}`, stub: 'ret_from_fork', startKernelInsns: cpu.kernelIcount, startCycles: cpu.tsc, iretReason: 'a new task always returns by IRET' };
  k.tasks.set(pid, child);
  k.initThreadInfo(child);
  copySeccomp(k, parent, child);
  rseqFork(k, parent, child, (f & CLONE_VM) !== 0);
  k.sched.add(child);
  return pid;
}

function forkLike(k: Kernel, t: Task, a: CloneArgs): number {
  const pid = kernelClone(k, t, a);
  if (pid < 0) return pid;
  const child = k.tasks.get(pid)!;
  // A traced parent's child may start traced; the tracer hears of it (PTRACE_EVENT_FORK/VFORK/CLONE).
  const ev = ptraceCloneChild(k, t, child, a.flags, a.exitSignal);
  if (!(a.flags & CLONE_VFORK)) return ev ? ptraceEvent(k, t, ev, pid, () => pid) : pid;
  // vfork: the parent sleeps until the child execs or exits (it borrows our address space).
  child.vforkDone = new WaitQueue();
  const done = child.vforkDone;
  // wait_for_vfork_done(): only a fatal signal ends this wait (TASK_KILLABLE).
  const check = (): number => (child.vforkDone === null ? pid : k.sleep(t, [done], check, Infinity, 'killable'));
  return ev ? ptraceEvent(k, t, ev, pid, check) : k.sleep(t, [done], check, Infinity, 'killable');
}

defineSyscall('sys_fork', (k, t) => forkLike(k, t, { flags: 0, exitSignal: 17, stack: 0, parentTid: 0, childTid: 0, tls: 0 }));
defineSyscall('sys_vfork', (k, t) => forkLike(k, t, { flags: CLONE_VM | CLONE_VFORK, exitSignal: 17, stack: 0, parentTid: 0, childTid: 0, tls: 0 }));
// x86-64 argument order: clone(flags, newsp, parent_tid, child_tid, tls).
defineSyscall('sys_clone', (k, t, flags, newsp, parentTid, childTid, tls) =>
  forkLike(k, t, { flags: flags & ~CSIGNAL, exitSignal: flags & CSIGNAL, stack: newsp, parentTid, childTid, tls }));
// clone3(struct clone_args *, size): flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, …
defineSyscall('sys_clone3', (k, t, argsAddr, size) => {
  if (size < 64 || size > 4096) return -EINVAL;
  const b = t.um.read(argsAddr, 64);
  if (!b) return -EFAULT;
  const dv = new DataView(b.buffer);
  const u = (o: number) => Number(dv.getBigUint64(o, true));
  const flags = u(0), exitSignal = u(32), stack = u(40), stackSize = u(48);
  if (flags & CSIGNAL || exitSignal > 64) return -EINVAL;
  if ((stack === 0) !== (stackSize === 0)) return -EINVAL;
  return forkLike(k, t, { flags, exitSignal, stack: stack ? stack + stackSize : 0, parentTid: u(24), childTid: u(16), tls: u(56) });
});

export { REG_NAMES };
