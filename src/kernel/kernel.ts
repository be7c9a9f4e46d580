// The kernel: boots the machine, creates the first process from an executable, binds the
// native-call slots the entry assembly calls to their TypeScript functions, and runs the CPU
// until the last process exits or the machine stops.

import { Cpu, type Vendor } from '../cpu/cpu.js';
import { Interpreter } from '../cpu/interp.js';
import { PhysicalMemory } from '../cpu/memory.js';
import { MachineStop } from '../cpu/fault.js';
import { RAX, RCX, RDX, RSI, RDI, R8, R9, R10, R11, FIXED1, IF, VECTOR_NAMES } from '../cpu/regs.js';
import { FrameAllocator } from './mm/pagetable.js';
import { Mm } from './mm/mm.js';
import { UserMemory } from './mm/uaccess.js';
import { KernelSpace, bootCpu, setKernelStack, type EntryImage } from './arch/boot.js';
import { NATIVE_NAMES, NATIVE_BASE } from './arch/natives.js';
import { THREAD_SIZE, __USER_CS, __USER_DS } from './arch/layout.js';
import { PtRegs, PT_REGS_SIZE } from './entry/ptregs.js';
import { doSyscall64, doSyscall64Slowpath, syscallReturnSlowpath, fastSyscall, type SysretChecks, DEFAULT_SYSRET_CHECKS } from './entry/syscall.js';
import { ENOSYS } from './errno.js';
import { doInt80Emulation, doSysenter32, doFastSyscall32, syscall32Name } from './entry/syscall32.js';
import { compatInit, startUserThread } from './compat/tls.js';
import { excHandler, commonInterrupt, retFromForkWork, kthreadExit } from './entry/exceptions.js';
import { futexWake } from './futex.js';
import { doSignal } from './signal/deliver.js';
import { Task } from './process/task.js';
import { FdTable } from './fs/file.js';
import { HostFile } from './fs/hostfile.js';
import { initialCwd } from './fs/vfs.js';
import type { Host } from './host.js';
import { Clock } from './time/clock.js';
import { Scheduler } from './sched/scheduler.js';
import { WaitQueue, BLOCKED } from './sched/wait.js';
import { ContextTracking, type ContextTrackingMode } from './entry/context-tracking.js';
import { PCPU_PREEMPT_COUNT } from './arch/percpu.js';
import { TI_flags, TI_syscall_work, TIF_SIGPENDING, SYSCALL_WORK_CONTEXT_TRACKING } from './entry/thread-info.js';
import { traceSpawnExecve } from '../trace/strace-log.js';
import { DEFAULT_PROFILE, profileByName, cycleModel, type CostProfile, type KernelCostKey } from '../trace/costs.js';
import { EntryChecker } from './debug/entry-check.js';
import { Injector, INJECT_VECTOR } from './debug/inject.js';
import type { SyscallWorkHook } from './entry/common.js';
import { SECCOMP_HOOK } from './seccomp/filter.js';
import { PTRACE_SYSCALL_HOOK, PTRACE_STEP_HOOK } from './ptrace/stops.js';
import { loadExecutable } from '../loader/load.js';
import { vdsoInit, mapVdso } from './vdso/vdso.js';
import { ElfError } from '../loader/elf.js';
import { FEATURES } from '../cpu/cpuid.js';
import { Stats } from '../trace/stats.js';
import { EntryTracer } from '../trace/entry-trace.js';
import { KernelRseq } from './entry/krseq.js';
import { krseqTableFromImage } from './arch/krseq-table.js';
import { rseqHandleNotifyResume, rseqInit } from './rseq/rseq.js';
import { SYSCALL_64 } from './syscalls/generated/syscall_64.js';
import type { SyscallFn } from './syscalls/registry.js';
import './syscalls/index.js';

