// The register views ptrace gives a tracer (arch/x86/kernel/ptrace.c getreg/putreg,
// genregs_get/set, xfpregs_get/set, ptrace_get/set_debugreg), over the tracee's pt_regs at the
// top of its kernel stack, its saved FS/GS bases and its saved FXSAVE image. Offsets are those
// of glibc's <sys/user.h>, checked on the host with offsetof/sizeof (x86-64):
//
//   struct user_regs_struct (216 bytes): r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi
//     orig_rax rip cs eflags rsp ss (pt_regs' 21 slots, same order) fs_base 168 gs_base 176
//     ds 184 es 192 fs 200 gs 208
//   struct user (912 bytes): regs 0, u_fpvalid 216, i387 224 (512), u_tsize 736 … u_comm 816,
//     u_debugreg 848 (8 × 8); the kernel's adds error_code 912, fault_address 920 (928 bytes)
//   struct user_fpregs_struct: 512 bytes, the FXSAVE layout.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { userRegs } from '../entry/ptregs.js';
import { REG_NAMES } from '../process/fork.js';
import { TASK_SIZE_MAX } from '../arch/layout.js';
import { EIO, EINVAL } from '../errno.js';
import { TF } from '../../cpu/regs.js';
import { ptraceState } from './state.js';

// The kernel's struct user (arch/x86/include/asm/user_64.h) ends with error_code and
// fault_address after u_debugreg: 928 bytes, 16 more than glibc's (PEEKUSER reads them as 0).
export const USER_REGS_SIZE = 216, USER_FPREGS_SIZE = 512, USER_SIZE = 928, U_DEBUGREG = 848, U_DEBUGREG_END = 912;
const OFF_CS = 136, OFF_EFLAGS = 144, OFF_SS = 160, OFF_FS_BASE = 168, OFF_GS_BASE = 176;
const OFF_DS = 184;
/** FLAG_MASK: the flags a tracer may change (FLAG_MASK_32: CF PF AF ZF SF TF DF OF RF AC; 64-bit adds NT). */
const FLAG_MASK = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x4000;
/** DR6 is kept in "positive" polarity (virtual_dr6), flipped by DR6_RESERVED on the way in and out. */
const DR6_RESERVED = 0xffff0ff0 | 0;
const TWO32 = 4294967296;

/** Out-parameters of getReg (a 64-bit value as int32 halves). */
export const out = { lo: 0, hi: 0 };

/** getreg(): the user_regs_struct slot at `off` (a multiple of 8 below 216). */
export function getReg(k: Kernel, t: Task, off: number): void {
  if (off >= OFF_DS) { out.lo = 0; out.hi = 0; return; } // ds es fs gs: 0 for a 64-bit task (thread.ds/es/fsindex/gsindex)
  if (off === OFF_FS_BASE || off === OFF_GS_BASE) {
    const v = off === OFF_FS_BASE ? t.fsBase : t.gsBase;
    out.lo = v | 0; out.hi = Math.floor(v / TWO32) | 0;
    return;
  }
  const regs = userRegs(k, t);
  const name = REG_NAMES[off / 8];
  out.lo = regs.lo(name);
  out.hi = regs.hi(name);
  // get_flags(): a TF that ptrace set for a single step is not the tracee's.
  if (off === OFF_EFLAGS && ptraceState(t).forcedTf) out.lo &= ~TF;
}

