// Comparing ringside's --trace=syscall with what strace 6.1 prints for the same program run
// natively (`strace -f -q -o FILE`, which puts the pid in front of every line).
//
// What the comparison normalises, and why each difference is legitimate:
// - Interleaving. Processes and threads run concurrently on the host and one at a time on the
//   emulated CPU, so lines of different tasks interleave differently; each task's lines are
//   compared as their own sequence. strace's "name(args <unfinished ...>" and
//   "<... name resumed>rest" halves (a blocking call cut by another task's line) are joined
//   into one line first; ringside prints such a call whole, at its end.
// - Pids. Tasks are named by how they were created: the first task is "P", the n-th child its
//   parent's clone/fork/vfork returned is "P.n" (its lines come from the pid that call
//   returned). Pid values in results and arguments become those names.
// - Addresses. Stack, heap (brk) and mmap addresses depend on ASLR and on the size of the
//   initial stack: every hex number of 0x10000 or more becomes "0x…". Small hex values
//   (flags shown as numbers) stay.
// - The first execve's environment pointer, bytes from getrandom, times (si_utime/si_stime,
//   the counter a busy loop had reached when a timer signal interrupted it) and the column
//   padding before " = ".
// - Calls whose number depends on the host's scheduling: futex (lock contention) and
//   sched_yield, only where a test asks for it (the threads guest).

export interface TaskTrace { name: string; lines: string[] }

const RESUMED = /^<\.\.\. ([a-z0-9_]+) resumed>(.*)$/;
const UNFINISHED = ' <unfinished ...>';
const CREATORS = /^(clone|clone3|fork|vfork)\(.*\)\s*= (\d+)$/;

/** Split a trace into per-task line lists, pid → lines, joining unfinished/resumed halves. */
function byPid(entries: [number, string][]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const pending = new Map<number, string>();
  for (const [pid, raw] of entries) {
    let line = raw;
    if (!out.has(pid)) out.set(pid, []);
    if (line.endsWith(UNFINISHED)) { pending.set(pid, line.slice(0, -UNFINISHED.length)); continue; }
    const m = RESUMED.exec(line);
    if (m) {
      const head = pending.get(pid);
      pending.delete(pid);
      line = (head ?? `${m[1]}(`) + m[2];
    }
    out.get(pid)!.push(line);
  }
  for (const [pid, head] of pending) out.get(pid)!.push(head + UNFINISHED);
  return out;
}

/** strace -o FILE -f: "PID<spaces>text". */
export function parseStrace(text: string): { root: number; tasks: Map<number, string[]> } {
  const entries: [number, string][] = [];
  for (const l of text.split('\n')) {
    const m = /^(\d+) +(.*)$/.exec(l);
    if (m) entries.push([Number(m[1]), m[2]]);
  }
  return { root: entries.length ? entries[0][0] : 0, tasks: byPid(entries) };
}

/**
 * ringside's trace: strace's stderr form, "[pid N] text" while more than one task is traced
 * and bare text while only one is. A bare line belongs to the one task still alive.
 */
export function parseRingside(lines: string[], rootPid: number): { root: number; tasks: Map<number, string[]> } {
  const entries: [number, string][] = [];
  const live = new Set<number>([rootPid]), ended = new Set<number>();
  let last = rootPid;
  for (const l of lines) {
    const m = /^\[pid +(\d+)\] (.*)$/.exec(l);
    let pid: number, text: string;
    if (m) { pid = Number(m[1]); text = m[2]; if (!ended.has(pid)) live.add(pid); } else {
      text = l;
      pid = live.size === 1 ? [...live][0] : last;
    }
    entries.push([pid, text]);
    last = pid;
    const c = CREATORS.exec(text);
    // A creating call's line can come after its child has ended (ringside prints a call whole).
    if (c && !ended.has(Number(c[2]))) live.add(Number(c[2]));
    if (/^\+\+\+ (exited with|killed by) /.test(text)) { live.delete(pid); ended.add(pid); }
  }
  return { root: rootPid, tasks: byPid(entries) };
}

