// ELF header and program-header parsing (the System V gABI and the x86-64 psABI). Only what
// loading a static or static-PIE executable needs; every malformed field becomes an ElfError
// with a one-line message instead of an exception from a typed array.

export const ET_EXEC = 2, ET_DYN = 3;
export const EM_386 = 3, EM_X86_64 = 62;
export const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
export const PF_X = 1, PF_W = 2, PF_R = 4;

export class ElfError extends Error {
  constructor(message: string, readonly kind: 'not-elf' | 'wrong-arch' | 'dynamic' | 'malformed') {
    super(message);
  }
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfImage {
  class64: boolean;
  type: number;
  machine: number;
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
  interp: string | null;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function parseElf(file: Uint8Array): ElfImage {
  if (file.length < 16 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    throw new ElfError('not an ELF file', 'not-elf');
  }
  const cls = file[4];
  if (cls !== 1 && cls !== 2) throw new ElfError(`bad ELF class ${cls}`, 'malformed');
  if (file[5] !== 1) throw new ElfError('not a little-endian ELF file', 'wrong-arch');
  const class64 = cls === 2;
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const need = class64 ? 64 : 52;
  if (file.length < need) throw new ElfError('truncated ELF header', 'malformed');
  const u64 = (off: number): number => {
    if (off + 8 > file.length) throw new ElfError('truncated ELF file', 'malformed');
    const v = dv.getBigUint64(off, true);
    if (v > BigInt(MAX_SAFE)) throw new ElfError(`ELF field at ${off} out of range`, 'malformed');
    return Number(v);
  };
  const u32 = (off: number): number => {
    if (off + 4 > file.length) throw new ElfError('truncated ELF file', 'malformed');
    return dv.getUint32(off, true);
  };
  const u16 = (off: number): number => {
    if (off + 2 > file.length) throw new ElfError('truncated ELF file', 'malformed');
    return dv.getUint16(off, true);
  };
  const type = u16(16);
  const machine = u16(18);
  if (class64 && machine !== EM_X86_64) throw new ElfError(`wrong architecture (e_machine ${machine}, want x86-64)`, 'wrong-arch');
  if (!class64 && machine !== EM_386) throw new ElfError(`wrong architecture (e_machine ${machine}, want i386)`, 'wrong-arch');
  if (type !== ET_EXEC && type !== ET_DYN) throw new ElfError(`not an executable (e_type ${type})`, 'malformed');
  const entry = class64 ? u64(24) : u32(24);
  const phoff = class64 ? u64(32) : u32(28);
  const phentsize = u16(class64 ? 54 : 42);
  const phnum = u16(class64 ? 56 : 44);
  if (phentsize !== (class64 ? 56 : 32)) throw new ElfError(`bad program header size ${phentsize}`, 'malformed');
  if (phnum === 0 || phnum > 128) throw new ElfError(`bad program header count ${phnum}`, 'malformed');
  if (phoff + phnum * phentsize > file.length) throw new ElfError('program headers past the end of the file', 'malformed');
  const phdrs: ProgramHeader[] = [];
  for (let k = 0; k < phnum; k++) {
    const p = phoff + k * phentsize;
    const ph: ProgramHeader = class64
      ? { type: u32(p), flags: u32(p + 4), offset: u64(p + 8), vaddr: u64(p + 16), filesz: u64(p + 32), memsz: u64(p + 40), align: u64(p + 48) }
      : { type: u32(p), offset: u32(p + 4), vaddr: u32(p + 8), filesz: u32(p + 16), memsz: u32(p + 20), flags: u32(p + 24), align: u32(p + 28) };
    if (ph.type === PT_LOAD) {
      if (ph.offset + ph.filesz > file.length) throw new ElfError('PT_LOAD segment past the end of the file', 'malformed');
      if (ph.filesz > ph.memsz) throw new ElfError('PT_LOAD segment with p_filesz > p_memsz', 'malformed');
      if (ph.vaddr + ph.memsz > 0x7fffffffffff) throw new ElfError('PT_LOAD segment outside user space', 'malformed');
    }
    phdrs.push(ph);
  }
  let interp: string | null = null;
  const ip = phdrs.find((p) => p.type === PT_INTERP);
  if (ip) {
    const end = Math.min(ip.offset + ip.filesz, file.length);
    let s = '';
    for (let k = ip.offset; k < end && file[k] !== 0; k++) s += String.fromCharCode(file[k]);
    interp = s;
  }
  if (!phdrs.some((p) => p.type === PT_LOAD)) throw new ElfError('no loadable segments', 'malformed');
  return { class64, type, machine, entry, phoff, phentsize, phnum, phdrs, interp };
}
