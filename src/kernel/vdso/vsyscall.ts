// The vsyscall page (Linux: arch/x86/entry/vsyscall/vsyscall_64.c): the fixed entry points old
// 64-bit programs call — 0xffffffffff600000 gettimeofday, +0x400 time, +0x800 getcpu — from
// before the vDSO existed. Nothing there is ever executed: a call faults (the page is absent,
// or mapped no-execute) and the page-fault handler (entry/exceptions.ts) hands the fault to
// emulateVsyscall, which performs the call and returns to the caller as `ret` would.
//
// The mode is Linux's vsyscall= boot option (KernelOptions.vsyscall):
//   emulate  the page is mapped readable and no-execute, with vsyscall_emu_64.S's bytes; calls
//            are emulated; reads work;
//   xonly    (Linux's default) no page: calls are emulated, reads fault (SIGSEGV);
//   none     no page and no emulation: a call is SIGSEGV.
//
// seccomp: Linux runs the vsyscall through secure_computing() with orig_ax set to the syscall
// number, kills the task with SIGSYS if a filter changed the number or the IP, and honours a
// filter's "skip" (returning its rax). ringside does not consult the seccomp hooks here yet: a
// filtered program's vsyscalls are not filtered.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { PAGE } from '../mm/pagetable.js';
import { PTE_P, PTE_U, PTE_NX_HI, PFEC_W, PFEC_U, PFEC_I } from '../../cpu/regs.js';
import { syscallHandler } from '../syscalls/registry.js';
import { forceSig, forceSigFault, kernelInfo } from '../signal/send.js';
import { SIGSEGV } from '../signal/signals.js';
import { SEGV_MAPERR } from '../signal/siginfo.js';
import { EFAULT, ENOSYS } from '../errno.js';
import { USER_END } from '../mm/mm.js';
import { VSYSCALL_PAGE_BYTES } from './generated/vsyscall-page.js';

/** 0xffffffffff600000 as the signed number the CPU uses for it (Linux: VSYSCALL_ADDR, -10 MiB). */
export const VSYSCALL_ADDR = -10 * 1024 * 1024;

const CALLS = [
  { entry: 'sys_gettimeofday', nr: 96, ptrs: [16, 8] },   // struct timeval *, struct timezone *
  { entry: 'sys_time', nr: 201, ptrs: [8] },              // time_t *
  { entry: 'sys_getcpu', nr: 309, ptrs: [4, 4] },         // unsigned *cpu, unsigned *node
];

export function isVsyscallAddr(addr: number): boolean {
  return addr >= VSYSCALL_ADDR && addr < VSYSCALL_ADDR + PAGE;
}

/**
 * Boot: under vsyscall=emulate, map the page into the kernel half of every address space (the
 * template the processes' top-level tables copy), with the user bit set on the way down as
 * Linux's set_vsyscall_pgtable_user_bits does — the entries above it also lead to kernel text,
 * which stays supervisor-only at its own lower levels.
 */
export function initVsyscall(k: Kernel): void {
  if (k.opts.vsyscall !== 'emulate') return;
  const pt = k.ks.template;
  const pa = k.frames.alloc();
  if (pa < 0) throw new Error('out of physical memory for the vsyscall page');
  const bin = atob(VSYSCALL_PAGE_BYTES);
  for (let i = 0; i < bin.length; i++) k.phys.bytes[pa + i] = bin.charCodeAt(i);
  pt.setEntry(VSYSCALL_ADDR, (pa | PTE_P | PTE_U) >>> 0, (Math.floor(pa / 4294967296) | PTE_NX_HI) >>> 0);
  // Walk down again, adding U to the PML4, PDPT and PD entries on the way.
  const dv = k.phys.dv;
  const u = VSYSCALL_ADDR + 2 ** 48;
  let table = pt.root;
  for (let level = 4; level > 1; level--) {
    const ea = table + (Math.floor(u / 2 ** (12 + 9 * (level - 1))) & 511) * 8;
    const lo = dv.getUint32(ea, true);
    dv.setUint32(ea, (lo | PTE_U) >>> 0, true);
    table = (dv.getUint32(ea + 4, true) & 0xfffff) * 4294967296 + (lo & 0xfffff000);
  }
}

/** The /proc/PID/maps line of the gate area, or null (vsyscall=none). */
export function vsyscallMapsLine(k: Kernel): string | null {
  const mode = k.opts.vsyscall;
  if (mode === 'none') return null;
  // xonly: "--xp" (execute-only; reads fault); emulate: "r-xp".
  return `ffffffffff600000-ffffffffff601000 ${mode === 'emulate' ? 'r' : '-'}-xp 00000000 00:00 0`.padEnd(72) + ' [vsyscall]';
}

/** access_ok(): NULL means "don't write" and passes; a pointer outside user space fails. */
function writeOk(k: Kernel, t: Task, ptr: number, size: number): boolean {
  if (ptr >= 0 && ptr + size <= USER_END) return true;
  // write_ok_or_segv(): the fault is reported as a user write to that address.
  forceSigFault(k, t, SIGSEGV, SEGV_MAPERR, ptr);
  return false;
}

/**
 * emulate_vsyscall(): a user page fault at `addr` in the vsyscall page. Returns true when the
 * fault is dealt with — the call was made and the frame now returns to the caller, or a
 * SIGSEGV was forced — and false when it is an ordinary bad access (the caller's normal
 * SIGSEGV path). k.regs is the faulting frame.
 */
export function emulateVsyscall(k: Kernel, t: Task, errorCode: number, addr: number): boolean {
  const mode = k.opts.vsyscall;
  // Writes, and faults from kernel mode, are never fixed up.
  if ((errorCode & (PFEC_W | PFEC_U)) !== PFEC_U) return false;
  // A read of the page: under emulate the page is readable and this cannot be a vsyscall; under
  // xonly reading is what the mode forbids. Either way, the normal fault.
  if ((errorCode & PFEC_I) === 0) return false;
  if (mode === 'none') return false;
  const regs = k.regs;
  // Only the three entries themselves: a jump into the middle is an exploit or a bug.
  const off = addr - VSYSCALL_ADDR;
  const nr = (off & ~0xc00) === 0 ? off >> 10 : -1;
  if (nr < 0 || nr >= CALLS.length) { forceSig(k, t, kernelInfo(SIGSEGV)); return true; }
  const sp = regs.num('rsp');
  const caller = t.um.readPtr(sp);
  if (caller === null) { forceSig(k, t, kernelInfo(SIGSEGV)); return true; }
  const call = CALLS[nr];
  const args = [regs.num('rdi'), regs.num('rsi')];
  for (let n = 0; n < call.ptrs.length; n++) {
    if (!writeOk(k, t, args[n], call.ptrs[n])) { forceSig(k, t, kernelInfo(SIGSEGV)); return true; }
  }
  regs.setNum('orig_rax', call.nr);
  regs.setNum('rax', -ENOSYS);
  // (secure_computing() would run here: see the header.)
  regs.setNum('orig_rax', -1);
  const fn = syscallHandler(call.entry);
  // getcpu's third argument (the old tcache) is passed as 0, as Linux clears rdx for the call.
  const ret = fn ? fn(k, t, args[0], args[1], 0, 0, 0, 0) : -ENOSYS;
  if (ret === -EFAULT) { forceSig(k, t, kernelInfo(SIGSEGV)); return true; }
  regs.setNum('rax', ret);
  // Emulate `ret`.
  regs.setNum('rip', caller);
  regs.setNum('rsp', sp + 8);
  return true;
}
