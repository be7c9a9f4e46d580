// Changing user ids (kernel/sys.c setuid, setresuid; getresuid is in process/syscalls.ts). ringside has no capability
// sets: euid 0 stands for CAP_SETUID (and CAP_SYS_ADMIN, which seccomp asks about), so dropping
// root with setuid/setresuid drops them, as Linux's capability rules do on a uid change.

import { defineSyscall } from '../syscalls/registry.js';
import { EPERM } from '../errno.js';
import type { Task } from './task.js';

function privileged(t: Task): boolean {
  return t.creds.euid === 0;
}

defineSyscall('sys_setuid', (_k, t, uid) => {
  uid = uid >>> 0;
  const c = t.creds;
  // A privileged caller sets all three ids; others may only set euid to their real or saved uid.
  if (privileged(t)) { c.uid = c.euid = c.suid = uid; return 0; }
  if (uid !== c.uid && uid !== c.suid) return -EPERM;
  c.euid = uid;
  return 0;
});

defineSyscall('sys_setresuid', (_k, t, ruid, euid, suid) => {
  const c = t.creds;
  const want = [ruid >>> 0, euid >>> 0, suid >>> 0];
  const KEEP = 0xffffffff;
  // Unprivileged: each new id must be one of the current real, effective or saved uids.
  if (!privileged(t)) for (const u of want) if (u !== KEEP && u !== c.uid && u !== c.euid && u !== c.suid) return -EPERM;
  if (want[0] !== KEEP) c.uid = want[0];
  if (want[1] !== KEEP) c.euid = want[1];
  if (want[2] !== KEEP) c.suid = want[2];
  return 0;
});
