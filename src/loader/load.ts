// Loading an executable into a fresh address space and building its initial stack, as Linux's
// load_elf_binary() and create_elf_tables() do (fs/binfmt_elf.c): PT_LOAD segments mapped
// private with their permissions, the break right after the highest segment, the stack with
// argv/envp strings, the platform string, 16 random bytes, then argc, argv[], envp[] and the
// auxiliary vector, with RSP 16-byte aligned at argc.

import { parseElf, ElfError, PT_LOAD, PT_PHDR, ET_DYN, PF_R, PF_W, PF_X, type ElfImage } from './elf.js';
import { Mm, Vma, PROT_READ, PROT_WRITE, PROT_EXEC, MAP_PRIVATE, MAP_GROWSDOWN, STACK_TOP } from '../kernel/mm/mm.js';
import type { UserMemory } from '../kernel/mm/uaccess.js';
import { PAGE } from '../kernel/mm/pagetable.js';
import { AT } from './auxv.js';

/** Where a static-PIE executable is placed (Linux's ELF_ET_DYN_BASE with ASLR off). */
export const ET_DYN_BASE = 0x555555554000;
export const STACK_SIZE = 8 * 1024 * 1024;
/**
 * The 32-bit layout (ASLR off): the stack ends below the top 4 GiB page (IA32_PAGE_OFFSET is
 * 0xffffe000 on a 64-bit kernel; Linux leaves a gap below it), mmap grows down from below the
 * 32-bit vDSO, and a 32-bit PIE goes at ELF_ET_DYN_BASE for ia32 (TASK_SIZE/3*2).
 */
export const STACK_TOP_IA32 = 0xfffdd000;
export const MMAP_BASE_IA32 = 0xf7fc4000;
export const ET_DYN_BASE_IA32 = 0x56555000;

export interface LoadOptions {
  argv: string[];
  envp: string[];
  execfn: string;
  random16: Uint8Array;
  hwcap: number;
  hwcap2: number;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  minsigstksz: number;
  /** AT_SYSINFO_EHDR (vDSO base) or 0 for none. */
  vdso: number;
  /**
   * Maps the vDSO for a program of this width once its segments are in place (the kernel's
   * mapVdso, src/kernel/vdso/vdso.ts); its base, when not null, becomes AT_SYSINFO_EHDR.
   */
  mapVdso?: (bits: 64 | 32) => { base: number; sym(name: string): number } | null;
}

export interface Loaded {
  elf: ElfImage;
  entry: number;
  sp: number;
  brk: number;
  loadBias: number;
  /** An ELF32 i386 program: it starts in compatibility mode (CS = __USER32_CS). */
  compat: boolean;
  /** Where the vDSO was mapped (AT_SYSINFO_EHDR), or 0. */
  vdsoBase: number;
}

const encoder = new TextEncoder();

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

