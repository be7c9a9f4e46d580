// seccomp(2) and the prctl options that belong to it (kernel/seccomp.c do_seccomp,
// prctl_set_seccomp, prctl_get_seccomp; kernel/sys.c PR_SET/GET_NO_NEW_PRIVS).

import { defineSyscall } from '../syscalls/registry.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { EACCES, EFAULT, EINVAL, EOPNOTSUPP } from '../errno.js';
import { BPF_MAXINSNS, SOCK_FILTER_SIZE, SECCOMP_DATA_SIZE, checkFilter, decodeProgram } from './bpf.js';
import {
  SECCOMP_MODE_DISABLED, SECCOMP_MODE_STRICT, SECCOMP_MODE_FILTER, assignMode, attachFilter,
  SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
  SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO, SECCOMP_RET_USER_NOTIF,
  SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW,
} from './filter.js';

// seccomp(2) operations (uapi/linux/seccomp.h).
export const SECCOMP_SET_MODE_STRICT = 0, SECCOMP_SET_MODE_FILTER = 1, SECCOMP_GET_ACTION_AVAIL = 2,
  SECCOMP_GET_NOTIF_SIZES = 3;
// prctl options (uapi/linux/prctl.h).
export const PR_GET_SECCOMP = 21, PR_SET_SECCOMP = 22, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;

/**
 * The flags ringside accepts. SECCOMP_FILTER_FLAG_NEW_LISTENER (and WAIT_KILLABLE_RECV, which
 * needs it) are left out: there is no user-notification listener fd, so they get EINVAL as
 * from a kernel that does not know them.
 */
const FLAG_MASK = SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH;

const ACTIONS_AVAIL = new Set([SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO,
  SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW]);

/** Installing a filter needs no_new_privs or CAP_SYS_ADMIN (ringside: euid 0 has every capability). */
function mayInstallFilter(t: Task): boolean {
  return t.noNewPrivs || t.creds.euid === 0;
}

/** seccomp_may_assign_mode(): a task in one mode cannot move to the other. */
function mayAssignMode(t: Task, mode: number): boolean {
  return t.seccompMode === SECCOMP_MODE_DISABLED || t.seccompMode === mode;
}

/**
 * seccomp_prepare_user_filter() + seccomp_prepare_filter() + bpf_prog_create_from_user(): read
 * struct sock_fprog { u16 len; struct sock_filter *filter; }, check the length, the privilege,
 * then copy and check the program. Returns the program or a negative errno.
 */
function prepareFilter(t: Task, uargs: number): ReturnType<typeof decodeProgram> | number {
  const fprog = t.um.read(uargs, 16);
  if (!fprog) return -EFAULT;
  const dv = new DataView(fprog.buffer, fprog.byteOffset, 16);
  const len = dv.getUint16(0, true);
  const ptr = Number(dv.getBigInt64(8, true));
  if (len === 0 || len > BPF_MAXINSNS) return -EINVAL;
  if (!mayInstallFilter(t)) return -EACCES;
  if (ptr === 0) return -EINVAL; // bpf_check_basics_ok
  const bytes = t.um.read(ptr, len * SOCK_FILTER_SIZE);
  if (!bytes) return -EFAULT;
  const prog = decodeProgram(bytes, len);
  const err = checkFilter(prog);
  return err !== 0 ? err : prog;
}

function setModeFilter(k: Kernel, t: Task, flags: number, uargs: number): number {
  if ((flags >>> 0) & ~FLAG_MASK) return -EINVAL;
  const prog = prepareFilter(t, uargs);
  if (typeof prog === 'number') return prog;
  if (!mayAssignMode(t, SECCOMP_MODE_FILTER)) return -EINVAL;
  const r = attachFilter(k, t, prog, flags);
  if (r !== 0) return r;
  assignMode(k, t, SECCOMP_MODE_FILTER);
  return 0;
}

/** do_seccomp(): the common entry of seccomp(2) and prctl(PR_SET_SECCOMP). */
export function doSeccomp(k: Kernel, t: Task, op: number, flags: number, uargs: number): number {
  switch (op >>> 0) {
    case SECCOMP_SET_MODE_STRICT:
      if (flags !== 0 || uargs !== 0) return -EINVAL;
      if (!mayAssignMode(t, SECCOMP_MODE_STRICT)) return -EINVAL;
      // Linux also sets TIF_NOTSC here (RDTSC faults in strict mode); ringside leaves TSC readable.
      assignMode(k, t, SECCOMP_MODE_STRICT);
      return 0;
    case SECCOMP_SET_MODE_FILTER:
      return setModeFilter(k, t, flags, uargs);
    case SECCOMP_GET_ACTION_AVAIL: {
      if (flags !== 0) return -EINVAL;
      const action = t.um.readU32(uargs);
      if (action === null) return -EFAULT;
      return ACTIONS_AVAIL.has(action >>> 0) ? 0 : -EOPNOTSUPP;
    }
    case SECCOMP_GET_NOTIF_SIZES: {
      if (flags !== 0) return -EINVAL;
      // struct seccomp_notif_sizes { u16 seccomp_notif (80), seccomp_notif_resp (24), seccomp_data (64) }.
      const b = new Uint8Array(6);
      const dv = new DataView(b.buffer);
      dv.setUint16(0, 80, true);
      dv.setUint16(2, 24, true);
      dv.setUint16(4, SECCOMP_DATA_SIZE, true);
      return t.um.write(uargs, b) ? 0 : -EFAULT;
    }
    default:
      return -EINVAL;
  }
}

defineSyscall('sys_seccomp', (k, t, op, flags, uargs) => doSeccomp(k, t, op, flags >>> 0, uargs));

/**
 * The prctl options seccomp and no_new_privs own; null for any other option (sys_prctl goes on).
 * PR_GET_SECCOMP is itself a system call: in strict mode it never gets here (the filter kills).
 */
export function seccompPrctl(k: Kernel, t: Task, option: number, a2: number, a3: number, a4: number, a5: number): number | null {
  switch (option) {
    case PR_GET_SECCOMP:
      return t.seccompMode;
    case PR_SET_SECCOMP:
      // prctl_set_seccomp(): no flags; strict mode ignores the filter argument.
      if (a2 === SECCOMP_MODE_STRICT) return doSeccomp(k, t, SECCOMP_SET_MODE_STRICT, 0, 0);
      if (a2 === SECCOMP_MODE_FILTER) return doSeccomp(k, t, SECCOMP_SET_MODE_FILTER, 0, a3);
      return -EINVAL;
    case PR_SET_NO_NEW_PRIVS:
      // Once set it cannot be cleared: inherited by fork, kept across execve.
      if (a2 !== 1 || a3 || a4 || a5) return -EINVAL;
      t.noNewPrivs = true;
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      if (a2 || a3 || a4 || a5) return -EINVAL;
      return t.noNewPrivs ? 1 : 0;
    default:
      return null;
  }
}