/** Name every task after its creator and normalise the lines (see the top of the file). */
export interface NormaliseOptions {
  /** Calls left out (their number depends on the host's scheduling). */
  dropCalls?: string[];
  /** Extra replacements for what a particular guest reads from its environment. */
  replace?: [RegExp, string | ((...m: string[]) => string)][];
  /**
   * Leave out the SIGCHLD lines: for a tracer whose tracees run at the same time as each other
   * on the host, where each stop's or exit's SIGCHLD lands and which ones coalesce (SIGCHLD is
   * pending at most once) is the host's timing.
   */
  dropSigchld?: boolean;
}

export function normalise(trace: { root: number; tasks: Map<number, string[]> }, opts: NormaliseOptions = {}): TaskTrace[] {
  const names = new Map<number, string>([[trace.root, 'P']]);
  const order: number[] = [trace.root];
  for (let i = 0; i < order.length; i++) {
    const pid = order[i];
    let n = 0;
    for (const l of trace.tasks.get(pid) ?? []) {
      const c = CREATORS.exec(l);
      if (!c) continue;
      const child = Number(c[2]);
      names.set(child, `${names.get(pid)}.${++n}`);
      order.push(child);
    }
  }
  // A fork event's message names the new pid (the tracer's own lines are all a first-process
  // comparison sees of it): named before the lines are rewritten, since its SIGCHLD may come first.
  for (const pid of order) {
    let fork = false, n = 0;
    for (const l of trace.tasks.get(pid) ?? []) {
      if (l.startsWith('wait4(')) fork = /\|PTRACE_EVENT_(FORK|VFORK|CLONE)<<16\]/.test(l);
      const m = fork ? /^ptrace\(PTRACE_GETEVENTMSG, \d+, NULL, \[(\d+)\]\)/.exec(l) : null;
      if (m && !names.has(Number(m[1]))) names.set(Number(m[1]), `${names.get(pid)}.e${++n}`);
    }
  }
  const pidName = (s: string): string => names.get(Number(s)) ?? (Number(s) > 0 ? 'PID?' : s);
  const drop = new Set(opts.dropCalls ?? []);
  const out: TaskTrace[] = [];
  for (const pid of order) {
    const lines: string[] = [], async: string[] = [];
    let forkEvent = false, pidCall = false;
    for (let l of trace.tasks.get(pid) ?? []) {
      // strace -q leaves out the personality lines ringside prints like strace without -q.
      if (/^\[ Process PID=\d+ runs in (32|64) bit mode\. \]$/.test(l)) continue;
      const call = /^([a-z0-9_]+)\(/.exec(l)?.[1];
      if (call !== undefined && drop.has(call)) continue;
      l = l.replace(/\)\s+= /, ') = ');
      // A call its task died in: strace writes " <unfinished ...>" or not depending on whether
      // another task's line came in between.
      l = l.replace(/ <unfinished \.\.\.>\) = \?$/, ') = ?');
      // What the standard descriptors are (a pipe, a socket, a capture file) is the harness's choice.
      l = l.replace(/^(newfstatat\([012], "", |fstat\([012], )\{[^}]*\}/, '$1{…}');
      if (call === 'execve' && lines.length === 0) l = l.replace(/\], 0x[0-9a-f]+ \/\*/, '], 0x… /*');
      if (call === 'getrandom') l = l.replace(/^getrandom\(.*, (\d+), (\w+)\) = /, 'getrandom("…", $1, $2) = ');
      if (call && /^(getpid|gettid|set_tid_address|clone|clone3|fork|vfork|wait4|waitid)$/.test(call)) {
        l = l.replace(/ = (\d+)$/, (_, p: string) => ` = ${pidName(p)}`);
      }
      if (call === 'getppid') l = l.replace(/ = \d+$/, ' = PPID');
      if (call && /^(kill|tkill|wait4|tgkill|setpgid|getpgid|getsid|sched_setaffinity|sched_getaffinity|prlimit64|rt_sigqueueinfo|rt_tgsigqueueinfo|pidfd_open)$/.test(call)) {
        l = l.replace(/^([a-z0-9_]+)\((\d+)/, (_, c: string, p: string) => `${c}(${p === '0' ? '0' : pidName(p)}`);
        if (call === 'tgkill' || call === 'rt_tgsigqueueinfo') l = l.replace(/^(\w+\([^,]+, )(\d+)/, (_, h: string, p: string) => h + pidName(p));
      }
      if (call === 'ptrace') l = ptracePids(l, names, pidName, forkEvent, pidCall);
      // After these events the message is a pid: the new process's, or (exec) the tracee's former tid.
      if (call === 'wait4') forkEvent = /\|PTRACE_EVENT_(FORK|VFORK|CLONE|EXEC)<<16\]/.test(l);
      if (call === 'ptrace' && /PTRACE_SYSCALL_INFO_ENTRY/.test(l)) pidCall = /nr=__NR_(getpid|gettid|getppid|fork|vfork|clone|clone3)\b/.test(l);
      if (call === 'waitid') l = l.replace(/^waitid\(P_PID, (\d+)/, (_, p: string) => `waitid(P_PID, ${pidName(p)}`);
      // rt_sigreturn returns the interrupted rax: after an asynchronous signal, whatever the interrupted
      // code held there (in a busy loop, how far it had got): timing, not behaviour.
      if (call === 'rt_sigreturn') l = l.replace(/ = \d+$/, ' = N');
      l = l.replace(/si_pid=(\d+)/g, (_, p: string) => `si_pid=${pidName(p)}`);
      l = l.replace(/parent_tid=\[(\d+)\]/g, (_, p: string) => `parent_tid=[${pidName(p)}]`);
      // CPU times (strace adds " /* 0.04 s */" to a non-zero one) depend on the host's load.
      l = l.replace(/si_utime=\d+( \/\* [^*]* \*\/)?, si_stime=\d+( \/\* [^*]* \*\/)?/g, 'si_utime=…, si_stime=…');
      l = l.replace(/\{ru_utime=\{[^}]*\}, ru_stime=\{[^}]*\}/g, '{ru_utime=…, ru_stime=…');
      // MXCSR_MASK is the CPU model's (the emulated CPU's 0xffff, a host's 0x2ffff with AMD's MM bit).
      if (call === 'ptrace') l = l.replace(/mxcr_mask=0x[0-9a-f]+/, 'mxcr_mask=…');
      l = l.replace(/0x[0-9a-f]{5,}/g, '0x…');
      l = l.replace(/left \{tv_sec=\d+, (tv_usec|tv_nsec)=\d+\}/, 'left {…}');
      // Time left on an interrupted sleep or a running timer.
      if (call === 'nanosleep' || call === 'clock_nanosleep') l = l.replace(/(\}, )\{tv_sec=\d+, tv_nsec=\d+\}\) = \?/, '$1{…}) = ?');
      if (call === 'timer_gettime' || call === 'getitimer') l = l.replace(/it_value=\{tv_sec=\d+, tv_(n|u)sec=\d+\}/, 'it_value={…}');
      for (const [re, to] of opts.replace ?? []) l = l.replace(re, to as string);
      if (opts.dropSigchld && l.startsWith('--- SIGCHLD {')) continue;
      // A child's exit notice arrives whenever the child ends, which the host's scheduler decides:
      // the SIGCHLD lines are compared as a set, after the task's other lines.
      if (/^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_(EXITED|KILLED|DUMPED)/.test(l)) { async.push(l); continue; }
      // A stop's SIGCHLD reaches the tracer before its wait4 when the tracee stopped first (on
      // another CPU, or by wakeup preemption on one) and after it when the tracer was already
      // waiting: which one happened is the host's timing. Both become SIGCHLD, then wait4.
      if (/^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_(TRAPPED|STOPPED|CONTINUED)/.test(l) && lines.length
        && /^wait4\(/.test(lines[lines.length - 1])) { lines.splice(lines.length - 1, 0, l); continue; }
      lines.push(l);
    }
    // A stop's SIGCHLD says si_status=0 on the host when the tracer, on another CPU, reaped the
    // stop (wait_task_stopped clears exit_code) before the tracee's do_notify_parent_cldstop read
    // it: the status is then the one the wait4 after it reports.
    for (let i = 0; i + 1 < lines.length; i++) {
      const w = /^wait4\(.*WSTOPSIG\(s\) == (SIG[A-Z0-9_]+)/.exec(lines[i + 1]);
      if (w && /^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_TRAPPED, .*si_status=0,/.test(lines[i])) lines[i] = lines[i].replace('si_status=0,', `si_status=${w[1]},`);
    }
    lines.push(...async.sort());
    out.push({ name: names.get(pid)!, lines });
  }
  return out;
}

