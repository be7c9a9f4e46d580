// --check-entry: invariants of the entry and exit code, checked as the machine runs (always on
// in the tests). Kernel instructions are single-stepped so that every ring-0 instruction
// boundary is seen.
//
// On every return to user mode:   IF set in the restored flags; CS and SS user selectors; GS
//                                 base the user's (the per-CPU base back in KERNEL_GS_BASE); the
//                                 kernel stack back at its top (everything pushed was popped); no
//                                 exit work pending; preempt count zero.
// At every ring-0 instruction:    RSP is a kernel address, except inside the few instructions of
//                                 the SYSCALL entry before the stack switch and of the SYSRET exit
//                                 after it — and there, nothing may push.
// A violation stops the run with a report naming the instruction and the state.

import type { Kernel } from '../kernel.js';
import type { Cpu } from '../../cpu/cpu.js';
import { IF, CS, SS, GS } from '../../cpu/regs.js';
import { MachineStop } from '../../cpu/fault.js';
import { EXIT_TO_USER_MODE_WORK } from '../entry/thread-info.js';
import { PT_REGS_SIZE } from '../entry/ptregs.js';

const TWO32 = 4294967296;
/** Bytes that begin a push or call (after optional REX): PUSH r, PUSH imm, PUSHF, CALL rel, FF /2 /6. */
function pushesOrCalls(b0: number, b1: number, b2: number): boolean {
  const op = (b0 & 0xf0) === 0x40 ? b1 : b0;
  const modrm = (b0 & 0xf0) === 0x40 ? b2 : b1;
  if (op >= 0x50 && op <= 0x57) return true;
  if (op === 0x68 || op === 0x6a || op === 0x9c || op === 0xe8) return true;
  return op === 0xff && (((modrm >> 3) & 7) === 2 || ((modrm >> 3) & 7) === 6);
}

export class EntryChecker {
  checks = 0;
  private lastRsp = 0;
  private rspBeforeSysretSwitch = NaN;
  private readonly unsafeFrom: number[][];
  private readonly userRspLoaded: Map<number, number>;
  /** RSP at the last instruction executed on the current task's own kernel stack. */
  private prevTaskRsp = NaN;

  constructor(readonly k: Kernel) {
    const s = (n: string) => k.ks.symbol(n);
    // Where ring-0 code legitimately runs on the user's RSP: [from, to) ranges.
    this.unsafeFrom = [
      [s('entry_SYSCALL_64'), s('entry_SYSCALL_64_safe_stack')],
      [s('entry_SYSRETQ_unsafe_stack'), s('entry_SYSRETQ_end')],
      [s('entry_SYSCALL_64_split'), s('entry_SYSCALL_64_split_safe_stack')],
      [s('entry_SYSCALL_64_fast_sysret'), s('entry_SYSCALL_64_fast_sysret') + 6],
      [s('entry_SYSRETQ_split_unsafe_stack'), s('entry_SYSRETQ_split_end')],
      [s('entry_SYSCALL32_ignore'), s('entry_SYSCALL32_ignore') + 8],
      // The 32-bit SYSCALL entry and the SYSRETL exit (entry_64_compat.S).
      [s('entry_SYSCALL_compat'), s('entry_SYSCALL_compat_safe_stack')],
      [s('entry_SYSRETL_compat_unsafe_stack'), s('entry_SYSRETL_compat_end')],
    ];
    // Where SYSRET paths have just loaded the user's RSP, and how far below the stack top the
    // kernel RSP was one instruction earlier (orig_ax slot: 48; the fast path's pt_regs base: 168).
    this.userRspLoaded = new Map([
      [s('entry_SYSRETQ_unsafe_stack'), PT_REGS_SIZE - 120],
      [s('entry_SYSRETQ_split_unsafe_stack'), PT_REGS_SIZE - 120],
      [s('entry_SYSCALL_64_fast_sysret'), PT_REGS_SIZE],
      [s('entry_SYSRETL_compat_unsafe_stack'), PT_REGS_SIZE - 120],
    ]);
  }

