// A minimal /proc (fs/proc): self, per-process directories (exe, cwd, root, fd/, maps, stat,
// statm, status, comm) and the machine-wide cpuinfo, meminfo, stat, uptime and version. The
// text formats are Linux's, so that C libraries and tools parse them; the values describe the
// emulated machine (src/cpu/cpuid.ts, the guest memory size), not the host.

import { vsyscallMapsLine } from '../vdso/vsyscall.js';
import type { Task } from '../process/task.js';
import { filterCount } from '../seccomp/filter.js';
import type { Vfs } from './vfs.js';
import type { File } from './file.js';
import { PseudoFs, dirNode, fileNode, linkNode, inoOf, entriesOf, type VNode } from './pseudo.js';
import { normalize, DT_DIR, DT_LNK } from './path.js';
import { cpuid } from '../../cpu/cpuid.js';
import { PAGE } from '../mm/pagetable.js';
import { MAP_SHARED, PROT_READ, PROT_WRITE, PROT_EXEC } from '../mm/mm.js';

/** st_dev of /proc (0:22). */
export const PROC_DEV = 22;
/** USER_HZ: the unit of the tick counts in /proc/PID/stat and /proc/stat. */
const USER_HZ = 100;
/** What uname(2) reports (src/kernel/process/syscalls.ts), repeated in /proc/version. */
const RELEASE = '6.19.0-ringside', VERSION = '#1 SMP PREEMPT_DYNAMIC ringside';

export class ProcFs extends PseudoFs {
  readonly name = 'proc';
  constructor(vfs: Vfs) {
    super(vfs, '/proc', PROC_DEV);
  }

  rootNode(t: Task | null): VNode {
    const k = this.vfs.k;
    const global: Record<string, VNode> = {
      cpuinfo: fileNode(inoOf('/proc/cpuinfo'), () => this.cpuinfo()),
      meminfo: fileNode(inoOf('/proc/meminfo'), () => this.meminfo()),
      stat: fileNode(inoOf('/proc/stat'), () => this.stat()),
      uptime: fileNode(inoOf('/proc/uptime'), () => this.uptime()),
      version: fileNode(inoOf('/proc/version'), () => `Linux version ${RELEASE} (ringside@ringside) (ringside) ${VERSION}\n`),
    };
    if (t) global.self = linkNode(inoOf('/proc/self'), () => String(t.tgid));
    const pids = (): number[] => [...k.tasks.values()].filter((p) => p.isLeader && p.state !== 'dead').map((p) => p.pid).sort((a, b) => a - b);
    return dirNode(1, 0o555,
      () => [...entriesOf(global), ...pids().map((p) => [String(p), DT_DIR] as [string, number])],
      (name) => {
        if (global[name]) return global[name];
        if (!/^[1-9][0-9]*$/.test(name)) return null;
        const p = k.tasks.get(Number(name));
        return p && p.isLeader && p.state !== 'dead' ? this.pidDir(p) : null;
      });
  }

  private pidDir(p: Task): VNode {
    const base = `/proc/${p.pid}`;
    const owner = { uid: p.creds.euid, gid: p.creds.egid };
    const table: Record<string, VNode> = {
      exe: linkNode(inoOf(base + '/exe'), () => this.exePath(p), owner),
      cwd: linkNode(inoOf(base + '/cwd'), () => p.cwd, owner),
      // The process's root is the guest's "/": following it never leaves --root.
      root: linkNode(inoOf(base + '/root'), () => '/', owner),
      fd: this.fdDir(p, base + '/fd', owner),
      maps: fileNode(inoOf(base + '/maps'), () => maps(p, vsyscallMapsLine(this.vfs.k)), owner),
      stat: fileNode(inoOf(base + '/stat'), () => this.pidStat(p), owner),
      statm: fileNode(inoOf(base + '/statm'), () => statm(p), owner),
      status: fileNode(inoOf(base + '/status'), () => this.status(p), owner),
      comm: fileNode(inoOf(base + '/comm'), () => p.comm + '\n', owner, 0o644),
    };
    return dirNode(inoOf(base), 0o555, () => entriesOf(table), (name) => table[name] ?? null, owner);
  }

  private fdDir(p: Task, base: string, owner: { uid: number; gid: number }): VNode {
    const fds = (): number[] => p.files.fds.flatMap((e, fd) => (e ? [fd] : []));
    const link = (fd: number): VNode | null => {
      const f = p.files.get(fd);
      if (!f) return null;
      return linkNode(inoOf(`${base}/${fd}`), () => f.path, owner, (): File | null => p.files.get(fd));
    };
    return dirNode(inoOf(base), 0o500, () => fds().map((fd) => [String(fd), DT_LNK] as [string, number]),
      (name) => (/^(0|[1-9][0-9]*)$/.test(name) ? link(Number(name)) : null), owner);
  }

