// Thread state of 32-bit programs that a 64-bit task does not have (Linux: arch/x86/kernel/tls.c,
// process_64.c): the three TLS descriptors of set_thread_area(2), which the GDT holds in slots
// GDT_ENTRY_TLS_MIN..+2 for the running task (load_TLS at every switch), and the user's data
// segment selectors (DS, ES, FS, GS), which __switch_to saves and reloads. 32-bit glibc points
// GS at a TLS descriptor (selector 0x63) and reaches its thread block through %gs.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { DS, ES, FS, GS } from '../../cpu/regs.js';
import { flatDataAttr, readDescriptor, Descriptor } from '../../cpu/system/segments.js';
import { GDT_ENTRY_TLS_MIN, __USER_DS, __USER_CS, __USER32_CS } from '../arch/layout.js';
import { setCompatVdso } from '../entry/syscall32.js';
import { defineSyscall } from '../syscalls/registry.js';
import { EFAULT, EINVAL, ESRCH } from '../errno.js';

export const GDT_ENTRY_TLS_ENTRIES = 3;
export const GDT_ENTRY_TLS_MAX = GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES - 1;
const SEGS = [DS, ES, FS, GS] as const;

/** A task's 32-bit thread state: TLS descriptors (two dwords each) and saved user selectors. */
export class CompatThread {
  readonly tls = new Int32Array(2 * GDT_ENTRY_TLS_ENTRIES);
  readonly sel = new Uint16Array(4);
  readonly attr = new Int32Array(4);
  readonly limit = new Float64Array(4);
  copyFrom(o: CompatThread): void {
    this.tls.set(o.tls); this.sel.set(o.sel); this.attr.set(o.attr); this.limit.set(o.limit);
  }
}

const state = new WeakMap<Task, CompatThread>();

export function compatThread(t: Task): CompatThread {
  let s = state.get(t);
  if (!s) {
    s = new CompatThread();
    // A child forked by a 32-bit parent inherits its TLS (copy_thread copies tls_array).
    const p = t.parent ? state.get(t.parent) : undefined;
    if (p) s.copyFrom(p);
    state.set(t, s);
  }
  return s;
}

/** Write a task's TLS descriptors into the GDT (load_TLS). */
function loadTls(k: Kernel, s: CompatThread | undefined): void {
  const gdt = k.ks.gdt + GDT_ENTRY_TLS_MIN * 8;
  for (let j = 0; j < 2 * GDT_ENTRY_TLS_ENTRIES; j++) k.cpu.mem.kwrite32(gdt + 4 * j, s ? s.tls[j] : 0);
}

/**
 * Hooks into the scheduler's switch: the outgoing task's user selectors are saved; the incoming
 * task's TLS goes into the GDT and its selectors come back. (The FS/GS bases themselves are the
 * scheduler's: it saves and restores them for every task.)
 */
export function compatInit(k: Kernel): void {
  const cpu = k.cpu;
  k.sched.switchOutHooks.push((t) => {
    const s = state.get(t);
    if (!s && SEGS.every((g) => cpu.sel[g] === 0)) return;
    const c = s ?? compatThread(t);
    SEGS.forEach((g, j) => { c.sel[j] = cpu.sel[g]; c.attr[j] = cpu.segAttr[g]; c.limit[j] = cpu.segLimit[g]; });
  });
  k.sched.switchInHooks.push((t) => {
    const s = t.kernelThread ? undefined : (state.get(t) ?? (t.parent && state.get(t.parent) ? compatThread(t) : undefined));
    loadTls(k, s);
    SEGS.forEach((g, j) => {
      cpu.sel[g] = s ? s.sel[j] : 0;
      cpu.segAttr[g] = s ? s.attr[j] : 0;
      cpu.segLimit[g] = s ? s.limit[j] : 0;
      if (g === DS || g === ES) { cpu.segBaseLo[g] = 0; cpu.segBaseHi[g] = 0; }
    });
  });
}

/**
 * start_thread for a new program (compat_start_thread / start_thread_common): DS and ES get
 * __USER_DS for a 32-bit program (0 for a 64-bit one), FS and GS the null selector, and the TLS
 * array is cleared (flush_thread).
 */