export interface KernelOptions {
  vendor: Vendor;
  memoryMiB: number;
  /** Print a line per system call (strace-like). */
  traceSyscalls: boolean;
  /** Print a line per kernel entry. */
  traceEntries: boolean;
  stats: boolean;
  /** Overwrite caller-saved registers after each native call, as a real C function may (debug). */
  poisonClobbers: boolean;
  /** The SYSRET conditions do_syscall_64 checks (tests switch one off to show what it guards). */
  sysretChecks: SysretChecks;
  /** Guest time from the host's clocks instead of the emulated cycle counter. */
  hostTime: boolean;
  /** The modeled clock rate (cycles per second) that turns cycles into guest time; the cost profile's when not given. */
  cpuHz: number;
  /** The cost profile (src/trace/costs.ts) that prices instructions, event delivery and kernel work. */
  costProfile: string;
  /** Context tracking: 'force' runs user_exit/user_enter on every kernel entry and exit. */
  contextTracking: ContextTrackingMode;
  /** 'c': today's entry (everything through do_syscall_64); 'split-tables': 2015's fast and slow paths. */
  syscallPath: 'c' | 'split-tables';
  /** Timer interrupts per second (CONFIG_HZ). */
  hz: number;
  /** Check the entry/exit invariants at every kernel instruction and return (debug/entry-check.ts). */
  checkEntry: boolean;
  /** Raise an interrupt or NMI at every boundary of the entry/exit code in turn (debug/inject.ts). */
  inject: 'none' | 'irq' | 'nmi';
  /** Where trace lines go. */
  log: (line: string) => void;
  /** A host directory the guest sees as "/", with no way out (--root); null: the host's "/". */
  root: string | null;
  /** Every write to the host file system fails with EROFS (--read-only). */
  readOnly: boolean;
  /** Restart kernel restartable sequences interrupted in kernel mode (--kernel-rseq=off: never). */
  kernelRseq: boolean;
  /** Map the vDSO into new programs and announce it in AT_SYSINFO_EHDR (--no-vdso turns it off). */
  vdso: boolean;
  /** The vsyscall page (Linux's vsyscall= boot option): see src/kernel/vdso/vsyscall.ts. */
  vsyscall: 'emulate' | 'xonly' | 'none';
  /** How the 32-bit vDSO's __kernel_vsyscall enters the kernel; 'auto' picks from the CPU vendor. */
  compatEntry: 'auto' | 'int80' | 'sysenter' | 'syscall32';
}

export const DEFAULT_OPTIONS: KernelOptions = {
  vendor: 'intel',
  memoryMiB: 512,
  traceSyscalls: false,
  traceEntries: false,
  stats: false,
  poisonClobbers: false,
  sysretChecks: DEFAULT_SYSRET_CHECKS,
  hostTime: false,
  cpuHz: 3e9,
  costProfile: DEFAULT_PROFILE,
  contextTracking: 'off',
  syscallPath: 'c',
  hz: 250,
  checkEntry: false,
  inject: 'none',
  log: () => {},
  root: null,
  readOnly: false,
  kernelRseq: true,
  vdso: true,
  vsyscall: 'xonly',
  compatEntry: 'auto',
};

const TWO32 = 4294967296;
const POISON = 0x5a5a5a5a;

/** How a run ended. */
export interface RunResult {
  /** Exit status as a shell reports it: the exit code, or 128 + signal. */
  status: number;
  /** A one-line reason when the machine itself stopped (kernel panic, triple fault). */
  error: string | null;
}