  /** The executable's path made absolute against the cwd it was started from. */
  private exePath(p: Task): string {
    return p.exePath.startsWith('/') ? p.exePath : normalize(p.cwd + '/' + p.exePath);
  }

  private cpuinfo(): string {
    const vendor = this.vfs.k.opts.vendor;
    const [max, vb, vc, vd] = cpuid(vendor, 0, 0);
    const vendorId = [vb, vd, vc].map(str4).join('');
    const [sig, , ecx1, edx1] = cpuid(vendor, 1, 0);
    const [, , extEcx, extEdx] = cpuid(vendor, 0x80000001, 0);
    const [, ebx7] = cpuid(vendor, 7, 0);
    let brand = '';
    for (let leaf = 0x80000002; leaf <= 0x80000004; leaf++) brand += cpuid(vendor, leaf, 0).map(str4).join('');
    brand = brand.replace(/\0.*$/s, '').trim();
    const family = (sig >>> 8) & 0xf, model = ((sig >>> 4) & 0xf) | (((sig >>> 16) & 0xf) << 4), stepping = sig & 0xf;
    const [addr] = cpuid(vendor, 0x80000008, 0);
    // Flags in Linux's order: the cpufeature words 0 (1.EDX), 1 (0x80000001.EDX), 4 (1.ECX),
    // 6 (0x80000001.ECX), 9 (7.EBX).
    const flags = [...bitsNamed(edx1, LEAF1_EDX), ...bitsNamed(extEdx, EXT1_EDX), ...bitsNamed(ecx1, LEAF1_ECX),
      ...bitsNamed(extEcx, EXT1_ECX), ...bitsNamed(ebx7, LEAF7_EBX)];
    const mhz = (this.vfs.k.opts.cpuHz / 1e6).toFixed(3);
    const lines: [string, string][] = [
      ['processor', '0'], ['vendor_id', vendorId], ['cpu family', String(family)], ['model', String(model)],
      ['model name', brand], ['stepping', String(stepping)], ['cpu MHz', mhz], ['physical id', '0'], ['siblings', '1'],
      ['core id', '0'], ['cpu cores', '1'], ['apicid', '0'], ['initial apicid', '0'], ['fpu', edx1 & 1 ? 'yes' : 'no'],
      ['fpu_exception', edx1 & 1 ? 'yes' : 'no'], ['cpuid level', String(max)], ['wp', 'yes'], ['flags', flags.join(' ')],
      ['bugs', ''], ['bogomips', (this.vfs.k.opts.cpuHz / 1e6 * 2).toFixed(2)], ['clflush size', String(((cpuid(vendor, 1, 0)[1] >>> 8) & 0xff) * 8)],
      ['cache_alignment', '64'], ['address sizes', `${addr & 0xff} bits physical, ${(addr >>> 8) & 0xff} bits virtual`],
      ['power management', ''],
    ];
    // show_cpuinfo's layout: names shorter than a tab stop get two tabs, then ": " and the value
    // ("power management:" is written without a tab).
    return lines.map(([n, v]) => `${n}${n === 'power management' ? '' : n.length < 8 ? '\t\t' : '\t'}:${v === '' ? '' : ' ' + v}`).join('\n') + '\n\n';
  }

  private meminfo(): string {
    const k = this.vfs.k;
    const totalKb = k.opts.memoryMiB * 1024;
    const usedKb = (k.frames.used * PAGE) / 1024;
    const freeKb = Math.max(0, totalKb - usedKb);
    const rows: [string, number][] = [
      ['MemTotal', totalKb], ['MemFree', freeKb], ['MemAvailable', freeKb], ['Buffers', 0], ['Cached', 0], ['SwapCached', 0],
      ['Active', 0], ['Inactive', 0], ['SwapTotal', 0], ['SwapFree', 0], ['Dirty', 0], ['Writeback', 0], ['AnonPages', usedKb],
      ['Mapped', 0], ['Shmem', 0], ['CommitLimit', totalKb], ['Committed_AS', usedKb], ['VmallocTotal', 34359738367],
      ['HugePages_Total', 0], ['Hugepagesize', 2048],
    ];
    // meminfo_proc_show: the label padded to 16 columns, the number right-aligned in 8, " kB".
    return rows.map(([n, v]) => (n === 'HugePages_Total'
      ? `${(n + ':').padEnd(16)}${String(v).padStart(8)}`
      : `${(n + ':').padEnd(16)}${String(Math.floor(v)).padStart(8)} kB`)).join('\n') + '\n';
  }

