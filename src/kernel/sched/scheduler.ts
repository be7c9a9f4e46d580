// The scheduler: a round-robin run queue, the context switch, sleeping and waking, the idle
// loop, and the periodic timer that ends time slices.
//
// A task that is not running is always inside a native call (do_syscall_64, an exception or
// interrupt handler): its kernel stack holds the assembly's return address. Switching tasks is
// therefore what Linux's __switch_to does — save the kernel RSP and the callee-saved registers,
// load the next task's page tables, kernel stack (TSS.sp0) and FS/GS bases — after which the
// native call "returns" on the next task's stack, finishing whatever that task was doing when
// it went to sleep (its `resume` continuation).

import type { Kernel } from '../kernel.js';
import type { Task } from '../process/task.js';
import { WaitQueue, BLOCKED, type Sleep } from './wait.js';
import { setKernelStack } from '../arch/boot.js';
import { FS } from '../../cpu/regs.js';
import { fpuSave, fpuRestore } from '../../cpu/exec/fxsave.js';
import { MachineStop } from '../../cpu/fault.js';
import { TIF_NEED_RESCHED } from '../entry/thread-info.js';

const TWO32 = 4294967296;
const CALLEE_SAVED = [3, 5, 12, 13, 14, 15]; // rbx, rbp, r12-r15

/** LOCAL_TIMER_VECTOR (arch/x86/include/asm/irq_vectors.h). */
export const LOCAL_TIMER_VECTOR = 0xec;

/** A kernel timer: `fire` runs once `when` (guest monotonic ns) has passed; it may re-arm itself. */
export interface KTimer {
  when: number;
  fire(now: number): void;
}

export class Scheduler {
  readonly runQueue: Task[] = [];
  /** Set while the scheduling loop runs: a task that sleeps again just parks. */
  private inSchedule = false;
  /** Cycles per timer tick and per time slice. */
  readonly tickCycles: number;
  readonly sliceCycles: number;
  nextTick: number;
  /**
   * Called with each task that leaves the CPU - switched away from, or asleep while the CPU
   * idles - as Linux's prepare_task_switch() calls rseq_preempt(prev).
   */
  readonly switchOutHooks: ((t: Task) => void)[] = [];
  /** Called with each task as it gets the CPU, after its registers are back (load_TLS and the user selectors: compat/tls.ts). */
  readonly switchInHooks: ((t: Task) => void)[] = [];
  switches = 0;
  ticks = 0;

  constructor(readonly k: Kernel, hz: number, cpuHz: number) {
    this.tickCycles = Math.round(cpuHz / hz);
    this.sliceCycles = this.tickCycles * 3;
    this.nextTick = this.tickCycles;
    WaitQueue.onWake = (t) => this.wake(t);
  }

  /** The timer: called by the interpreter when the cycle counter passes the next tick. */
  onTimerDue(): void {
    const cpu = this.k.cpu;
    cpu.irqVector = LOCAL_TIMER_VECTOR;
    while (this.nextTick <= cpu.tsc) this.nextTick += this.tickCycles;
    this.k.interp.eventAt = this.nextTick;
  }

  /** The timer interrupt's handler (common_interrupt for LOCAL_TIMER_VECTOR). */
  tick(n = 1): void {
    this.ticks += n;
    // update_wall_time(): the coarse clocks and the vDSO's vvar page follow the tick.
    this.k.clock.update();
    const t = this.k.current;
    this.wakeExpired();
    if (!t) return;
    t.sliceLeft -= this.tickCycles * n;
    if (t.sliceLeft <= 0 && this.runQueue.some((q) => q !== t && q.state === 'runnable')) this.k.setTif(t, TIF_NEED_RESCHED);
  }

  add(t: Task): void {
    t.state = 'runnable';
    t.sliceLeft = this.sliceCycles;
    if (!this.runQueue.includes(t)) this.runQueue.push(t);
  }

  remove(t: Task): void {
    const i = this.runQueue.indexOf(t);
    if (i >= 0) this.runQueue.splice(i, 1);
  }

  /** Make a sleeping task runnable again. */
  wake(t: Task): void {
    if (t.state !== 'sleeping') return;
    if (t.sleep) for (const q of t.sleep.queues) q.waiters.delete(t);
    t.state = 'runnable';
    this.add(t);
  }

  /**
   * A switch is wanted at the end of the current native call (Kernel.nativeCall runs run()).
   * TypeScript code never switches tasks in the middle of its own work: it records what is left
   * to do as the task's `resume` continuation and returns, so nothing on the JS stack still
   * believes it runs for the task that was switched out.
   */
  pending = false;

  /** Put the current task to sleep; `finish` completes its native call when it runs again. */
  sleepCurrent(s: Sleep, finish: () => void): void {
    const t = this.k.current!;
    t.state = 'sleeping';
    t.sleep = s;
    t.resume = finish;
    for (const q of s.queues) q.waiters.add(t);
    this.remove(t);
    this.pending = true;
  }

  /** Job control: stop the current task; `finish` completes its native call once continued. */
  stopCurrent(finish: () => void): void {
    const t = this.k.current!;
    t.state = 'stopped';
    t.resume = finish;
    this.remove(t);
    this.pending = true;
  }

  /** SIGCONT (or SIGKILL) for a stopped task: it runs again and finishes where it stopped. */
  continueTask(t: Task): void {
    if (t.state !== 'stopped') return;
    this.add(t);
  }