/** putreg(): set one slot, with Linux's checks; 0 or -EIO. */
export function putReg(k: Kernel, t: Task, off: number, lo: number, hi: number): number {
  const regs = userRegs(k, t);
  if (off === OFF_CS || off === OFF_SS || off >= OFF_DS) {
    // set_segment_reg(): a u16; a non-null selector must have RPL 3; CS and SS cannot be null.
    const sel = lo & 0xffff;
    if (sel !== 0 && (sel & 3) !== 3) return -EIO;
    if (off === OFF_CS || off === OFF_SS) {
      if (sel === 0) return -EIO;
      regs.set(REG_NAMES[off / 8], sel, 0);
    }
    // ds/es/fs/gs selectors are not modelled for 64-bit tasks (they read back as 0).
    return 0;
  }
  if (off === OFF_EFLAGS) {
    // set_flags(): only FLAG_MASK changes; a tracer that sets TF takes it over from ptrace.
    const st = ptraceState(t);
    let v = lo;
    if (v & TF) st.forcedTf = false;
    else if (st.forcedTf) v |= TF;
    regs.set('eflags', (regs.lo('eflags') & ~FLAG_MASK) | (v & FLAG_MASK), regs.hi('eflags'));
    return 0;
  }
  if (off === OFF_FS_BASE || off === OFF_GS_BASE) {
    const v = (hi >>> 0) * TWO32 + (lo >>> 0);
    if (v >= TASK_SIZE_MAX) return -EIO;
    if (off === OFF_FS_BASE) t.fsBase = v; else t.gsBase = v;
    return 0;
  }
  regs.set(REG_NAMES[off / 8], lo, hi);
  return 0;
}

/** PTRACE_GETREGS / NT_PRSTATUS: the whole user_regs_struct. */
export function getRegs(k: Kernel, t: Task): Uint8Array {
  const b = new Uint8Array(USER_REGS_SIZE);
  const dv = new DataView(b.buffer);
  for (let off = 0; off < USER_REGS_SIZE; off += 8) {
    getReg(k, t, off);
    dv.setInt32(off, out.lo, true);
    dv.setInt32(off + 4, out.hi, true);
  }
  return b;
}

/** PTRACE_SETREGS / NT_PRSTATUS (genregs_set): slot by slot, stopping at the first refusal. */
export function setRegs(k: Kernel, t: Task, b: Uint8Array): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let off = 0; off + 8 <= b.length; off += 8) {
    const r = putReg(k, t, off, dv.getInt32(off, true), dv.getInt32(off + 4, true));
    if (r < 0) return r;
  }
  return 0;
}

/** The tracee's FXSAVE image (it is switched out while stopped, so its state is saved there). */
export function getFpregs(t: Task): Uint8Array {
  if (t.fpu) return t.fpu.slice(0, USER_FPREGS_SIZE);
  // Never saved: the state after FNINIT with MXCSR's reset value (fpstate_init).
  const b = new Uint8Array(USER_FPREGS_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, 0x37f, true);
  dv.setUint32(24, 0x1f80, true);
  dv.setUint32(28, 0xffff, true);
  return b;
}

/** xfpregs_set(): MXCSR bits outside mxcsr_feature_mask (0xffff here) are refused. */
export function setFpregs(t: Task, b: Uint8Array): number {
  const cur = getFpregs(t);
  cur.set(b.subarray(0, Math.min(b.length, USER_FPREGS_SIZE)));
  const mxcsr = new DataView(cur.buffer).getUint32(24, true);
  if (mxcsr & ~0xffff) return -EINVAL;
  t.fpu = t.fpu && t.fpu.length > USER_FPREGS_SIZE ? (t.fpu.set(cur), t.fpu) : cur;
  return 0;
}

/** ptrace_get_debugreg(n). */
export function getDebugreg(t: Task, n: number): void {
  const d = ptraceState(t).debugreg;
  if (n === 4 || n === 5) { out.lo = 0; out.hi = 0; return; }
  out.lo = d[2 * n]; out.hi = d[2 * n + 1];
  if (n === 6) out.lo ^= DR6_RESERVED;
}

/**
 * ptrace_set_debugreg(n). No hardware breakpoints are modelled: DR0-3 keep an address (user
 * space only, as Linux's breakpoint checks insist), DR6 its value, DR7 only while it enables
 * nothing — a DR7 that would arm a breakpoint is refused with EIO rather than accepted and
 * silently never fired. DR4/DR5 do not exist (EIO).
 */
export function setDebugreg(t: Task, n: number, lo: number, hi: number): number {
  const d = ptraceState(t).debugreg;
  if (n < 4) {
    if ((hi >>> 0) * TWO32 + (lo >>> 0) >= TASK_SIZE_MAX) return -EIO;
  } else if (n === 7) {
    if (lo & 0xff) return -EIO;
  } else if (n !== 6) return -EIO;
  d[2 * n] = n === 6 ? lo ^ DR6_RESERVED : lo; d[2 * n + 1] = hi;
  return 0;
}