  private stat(): string {
    const k = this.vfs.k;
    const ticks = Math.floor(k.clock.uptimeNs() / (1e9 / USER_HZ));
    const cpu = k.cpu;
    const user = cpu.icount > 0 ? Math.floor((ticks * (cpu.icount - cpu.kernelIcount)) / cpu.icount) : 0;
    const sys = cpu.icount > 0 ? Math.floor((ticks * cpu.kernelIcount) / cpu.icount) : 0;
    const idle = Math.max(0, ticks - user - sys);
    const row = `${user} 0 ${sys} ${idle} 0 0 0 0 0 0`;
    return [`cpu  ${row}`, `cpu0 ${row}`, 'intr 0', `ctxt ${k.sched.switches}`, `btime ${Math.floor(k.clock.bootRealtimeNs / 1e9)}`,
      `processes ${k.tasks.size}`, `procs_running ${[...k.tasks.values()].filter((p) => p.state === 'runnable').length}`,
      'procs_blocked 0', 'softirq 0 0 0 0 0 0 0 0 0 0 0'].join('\n') + '\n';
  }

  private uptime(): string {
    const s = this.vfs.k.clock.uptimeNs() / 1e9;
    return `${s.toFixed(2)} 0.00\n`;
  }

  /** fs/proc/array.c do_task_stat: 52 fields. */
  private pidStat(p: Task): string {
    const k = this.vfs.k;
    const st = layout(p);
    const state = stateLetter(k.current === p ? 'running' : p.state);
    const sig = sigsets(p);
    const f = [
      p.pid, `(${p.comm})`, state, p.ppid, p.pgid, p.sid, 0, -1, 0x400000, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, p.group.size, 0, 0,
      st.vsize, st.rss, '18446744073709551615', st.startCode, st.endCode, st.startStack, 0, 0, 0, sig.blocked, sig.ignored,
      sig.caught, 0, 0, 0, p.exitSignal, 0, 0, 0, 0, 0, 0, st.startData, st.endData, p.mm.brkStart, 0, 0, 0, 0, 0,
    ];
    return f.join(' ') + '\n';
  }

  private status(p: Task): string {
    const k = this.vfs.k;
    const st = layout(p);
    const sig = sigsets(p);
    const c = p.creds;
    const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');
    const state = k.current === p ? 'R (running)' : p.state === 'sleeping' ? 'S (sleeping)' : p.state === 'zombie' ? 'Z (zombie)' : 'R (running)';
    return [
      `Name:\t${p.comm}`, `Umask:\t${p.umask.toString(8).padStart(4, '0')}`, `State:\t${state}`, `Tgid:\t${p.tgid}`, 'Ngid:\t0',
      `Pid:\t${p.pid}`, `PPid:\t${p.ppid}`, 'TracerPid:\t0', `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.euid}`,
      `Gid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.egid}`, `FDSize:\t${Math.max(64, p.files.fds.length)}`, 'Groups:\t',
      `VmPeak:\t${String(st.vsize / 1024).padStart(8)} kB`, `VmSize:\t${String(st.vsize / 1024).padStart(8)} kB`,
      `VmRSS:\t${String(st.rss * 4).padStart(8)} kB`, `Threads:\t${p.group.size}`, 'SigQ:\t0/63704',
      `SigPnd:\t${hex16(0n)}`, `ShdPnd:\t${hex16(0n)}`, `SigBlk:\t${hex16(sig.blocked)}`, `SigIgn:\t${hex16(sig.ignored)}`,
      `SigCgt:\t${hex16(sig.caught)}`,
      // task_seccomp(): no_new_privs, the seccomp mode and how many filters the task has.
      `NoNewPrivs:\t${p.noNewPrivs ? 1 : 0}`, `Seccomp:\t${p.seccompMode}`, `Seccomp_filters:\t${filterCount(p)}`,
    ].join('\n') + '\n';
  }
}

