// --root for the ringside command: checking the directory, and reading the program from inside
// it (a guest path, walked by the kernel like any other, so its symlinks stay inside the root).

import fs from 'node:fs';
import type { Kernel } from '../kernel/kernel.js';
import { kernelReadFile } from '../kernel/fs/open.js';
import { ENOENT, ENOTDIR, EISDIR, ELOOP } from '../kernel/errno.js';

/** The canonical host path of a --root directory, or an error line. */
export function checkRoot(dir: string): { root: string } | { error: string } {
  try {
    const root = fs.realpathSync(dir);
    if (!fs.statSync(root).isDirectory()) return { error: `--root ${dir}: Not a directory` };
    return { root };
  } catch {
    return { error: `--root ${dir}: No such directory` };
  }
}

/** The program's bytes from inside the root, or an error line and the shell's status for it. */
export function readProgramInRoot(k: Kernel, prog: string): { bytes: Uint8Array } | { error: string; status: number } {
  const r = kernelReadFile(k, null, prog);
  if (typeof r !== 'number') return { bytes: r.bytes };
  if (r === -ENOENT || r === -ENOTDIR || r === -ELOOP) return { error: `${prog}: No such file or directory (inside --root)`, status: 127 };
  if (r === -EISDIR) return { error: `${prog}: Is a directory`, status: 126 };
  return { error: `${prog}: cannot read (errno ${-r})`, status: 126 };
}