export function loadExecutable(mm: Mm, um: UserMemory, file: Uint8Array, o: LoadOptions, onUnmap: (va: number) => void): Loaded {
  const elf = parseElf(file);
  // ELF32 i386 programs run in compatibility mode (compat_binfmt_elf): 4-byte stack words, the
  // address space below 4 GiB, the 32-bit vDSO with AT_SYSINFO = __kernel_vsyscall.
  const w = elf.class64 ? 8 : 4;
  if (!elf.class64) mm.mmapNext = MMAP_BASE_IA32;
  if (elf.interp !== null) throw new ElfError(`dynamically linked (interpreter ${elf.interp}): only static executables are supported`, 'dynamic');
  const bias = elf.type === ET_DYN ? (elf.class64 ? ET_DYN_BASE : ET_DYN_BASE_IA32) : 0;

  const brk = mapSegments(mm, file, elf, bias, o.execfn, onUnmap);
  // arch_setup_additional_pages(): [vvar] and [vdso], after the segments, before the tables.
  const vdso = o.mapVdso?.(elf.class64 ? 64 : 32) ?? null;
  const vdsoBase = vdso?.base ?? o.vdso;

  // The stack.
  const stackTop = elf.class64 ? STACK_TOP : STACK_TOP_IA32;
  mm.insert(new Vma(stackTop - STACK_SIZE, stackTop, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_GROWSDOWN, null, 0, '[stack]'), onUnmap);
  let sp = stackTop;
  const pushBytes = (b: Uint8Array): number => {
    sp -= b.length;
    if (!um.write(sp, b)) throw new ElfError('cannot write the initial stack', 'malformed');
    return sp;
  };
  const pushString = (s: string): number => {
    const e = encoder.encode(s);
    const b = new Uint8Array(e.length + 1);
    b.set(e);
    return pushBytes(b);
  };
  sp -= 8; // Linux leaves the top word as a NULL end marker
  const execfnAddr = pushString(o.execfn);
  // Strings go down from the last to the first, as copy_strings() does: argv[0] ends lowest.
  const envAddrs = [...o.envp].reverse().map(pushString).reverse();
  const argAddrs = [...o.argv].reverse().map(pushString).reverse();
  const platformAddr = pushString(elf.class64 ? 'x86_64' : 'i686');
  sp -= sp % 16;
  const randomAddr = pushBytes(o.random16);
  sp -= sp % 16;

  let phdrAddr = 0;
  const phdrSeg = elf.phdrs.find((p) => p.type === PT_PHDR);
  if (phdrSeg) phdrAddr = bias + phdrSeg.vaddr;
  else {
    const first = elf.phdrs.find((p) => p.type === PT_LOAD && p.offset <= elf.phoff && elf.phoff < p.offset + p.filesz);
    if (first) phdrAddr = bias + first.vaddr + (elf.phoff - first.offset);
  }
  const aux: [number, number][] = [];
  // ARCH_DLINFO_IA32 puts AT_SYSINFO (the entry glibc calls through %gs:0x10) before the base.
  if (!elf.class64 && vdso) aux.push([AT.SYSINFO, vdso.sym('__kernel_vsyscall')]);
  if (vdsoBase) aux.push([AT.SYSINFO_EHDR, vdsoBase]);
  aux.push(
    [AT.MINSIGSTKSZ, o.minsigstksz],
    [AT.HWCAP, o.hwcap],
    [AT.PAGESZ, PAGE],
    [AT.CLKTCK, 100],
    [AT.PHDR, phdrAddr],
    [AT.PHENT, elf.phentsize],
    [AT.PHNUM, elf.phnum],
    [AT.BASE, 0],
    [AT.FLAGS, 0],
    [AT.ENTRY, bias + elf.entry],
    [AT.UID, o.uid],
    [AT.EUID, o.euid],
    [AT.GID, o.gid],
    [AT.EGID, o.egid],
    [AT.SECURE, 0],
    [AT.RANDOM, randomAddr],
    [AT.HWCAP2, o.hwcap2],
    [AT.EXECFN, execfnAddr],
    [AT.PLATFORM, platformAddr],
    // CONFIG_RSEQ's two entries, after AT_PLATFORM as fs/binfmt_elf.c emits them (the values
    // are src/kernel/rseq/rseq.ts's RSEQ_FEATURE_SIZE and RSEQ_ALIGN: the loader imports nothing
    // from the kernel).
    [AT.RSEQ_FEATURE_SIZE, 28],
    [AT.RSEQ_ALIGN, 32],
    [AT.NULL, 0],
  );
  const words: number[] = [o.argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of aux) words.push(k, v);
  // Keep RSP 16-byte aligned at argc (x86-64 psABI §3.4.1; Linux's STACK_ROUND for i386 too).
  sp -= words.length * w;
  sp -= sp % 16;
  const table = new Uint8Array(words.length * w);
  const dv = new DataView(table.buffer);
  words.forEach((v, k) => { if (w === 8) dv.setBigUint64(k * 8, BigInt(v), true); else dv.setUint32(k * 4, v >>> 0, true); });
  if (!um.write(sp, table)) throw new ElfError('cannot write the initial stack', 'malformed');
  return { elf, entry: bias + elf.entry, sp, brk, loadBias: bias, compat: !elf.class64, vdsoBase };
}

/**
 * Map the PT_LOAD segments of `elf` (ELF64 or ELF32) at `bias` as private VMAs with their
 * permissions, and put the break right after the highest one. Returns the break.
 */
export function mapSegments(mm: Mm, file: Uint8Array, elf: ElfImage, bias: number, name: string, onUnmap: (va: number) => void): number {
  // Build page images: segments may share a page (then its protection is the union, as the
  // kernel's overlapping mmap()s leave it on the later segment; the union is the safe choice).
  const pages = new Map<number, { bytes: Uint8Array; prot: number }>();
  let highest = 0;
  for (const ph of elf.phdrs) {
    if (ph.type !== PT_LOAD || ph.memsz === 0) continue;
    const start = bias + ph.vaddr;
    const end = start + ph.memsz;
    const prot = protOf(ph.flags);
    for (let page = start - (start % PAGE); page < end; page += PAGE) {
      let p = pages.get(page);
      if (!p) { p = { bytes: new Uint8Array(PAGE), prot: 0 }; pages.set(page, p); }
      p.prot |= prot;
      const from = Math.max(page, start), to = Math.min(page + PAGE, start + ph.filesz);
      if (to > from) {
        const fileOff = ph.offset + (from - start);
        p.bytes.set(file.subarray(fileOff, fileOff + (to - from)), from - page);
      }
    }
    highest = Math.max(highest, end);
  }
  // One VMA per run of contiguous pages with the same protection.
  const sorted = [...pages.keys()].sort((a, b) => a - b);
  for (let k = 0; k < sorted.length;) {
    let j = k;
    const prot = pages.get(sorted[k])!.prot;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + PAGE && pages.get(sorted[j + 1])!.prot === prot) j++;
    const img = new Uint8Array((j - k + 1) * PAGE);
    for (let q = k; q <= j; q++) img.set(pages.get(sorted[q])!.bytes, (q - k) * PAGE);
    mm.insert(new Vma(sorted[k], sorted[j] + PAGE, prot, MAP_PRIVATE, img, 0, name), onUnmap);
    k = j + 1;
  }
  const brk = Math.ceil(highest / PAGE) * PAGE;
  mm.brkStart = brk;
  mm.brk = brk;
  return brk;
}
