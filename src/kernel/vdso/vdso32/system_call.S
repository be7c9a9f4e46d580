/*
 * __kernel_vsyscall: how 32-bit programs enter the kernel (Linux:
 * arch/x86/entry/vdso/vdso32/system_call.S; DESIGN.md "32-bit compat entry through the vDSO").
 * It saves ecx, edx and ebp on the user stack, then enters by INT 0x80 — or, patched at boot
 * over the 4-byte site before it (src/kernel/vdso/vdso.ts, from the CPU vendor and
 * --compat-entry, as Linux's ALTERNATIVE_2 does), by SYSENTER with the user stack pointer in ebp
 * (SYSENTER saves neither ESP nor EIP) or by SYSCALL with arg2 in ebp (SYSCALL consumes ecx).
 * Both fast entries read ebp back from the user stack (the last push) and point the saved IP at
 * int80_landing_pad, so all three methods return through the same pops. Programs must not inline
 * this sequence: only its entry address and behaviour are ABI.
 */
	.text
	.globl __kernel_vsyscall
	.type __kernel_vsyscall, @function
	.p2align 4
__kernel_vsyscall:
	.cfi_startproc
	pushl	%ecx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ecx, 0
	pushl	%edx
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset edx, 0
	pushl	%ebp
	.cfi_adjust_cfa_offset 4
	.cfi_rel_offset ebp, 0
	/* The patch site: a 4-byte NOP, or "movl %esp,%ebp; sysenter" (89 e5 0f 34), or
	 * "movl %ecx,%ebp; syscall" (89 cd 0f 05). */
vdso32_entry_patch:
	.byte 0x0f, 0x1f, 0x40, 0x00
	int	$0x80
	.globl int80_landing_pad
	.hidden int80_landing_pad
int80_landing_pad:
	popl	%ebp
	.cfi_adjust_cfa_offset -4
	.cfi_restore ebp
	popl	%edx
	.cfi_adjust_cfa_offset -4
	.cfi_restore edx
	popl	%ecx
	.cfi_adjust_cfa_offset -4
	.cfi_restore ecx
	ret
	.cfi_endproc
	.size __kernel_vsyscall, . - __kernel_vsyscall
	.globl vdso32_entry_patch
	.hidden vdso32_entry_patch

	.section .note.GNU-stack, "", @progbits
