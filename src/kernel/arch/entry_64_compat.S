/*
 * The 32-bit system call entries of a 64-bit kernel (Linux: arch/x86/entry/entry_64_compat.S,
 * 6.8+ layout, without page-table isolation): INT 0x80, SYSENTER (Intel) and SYSCALL from
 * compatibility mode (AMD). All three build the same pt_regs as entry_64.S and call a
 * TypeScript function (src/kernel/entry/syscall32.ts) that runs the i386 system call table.
 *
 * 32-bit register ABI on every path: eax = number, ebx, ecx, edx, esi, edi, ebp = arguments 1-6.
 * SYSENTER and SYSCALL each lose one register to the instruction itself, so the vDSO's
 * __kernel_vsyscall (src/kernel/vdso/vdso32/system_call.S) pushes ecx, edx and ebp first and
 * puts the lost value in ebp: SYSENTER loses ESP (ebp = esp), SYSCALL loses ECX (ebp = ecx).
 * The TypeScript half fetches the real ebp back from the user stack.
 */

#include "generated/asm-offsets.h"

#define PER_CPU_VAR(off)	%gs:(off)

#include "calling.h"

	.text

/*
 * entry_SYSENTER_compat: MSR_IA32_SYSENTER_EIP (Intel only: AMD raises #UD for SYSENTER in
 * long mode). SYSENTER has loaded CS/SS from MSR_IA32_SYSENTER_CS, RSP from SYSENTER_ESP and
 * cleared IF, VM and RF. It saves nothing:
 *   eax  system call number
 *   ebx, ecx, edx, esi, edi  arguments 1-5
 *   ebp  the user ESP (the vDSO's "movl %esp, %ebp"); arg 6 is at (%ebp), pushed by the vDSO
 *   the user's EIP and EFLAGS are lost: the return goes to the vDSO's int80_landing_pad
 */
	.globl	entry_SYSENTER_compat
	.type	entry_SYSENTER_compat, @function
entry_SYSENTER_compat:
	swapgs					/* GS base := this CPU's per-CPU area */
	movq	PER_CPU_VAR(PCPU_TOP_OF_STACK), %rsp	/* the task's kernel stack */

	/* A frame shaped like a hardware one; do_SYSENTER_32 fills in sp and ip. */
	pushq	$__USER_DS			/* pt_regs->ss */
	pushq	$0				/* pt_regs->sp: the user ESP, from ebp (in C) */
	pushfq					/* pt_regs->flags: the user's, but IF was cleared (set back in C) */
	pushq	$__USER32_CS			/* pt_regs->cs */
	pushq	$0				/* pt_regs->ip: the landing pad (in C) */

	.globl	entry_SYSENTER_compat_after_hwframe
entry_SYSENTER_compat_after_hwframe:
	movl	%eax, %eax			/* the number is 32 bits: zero-extend */
	pushq	%rax				/* pt_regs->orig_ax */
	PUSH_REGS rax=$-ENOSYS			/* pt_regs->ax = -ENOSYS until a handler says otherwise */
	CLEAR_REGS
	cld

	/*
	 * SYSENTER masks no flags but IF: NT, AC or TF from user mode would still be set here.
	 * pt_regs->flags keeps them for the return; the kernel runs without (Linux clears them the
	 * same way, after the frame is saved).
	 */
	testl	$(X86_EFLAGS_NT | X86_EFLAGS_AC | X86_EFLAGS_TF), EFLAGS(%rsp)
	jnz	.Lsysenter_fix_flags
.Lsysenter_flags_fixed:
	movq	%rsp, %rdi			/* arg0: struct pt_regs * */
	call	do_SYSENTER_32			/* returns with interrupts off; al = may use SYSRETL */
	jmp	sysret32_from_system_call

.Lsysenter_fix_flags:
	pushq	$X86_EFLAGS_FIXED
	popfq
	jmp	.Lsysenter_flags_fixed

	.globl	__end_entry_SYSENTER_compat
__end_entry_SYSENTER_compat:
	.size	entry_SYSENTER_compat, . - entry_SYSENTER_compat

/*
 * entry_SYSCALL_compat: MSR_CSTAR (AMD only: Intel raises #UD for SYSCALL outside 64-bit mode).
 * SYSCALL from compatibility mode has done what it does in 64-bit mode:
 *   rcx  return address (the EIP after SYSCALL: the vDSO's int $0x80, which the C code replaces
 *        by the landing pad after it)
 *   r11  user RFLAGS (RF cleared); RFLAGS masked by MSR_SYSCALL_MASK, so IF is off
 *   eax  number; ebx, edx, esi, edi  arguments 1, 3, 4, 5
 *   ebp  argument 2 (ECX was consumed: the vDSO's "movl %ecx, %ebp"); arg 6 is on the user stack
 *   esp  still the USER stack pointer
 */
	.globl	entry_SYSCALL_compat
	.type	entry_SYSCALL_compat, @function
