/*
 * Saving and clearing the general registers on entry (Linux's arch/x86/entry/calling.h): shared
 * by entry_64.S and entry_64_compat.S, each assembled alone.
 */
#ifndef RINGSIDE_CALLING_H
#define RINGSIDE_CALLING_H

/*
 * Push the general registers in pt_regs order, from rdi (highest) down to r15 (lowest).
 * The caller has pushed orig_ax and the hardware frame above them. The compat SYSCALL entry
 * passes rcx=%rbp: there ecx held the return address, and ebp the sixth argument's slot.
 */
.macro PUSH_REGS rcx=%rcx rax=%rax
	pushq	%rdi			/* pt_regs->di */
	pushq	%rsi			/* pt_regs->si */
	pushq	%rdx			/* pt_regs->dx */
	pushq	\rcx			/* pt_regs->cx */
	pushq	\rax			/* pt_regs->ax */
	pushq	%r8			/* pt_regs->r8 */
	pushq	%r9			/* pt_regs->r9 */
	pushq	%r10			/* pt_regs->r10 */
	pushq	%r11			/* pt_regs->r11 */
	pushq	%rbx			/* pt_regs->bx */
	pushq	%rbp			/* pt_regs->bp */
	pushq	%r12			/* pt_regs->r12 */
	pushq	%r13			/* pt_regs->r13 */
	pushq	%r14			/* pt_regs->r14 */
	pushq	%r15			/* pt_regs->r15 */
.endm

/*
 * After SYSCALL (on the task stack, user RSP in the per-CPU scratch slot): the frame the
 * hardware would have pushed for an interrupt — ss, sp, flags (SYSCALL left them in r11),
 * cs and ip (in rcx) — so that pt_regs ends in an IRET frame. Needs PER_CPU_VAR.
 */
.macro PUSH_SYSCALL_HWFRAME
	pushq	$__USER_DS				/* pt_regs->ss */
	pushq	PER_CPU_VAR(PCPU_USER_RSP_SCRATCH)	/* pt_regs->sp */
	pushq	%r11					/* pt_regs->flags */
	pushq	$__USER_CS				/* pt_regs->cs */
	pushq	%rcx					/* pt_regs->ip */
.endm

/*
 * Zero the registers the TypeScript side does not need, so that no user value lives on in a
 * register across the kernel (Linux does this against speculative use of user values).
 * rdi and rsi are loaded with arguments right after.
 */
.macro CLEAR_REGS
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
.endm

#endif