export function startThreadSegments(k: Kernel, t: Task, compat: boolean): void {
  const cpu = k.cpu;
  const s = state.get(t);
  if (s) s.tls.fill(0);
  if (compat || s) loadTls(k, s);
  for (const g of SEGS) {
    const user = compat && (g === DS || g === ES);
    cpu.sel[g] = user ? __USER_DS : 0;
    cpu.segAttr[g] = user ? flatDataAttr(3) : 0;
    cpu.segLimit[g] = user ? 0xffffffff : 0;
    if (g === DS || g === ES) { cpu.segBaseLo[g] = 0; cpu.segBaseHi[g] = 0; }
  }
  if (compat) compatThread(t);
}

// --- set_thread_area / get_thread_area (arch/x86/kernel/tls.c). struct user_desc is 16 bytes:
// entry_number, base_addr, limit, then the flag bits seg_32bit, contents (2 bits),
// read_exec_only, limit_in_pages, seg_not_present, useable, lm.

interface UserDesc {
  entry: number; base: number; limit: number;
  seg32: number; contents: number; readExecOnly: number; limitInPages: number; notPresent: number; useable: number;
}

function readUserDesc(t: Task, addr: number): UserDesc | null {
  const b = t.um.read(addr, 16);
  if (!b) return null;
  const dv = new DataView(b.buffer);
  const f = dv.getUint32(12, true);
  return {
    entry: dv.getUint32(0, true) | 0, base: dv.getUint32(4, true), limit: dv.getUint32(8, true),
    seg32: f & 1, contents: (f >> 1) & 3, readExecOnly: (f >> 3) & 1, limitInPages: (f >> 4) & 1,
    notPresent: (f >> 5) & 1, useable: (f >> 6) & 1,
  };
}

/** LDT_empty(): the "clear this entry" request. */
function isEmpty(u: UserDesc): boolean {
  return u.base === 0 && u.limit === 0 && u.contents === 0 && u.readExecOnly === 1 && u.seg32 === 0 &&
    u.limitInPages === 0 && u.notPresent === 1 && u.useable === 0;
}

/** fill_ldt(): the descriptor's two dwords; DPL 3, S = 1 (code/data). */
function descriptorOf(u: UserDesc): [number, number] {
  const lo = ((u.base & 0xffff) << 16) | (u.limit & 0xffff);
  const hi = (u.base & 0xff000000) | ((u.base >>> 16) & 0xff) | (u.limit & 0xf0000) |
    ((u.readExecOnly ^ 1) << 9) | (u.contents << 10) | ((u.notPresent ^ 1) << 15) |
    (u.seg32 << 22) | (u.limitInPages << 23) | (u.useable << 20) | 0x7000;
  return [lo | 0, hi | 0];
}

/** do_set_thread_area() for task `t` (the current task, or a clone child with CLONE_SETTLS). */
export function setThreadArea(k: Kernel, t: Task, addr: number, canAllocate: boolean): number {
  const u = readUserDesc(t, addr);
  if (!u) return -EFAULT;
  const s = compatThread(t);
  let idx = u.entry;
  if (idx === -1 && canAllocate) {
    // get_free_idx(): the first empty slot.
    idx = -1;
    for (let j = 0; j < GDT_ENTRY_TLS_ENTRIES; j++) if (s.tls[2 * j] === 0 && s.tls[2 * j + 1] === 0) { idx = GDT_ENTRY_TLS_MIN + j; break; }
    if (idx === -1) return -ESRCH;
    if (!t.um.writeU32(addr, idx)) return -EFAULT;
  }
  if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX) return -EINVAL;
  // tls_desc_okay(): 32-bit data segments only (no code, no 16-bit, no 64-bit).
  const empty = isEmpty(u) || (u.base === 0 && u.limit === 0 && u.contents === 0 && u.readExecOnly === 0 &&
    u.seg32 === 0 && u.limitInPages === 0 && u.notPresent === 0 && u.useable === 0);
  if (!empty && (!u.seg32 || u.contents > 1)) return -EINVAL;
  const j = idx - GDT_ENTRY_TLS_MIN;
  const [lo, hi] = empty ? [0, 0] : descriptorOf(u);
  s.tls[2 * j] = lo;
  s.tls[2 * j + 1] = hi;
  if (t === k.current) {
    loadTls(k, s);
    // A selector already loaded with this entry is reloaded, so that it sees the new base
    // (Linux: set_tls_desc() + the fs/gs reload in do_set_thread_area()). The user's GS base
    // lives in KERNEL_GS_BASE while the kernel runs (SWAPGS), so it is updated there.
    const sel = (idx << 3) | 3;
    const cpu = k.cpu;
    for (const g of [FS, GS]) {
      if (cpu.sel[g] !== sel) continue;
      const d = readDescriptor(cpu, sel, new Descriptor());
      cpu.segAttr[g] = d.attr;
      cpu.segLimit[g] = d.limit;
      if (g === GS) { cpu.kernelGsBaseLo = d.base | 0; cpu.kernelGsBaseHi = 0; t.gsBase = d.base; }
      else { cpu.segBaseLo[g] = d.base | 0; cpu.segBaseHi[g] = 0; t.fsBase = d.base; }
    }
  }
  return 0;
}

