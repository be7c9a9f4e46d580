// `ringside --trace=syscall` against the host's strace 6.1 (`strace -f -q`) for the same static
// program: after the normalisation strace-compare.ts describes (interleaving, pids, addresses,
// times), every task's lines must be the same. Guests whose traces still differ for a known
// reason run as `todo` with that reason, so the test reports them without failing the suite;
// a guest whose source is not there yet is skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HAVE_STRACE, compareWithStrace } from './strace-run.js';
import { guestPath, GUEST_SRC } from '../guest/guests.js';
import { parseRingside, parseStrace, normalise, diffTraces } from './strace-compare.js';
import { formatCall, formatResult } from '../../src/trace/syscall-format.js';
import { sigsetValue, waitStatus, quote, flags, CLONE_FLAGS } from '../../src/trace/strace-structs.js';
import { splitArgs } from '../../src/trace/strace-log.js';
import type { NormaliseOptions } from './strace-compare.js';

const native = { skip: HAVE_STRACE ? false : 'needs strace on an x86-64 Linux host' };

interface Case { skipMusl?: string; guest: string; args?: string[]; opts?: NormaliseOptions; todo?: string; scratch?: boolean; rootOnly?: boolean }

// PF after `add $N, %rsp` (musl's raise epilogue, before the tracee's next stop) is the parity
// of the stack pointer's low byte: the stack's address, which ASLR picks. PF is left out of eflags
// and of r11 when it holds flags (SYSCALL saves RFLAGS there: the always-set bit 1, nothing above 0xfff).
const EFLAGS_NO_PF: [RegExp, (m: string, r: string, h: string) => string] = [/\b(eflags|r11)=0x([0-9a-f]{1,3})\b/g,
  (m, r, h) => ((parseInt(h, 16) & 2) === 0 ? m : `${r}=0x${(parseInt(h, 16) & ~4).toString(16)}`)];

const CASES: Case[] = [
  { guest: 'hello' },
  { guest: 'readfile', args: ['tests/guest/src/hello.c'] },
  { guest: 'fsops', scratch: true },
  {
    guest: 'pipes',
    opts: { replace: [[/pipe:\[\d+\]/g, 'pipe:[N]']] },
    todo: 'what /proc/self/{stat,maps,fd}, /proc/cpuinfo, /proc/meminfo and /dev/urandom contain differs from the host by nature',
  },
  {
    guest: 'forkexec', opts: { replace: [[/"ppid", "\d+"/, '"ppid", "N"']] },
    todo: 'timing: a WNOHANG poll loop runs more often, and SIGCHLDs coalesce, because children run to their end before the parent',
  },
  {
    guest: 'threads', opts: { dropCalls: ['futex', 'sched_yield'] },
    todo: 'timing: a sleep-poll loop and whether a thread has already exited when exit_group(3) runs',
  },
  {
    guest: 'signals',
    // mkstemp's random file name differs by nature.
    opts: { replace: [[/it_value=\{tv_sec=\d+, tv_usec=\d+\}\}\) = 0$/, 'it_value={…}}) = 0'], [/ringside-sigbus-\w{6}/g, 'ringside-sigbus-XXXXXX']] },
  },
  // seccomp.musl does not finish under the host's strace (its SECCOMP_RET_TRACE case waits for a tracer's answer).
  {
    guest: 'seccomp', skipMusl: 'seccomp.musl waits forever under strace',
    opts: {
      replace: [
        // /proc/self/status is longer on the host; thread ids sit in futex words and TSYNC's result.
        [/^(read\(3, "Name:\\tseccomp\.glibc\\n[^"]*"\.\.\., 65535\) = )\d+$/, '$1N'],
        [/(FUTEX_WAIT_BITSET\|FUTEX_CLOCK_REALTIME, )\d+/, '$1TID'],
        [/^(seccomp\(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, \{[^}]*\}\) = )[1-9]\d*$/, '$1TID'],
      ],
    },
  },
  // The ptrace guests trace their own children, which a process strace -f follows could not do
  // (its PTRACE_TRACEME fails): strace runs without -f and only the tracer's lines are compared.
  { guest: 'ptrace_strace', rootOnly: true },
  { guest: 'ptrace_sysret', rootOnly: true },
  { guest: 'ptrace_step', rootOnly: true, opts: { replace: [EFLAGS_NO_PF] } },
  {
    guest: 'ptrace_regs', rootOnly: true,
    opts: {
      // Its tracees (a child and the grandchild it forks, auto-attached) run at once on the host:
      // where their stops' and exits' SIGCHLDs land and which coalesce is timing (six runs, six
      // orders). The other three ptrace guests keep theirs.
      dropSigchld: true,
      replace: [
        // Only xmm0 is the guest's; the other registers hold what the C library's string functions
        // left there, and glibc picks those by CPUID (the emulated CPU's features are not the host's).
        [/(xmm_space=\[(?:[^,\]]+, ){4})[^\]]*\]/, '$1…]'],
        EFLAGS_NO_PF,
      ],
    },
  },
];

function guestSourceExists(name: string): boolean {
  return fs.existsSync(path.join(GUEST_SRC, `${name}.c`));
}

