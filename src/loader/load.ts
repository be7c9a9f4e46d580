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
}

export interface Loaded {
  elf: ElfImage;
  entry: number;
  sp: number;
  brk: number;
  loadBias: number;
}

const encoder = new TextEncoder();

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

export function loadExecutable(mm: Mm, um: UserMemory, file: Uint8Array, o: LoadOptions, onUnmap: (va: number) => void): Loaded {
  const elf = parseElf(file);
  if (!elf.class64) throw new ElfError('32-bit executables are not supported yet', 'wrong-arch');
  if (elf.interp !== null) throw new ElfError(`dynamically linked (interpreter ${elf.interp}): only static executables are supported`, 'dynamic');
  const bias = elf.type === ET_DYN ? ET_DYN_BASE : 0;

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
    mm.insert(new Vma(sorted[k], sorted[j] + PAGE, prot, MAP_PRIVATE, img, 0, o.execfn), onUnmap);
    k = j + 1;
  }
  const brk = Math.ceil(highest / PAGE) * PAGE;
  mm.brkStart = brk;
  mm.brk = brk;

  // The stack.
  mm.insert(new Vma(STACK_TOP - STACK_SIZE, STACK_TOP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_GROWSDOWN, null, 0, '[stack]'), onUnmap);
  let sp = STACK_TOP;
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
  const platformAddr = pushString('x86_64');
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
  if (o.vdso) aux.push([AT.SYSINFO_EHDR, o.vdso]);
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
    [AT.NULL, 0],
  );
  const words: number[] = [o.argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of aux) words.push(k, v);
  // Keep RSP 16-byte aligned at argc (x86-64 psABI §3.4.1).
  sp -= words.length * 8;
  sp -= sp % 16;
  const table = new Uint8Array(words.length * 8);
  const dv = new DataView(table.buffer);
  words.forEach((w, k) => dv.setBigUint64(k * 8, BigInt(w), true));
  if (!um.write(sp, table)) throw new ElfError('cannot write the initial stack', 'malformed');
  return { elf, entry: bias + elf.entry, sp, brk, loadBias: bias };
}
