// execve and execveat (fs/exec.c, fs/binfmt_elf.c, fs/binfmt_script.c). The new program gets a
// fresh address space and a pt_regs frame holding only its entry point and stack: RCX no longer
// equals RIP, so the return goes by IRET — execve is a "full register" system call.

import { exitTimers } from '../signal/timers.js';
import { fpuInitAll } from '../../cpu/exec/fxsave.js';
import { SS_DISABLE } from './task.js';
import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from './task.js';
import { Mm } from '../mm/mm.js';
import { UserMemory } from '../mm/uaccess.js';
import { loadExecutable } from '../../loader/load.js';
import { mapVdso } from '../vdso/vdso.js';
import { ElfError } from '../../loader/elf.js';
import { resolvePath, kernelReadFile, AT_FDCWD, AT_EMPTY_PATH } from '../fs/syscalls.js';
import { FEATURES } from '../../cpu/cpuid.js';
import { FIXED1, IF, FS } from '../../cpu/regs.js';
import { __USER_CS, __USER_DS } from '../arch/layout.js';
import { startUserThread } from '../compat/tls.js';
import { REG_NAMES } from './fork.js';
import { E2BIG, EFAULT, ENOEXEC, ENOENT, ELOOP, ENOMEM } from '../errno.js';
import { rseqExecve } from '../rseq/rseq.js';
import { ptraceEvent } from '../ptrace/stops.js';
import { PTRACE_EVENT_EXEC } from '../ptrace/state.js';

const MAX_ARG_STRLEN = 131072;
const MAX_ARGS = 65536;

function readStrings(t: Task, addr: number): string[] | number {
  const out: string[] = [];
  if (addr === 0) return out;
  for (let i = 0; ; i++) {
    if (i >= MAX_ARGS) return -E2BIG;
    const p = t.um.readPtr(addr + i * 8);
    if (p === null) return -EFAULT;
    if (p === 0) return out;
    const s = t.um.readCString(p, MAX_ARG_STRLEN);
    if (s === null) return -EFAULT;
    out.push(s);
  }
}

/**
 * Read the whole executable: the kernel's path walk (confined to --root, src/kernel/fs/namei.ts),
 * then do_open_execat's checks (a regular file the task may execute, else EACCES).
 */
function readFile(k: Kernel, t: Task, path: string): Uint8Array | number {
  const r = kernelReadFile(k, t, path, true);
  return typeof r === 'number' ? r : r.bytes;
}

export function doExecve(k: Kernel, t: Task, path: string, argv: string[], envp: string[], depth = 0): number {
  if (depth > 4) return -ELOOP;
  const file = readFile(k, t, path);
  if (typeof file === 'number') return file;
  // binfmt_script: "#!interpreter [one argument]" runs the interpreter with the script's path.
  if (file.length >= 2 && file[0] === 0x23 && file[1] === 0x21) {
    const end = file.indexOf(0x0a);
    const line = new TextDecoder().decode(file.subarray(2, end < 0 ? Math.min(file.length, 256) : end)).trim();
    if (!line) return -ENOEXEC;
    const sp = line.search(/[ \t]/);
    const interp = sp < 0 ? line : line.slice(0, sp);
    const opt = sp < 0 ? '' : line.slice(sp).trim();
    const nargv = [interp, ...(opt ? [opt] : []), path, ...argv.slice(1)];
    const ip = resolvePath(t, AT_FDCWD, interp);
    if (typeof ip === 'number') return ip;
    return doExecve(k, t, ip, nargv, envp, depth + 1);
  }
  const mm = new Mm(k.phys, k.frames, (root) => k.ks.shareKernelHalf(root));
  const um = new UserMemory(mm, k.cpu.mem);
  let loaded;
  try {
    loaded = loadExecutable(mm, um, file, {
      argv, envp, execfn: path, random16: k.host.randomBytes(16), hwcap: FEATURES.leaf1Edx, hwcap2: 0,
      uid: t.creds.uid, euid: t.creds.euid, gid: t.creds.gid, egid: t.creds.egid, minsigstksz: 2048, vdso: 0,
      mapVdso: (bits) => mapVdso(k, mm, bits),
    }, () => {});
  } catch (e) {
    mm.destroy(() => {});
    if (e instanceof ElfError) return e.kind === 'not-elf' || e.kind === 'wrong-arch' || e.kind === 'dynamic' ? -ENOEXEC : -ENOMEM;
    throw e;
  }
  // The point of no return: drop the old image.
  const old = t.mm;
  if (--old.users === 0) old.destroy((va) => k.cpu.mem.flushPage(va));
  t.mm = mm;
  t.um = um;
  k.cpu.setCr3(mm.pt.root);
  if (t.vforkDone) { const q = t.vforkDone; t.vforkDone = null; q.wake(); }
  t.files.closeOnExec();
  // Handlers do not survive exec; ignored signals stay ignored.
  const acts = new Map(t.sigactions);
  t.sigactions = new Map();
  for (const [sig, a] of acts) if (a.handler === 1) t.sigactions.set(sig, { handler: 1, flags: 0, restorer: 0, mask: 0n });
  // The alternate stack belonged to the old image; the FPU starts clean (flush_thread).
  t.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
  fpuInitAll(k.cpu);
  exitTimers(k, t, true);
  t.exePath = path;
  t.comm = path.split('/').pop()!.slice(0, 15);
  rseqExecve(t);
  t.fsBase = 0;
  t.gsBase = 0;
  const cpu = k.cpu;
  cpu.segBaseLo[FS] = 0; cpu.segBaseHi[FS] = 0;
  cpu.kernelGsBaseLo = 0; cpu.kernelGsBaseHi = 0;
  // start_thread(): a clean frame. Every register zero, as ELF_PLAT_INIT leaves them.
  const regs = k.regs;
  regs.base = t.kstackTop - 168;
  for (const r of REG_NAMES) if (r !== 'orig_rax') regs.set(r, 0, 0);
  regs.setNum('rip', loaded.entry);
  regs.setNum('rsp', loaded.sp);
  regs.set('cs', startUserThread(k, t, loaded), 0);
  regs.set('ss', __USER_DS, 0);
  regs.set('eflags', FIXED1 | IF, 0);
  return 0;
}

function execveat(k: Kernel, t: Task, dirfd: number, pathAddr: number, argvAddr: number, envpAddr: number, flags: number): number {
  const p = t.um.readCString(pathAddr, 4096);
  if (p === null) return -EFAULT;
  if (p === '' && !(flags & AT_EMPTY_PATH)) return -ENOENT;
  const argv = readStrings(t, argvAddr);
  if (typeof argv === 'number') return argv;
  const envp = readStrings(t, envpAddr);
  if (typeof envp === 'number') return envp;
  const path = p === '' ? (t.files.get(dirfd | 0)?.path ?? null) : resolvePath(t, dirfd, p);
  if (path === null) return -ENOENT;
  if (typeof path === 'number') return path;
  const r = doExecve(k, t, path, argv, envp);
  // PTRACE_EVENT_EXEC (message: the pid before exec), or the legacy SIGTRAP for a traced task.
  return r !== 0 ? r : ptraceEvent(k, t, PTRACE_EVENT_EXEC, t.tgid, () => 0);
}

defineSyscall('sys_execve', (k, t, path, argv, envp) => execveat(k, t, AT_FDCWD, path, argv, envp, 0));
defineSyscall('sys_execveat', (k, t, dirfd, path, argv, envp, flags) => execveat(k, t, dirfd, path, argv, envp, flags | 0));
