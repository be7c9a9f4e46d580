// The TypeScript functions that the entry assembly calls, in native-slot order. Slot k lives at
// NATIVE_BASE + 16*k; scripts/build-asm.mjs binds each name to its slot with `ld --defsym`, so
// `call do_syscall_64` in entry_64.S reaches the TypeScript do_syscall_64 (rule 3 of the design).
// Names are Linux's, so that traces read like the kernel's own.

export { NATIVE_BASE } from './layout.js';

import { SYSCALL_64 } from '../syscalls/generated/syscall_64.js';

/** The fixed natives: the C functions of the entry paths. */
export const FIXED_NATIVES = [
  'do_syscall_64',
  'exc_divide_error',
  'exc_debug',
  'exc_nmi',
  'exc_int3',
  'exc_overflow',
  'exc_bounds',
  'exc_invalid_op',
  'exc_device_not_available',
  'exc_double_fault',
  'exc_invalid_tss',
  'exc_segment_not_present',
  'exc_stack_segment',
  'exc_general_protection',
  'exc_page_fault',
  'exc_coprocessor_error',
  'exc_alignment_check',
  'exc_machine_check',
  'exc_simd_coprocessor_error',
  'common_interrupt',
  'spurious_interrupt',
  'ret_from_fork_work',
  'do_syscall_64_slowpath',
  'syscall_return_slowpath',
  '__x64_sys_ni_syscall',
  'kthread_exit',
  // The 32-bit entries (entry_64_compat.S → src/kernel/entry/syscall32.ts).
  'do_int80_emulation',
  'do_SYSENTER_32',
  'do_fast_syscall_32',
] as const;

/**
 * Then one native per system-call entry point (__x64_sys_read …), for the fast table of the
 * split-tables entry, which calls handlers directly with the C convention.
 */
export const SYSCALL_NATIVES: readonly string[] = [...new Set(SYSCALL_64.filter((e) => e.entry).map((e) => `__x64_${e.entry}`))];

export const NATIVE_NAMES: readonly string[] = [...FIXED_NATIVES, ...SYSCALL_NATIVES];

export type NativeName = (typeof FIXED_NATIVES)[number];

export function nativeIndex(name: string): number {
  return NATIVE_NAMES.indexOf(name);
}
