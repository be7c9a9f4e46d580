// The TypeScript functions that the entry assembly calls, in native-slot order. Slot k lives at
// NATIVE_BASE + 16*k; scripts/build-asm.mjs binds each name to its slot with `ld --defsym`, so
// `call do_syscall_64` in entry_64.S reaches the TypeScript do_syscall_64 (rule 3 of the design).
// Names are Linux's, so that traces read like the kernel's own.

export { NATIVE_BASE } from './layout.js';

export const NATIVE_NAMES = [
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
] as const;

export type NativeName = (typeof NATIVE_NAMES)[number];

export function nativeIndex(name: NativeName): number {
  return NATIVE_NAMES.indexOf(name);
}
