/*
 * The 32-bit signal return trampolines (Linux: arch/x86/entry/vdso/vdso32/sigreturn.S). A
 * 32-bit signal frame's return address (pretcode) is one of these unless the program gave
 * SA_RESTORER: the handler's `ret` lands here with esp at the frame's `sig` slot.
 *
 * Their unwind information describes the interrupted context saved in the frame, so a debugger
 * (or a C library's backtrace) can step from the handler through the trampoline to the code the
 * signal interrupted: the CFA is the saved esp, and every register is found at its slot in the
 * sigcontext. The FDEs are signal frames ('S' augmentation: the unwinder must not subtract one
 * from the return address) and start at the NOP before each entry, so an unwinder that does
 * subtract still lands inside them (Linux keeps the same NOP for the same reason).
 *
 * struct sigcontext_32 offsets (arch/x86/include/uapi/asm/sigcontext.h): edi 16, esi 20,
 * ebp 24, esp 28, ebx 32, edx 36, ecx 40, eax 44, eip 56, eflags 64. DWARF i386 register
 * numbers: eax 0, ecx 1, edx 2, ebx 3, esp 4, ebp 5, esi 6, edi 7, eip 8, eflags 9.
 */
#define NR_sigreturn 119
#define NR_rt_sigreturn 173

/* DW_CFA_def_cfa_expression: CFA = *(esp + off), the saved esp. */
.macro do_cfa off
	.if \off < 64
	.cfi_escape 0x0f, 3, 0x74, \off, 0x06
	.else
	.cfi_escape 0x0f, 4, 0x74, (\off & 0x7f) | 0x80, \off >> 7, 0x06
	.endif
.endm
/* DW_CFA_expression: register `regno` is saved at esp + off. */
.macro do_expr regno, off
	.if \off < 64
	.cfi_escape 0x10, \regno, 2, 0x74, \off
	.else
	.cfi_escape 0x10, \regno, 3, 0x74, (\off & 0x7f) | 0x80, \off >> 7
	.endif
.endm
/* The whole context, with the sigcontext at esp + sc. */
.macro sigcontext_cfi sc
	do_cfa (\sc + 28)
	do_expr 0, (\sc + 44)
	do_expr 1, (\sc + 40)
	do_expr 2, (\sc + 36)
	do_expr 3, (\sc + 32)
	do_expr 5, (\sc + 24)
	do_expr 6, (\sc + 20)
	do_expr 7, (\sc + 16)
	do_expr 8, (\sc + 56)
	do_expr 9, (\sc + 64)
.endm

	.text
	.p2align 5
	.cfi_startproc simple
	.cfi_signal_frame
	sigcontext_cfi 4	/* sigframe_ia32: sig, then sc */
	nop
	.globl __kernel_sigreturn
	.type __kernel_sigreturn, @function
__kernel_sigreturn:
	popl	%eax		/* the sig slot: sc is now at esp */
	sigcontext_cfi 0
	movl	$NR_sigreturn, %eax
	int	$0x80
	.globl vdso32_sigreturn_landing_pad
	.hidden vdso32_sigreturn_landing_pad
vdso32_sigreturn_landing_pad:
	nop
	.size __kernel_sigreturn, . - __kernel_sigreturn
	.cfi_endproc

	.p2align 5
	.cfi_startproc simple
	.cfi_signal_frame
	/* rt_sigframe_ia32: sig 0, pinfo 4, puc 8, info 12 (128 bytes), uc 140; the ucontext's
	 * uc_flags, uc_link and 12-byte uc_stack come before uc_mcontext, at 160. */
	sigcontext_cfi 160
	nop
	.globl __kernel_rt_sigreturn
	.type __kernel_rt_sigreturn, @function
__kernel_rt_sigreturn:
	movl	$NR_rt_sigreturn, %eax
	int	$0x80
	.globl vdso32_rt_sigreturn_landing_pad
	.hidden vdso32_rt_sigreturn_landing_pad
vdso32_rt_sigreturn_landing_pad:
	nop
	.size __kernel_rt_sigreturn, . - __kernel_rt_sigreturn
	.cfi_endproc

	.section .note.GNU-stack, "", @progbits