export class Kernel {
  readonly opts: KernelOptions;
  readonly phys: PhysicalMemory;
  readonly frames: FrameAllocator;
  readonly ks: KernelSpace;
  readonly cpu: Cpu;
  readonly interp: Interpreter;
  readonly stats = new Stats();
  readonly entries: EntryTracer;
  readonly natives: (() => void)[];
  /** The pt_regs of the system call or exception being handled. */
  readonly regs: PtRegs;
  readonly clock: Clock;
  readonly sched: Scheduler;
  readonly contextTracking: ContextTracking;
  readonly costs: CostProfile;
  /** Functions called on every return to user mode (TIF_USER_RETURN_NOTIFY). */
  readonly userReturnNotifiers: ((t: Task) => void)[] = [];
  /**
   * Called as a signal is delivered to a handler, before its frame is built, with k.regs at the
   * task's pt_regs (Linux's rseq_signal_deliver runs there).
   */
  readonly signalDeliverHooks: ((t: Task) => void)[] = [];
  /** Rounds of the exit-to-user loop that found work (for tests and --stats). */
  workRounds = 0;
  readonly checker: EntryChecker | null;
  readonly injector: Injector | null;
  /** Tops of the IST stacks (NMI, #DF, #DB, #MC). */
  readonly istTops: number[];
  nmis = 0;
  injectedIrqs = 0;
  /** Preemptions on the interrupt return to kernel mode. */
  kernelPreemptions = 0;
  /** Kernel restartable sequences: the sorted range table and the fix-up's counters (entry/krseq.ts). */
  readonly krseq: KernelRseq;
  /** Split tables: calls served by the fast table, and entries to the slow path. */
  fastPathCalls = 0;
  slowPathCalls = 0;
  current: Task | null = null;
  /**
   * System calls that tests install over the table (never set by the CLI): they let a test
   * act as a handler that, say, changes the saved RIP, to show the exit path reacting.
   */
  readonly testSyscalls = new Map<number, SyscallFn>();
  readonly tasks = new Map<number, Task>();
  private nextPid = 1;
  /** Set when the last task is gone (or the machine stopped). */
  result: RunResult | null = null;
  private readonly symbolsByAddr: [number, string][];

  constructor(readonly host: Host, image: EntryImage, opts: Partial<KernelOptions> = {}) {
    this.opts = { ...DEFAULT_OPTIONS, ...opts };
    this.costs = profileByName(this.opts.costProfile);
    // Guest time runs at the profile's clock unless the caller chose another.
    if (opts.cpuHz === undefined) this.opts.cpuHz = this.costs.hz;
    this.phys = new PhysicalMemory(this.opts.memoryMiB * 1024 * 1024);
    this.frames = new FrameAllocator(this.phys, 0x100000);
    this.ks = new KernelSpace(this.phys, this.frames, image);
    this.symbolsByAddr = Object.entries(image.symbols).map(([n, off]) => [image.base + off, n] as [number, string]).sort((a, b) => a[0] - b[0]);
    const log = this.opts.traceEntries ? this.opts.log : null;
    this.entries = new EntryTracer(this.stats, (a) => this.symbolize(a), log);
    this.cpu = new Cpu(this.phys, {
      nativeCall: (_cpu, index) => this.nativeCall(index),
      onDeliver: (cpu, vector, kind, code) => {
        if (vector === INJECT_VECTOR && cpu.cpl === 3) this.injector?.onInjectedEntry();
        this.entries.onDeliver(cpu, vector, kind, code);
      },
      onDelivered: (cpu) => this.entries.afterDeliver(cpu),
      onTransition: (cpu, what) => this.onTransition(cpu, what),
    }, this.opts.vendor);
    this.cpu.cycles = cycleModel(this.costs);
    this.entries.syscallCycles = this.costs.insn.syscall ?? this.costs.base;
    this.cpu.nativeBase = NATIVE_BASE;
    this.cpu.nativeCount = NATIVE_NAMES.length;
    this.interp = new Interpreter(this.cpu);
    this.regs = new PtRegs(this.cpu, 0);
    this.clock = new Clock(host, this.cpu, this.opts.cpuHz, this.opts.hostTime);
    this.sched = new Scheduler(this, this.opts.hz, this.opts.cpuHz);
    this.contextTracking = new ContextTracking(this, this.opts.contextTracking);
    this.interp.eventAt = this.sched.nextTick;
    this.interp.onEvent = () => this.sched.onTimerDue();
    this.istTops = bootCpu(this.cpu, this.ks);
    vdsoInit(this);
    this.krseq = new KernelRseq(krseqTableFromImage(image), this.opts.kernelRseq);
    rseqInit(this);
    compatInit(this);
    this.checker = this.opts.checkEntry ? new EntryChecker(this) : null;
    this.injector = this.opts.inject !== 'none' ? new Injector(this.opts.inject) : null;
    if (this.checker || this.injector) {
      const c = this.checker, inj = this.injector;
      this.interp.kernelStep = (cpu) => { c?.onKernelInstruction(cpu); inj?.onKernelInstruction(cpu); };
    }
    const table: Record<string, () => void> = {
      do_syscall_64: () => doSyscall64(this),
      ret_from_fork_work: () => retFromForkWork(this),
      kthread_exit: () => kthreadExit(this),
      do_int80_emulation: () => doInt80Emulation(this),
      do_SYSENTER_32: () => doSysenter32(this),
      do_fast_syscall_32: () => doFastSyscall32(this),
      do_syscall_64_slowpath: () => doSyscall64Slowpath(this),
      syscall_return_slowpath: () => syscallReturnSlowpath(this),
      __x64_sys_ni_syscall: () => { this.cpu.lo[RAX] = -ENOSYS; this.cpu.hi[RAX] = -1; },
      common_interrupt: () => commonInterrupt(this),
      spurious_interrupt: () => {},
    };
    this.natives = NATIVE_NAMES.map((name) => table[name] ?? (name.startsWith('__x64_') ? fastSyscall(this, name.slice(6)) : () => excHandler(this, name)));
    if (this.opts.syscallPath === 'split-tables') this.cpu.lstar = this.ks.symbol('entry_SYSCALL_64_split');
  }

