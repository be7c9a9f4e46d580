// The machine layout the kernel sets up at boot: segment selectors (Linux's values, from
// arch/x86/include/asm/segment.h), the GDT slots behind them, and where kernel objects live in
// the upper half. One source: asm-offsets.ts emits these for the entry assembly.

export const GDT_ENTRY_KERNEL32_CS = 1;
export const GDT_ENTRY_KERNEL_CS = 2;
export const GDT_ENTRY_KERNEL_DS = 3;
export const GDT_ENTRY_DEFAULT_USER32_CS = 4;
export const GDT_ENTRY_DEFAULT_USER_DS = 5;
export const GDT_ENTRY_DEFAULT_USER_CS = 6;
export const GDT_ENTRY_TSS = 8; // 16 bytes: slots 8 and 9
export const GDT_ENTRY_TLS_MIN = 12; // three TLS slots (12-14) for 32-bit programs
export const GDT_ENTRIES = 16;

export const __KERNEL32_CS = GDT_ENTRY_KERNEL32_CS * 8;     // 0x08
export const __KERNEL_CS = GDT_ENTRY_KERNEL_CS * 8;         // 0x10
export const __KERNEL_DS = GDT_ENTRY_KERNEL_DS * 8;         // 0x18
export const __USER32_CS = GDT_ENTRY_DEFAULT_USER32_CS * 8 + 3; // 0x23
export const __USER_DS = GDT_ENTRY_DEFAULT_USER_DS * 8 + 3;     // 0x2b
export const __USER_CS = GDT_ENTRY_DEFAULT_USER_CS * 8 + 3;     // 0x33
export const __TSS_SEL = GDT_ENTRY_TSS * 8;                 // 0x40

/** TSS field offsets (SDM Vol. 3 §8.7, 64-bit TSS). */
export const TSS_sp0 = 4, TSS_sp1 = 12, TSS_sp2 = 20, TSS_ist = 0x24, TSS_SIZE = 0x68;

// --- The upper half (kernel virtual addresses), Linux's x86-64 map (Documentation/arch/x86/x86_64/mm.rst)
// as signed linear-address numbers.
const big = (v: bigint): number => Number(BigInt.asIntN(64, v));
/** Direct map of all physical memory (supervisor, read/write, no-execute). */
export const PAGE_OFFSET = big(0xffff888000000000n);
/** Kernel stacks, each with an unmapped guard page below it (like CONFIG_VMAP_STACK). */
export const VMALLOC_START = big(0xffffc90000000000n);
/** The entry code image (text, then data), as linked by scripts/build-asm.mjs. */
export const KERNEL_TEXT = big(0xffffffff81000000n);
/** Native-call slots (16 bytes each): executing slot k calls TypeScript function k. Never mapped. */
export const NATIVE_BASE = big(0xffffffff80000000n);
/** Size of a task's kernel stack (THREAD_SIZE: 16 KiB on x86-64). */
export const THREAD_SIZE = 16384;
/** Highest user address + 1 with 4-level paging, less the guard page (TASK_SIZE_MAX). */
export const TASK_SIZE_MAX = 0x7ffffffff000;