for (const c of CASES) {
  for (const libc of ['musl', 'glibc']) {
    const bin = guestPath(`${c.guest}.${libc}`);
    const missing = !guestSourceExists(c.guest) || !fs.existsSync(bin) ? `tests/guest/src/${c.guest}.c is not there yet` : false;
    test(`strace parity: ${c.guest}.${libc}`, { skip: native.skip || missing || (libc === 'musl' && c.skipMusl) || false, todo: c.todo }, () => {
      let args = c.args ?? [];
      let dir: string | null = null;
      if (c.scratch) { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-strace-')); args = [dir]; }
      const r = compareWithStrace(bin, args, { ...c.opts, rootOnly: c.rootOnly, between: dir ? () => { fs.rmSync(dir!, { recursive: true }); fs.mkdirSync(dir!, { mode: 0o700 }); } : undefined });
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      assert.ok(r.ringside.length > 3, 'ringside printed a trace');
      assert.deepEqual(r.diffs, [], `${r.diffs.length} differences:\n${r.diffs.slice(0, 10).join('\n')}`);
    });
  }
}

// The comparison itself: it must catch a real difference and forgive only what it says.
test('the comparison joins unfinished/resumed halves, names pids by creation, and sees a changed argument', () => {
  const strace = [
    '100   fork()                            = 101',
    '100   wait4(101,  <unfinished ...>',
    '101   write(1, "x", 1)                  = 1',
    '101   exit_group(0)                     = ?',
    '101   +++ exited with 0 +++',
    '100   <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 101',
    '100   --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101, si_uid=0, si_status=0, si_utime=1, si_stime=0} ---',
  ].join('\n');
  const ringside = [
    '[pid     2] write(1, "x", 1)            = 1',
    '[pid     2] exit_group(0)               = ?',
    '[pid     2] +++ exited with 0 +++',
    'fork()                                  = 2',
    '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---',
    'wait4(2, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 2',
  ];
  const a = normalise(parseRingside(ringside, 1)), b = normalise(parseStrace(strace));
  assert.deepEqual(diffTraces(a, b), []);
  assert.deepEqual(b.map((t) => t.name), ['P', 'P.1']);
  const changed = normalise(parseRingside(ringside.map((l) => l.replace('"x"', '"y"')), 1));
  assert.equal(diffTraces(changed, b).length, 1);
});

test('the comparison puts a stop\'s SIGCHLD before the wait4 that reaps it, and names a fork event\'s pid', () => {
  const a = normalise(parseStrace([
    '500 wait4(501, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|PTRACE_EVENT_FORK<<16], __WALL, NULL) = 501',
    '500 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_TRAPPED, si_pid=501, si_uid=0, si_status=0, si_utime=0, si_stime=1 /* 0.01 s */} ---',
    '500 ptrace(PTRACE_GETEVENTMSG, 501, NULL, [502]) = 0',
    '500 ptrace(PTRACE_CONT, 502, NULL, 0) = 0',
  ].join('\n')));
  assert.deepEqual(a[0].lines, [
    '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_TRAPPED, si_pid=PID?, si_uid=0, si_status=SIGTRAP, si_utime=…, si_stime=…} ---',
    'wait4(PID?, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|PTRACE_EVENT_FORK<<16], __WALL, NULL) = PID?',
    'ptrace(PTRACE_GETEVENTMSG, PID?, NULL, [P.e1]) = 0',
    'ptrace(PTRACE_CONT, P.e1, NULL, 0) = 0',
  ]);
});

test('decoders: signal sets, wait statuses, strings, clone flags, splitting a call', () => {
  assert.equal(sigsetValue(0, 0), '[]');
  assert.equal(sigsetValue(1 << 9, 1 << 1), '[USR1 RT_2]');          // SIGUSR1 = 10, signal 34 = RT_2
  assert.equal(sigsetValue(0xffffffff, 0xffffffff), '~[]');
  assert.equal(sigsetValue(~((1 << 8) | (1 << 18)) >>> 0, 0xffffffff), '~[KILL STOP]');
  assert.equal(sigsetValue(0x80000000, 1), '[RTMIN RT_1]');
  assert.equal(waitStatus(3 << 8, (n) => `SIG${n}`), '[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]');
  assert.equal(waitStatus(15, () => 'SIGTERM'), '[{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}]');
  assert.equal(waitStatus(0x137f, () => 'SIGSTOP'), '[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]');
  assert.equal(waitStatus(0xffff, () => ''), '[{WIFCONTINUED(s)}]');
  // ptrace stops, as strace 6.1 printed them for the ptrace guests.
  assert.equal(waitStatus(0x857f, () => 'SIGTRAP'), '[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP | 0x80}]');
  assert.equal(waitStatus(0x1057f, () => 'SIGTRAP'), '[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|PTRACE_EVENT_FORK<<16]');
  assert.equal(waitStatus(0x80057f, () => 'SIGTRAP'), '[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|PTRACE_EVENT_STOP<<16]');
  assert.equal(quote(new Uint8Array([0, 0, 0x31, 7, 0x0a])), '"\\0\\0001\\7\\n"');
  assert.equal(quote(new TextEncoder().encode('a'.repeat(40))), `"${'a'.repeat(32)}"...`);
  assert.equal(flags(0x1200000 | 0x100, CLONE_FLAGS), 'CLONE_VM|CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID');
  assert.equal(flags(0x80000000, [[0x80000000, 'SA_RESETHAND']]), 'SA_RESETHAND');
  assert.deepEqual(splitArgs('f({a=1, b=[2 3]}, "x,y", 4)').args, ['{a=1, b=[2 3]}', '"x,y"', '4']);
  assert.equal(formatResult('read', -512), '? ERESTARTSYS (To be restarted if SA_RESTART is set)');
  assert.equal(formatResult('nanosleep', -516), '? ERESTART_RESTARTBLOCK (Interrupted by signal)');
  assert.equal(formatResult('open', -2), '-1 ENOENT (No such file or directory)');
  assert.equal(formatResult('exit_group', 0), '?');
  assert.equal(typeof formatCall, 'function');
});