  /** Give up the CPU (need_resched, sched_yield); `finish` runs when the task is picked again. */
  yieldCurrent(finish: () => void): void {
    const t = this.k.current!;
    t.resume = finish;
    this.remove(t);
    this.runQueue.push(t);
    t.state = 'runnable';
    t.forceSwitch = true;
    this.pending = true;
  }

  /**
   * The scheduling loop, run at the end of a native call that asked for it: pick the next task,
   * switch to it, finish what it was doing; repeat while those continuations ask again. Returns
   * with `k.current` ready to leave its native call.
   */
  run(): void {
    while (this.pending) {
      this.pending = false;
      if (this.k.result !== null) return;
      let next = this.pick();
      // The current task sleeps and nothing else can run: it leaves the CPU to the idle loop.
      if (next === null && this.k.current) for (const h of this.switchOutHooks) h(this.k.current);
      while (next === null) {
        this.idle();
        if (this.k.result !== null) return;
        next = this.pick();
      }
      if (next !== this.k.current) this.switchTo(next);
      const cont = next.resume;
      next.resume = null;
      next.sleep = null;
      if (cont) cont();
      if (this.k.result !== null) return;
    }
  }

  /** Round robin: the current task goes on unless it yielded; otherwise the queue's head. */
  private pick(): Task | null {
    const q = this.runQueue;
    const cur = this.k.current;
    if (q.length === 0) return null;
    if (cur && cur.state === 'runnable' && !cur.forceSwitch && q.includes(cur)) return cur;
    if (cur) cur.forceSwitch = false;
    // The head of the queue, unless that is the task that just yielded and others wait.
    let next = q[0];
    if (next === cur && q.length > 1) next = q[1];
    next.sliceLeft = this.sliceCycles;
    return next;
  }

  /** Nothing can run: let time pass (to the next deadline) or wait for the host. */
  private idle(): void {
    const k = this.k;
    const cpu = k.cpu;
    if (k.result !== null) throw new MachineStop('all tasks have exited', 'exit');
    let deadline = Infinity;
    for (const t of k.tasks.values()) if (t.state === 'sleeping' && t.sleep) deadline = Math.min(deadline, t.sleep.deadline);
    for (const tm of this.timers) deadline = Math.min(deadline, tm.when);
    if (deadline !== Infinity) {
      // Jump the guest clock to the earliest timeout (guest time is the cycle counter).
        const cycles = k.clock.cyclesForMonotonic(deadline);
      if (cycles > cpu.tsc) cpu.tsc = cycles;
      this.wakeExpired();
      return;
    }
    const sleepers = [...k.tasks.values()].filter((t) => t.state === 'sleeping').map((t) => `${t.pid} (${t.comm})`);
    throw new MachineStop(`deadlock: every task sleeps with nothing to wake it (${sleepers.join(', ')})`, 'kernel-panic');
  }

  /**
   * Armed kernel timers (itimers, POSIX timers: signal/timers.ts), by guest monotonic expiry time.
   * They fire from the timer tick, so their resolution is one tick (a kernel without high-resolution
   * timers), and guest time jumps to the earliest one when every task sleeps.
   */
  readonly timers = new Set<KTimer>();

  /** Wake the tasks whose sleep deadline has passed; fire the timers that are due. */
  wakeExpired(): void {
    const now = this.k.clock.read(1)!;
    for (const tm of this.timers) if (tm.when <= now) { this.timers.delete(tm); tm.fire(now); }
    for (const t of this.k.tasks.values()) {
      if (t.state === 'sleeping' && t.sleep && t.sleep.deadline <= now) this.wake(t);
    }
  }

  /** __switch_to: save the outgoing task's kernel context, load the incoming one's. */
  switchTo(next: Task): void {
    const k = this.k;
    const cpu = k.cpu;
    const prev = k.current;
    this.switches++;
    if (prev) for (const h of this.switchOutHooks) h(prev);
    if (prev) {
      prev.ksp = cpu.getRegNum(4);
      CALLEE_SAVED.forEach((r, j) => { prev.savedRegs[2 * j] = cpu.lo[r]; prev.savedRegs[2 * j + 1] = cpu.hi[r]; });
      prev.fsBase = cpu.segBaseHi[FS] * TWO32 + (cpu.segBaseLo[FS] >>> 0);
      prev.gsBase = cpu.kernelGsBaseHi * TWO32 + (cpu.kernelGsBaseLo >>> 0);
      // switch_fpu: the FPU/SSE registers belong to the task (Linux saves them eagerly).
      prev.fpu = fpuSave(cpu);
    }
    if (next.fpu) fpuRestore(cpu, next.fpu);
    if (prev) prev.traceEntry = k.entries.current;
    k.entries.current = next.traceEntry;
    next.traceEntry = null;
    k.current = next;
    if (!prev || prev.mm !== next.mm) cpu.setCr3(next.mm.pt.root);
    setKernelStack(cpu, k.ks, next.kstackTop);
    cpu.setRegNum(4, next.ksp);
    CALLEE_SAVED.forEach((r, j) => { cpu.lo[r] = next.savedRegs[2 * j]; cpu.hi[r] = next.savedRegs[2 * j + 1]; });
    cpu.segBaseLo[FS] = next.fsBase | 0;
    cpu.segBaseHi[FS] = Math.floor(next.fsBase / TWO32) | 0;
    cpu.kernelGsBaseLo = next.gsBase | 0;
    cpu.kernelGsBaseHi = Math.floor(next.gsBase / TWO32) | 0;
    for (const h of this.switchInHooks) h(next);
    k.reclaimStacks();
  }
}

export { BLOCKED };
