// The constants the entry assembly needs, defined once in TypeScript and emitted as
// src/kernel/arch/generated/asm-offsets.h by scripts/build-asm.mjs (Linux does the same with
// asm-offsets.c): pt_regs offsets, selectors, per-CPU offsets, errno values.

import { PT_REGS_OFFSETS, PT_REGS_SIZE } from '../entry/ptregs.js';
import { __KERNEL_CS, __KERNEL_DS, __USER_CS, __USER_DS, __USER32_CS, TSS_sp0, TSS_sp2 } from './layout.js';
import { PCPU_TSS, PCPU_USER_RSP_SCRATCH, PCPU_TOP_OF_STACK, PCPU_CURRENT_TASK, PCPU_PREEMPT_COUNT, PCPU_EVENT_COUNT } from './percpu.js';
import { ENOSYS } from '../errno.js';
import { MSR_GS_BASE, RF, TF, NT, AC, FIXED1 } from '../../cpu/regs.js';
import { THREAD_SIZE } from './layout.js';
import { TI_flags, TI_syscall_work, SYSCALL_WORK_ENTER, EXIT_TO_USER_MODE_WORK } from '../entry/thread-info.js';

export function asmOffsets(): [string, number | bigint][] {
  const out: [string, number | bigint][] = [];
  for (const [name, off] of Object.entries(PT_REGS_OFFSETS)) out.push([name.toUpperCase(), off]);
  out.push(['SIZEOF_PTREGS', PT_REGS_SIZE]);
  out.push(['__KERNEL_CS', __KERNEL_CS], ['__KERNEL_DS', __KERNEL_DS], ['__USER_CS', __USER_CS], ['__USER_DS', __USER_DS], ['__USER32_CS', __USER32_CS]);
  out.push(['TSS_sp0', TSS_sp0], ['TSS_sp2', TSS_sp2]);
  out.push(['PCPU_TSS', PCPU_TSS], ['PCPU_USER_RSP_SCRATCH', PCPU_USER_RSP_SCRATCH], ['PCPU_TOP_OF_STACK', PCPU_TOP_OF_STACK]);
  out.push(['PCPU_CURRENT_TASK', PCPU_CURRENT_TASK], ['PCPU_PREEMPT_COUNT', PCPU_PREEMPT_COUNT], ['PCPU_EVENT_COUNT', PCPU_EVENT_COUNT]);
  out.push(['ENOSYS', ENOSYS]);
  out.push(['THREAD_SIZE', THREAD_SIZE], ['TI_flags', TI_flags], ['TI_syscall_work', TI_syscall_work]);
  out.push(['SYSCALL_WORK_ENTER', SYSCALL_WORK_ENTER], ['EXIT_TO_USER_MODE_WORK', EXIT_TO_USER_MODE_WORK]);
  out.push(['X86_EFLAGS_RF', RF], ['X86_EFLAGS_TF', TF]);
  out.push(['X86_EFLAGS_NT', NT], ['X86_EFLAGS_AC', AC], ['X86_EFLAGS_FIXED', FIXED1]);
  out.push(['MSR_GS_BASE', MSR_GS_BASE]);
  return out;
}
