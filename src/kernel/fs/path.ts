// Guest path names: copying one in from user memory (Linux's getname), the lexical helpers
// the walk in namei.ts uses, and the file-type bits of st_mode.
//
// Guest paths are absolute, '/'-separated, without "." or ".." or repeated slashes once a walk
// has produced them; they name objects in the guest's namespace, whose "/" is the --root
// directory. Names are decoded as UTF-8 (what Node's fs speaks); NAME_MAX and PATH_MAX count
// bytes, as Linux does.

import type { Task } from '../process/task.js';
import { EFAULT, ENAMETOOLONG } from '../errno.js';

export const PATH_MAX = 4096, NAME_MAX = 255;
export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000, S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;
export const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;
// d_type values (include/linux/fs_types.h).
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;

export const isDir = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR;
export const isLink = (mode: number): boolean => (mode & S_IFMT) === S_IFLNK;
export const isReg = (mode: number): boolean => (mode & S_IFMT) === S_IFREG;
/** d_type from st_mode: the file-type bits shifted down (fs_umode_to_dtype). */
export const dtype = (mode: number): number => (mode & S_IFMT) >>> 12;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function byteLength(s: string): number {
  return encoder.encode(s).length;
}

/**
 * Copy a path from user memory (strncpy_from_user into a PATH_MAX buffer): the string, or
 * -EFAULT for a bad pointer, -ENAMETOOLONG when no NUL comes within PATH_MAX bytes. The empty
 * string is returned as is: callers decide between -ENOENT and AT_EMPTY_PATH.
 */
export function getname(t: Task, addr: number): string | number {
  const um = t.um;
  const ram = um.mmu.ram;
  const bytes = new Uint8Array(PATH_MAX);
  let pa = -1;
  for (let k = 0; k < PATH_MAX; k++) {
    // One translation per page; within a page the bytes are contiguous in physical memory.
    if (pa < 0 || ((addr + k) & 0xfff) === 0) {
      pa = um.phys(addr + k, false);
      if (pa < 0) return -EFAULT;
    } else pa++;
    const b = ram[pa];
    if (b === 0) return decoder.decode(bytes.subarray(0, k));
    bytes[k] = b;
  }
  return -ENAMETOOLONG;
}

/** The directory part of a guest path ("/" for "/" and for top-level names). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The last component of a guest path ("" for "/"). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** Lexical normalization: ".", ".." and repeated slashes removed, ".." stopping at "/". */
export function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** Is `path` (normalized) `dir` itself or inside it? */
export function isWithin(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir + '/');
}