defineSyscall('sys_set_thread_area', (k, t, addr) => setThreadArea(k, t, addr, true));

defineSyscall('sys_get_thread_area', (k, t, addr) => {
  const idxRaw = t.um.readU32(addr);
  if (idxRaw === null) return -EFAULT;
  const idx = idxRaw | 0;
  if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX) return -EINVAL;
  const s = compatThread(t);
  const j = idx - GDT_ENTRY_TLS_MIN;
  const lo = s.tls[2 * j], hi = s.tls[2 * j + 1];
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, idx, true);
  if (lo === 0 && hi === 0) {
    // fill_user_desc() of an empty entry: read_exec_only and seg_not_present set.
    dv.setUint32(12, (1 << 3) | (1 << 5), true);
  } else {
    dv.setUint32(4, (((lo >>> 16) & 0xffff) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0, true);
    dv.setUint32(8, ((lo & 0xffff) | (hi & 0xf0000)) >>> 0, true);
    const flags = ((hi >>> 22) & 1) | (((hi >>> 10) & 3) << 1) | ((((hi >>> 9) & 1) ^ 1) << 3) |
      (((hi >>> 23) & 1) << 4) | ((((hi >>> 15) & 1) ^ 1) << 5) | (((hi >>> 20) & 1) << 6);
    dv.setUint32(12, flags, true);
  }
  return t.um.write(addr, out) ? 0 : -EFAULT;
});

/**
 * The user code segment a freshly loaded program starts in, after setting up the rest of its
 * start_thread state: __USER32_CS (compatibility mode) for an ELF32 program, with its data
 * selectors and the vDSO base its fast system calls return through; __USER_CS otherwise.
 */
export function startUserThread(k: Kernel, t: Task, loaded: { compat: boolean; vdsoBase: number }): number {
  startThreadSegments(k, t, loaded.compat);
  if (loaded.compat) setCompatVdso(t.mm, loaded.vdsoBase);
  return loaded.compat ? __USER32_CS : __USER_CS;
}

/**
 * Load a user data selector from kernel code (loadsegment / load_gs_index, as sigreturn and
 * signal delivery do). A selector the CPU would refuse at CPL 3 loads the null selector
 * instead, as Linux's exception fixup on the load does. GS's base goes where the user's GS
 * base lives while the kernel runs: KERNEL_GS_BASE (the entry did SWAPGS).
 */
export function loadUserSegment(k: Kernel, t: Task, seg: number, sel: number): void {
  const cpu = k.cpu;
  let attr = 0, base = 0, limit = 0;
  if ((sel & 0xfffc) !== 0) {
    const index = sel & 0xfff8;
    let ok = (sel & 4) === 0 && index + 7 <= cpu.gdtLimit;
    if (ok) {
      const d = new Descriptor();
      d.lo = cpu.mem.kread32(cpu.gdtBase + index);
      d.hi = cpu.mem.kread32(cpu.gdtBase + index + 4);
      const readable = d.isData || (d.isCode && (d.hi & 0x200) !== 0);
      ok = d.present && readable && (d.conforming || d.dpl === 3);
      if (ok) { attr = d.attr; base = d.base; limit = d.limit; }
    }
    if (!ok) sel = 0;
  }
  cpu.sel[seg] = sel;
  cpu.segAttr[seg] = attr;
  cpu.segLimit[seg] = limit;
  if (seg === GS) { cpu.kernelGsBaseLo = base | 0; cpu.kernelGsBaseHi = 0; t.gsBase = base; }
  else {
    cpu.segBaseLo[seg] = base | 0; cpu.segBaseHi[seg] = 0;
    if (seg === FS) t.fsBase = base;
  }
}
