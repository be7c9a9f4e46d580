// Terminal ioctls (drivers/tty/tty_io.c, tty_ioctl.c). The guest's terminal is the host's, but
// its settings are the guest's own: each terminal keeps a copy of struct termios that TCSETS*
// change and TCGETS reads back, so a program switching to raw mode never changes the host's
// terminal. The foreground process group (TIOCGPGRP/TIOCSPGRP) and a window size set with
// TIOCSWINSZ live there too.

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import type { File } from './file.js';
import { EFAULT, EINVAL, ENOTTY, EPERM, ESRCH } from '../errno.js';

export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409, TCXONC = 0x540a;
export const TCFLSH = 0x540b, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;
export const TIOCGSID = 0x5429;
/** sizeof(struct termios) in the kernel ABI: four tcflag_t, c_line, c_cc[NCCS = 19]. */
export const TERMIOS_SIZE = 36;

export class Terminal {
  readonly termios = new Uint8Array(TERMIOS_SIZE);
  /** Foreground process group; 0 until first asked (then the asker's session). */
  pgrp = 0;
  winsize: { rows: number; cols: number } | null = null;
  constructor() {
    // A cooked terminal, as a login shell leaves it: ICRNL|IXON; OPOST|ONLCR; B38400|CS8|CREAD;
    // ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE; and the usual control characters
    // (^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V).
    const dv = new DataView(this.termios.buffer);
    dv.setUint32(0, 0x500, true);
    dv.setUint32(4, 0x5, true);
    dv.setUint32(8, 0xbf, true);
    dv.setUint32(12, 0x8a3b, true);
    this.termios.set([3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0], 17);
  }
}

const TERMINALS = new WeakMap<Kernel, Map<number, Terminal>>();

/** The terminal a file refers to (keyed by the device number, so fds 0-2 share one), or null. */
export function terminalOf(k: Kernel, f: File): Terminal | null {
  if (!f.isatty()) return null;
  const st = f.stat();
  const key = typeof st === 'number' ? -1 : st.rdev;
  let m = TERMINALS.get(k);
  if (!m) { m = new Map(); TERMINALS.set(k, m); }
  let term = m.get(key);
  if (!term) { term = new Terminal(); m.set(key, term); }
  return term;
}

/** A terminal ioctl, or null when `cmd` is not one (the caller goes on to the generic ones). */
export function ttyIoctl(k: Kernel, t: Task, f: File, cmd: number, arg: number): number | null {
  switch (cmd) {
    case TCGETS: case TCSETS: case TCSETSW: case TCSETSF: case TCSBRK: case TCXONC: case TCFLSH:
    case TIOCGPGRP: case TIOCSPGRP: case TIOCGWINSZ: case TIOCSWINSZ: case TIOCGSID:
      break;
    default:
      return null;
  }
  const term = terminalOf(k, f);
  if (!term) return -ENOTTY;
  if (term.pgrp === 0) term.pgrp = t.sid;
  switch (cmd) {
    case TCGETS:
      return t.um.write(arg, term.termios) ? 0 : -EFAULT;
    case TCSETS: case TCSETSW: case TCSETSF: {
      // TCSETSW waits for output to drain and TCSETSF also drops pending input: the host's
      // output is written synchronously, and the host's input is not ours to discard.
      const b = t.um.read(arg, TERMIOS_SIZE);
      if (!b) return -EFAULT;
      term.termios.set(b);
      return 0;
    }
    case TCSBRK: case TCXONC:
      return 0;
    case TCFLSH:
      return arg >= 0 && arg <= 2 ? 0 : -EINVAL;
    case TIOCGWINSZ: {
      const ws = term.winsize ?? f.winsize() ?? { rows: 24, cols: 80 };
      const b = new Uint8Array(8);
      const dv = new DataView(b.buffer);
      dv.setUint16(0, ws.rows, true);
      dv.setUint16(2, ws.cols, true);
      return t.um.write(arg, b) ? 0 : -EFAULT;
    }
    case TIOCSWINSZ: {
      const b = t.um.read(arg, 8);
      if (!b) return -EFAULT;
      const dv = new DataView(b.buffer);
      term.winsize = { rows: dv.getUint16(0, true), cols: dv.getUint16(2, true) };
      return 0;
    }
    case TIOCGPGRP:
      return t.um.writeU32(arg, term.pgrp) ? 0 : -EFAULT;
    case TIOCGSID:
      return t.um.writeU32(arg, t.sid) ? 0 : -EFAULT;
    case TIOCSPGRP: {
      // tiocspgrp: the group must exist (ESRCH) and belong to the caller's session (EPERM).
      const v = t.um.readU32(arg);
      if (v === null) return -EFAULT;
      const pgrp = v | 0;
      if (pgrp < 0) return -EINVAL;
      const members = [...k.tasks.values()].filter((p) => p.pgid === pgrp);
      if (members.length === 0) return -ESRCH;
      if (members[0].sid !== t.sid) return -EPERM;
      term.pgrp = pgrp;
      return 0;
    }
  }
  return -ENOTTY;
}
