// signalfd (fs/signalfd.c): a file whose reads take pending signals of a mask from the reading
// thread (its own and its group's), as struct signalfd_siginfo records of 128 bytes, and which
// polls readable while such a signal is pending. The signals are normally blocked, so their
// arrival wakes nobody through signal_wake_up: sending wakes the signalfd queue instead.

import type { HostStat } from '../host.js';
import type { Kernel } from '../kernel.js';
import { defineSyscall } from '../syscalls/registry.js';
import { File, O_NONBLOCK, O_CLOEXEC, O_RDWR, POLLIN } from '../fs/file.js';
import { EAGAIN, EBADF, EFAULT, EINVAL } from '../errno.js';
import type { WaitQueue } from '../sched/wait.js';
import { dequeueSignal, pendingSet, recalcSigpending, bit, signalfdWait } from './send.js';
import { SIGKILL, SIGSTOP } from './signals.js';
import { sigInfoLayout, type SigInfo } from './siginfo.js';

const SIGNALFD_SIZE = 128;
/** An anonymous inode's device (anon_inodefs); the ino is shared by every anon file, as in Linux. */
const ANON_DEV = 13, ANON_INO = 1;


export class SignalFd extends File {
  constructor(readonly k: Kernel, public mask: bigint, flags: number) {
    super(O_RDWR | flags, 'anon_inode:[signalfd]');
  }
  override read(buf: Uint8Array): number {
    if (buf.length < SIGNALFD_SIZE) return -EINVAL;
    const t = this.k.current!;
    let n = 0;
    while (n + SIGNALFD_SIZE <= buf.length) {
      const info = dequeueSignal(t, ~this.mask);
      if (!info) break;
      buf.set(encodeSignalfdSiginfo(info), n);
      n += SIGNALFD_SIZE;
    }
    if (n) recalcSigpending(this.k, t);
    return n || -EAGAIN;
  }
  override poll(): number {
    const t = this.k.current;
    return t && (pendingSet(t) & this.mask) !== 0n ? POLLIN : 0;
  }
  override waitQueue(forWrite: boolean): WaitQueue | null {
    return forWrite ? null : signalfdWait;
  }
  override stat(): HostStat {
    return { dev: ANON_DEV, ino: ANON_INO, mode: 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0, mtimeNs: 0, ctimeNs: 0 };
  }
}

/** struct signalfd_siginfo: the siginfo's fields flattened, each in its own slot. */
function encodeSignalfdSiginfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGNALFD_SIZE);
  const dv = new DataView(b.buffer);
  const q = (off: number, v: number | undefined): void => { if (v !== undefined) dv.setBigUint64(off, BigInt.asUintN(64, BigInt(Math.trunc(v))), true); };
  dv.setUint32(0, info.signo, true);
  dv.setInt32(4, info.errno, true);
  dv.setInt32(8, info.code, true);
  const layout = sigInfoLayout(info.signo, info.code);
  if (layout === 'kill' || layout === 'rt' || layout === 'chld') {
    dv.setUint32(12, (info.pid ?? 0) >>> 0, true);
    dv.setUint32(16, (info.uid ?? 0) >>> 0, true);
  }
  if (layout === 'rt' || layout === 'timer') {
    const v = info.value ?? 0n;
    dv.setInt32(44, Number(BigInt.asIntN(32, v)), true);
    dv.setBigUint64(48, BigInt.asUintN(64, v), true);
  }
  if (layout === 'timer') { dv.setUint32(24, (info.tid ?? 0) >>> 0, true); dv.setUint32(32, (info.overrun ?? 0) >>> 0, true); }
  if (layout === 'chld') { dv.setInt32(40, info.status ?? 0, true); q(56, info.utime); q(64, info.stime); }
  if (layout === 'fault') { q(72, info.addr); dv.setUint16(80, info.addrLsb ?? 0, true); }
  if (layout === 'poll') { dv.setUint32(28, (info.band ?? 0) >>> 0, true); dv.setInt32(20, info.fd ?? 0, true); }
  if (layout === 'sys') { dv.setInt32(84, info.syscall ?? 0, true); q(88, info.callAddr); dv.setUint32(96, (info.arch ?? 0) >>> 0, true); }
  return b;
}

function signalfd(k: Kernel, ufd: number, umask: number, sizemask: number, flags: number): number {
  const t = k.current!;
  if (sizemask !== 8) return -EINVAL;
  if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -EINVAL;
  const m = t.um.readU64(umask);
  if (m === null) return -EFAULT;
  // SIGKILL and SIGSTOP cannot be taken by a signalfd.
  const mask = m & ~(bit(SIGKILL) | bit(SIGSTOP));
  if ((ufd | 0) === -1) return t.files.install(new SignalFd(k, mask, flags & O_NONBLOCK), (flags & O_CLOEXEC) !== 0);
  const f = t.files.get(ufd | 0);
  if (!f) return -EBADF;
  if (!(f instanceof SignalFd)) return -EINVAL;
  f.mask = mask;
  signalfdWait.wake();
  return ufd | 0;
}

defineSyscall('sys_signalfd4', (k, _t, fd, mask, sizemask, flags) => signalfd(k, fd, mask, sizemask, flags));
defineSyscall('sys_signalfd', (k, _t, fd, mask, sizemask) => signalfd(k, fd, mask, sizemask, 0));
