// Memory system calls: brk, mmap, munmap, mprotect, mremap, madvise (mm/mmap.c, mm/mprotect.c,
// mm/mremap.c, mm/madvise.c behaviour for a private, single-threaded address space).

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import {
  Vma, PROT_READ, PROT_WRITE, PROT_EXEC, MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_FIXED_NOREPLACE, USER_END, VM_NO_MAYWRITE, VM_FILE_END,
} from './mm.js';
import { PAGE } from './pagetable.js';
import { EINVAL, ENOMEM, EBADF, EACCES, EEXIST, EFAULT } from '../errno.js';

const PAGE_MASK_OK = (v: number) => v % PAGE === 0;
const pageUp = (v: number) => Math.ceil(v / PAGE) * PAGE;

function flush(k: Kernel): (va: number) => void {
  return (va) => k.cpu.mem.flushPage(va);
}

// brk(addr): moves the break if the new range is free; always returns the current break
// (Linux returns the old break on failure rather than an error).
defineSyscall('sys_brk', (k, t, addr) => {
  const mm = t.mm;
  if (addr < mm.brkStart) return mm.brk;
  const oldEnd = pageUp(mm.brk), newEnd = pageUp(addr);
  if (newEnd > oldEnd) {
    if (mm.overlaps(oldEnd, newEnd) || newEnd >= USER_END) return mm.brk;
    // Extend (or create) the heap VMA.
    const heap = mm.vmas.find((v) => v.name === '[heap]' && v.end === oldEnd);
    if (heap) heap.end = newEnd;
    else mm.insert(new Vma(oldEnd, newEnd, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, null, 0, '[heap]'), flush(k));
  } else if (newEnd < oldEnd) {
    mm.unmapRange(newEnd, oldEnd, flush(k));
  }
  mm.brk = addr;
  return addr;
});

defineSyscall('sys_mmap', (k, t, addr, len, prot, flags, fd, off) => mmap(k, t, addr, len, prot | 0, flags | 0, fd | 0, off));

export function mmap(k: Kernel, t: Task, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  const mm = t.mm;
  if (len <= 0 || !PAGE_MASK_OK(off) || off < 0) return -EINVAL;
  const type = flags & (MAP_SHARED | MAP_PRIVATE);
  if (type === 0) return -EINVAL;
  const size = pageUp(len);
  if (size > USER_END) return -ENOMEM;
  let contents: Uint8Array | null = null;
  let name = '';
  if ((flags & MAP_ANONYMOUS) === 0) {
    const f = t.files.get(fd);
    if (!f) return -EBADF;
    if (!f.readable) return -EACCES;
    if (type === MAP_SHARED && (prot & PROT_WRITE) && !f.writable) return -EACCES;
    // A private file mapping: a snapshot of the file's bytes, copied in page by page on fault.
    // (MAP_SHARED file mappings are read at mmap time too: writes do not reach the file.)
    const buf = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const n = f.pread(buf.subarray(got), off + got);
      if (n < 0) { if (got === 0) return n; break; }
      if (n === 0) break;
      got += n;
    }
    // Keep the file's bytes to the end of its last page: the pages after it are past the end of
    // the file, and touching one is SIGBUS, as in Linux.
    contents = buf.subarray(0, Math.ceil(got / 4096) * 4096);
    flags |= VM_FILE_END;
    name = f.path;
  }
  let start: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (!PAGE_MASK_OK(addr) || addr < 0 || addr + size > USER_END) return -EINVAL;
    if ((flags & MAP_FIXED_NOREPLACE) && mm.overlaps(addr, addr + size)) return -EEXIST;
    start = addr;
  } else if (addr > 0 && PAGE_MASK_OK(addr) && addr + size <= USER_END && !mm.overlaps(addr, addr + size)) {
    start = addr; // the hint is free: use it
  } else {
    start = mm.findFree(size);
    if (start < 0) return -ENOMEM;
  }
  mm.insert(new Vma(start, start + size, prot & (PROT_READ | PROT_WRITE | PROT_EXEC), flags, contents, 0, name), flush(k));
  return start;
}

defineSyscall('sys_munmap', (k, t, addr, len) => {
  if (!PAGE_MASK_OK(addr) || len <= 0 || addr < 0) return -EINVAL;
  t.mm.unmapRange(addr, addr + pageUp(len), flush(k));
  return 0;
});

defineSyscall('sys_mprotect', (k, t, addr, len, prot) => {
  if (!PAGE_MASK_OK(addr) || addr < 0) return -EINVAL;
  if (len === 0) return 0;
  if ((prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | 0x01000000 | 0x02000000)) !== 0) return -EINVAL;
  // A mapping that may never be written ([vvar], [vdso]) refuses PROT_WRITE (mprotect_fixup's VM_MAYWRITE test).
  if (prot & PROT_WRITE) {
    for (let a = addr; a < addr + pageUp(len); a += 4096) if ((t.mm.find(a)?.flags ?? 0) & VM_NO_MAYWRITE) return -EACCES;
  }
  return t.mm.protect(addr, addr + pageUp(len), prot & 7, flush(k)) ? 0 : -ENOMEM;
});

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
defineSyscall('sys_mremap', (k, t, oldAddr, oldLen, newLen, flags, newAddr) => {
  const mm = t.mm;
  if (!PAGE_MASK_OK(oldAddr) || newLen <= 0) return -EINVAL;
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | 4)) return -EINVAL;
  const oldSize = pageUp(oldLen), newSize = pageUp(newLen);
  const v = mm.find(oldAddr);
  if (!v || v.start > oldAddr || oldAddr + oldSize > v.end) return -EFAULT;
  if (newSize <= oldSize) {
    if (newSize < oldSize) mm.unmapRange(oldAddr + newSize, oldAddr + oldSize, flush(k));
    return oldAddr;
  }
  // Grow in place if the following range is free.
  if (oldAddr + oldSize === v.end && !mm.overlaps(v.end, oldAddr + newSize)) {
    v.end = oldAddr + newSize;
    if (v.file && v.file.length < v.end - v.start) {
      const f = new Uint8Array(v.end - v.start);
      f.set(v.file);
      v.file = f;
    }
    return oldAddr;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  // Move: copy the pages' contents into a new anonymous mapping.
  const dest = flags & MREMAP_FIXED ? newAddr : mm.findFree(newSize);
  if (dest < 0) return -ENOMEM;
  const data = t.um.read(oldAddr, oldSize);
  if (!data) return -EFAULT;
  const nv = new Vma(dest, dest + newSize, v.prot, v.flags, null, 0, v.name);
  mm.insert(nv, flush(k));
  if (!t.um.write(dest, data)) return -EFAULT;
  mm.unmapRange(oldAddr, oldAddr + oldSize, flush(k));
  return dest;
});

const MADV_DONTNEED = 4;
defineSyscall('sys_madvise', (k, t, addr, len, advice) => {
  if (!PAGE_MASK_OK(addr)) return -EINVAL;
  if (advice === MADV_DONTNEED) {
    // Private anonymous pages read back as zero afterwards: drop them (they fault in fresh).
    for (let a = addr; a < addr + pageUp(len); a += PAGE) {
      const v = t.mm.find(a);
      if (!v || v.file) continue;
      const pa = t.mm.pt.unmap(a);
      if (pa >= 0) { t.mm.frames.release(pa); k.cpu.mem.flushPage(a); }
    }
  }
  return 0;
});