entry_SYSCALL_compat:
	swapgs
	movl	%esp, %r8d			/* the user ESP: r8 is free (32-bit code cannot see it) */
	movq	PER_CPU_VAR(PCPU_TOP_OF_STACK), %rsp

	.globl	entry_SYSCALL_compat_safe_stack
entry_SYSCALL_compat_safe_stack:
	pushq	$__USER_DS			/* pt_regs->ss */
	pushq	%r8				/* pt_regs->sp */
	pushq	%r11				/* pt_regs->flags */
	pushq	$__USER32_CS			/* pt_regs->cs */
	pushq	%rcx				/* pt_regs->ip */

	.globl	entry_SYSCALL_compat_after_hwframe
entry_SYSCALL_compat_after_hwframe:
	movl	%eax, %eax			/* zero-extend the number */
	pushq	%rax				/* pt_regs->orig_ax */
	PUSH_REGS rcx=%rbp rax=$-ENOSYS		/* pt_regs->cx = arg 2, from ebp */
	CLEAR_REGS

	movq	%rsp, %rdi			/* arg0: struct pt_regs * */
	call	do_fast_syscall_32		/* returns with interrupts off; al = may use SYSRETL */

/*
 * The return shared by both fast entries. A 64-bit kernel goes back to 32-bit code with
 * SYSRETL, never SYSEXIT (that belongs to 32-bit kernels), when do_fast_syscall_32 found the
 * saved state to be exactly what SYSRETL restores: ip still the landing pad, cs/ss the SYSRET
 * selectors, no RF/TF/VM. Anything else (a signal frame, sigreturn, ptrace) goes by IRET.
 *   rsp → pt_regs, GS = kernel.
 */
	.globl	sysret32_from_system_call
sysret32_from_system_call:
	testb	%al, %al
	jz	swapgs_restore_regs_and_return_to_usermode

	.globl	compat_return_via_sysretl
compat_return_via_sysretl:			/* Nothing jumps here: the label names the path in traces. */
	movq	RBX(%rsp), %rbx			/* pt_regs->bx */
	movq	RBP(%rsp), %rbp			/* pt_regs->bp: the real arg 6, fetched back in C */
	movq	EFLAGS(%rsp), %r11		/* SYSRETL's RFLAGS */
	movq	RIP(%rsp), %rcx			/* SYSRETL's EIP: the landing pad */
	addq	$RAX, %rsp			/* skip r15-r8: 32-bit code cannot see them */
	popq	%rax				/* pt_regs->ax: the result */
	popq	%rdx				/* skip pt_regs->cx: ecx holds the return address */
	popq	%rdx				/* pt_regs->dx */
	popq	%rsi				/* pt_regs->si */
	popq	%rdi				/* pt_regs->di */
	/* rsp → pt_regs->orig_ax */
	movq	(RSP-ORIG_RAX)(%rsp), %rsp	/* the user stack: from here on no push or pop */

	.globl	entry_SYSRETL_compat_unsafe_stack
entry_SYSRETL_compat_unsafe_stack:
	/*
	 * r8-r10 held kernel values: zero them, so that nothing leaks to a 32-bit program that
	 * later switches itself to 64-bit mode (r11 is the flags, r12-r15 were cleared on entry).
	 */
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	swapgs
	sysretl					/* EIP := ECX, RFLAGS := R11, CS := 0x23, SS := 0x2b */

	.globl	entry_SYSRETL_compat_end
entry_SYSRETL_compat_end:
	int3
	.size	entry_SYSCALL_compat, . - entry_SYSCALL_compat

/*
 * asm_int80_emulation: IDT vector 0x80, a DPL-3 interrupt gate (Linux 6.7+: an idtentry
 * instead of the old entry_INT80_compat). The CPU has switched to TSS.sp0 and pushed
 * ss, sp, flags, cs, ip; interrupts are off. The number and arguments are in eax, ebx, ecx,
 * edx, esi, edi, ebp, whatever mode the caller ran in: INT 0x80 from 64-bit code is an i386
 * system call too. The return is always IRET.
 */
	.globl	asm_int80_emulation
	.type	asm_int80_emulation, @function
asm_int80_emulation:
	pushq	$-1				/* pt_regs->orig_ax (set from ax in C) */
	PUSH_REGS
	CLEAR_REGS
	cld
	/* From user mode: swap GS. From kernel mode do_int80_emulation panics: it is never used there. */
	testb	$3, CS(%rsp)
	jz	1f
	swapgs
1:	movq	%rsp, %rdi			/* arg0: struct pt_regs * */
	call	do_int80_emulation
	jmp	swapgs_restore_regs_and_return_to_usermode
	.size	asm_int80_emulation, . - asm_int80_emulation