function str4(v: number): string {
  return String.fromCharCode(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

function stateLetter(s: string): string {
  return s === 'running' || s === 'runnable' ? 'R' : s === 'sleeping' ? 'S' : s === 'zombie' ? 'Z' : 'X';
}

/** Signal sets as /proc shows them (bit n-1 for signal n). */
function sigsets(p: Task): { blocked: bigint; ignored: bigint; caught: bigint } {
  let ignored = 0n, caught = 0n;
  for (const [sig, a] of p.sigactions) {
    if (a.handler === 1) ignored |= 1n << BigInt(sig - 1);
    else if (a.handler > 1) caught |= 1n << BigInt(sig - 1);
  }
  return { blocked: BigInt.asUintN(64, p.sigmask), ignored, caught };
}

/** Sizes and boundaries of an address space, from its VMAs and page table. */
function layout(p: Task): { vsize: number; rss: number; startCode: number; endCode: number; startData: number; endData: number; startStack: number; text: number; data: number } {
  const mm = p.mm;
  let vsize = 0, rss = 0, text = 0, data = 0;
  let startCode = 0, endCode = 0, startData = 0, endData = 0, startStack = 0;
  for (const v of mm.vmas) {
    const pages = (v.end - v.start) / PAGE;
    vsize += v.end - v.start;
    for (let a = v.start; a < v.end; a += PAGE) if (mm.pt.entry(a) !== null) rss++;
    if (v.prot & PROT_EXEC) { text += pages; if (startCode === 0) { startCode = v.start; endCode = v.end; } }
    if (v.name === '[stack]') startStack = v.end;
    else if ((v.prot & PROT_WRITE) && v.name !== '[heap]') {
      data += pages;
      if (startData === 0) { startData = v.start; endData = v.end; }
    }
  }
  return { vsize, rss, startCode, endCode, startData, endData, startStack, text, data };
}

function statm(p: Task): string {
  const l = layout(p);
  return `${l.vsize / PAGE} ${l.rss} 0 ${l.text} 0 ${l.data} 0\n`;
}

/**
 * show_map_vma: "start-end perms offset dev inode", then the name (if any) at column 73; then
 * the gate area's line (`gate`: the vsyscall page, src/kernel/vdso/vsyscall.ts), as Linux
 * appends it after the last VMA.
 */
export function maps(p: Task, gate: string | null = null): string {
  let out = '';
  for (const v of p.mm.vmas) {
    // [vvar] and [vdso] share the kernel's pages across processes but are private special
    // mappings to Linux (never writable, so never copied): "p".
    const shared = (v.flags & MAP_SHARED) !== 0 && v.name !== '[vvar]' && v.name !== '[vdso]';
    const perms = (v.prot & PROT_READ ? 'r' : '-') + (v.prot & PROT_WRITE ? 'w' : '-') + (v.prot & PROT_EXEC ? 'x' : '-') + (shared ? 's' : 'p');
    let line = `${hex8(v.start)}-${hex8(v.end)} ${perms} ${hex8(v.fileOffset)} 00:00 0 `;
    // seq_setwidth(25 + 6 * sizeof(void *) - 1 = 72), then seq_pad(' '): the name at column 73.
    if (v.name) line = line.padEnd(72) + ' ' + v.name;
    out += line + '\n';
  }
  if (gate !== null) out += gate + '\n';
  return out;
}

function hex8(v: number): string {
  return v.toString(16).padStart(8, '0');
}

const LEAF1_EDX = ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', '', 'sep', 'mtrr', 'pge', 'mca', 'cmov',
  'pat', 'pse36', 'pn', 'clflush', '', 'dts', 'acpi', 'mmx', 'fxsr', 'sse', 'sse2', 'ss', 'ht', 'tm', 'ia64', 'pbe'];
const EXT1_EDX = ['', '', '', '', '', '', '', '', '', '', '', 'syscall', '', '', '', '', '', '', '', 'mp', 'nx', '', 'mmxext', '',
  '', 'fxsr_opt', 'pdpe1gb', 'rdtscp', '', 'lm', '3dnowext', '3dnow'];
const LEAF1_ECX = ['pni', 'pclmulqdq', 'dtes64', 'monitor', 'ds_cpl', 'vmx', 'smx', 'est', 'tm2', 'ssse3', 'cid', 'sdbg', 'fma',
  'cx16', 'xtpr', 'pdcm', '', 'pcid', 'dca', 'sse4_1', 'sse4_2', 'x2apic', 'movbe', 'popcnt', 'tsc_deadline_timer', 'aes',
  'xsave', '', 'avx', 'f16c', 'rdrand', 'hypervisor'];
const EXT1_ECX = ['lahf_lm', 'cmp_legacy', 'svm', 'extapic', 'cr8_legacy', 'abm', 'sse4a', 'misalignsse', '3dnowprefetch',
  'osvw', 'ibs', 'xop', 'skinit', 'wdt', '', 'lwp', 'fma4', 'tce', '', 'nodeid_msr', '', 'tbm', 'topoext'];
const LEAF7_EBX = ['fsgsbase', 'tsc_adjust', 'sgx', 'bmi1', 'hle', 'avx2', '', 'smep', 'bmi2', 'erms', 'invpcid', 'rtm', '',
  '', 'mpx', '', 'avx512f', 'avx512dq', 'rdseed', 'adx', 'smap', 'avx512ifma', '', 'clflushopt', 'clwb', '', 'avx512pf',
  'avx512er', 'avx512cd', 'sha_ni', 'avx512bw', 'avx512vl'];

function bitsNamed(reg: number, names: string[]): string[] {
  const out: string[] = [];
  for (let b = 0; b < 32; b++) if ((reg >>> b) & 1 && names[b]) out.push(names[b]);
  return out;
}