  private fail(cpu: Cpu, what: string): never {
    const rsp = cpu.getRegNum(4);
    throw new MachineStop(`entry check failed: ${what} at ${this.k.symbolize(cpu.rip)} (rsp 0x${BigInt.asUintN(64, BigInt(rsp)).toString(16)}, cpl ${cpu.cpl})`, 'kernel-panic');
  }

  /** Before each ring-0 instruction. */
  onKernelInstruction(cpu: Cpu): void {
    const rsp = cpu.getRegNum(4);
    const rip = cpu.rip;
    // A native-call slot is TypeScript, not an instruction.
    if (rip - cpu.nativeBase >= 0 && rip - cpu.nativeBase < cpu.nativeCount * 16) return;
    // Remember the stack at the instructions that leave: the `movq …, %rsp` just before
    // entry_SYSRETQ_unsafe_stack, and any IRETQ (an NMI taken in between has its own IRETQ,
    // executed earlier, so the last one seen before a return to user mode is the right one).
    const t = this.k.current;
    const back = this.userRspLoaded.get(rip);
    if (back !== undefined) this.rspBeforeSysretSwitch = this.prevTaskRsp + back;
    if (t && rsp <= t.kstackTop && rsp >= t.kstackTop - 16384) this.prevTaskRsp = rsp;
    if (rsp < 0) {
      if (cpu.mem.kfetch8(rip) === 0x48 && cpu.mem.kfetch8(rip + 1) === 0xcf) this.lastRsp = rsp;
      return; // a kernel address
    }
    const inWindow = this.unsafeFrom.some(([a, b]) => rip >= a && rip < b);
    if (!inWindow) this.fail(cpu, 'kernel code running on a user stack');
    const mem = cpu.mem;
    const b0 = mem.kfetch8(rip), b1 = mem.kfetch8(rip + 1), b2 = mem.kfetch8(rip + 2);
    if (pushesOrCalls(b0, b1, b2)) this.fail(cpu, 'a push before the stack switch');
  }

  /** After an instruction returned to CPL 3. */
  onReturnToUser(cpu: Cpu, how: string): void {
    this.checks++;
    const k = this.k;
    const t = k.current!;
    if ((cpu.flags & IF) === 0) this.fail(cpu, `${how} restored flags with IF clear`);
    if ((cpu.sel[CS] & 3) !== 3 || (cpu.sel[SS] & 3) !== 3) this.fail(cpu, `${how} left CS/SS ${cpu.sel[CS].toString(16)}/${cpu.sel[SS].toString(16)}`);
    const gs = cpu.segBaseHi[GS] * TWO32 + (cpu.segBaseLo[GS] >>> 0);
    const kgs = cpu.kernelGsBaseHi * TWO32 + (cpu.kernelGsBaseLo >>> 0);
    if (gs === k.ks.percpu || kgs !== k.ks.percpu) this.fail(cpu, `${how} with the kernel GS base still loaded (swapgs missing)`);
    if ((k.tif(t) & EXIT_TO_USER_MODE_WORK) !== 0) this.fail(cpu, `${how} with exit work pending (flags 0x${k.tif(t).toString(16)})`);
    const preempt = k.preemptCount();
    if (preempt !== 0) this.fail(cpu, `${how} with preempt count ${preempt}`);
    // The kernel stack is back at its top: IRETQ popped the last five slots of the task stack
    // (or of an IST stack), SYSRET left from the orig_ax slot.
    if (how === 'IRET') {
      const top = this.lastRsp + 40;
      if (top !== t.kstackTop && !k.istTops.includes(top)) this.fail(cpu, `IRET from rsp 0x${BigInt.asUintN(64, BigInt(this.lastRsp)).toString(16)}, not the top of a kernel stack`);
    } else if (how === 'SYSRET' || how === 'SYSRETL') {
      const top = this.rspBeforeSysretSwitch;
      if (top !== t.kstackTop) this.fail(cpu, 'SYSRET with the kernel stack not back at its top');
    }
  }
}