  /** Name an address in the entry image as symbol+offset (for traces and reports). */
  symbolize(addr: number): string {
    let best: [number, string] | null = null;
    for (const s of this.symbolsByAddr) {
      if (s[0] <= addr) best = s; else break;
    }
    if (!best || addr - best[0] > 0x10000) return '0x' + BigInt.asUintN(64, BigInt(addr)).toString(16);
    return addr === best[0] ? best[1] : `${best[1]}+0x${(addr - best[0]).toString(16)}`;
  }

  private onTransition(cpu: Cpu, what: string): void {
    if (what === 'syscall') {
      const nr = cpu.lo[RAX];
      // --trace=entry names the syscall_work bits that send the call through the entry work.
      const work = this.opts.traceEntries && this.current ? this.syscallWork(this.current) : 0;
      this.entries.onSyscall(cpu, nr, syscallName(nr), work);
    } else if (what === 'sysenter' || what === 'syscall32') {
      // The compat fast entries (entry_64_compat.S): an i386 number in eax.
      const nr = cpu.lo[RAX];
      this.entries.onSyscall(cpu, nr, `${syscall32Name(nr)}, i386 by ${what === 'sysenter' ? 'SYSENTER' : 'SYSCALL32'}`);
    } else if (cpu.cpl === 3) {
      const how = what === 'sysretq' ? 'SYSRET' : what === 'sysretl' ? 'SYSRETL' : what === 'sysexit' ? 'SYSEXIT' : 'IRET';
      this.entries.onReturn(cpu, how);
      this.checker?.onReturnToUser(cpu, how);
      this.injector?.onReturnToUser();
    }
  }

  private nativeCall(index: number): void {
    const fn = this.natives[index];
    fn();
    // A task that went to sleep or yielded inside the call: switch now, at the call's end.
    if (this.sched.pending) this.sched.run();
    if (this.opts.poisonClobbers) {
      const cpu = this.cpu;
      // A C function may leave anything in the caller-saved registers except its result.
      for (const r of [RCX, RDX, RSI, RDI, R8, R9, R10, R11]) { cpu.lo[r] = POISON; cpu.hi[r] = POISON; }
    }
  }

