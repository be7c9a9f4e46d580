// The per-CPU area, reached through GS after SWAPGS (Linux's PER_CPU_VAR()). Its first bytes
// are the CPU's TSS (cpu_tss_rw), so that TSS.sp2, unused by the hardware in 64-bit mode, can
// hold the user RSP during SYSCALL entry exactly as Linux does.

import { TSS_sp2 } from './layout.js';

export const PCPU_TSS = 0x00;                 // struct tss_struct cpu_tss_rw
export const PCPU_USER_RSP_SCRATCH = PCPU_TSS + TSS_sp2;
export const PCPU_TOP_OF_STACK = 0x80;        // cpu_current_top_of_stack (task stack top)
export const PCPU_CURRENT_TASK = 0x88;        // pid of the running task
export const PCPU_PREEMPT_COUNT = 0x90;       // __preempt_count
/**
 * A per-CPU event counter: interrupts and NMIs count themselves here (from TypeScript, in one
 * step) and kthread_count_events adds to it with a load/add/store that is a kernel restartable
 * sequence (krseq): the counter stays exact only because an interrupted update is restarted.
 */
export const PCPU_EVENT_COUNT = 0x98;
export const PCPU_SIZE = 0x1000;