/**
 * Pids in a tracer's ptrace lines: the pid argument, a fork or exec event's message, a getpid-like call's result in PTRACE_GET_SYSCALL_INFO, and register values and
 * PEEK words that equal a known pid (hex, 0x100 and up: never a small constant).
 */
function ptracePids(l: string, names: Map<number, string>, pidName: (s: string) => string, forkEvent: boolean,
  pidCall: boolean): string {
  l = l.replace(/^ptrace\((PTRACE_\w+), (\d+)/, (_, r: string, p: string) => `ptrace(${r}, ${pidName(p)}`);
  if (forkEvent) l = l.replace(/^(ptrace\(PTRACE_GETEVENTMSG, [^,]+, NULL, \[)(\d+)\]/, (_, h: string, p: string) => `${h}${pidName(p)}]`);
  if (pidCall) l = l.replace(/exit=\{rval=(\d+)/, (_, p: string) => `exit={rval=${names.get(Number(p)) ?? p}`);
  return l.replace(/\b0x([0-9a-f]{3,})\b/g, (m: string, h: string) => {
    const v = parseInt(h, 16);
    return names.get(v) ?? m;
  });
}

/**
 * The differences, as "task: line n: ringside | strace" strings (empty when equal). After a
 * mismatch the comparison looks a few lines ahead on both sides for the point where the two
 * agree again, so one extra or missing line is reported once instead of shifting the rest.
 */
export function diffTraces(ringside: TaskTrace[], strace: TaskTrace[], max = 20): string[] {
  const diffs: string[] = [];
  const names = new Set([...ringside.map((t) => t.name), ...strace.map((t) => t.name)]);
  const AHEAD = 30;
  for (const name of names) {
    const a = ringside.find((t) => t.name === name)?.lines ?? [];
    const b = strace.find((t) => t.name === name)?.lines ?? [];
    let i = 0, j = 0;
    while ((i < a.length || j < b.length) && diffs.length < max) {
      if (i < a.length && j < b.length && a[i] === b[j]) { i++; j++; continue; }
      // Resynchronise: the nearest (di, dj) with a[i+di] === b[j+dj] and a few equal lines after.
      let best: [number, number] | null = null;
      for (let d = 1; d <= AHEAD && !best; d++) {
        for (let di = 0; di <= d && !best; di++) {
          const dj = d - di;
          if (i + di < a.length && j + dj < b.length && a[i + di] === b[j + dj] && a[i + di + 1] === b[j + dj + 1]) best = [di, dj];
        }
      }
      const [di, dj] = best ?? [Math.min(1, a.length - i), Math.min(1, b.length - j)];
      const ra = a.slice(i, i + di), rb = b.slice(j, j + dj);
      diffs.push(`${name}: line ${i + 1}:\n${ra.map((l) => `  ringside: ${l}`).join('\n') || '  ringside: (none)'}\n${rb.map((l) => `  strace:   ${l}`).join('\n') || '  strace:   (none)'}`);
      i += di; j += dj;
    }
  }
  return diffs;
}