  /** Create the first process from an executable file's bytes. Throws ElfError for bad files. */
  spawn(file: Uint8Array, path: string, argv: string[], envp: string[]): Task {
    const pid = this.nextPid++;
    const mm = new Mm(this.phys, this.frames, (root) => this.ks.shareKernelHalf(root));
    const um = new UserMemory(mm, this.cpu.mem);
    const files = new FdTable();
    for (let fd = 0; fd < 3; fd++) files.install(new HostFile(this.host, fd, fd === 0 ? 0 : 1, `/dev/fd/${fd}`, false), false);
    const id = this.host.identity();
    const creds = { uid: id.uid, euid: id.uid, suid: id.uid, gid: id.gid, egid: id.gid, sgid: id.gid };
    const top = this.ks.taskStack(THREAD_SIZE);
    const cwd = initialCwd(this.host.cwd(), this.opts.root);
    const t = new Task(pid, pid, 0, mm, um, files, cwd, creds, top);
    this.initTgid = pid;
    t.exePath = path.startsWith('/') ? path : `${cwd}/${path}`.replace(/\/\.\//g, '/');
    t.comm = path.split('/').pop()!.slice(0, 15);
    const loaded = loadExecutable(mm, um, file, {
      argv, envp, execfn: path, random16: this.host.randomBytes(16),
      hwcap: FEATURES.leaf1Edx, hwcap2: 0, uid: creds.uid, euid: creds.euid, gid: creds.gid, egid: creds.egid,
      minsigstksz: 2048, vdso: 0, mapVdso: (bits) => mapVdso(this, mm, bits),
    }, (va) => this.cpu.mem.flushPage(va));
    this.tasks.set(pid, t);
    if (this.opts.traceSyscalls) traceSpawnExecve(this, t, path, argv, envp.length, loaded.sp + 8 * (argv.length + 2));
    this.initThreadInfo(t);
    this.switchTo(t);
    this.sched.add(t);
    // Enter user mode the way a new task does: through the real IRET exit path, with a
    // pt_regs frame at the top of the task's kernel stack (Linux's start_thread + ret_from_fork).
    const regs = new PtRegs(this.cpu, top - PT_REGS_SIZE);
    for (const name of ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi'] as const) regs.set(name, 0, 0);
    regs.set('orig_rax', -1, -1);
    regs.setNum('rip', loaded.entry);
    regs.set('cs', startUserThread(this, t, loaded), 0);
    regs.set('eflags', FIXED1 | IF, 0);
    regs.setNum('rsp', loaded.sp);
    regs.set('ss', __USER_DS, 0);
    this.cpu.setRegNum(4, top - PT_REGS_SIZE);
    this.cpu.rip = this.ks.symbol('swapgs_restore_regs_and_return_to_usermode');
    return t;
  }

  /** Make `t` the running task: its page tables, its kernel stack in the TSS and per-CPU area. */
  switchTo(t: Task): void {
    this.current = t;
    this.cpu.setCr3(t.mm.pt.root);
    setKernelStack(this.cpu, this.ks, t.kstackTop);
  }

  // --- thread_info work flags, in guest memory at the bottom of each kernel stack.
  private tiAddr(t: Task): number {
    return t.kstackTop - THREAD_SIZE + TI_flags;
  }
  tif(t: Task): number {
    return this.cpu.mem.kread32(this.tiAddr(t));
  }
  setTif(t: Task, bit: number): void {
    this.writeTif(t, this.tif(t) | (1 << bit));
  }
  clearTif(t: Task, bit: number): void {
    this.writeTif(t, this.tif(t) & ~(1 << bit));
  }
  private writeTif(t: Task, v: number): void {
    this.cpu.mem.kwrite32(this.tiAddr(t), v);
  }

  /** Hooks for syscall entry/exit work (entry/common.ts), by SYSCALL_WORK bit. */
  // Linux's order (syscall_trace_enter): ptrace's entry stop, then seccomp, then tracepoints and
  // audit. ptrace's hook goes before SECCOMP_HOOK.
  readonly syscallWorkHooks: SyscallWorkHook[] = [PTRACE_SYSCALL_HOOK, SECCOMP_HOOK, PTRACE_STEP_HOOK];

  /** thread_info.syscall_work of a task (guest memory). */
  syscallWork(t: Task): number {
    return this.cpu.mem.kread32(t.kstackTop - THREAD_SIZE + TI_syscall_work);
  }
  setSyscallWork(t: Task, bit: number, on: boolean): void {
    const v = this.syscallWork(t);
    this.cpu.mem.kwrite32(t.kstackTop - THREAD_SIZE + TI_syscall_work, on ? v | (1 << bit) : v & ~(1 << bit));
  }

  /** Set up a new task's thread_info (its syscall_work bits). */
  initThreadInfo(t: Task): void {
    if (this.opts.contextTracking === 'force') this.setSyscallWork(t, SYSCALL_WORK_CONTEXT_TRACKING, true);
  }

  /** This CPU's preempt_count (per-CPU memory). */
  preemptCount(): number {
    return this.cpu.mem.kread32(this.ks.percpu + PCPU_PREEMPT_COUNT);
  }

  /**
   * Start a kernel thread running kthread_spin: `rounds` increments of a counter in kernel
   * memory with interrupts enabled (and preemption disabled if asked). Returns the task and
   * the counter's address. `entryName` kthread_count_events also counts each round in the
   * per-CPU event counter through a kernel restartable sequence (entry/krseq.ts).
   */
  spawnKernelSpinner(rounds: number, noPreempt = false, entryName: 'kthread_spin' | 'kthread_count_events' = 'kthread_spin'): { task: Task; counter: number } {
    const pid = this.allocPid();
    const mm = new Mm(this.phys, this.frames, (root) => this.ks.shareKernelHalf(root));
    const top = this.ks.taskStack(THREAD_SIZE);
    const creds = { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0 };
    const t = new Task(pid, pid, 0, mm, new UserMemory(mm, this.cpu.mem), new FdTable(), '/', creds, top);
    t.kernelThread = true;
    t.comm = `kspin/${pid}`;
    const counterPa = this.frames.alloc();
    const counter = this.ks.direct(counterPa);
    // The first switch to it "returns" into kthread_spin, with its arguments in callee-saved registers.
    const entry = this.ks.symbol(entryName);
    this.cpu.mem.kwrite64(top - 8, entry | 0, Math.floor(entry / TWO32) | 0);
    t.ksp = top - 8;
    const set = (j: number, v: number) => { t.savedRegs[2 * j] = v | 0; t.savedRegs[2 * j + 1] = Math.floor(v / TWO32) | 0; };
    set(0, counter);      // rbx
    set(2, rounds);       // r12
    set(3, noPreempt ? 1 : 0); // r13
    this.tasks.set(pid, t);
    this.sched.add(t);
    return { task: t, counter };
  }

  /** Charge modeled cycles for kernel work done in TypeScript. */
  charge(what: KernelCostKey): void {
    this.cpu.tsc += this.costs.kernel[what] ?? 0;
  }

  /**
   * Take the interrupts that came due while kernel TypeScript ran with interrupts (notionally)
   * enabled: the timer tick, which may set TIF_NEED_RESCHED.
   */
  irqWindow(): void {
    if (this.cpu.tsc >= this.interp.eventAt) {
      // One interrupt, however many ticks were missed; the tick accounts for all of them.
      const missed = 1 + Math.floor((this.cpu.tsc - this.interp.eventAt) / this.sched.tickCycles);
      this.sched.onTimerDue();
      this.cpu.irqVector = -1;
      this.irqWindowTicks++;
      this.sched.tick(missed);
    }
  }
  /** Timer interrupts taken inside the exit-work loop's interrupt window. */
  irqWindowTicks = 0;

  /** Pending signals at the return to user mode (signal/deliver.ts). */
  handleSignals(t: Task, resume: () => void): 'ok' | 'killed' | 'stopped' {
    this.clearTif(t, TIF_SIGPENDING);
    return doSignal(this, t, resume);
  }
  /** Signals delivered to handlers (rt_sigframes built). */
  signalsDelivered = 0;

  /** TIF_NOTIFY_RESUME work: user rseq (rseq_handle_notify_resume); task work arrives later. */
  resumeUserModeWork(t: Task): void {
    rseqHandleNotifyResume(this, t, 0);
  }

  /** Sleep in a system call: see src/kernel/sched/wait.ts for the protocol. */
  sleep(t: Task, queues: WaitQueue[], retry: () => number, deadline = Infinity, onSignal?: number | (() => number) | 'killable'): number {
    t.sleep = { queues, retry, deadline, onSignal };
    return BLOCKED;
  }

  /** The thread group of the first process: when it is gone, the run is over. */
  initTgid = 1;
  private readonly retiredStacks: number[] = [];

  allocPid(): number {
    return this.nextPid++;
  }

  /** End the run with a status (the first process has exited). */
  finish(status: number): void {
    if (this.result === null) this.result = { status, error: null };
    this.interp.stopRequested = true;
  }

  /** A dead task's kernel stack, reused once no task can be running on it. */
  retireStack(top: number): void {
    if (this.current && this.current.kstackTop === top) this.retiredStacks.push(top);
    else this.ks.freeStack(top);
  }

  /** Called after each switch: stacks retired by the task we left can be reused now. */
  reclaimStacks(): void {
    while (this.retiredStacks.length) {
      const top = this.retiredStacks.pop()!;
      if (this.current?.kstackTop !== top) this.ks.freeStack(top); else { this.retiredStacks.push(top); break; }
    }
  }

  /** Wake up to `n` futex waiters on a user address (see futex.ts). */
  futexWake(t: Task, addr: number, n: number): number {
    return futexWake(this, t, addr, n);
  }


  /** Stop the machine with a one-line reason (kernel panic). */
  panic(message: string): never {
    throw new MachineStop(message, 'kernel-panic');
  }

  /** Run until the program ends. Returns its status, or an error line if the machine stopped. */
  run(maxInsns = Infinity): RunResult {
    try {
      while (this.result === null) {
        const before = this.cpu.icount;
        this.interp.run(Math.min(maxInsns, 50_000_000));
        if (this.result !== null) break;
        if (this.cpu.icount - before === 0 && !this.interp.stopRequested) break;
        if (maxInsns !== Infinity && this.cpu.icount >= maxInsns) {
          return { status: 124, error: `instruction limit reached (${maxInsns})` };
        }
      }
    } catch (e) {
      if (e instanceof MachineStop) {
        if (e.kind === 'exit' && this.result !== null) return this.result;
        return { status: 70, error: e.message };
      }
      throw e;
    }
    return this.result ?? { status: 70, error: 'machine stopped' };
  }

  /** Read the i-th system call argument of the current frame as a number (see SyscallFn). */
  arg(i: number): number {
    const name = (['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'] as const)[i];
    return this.regs.num(name);
  }

  describeVector(v: number): string {
    return VECTOR_NAMES[v] ?? `vector ${v}`;
  }
}

const NAME_BY_NR = new Map(SYSCALL_64.map((e) => [e.nr, e.name]));
export function syscallName(nr: number): string {
  return NAME_BY_NR.get(nr) ?? `syscall_${nr}`;
}

export { ElfError, TWO32 };
