// The kernel's character devices and the /dev directory that names them (drivers/char/mem.c,
// drivers/char/random.c, drivers/tty/tty_io.c for /dev/tty): null, zero, full, random,
// urandom and tty, plus the fd, stdin, stdout and stderr links into /proc/self/fd. /dev is the
// kernel's own, with or without --root, so these behave the same everywhere.

import type { HostStat } from '../host.js';
import type { Task } from '../process/task.js';
import type { Vfs } from './vfs.js';
import { File, fileFlags, SEEK_SET, SEEK_CUR, SEEK_END } from './file.js';
import { HostFile } from './hostfile.js';
import { PseudoFs, dirNode, linkNode, entriesOf, type VNode } from './pseudo.js';
import { S_IFCHR } from './path.js';
import { ENOSPC, ENXIO, EINVAL } from '../errno.js';

/** st_rdev as stat(2) encodes it (new_encode_dev): minor low byte, major, then minor's high bits. */
export function makedev(major: number, minor: number): number {
  return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12);
}

/** st_dev of /dev (a devtmpfs, 0:5) and of the files in it. */
export const DEVTMPFS_DEV = 5;

type DevKind = 'null' | 'zero' | 'full' | 'random' | 'urandom';

/** /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom. */
export class MemDevice extends File {
  constructor(flags: number, path: string, readonly kind: DevKind, readonly vfs: Vfs, readonly st: HostStat) {
    super(flags, path);
    this.named = true;
  }
  override read(buf: Uint8Array): number {
    switch (this.kind) {
      case 'null': return 0;
      case 'zero': case 'full': buf.fill(0); return buf.length;
      default: {
        // The host's random bytes, as getrandom(2) gives them; never short (urandom_read_iter).
        buf.set(this.vfs.host.randomBytes(buf.length));
        return buf.length;
      }
    }
  }
  override pread(buf: Uint8Array, _pos: number): number {
    return this.read(buf);
  }
  override write(data: Uint8Array): number {
    // /dev/full: every write fails for want of space; the others swallow everything (writes to
    // the random devices only stir the pool).
    return this.kind === 'full' ? -ENOSPC : data.length;
  }
  override pwrite(data: Uint8Array, _pos: number): number {
    return this.write(data);
  }
  override lseek(off: number, whence: number): number {
    // null_lseek / full_lseek: the position stays 0. The random devices do not move either.
    if (whence !== SEEK_SET && whence !== SEEK_CUR && whence !== SEEK_END) return -EINVAL;
    void off;
    return 0;
  }
  override stat(): HostStat | number {
    return this.st;
  }
}

const MEM_DEVICES: [DevKind, number, number][] = [['null', 3, 0o666], ['zero', 5, 0o666], ['full', 7, 0o666], ['random', 8, 0o666], ['urandom', 9, 0o666]];

export class DevFs extends PseudoFs {
  readonly name = 'dev';
  private readonly table: Record<string, VNode>;

  constructor(vfs: Vfs) {
    super(vfs, '/dev', DEVTMPFS_DEV);
    const table: Record<string, VNode> = {};
    let ino = 2;
    for (const [kind, minor, perm] of MEM_DEVICES) {
      const n: VNode = {
        type: S_IFCHR, perm, ino: ++ino, rdev: makedev(1, minor),
        open: (flags, path) => new MemDevice(fileFlags(flags), path, kind, vfs, this.statOf(n)),
      };
      table[kind] = n;
    }
    const tty: VNode = { type: S_IFCHR, perm: 0o666, ino: ++ino, rdev: makedev(5, 0), open: (flags, path) => this.openTty(flags, path) };
    table.tty = tty;
    table.fd = linkNode(++ino, () => '/proc/self/fd');
    table.stdin = linkNode(++ino, () => '/proc/self/fd/0');
    table.stdout = linkNode(++ino, () => '/proc/self/fd/1');
    table.stderr = linkNode(++ino, () => '/proc/self/fd/2');
    this.table = table;
  }

  rootNode(_t: Task | null): VNode {
    const table = this.table;
    return dirNode(1, 0o755, () => entriesOf(table), (name) => table[name] ?? null);
  }

  /**
   * /dev/tty is the process's controlling terminal: the host terminal on one of the standard
   * streams, if any. Without one, Linux's tty_open fails with ENXIO.
   */
  private openTty(flags: number, path: string): File | number {
    const host = this.vfs.host;
    for (let h = 0; h <= 2; h++) {
      if (host.isatty(h)) {
        const f = new HostFile(host, h, fileFlags(flags), path, false);
        f.named = true;
        return f;
      }
    }
    return -ENXIO;
  }
}
