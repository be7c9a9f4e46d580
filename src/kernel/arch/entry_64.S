/*
 * ringside's x86-64 kernel entry and exit code: the ring-0 instructions that run between a
 * user program's SYSCALL (or an exception or interrupt) and the TypeScript half of the kernel,
 * and back. Modelled on Linux's arch/x86/entry/entry_64.S (the design without page-table
 * isolation: no trampoline stack, TSS.sp0 is the task's own stack top), written anew.
 *
 * Names are Linux's so that traces and profiles read alike. Functions called here ("C" in
 * Linux) are TypeScript, reached through native-call slots: see src/kernel/arch/natives.ts.
 * They follow the SysV ABI: arguments in rdi, rsi, rdx, rcx, r8, r9; result in rax; rax, rcx,
 * rdx, rsi, rdi and r8-r11 are clobbered.
 *
 * Constants (pt_regs offsets, selectors, per-CPU offsets) come from asm-offsets.h, generated
 * from TypeScript: one source for both halves.
 */

#include "generated/asm-offsets.h"
#include "generated/syscall_table_64.h"

/* Per-CPU variables: GS points at this CPU's area once SWAPGS has run in kernel mode. */
#define PER_CPU_VAR(off)	%gs:(off)

#include "calling.h"

.macro POP_REGS pop_rdi=1
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	.if \pop_rdi
	popq	%rdi
	.endif
.endm

/*
 * KRSEQ start, end, restart: declare [start, end) a kernel restartable sequence. When an interrupt
 * or NMI that arrived with its IP in the range returns to kernel mode, the IP is moved to
 * `restart` first (src/kernel/entry/krseq.ts), before the preemption point, so the sequence runs
 * again from the top instead of resuming with state it read before it was interrupted. The
 * sequence must commit with its last instruction (the one just before `end`) and have no
 * effect before that which a rerun would repeat wrongly.
 *
 * The ranges go to their own section, next to the code as Linux's exception tables are, and the
 * boot code sorts them (src/kernel/arch/krseq-table.ts). A table, and not a marker prefix on the
 * instructions: an "empty" REX prefix (0x40) is not a no-op - it turns byte registers 4-7 from
 * AH/CH/DH/BH into SPL/BPL/SIL/DIL - and ordinary code already carries it (movb %sil, %al is
 * 40 88 f0). tests/cpu/rex40-marker.test.ts shows both failures.
 */
.macro KRSEQ start, end, restart
	.pushsection __krseq_table, "a"
	.balign 8
	.quad	\start, \end, \restart		/* struct krseq_entry { start, end, restart } */
	.popsection
.endm

	.text

/*
 * entry_SYSCALL_64: the 64-bit system call entry, MSR_LSTAR.
 *
 * The SYSCALL instruction has just run, at CPL 0, with interrupts off (FMASK cleared IF):
 *   rax  system call number
 *   rcx  return address (the user RIP after SYSCALL)
 *   r11  saved user RFLAGS (RF cleared)
 *   rdi, rsi, rdx, r10, r8, r9  arguments 0-5 (r10 stands in for rcx, which holds the return address)
 *   rsp  still the USER stack pointer: SYSCALL switches nothing but CS/SS/RIP/RFLAGS
 *   GS   still the user's GS base
 * Nothing may touch the stack until RSP is switched.
 */
	.globl	entry_SYSCALL_64
	.type	entry_SYSCALL_64, @function
entry_SYSCALL_64:
	swapgs					/* GS base := this CPU's per-CPU area */
	movq	%rsp, PER_CPU_VAR(PCPU_USER_RSP_SCRATCH)	/* tss.sp2 := user RSP */
	movq	PER_CPU_VAR(PCPU_TOP_OF_STACK), %rsp		/* the task's kernel stack */

	.globl	entry_SYSCALL_64_safe_stack
entry_SYSCALL_64_safe_stack:
	/* Build a frame that looks as if the hardware had delivered an interrupt. */
	PUSH_SYSCALL_HWFRAME

	.globl	entry_SYSCALL_64_after_hwframe
entry_SYSCALL_64_after_hwframe:
	pushq	%rax					/* pt_regs->orig_ax */
	PUSH_REGS rax=$-ENOSYS				/* pt_regs->ax = -ENOSYS until a handler says otherwise */
	CLEAR_REGS

	/* rsp = &pt_regs. Only the low 32 bits of rax name the call (Linux: an int). */
	movq	%rsp, %rdi				/* arg0: struct pt_regs * */
	movslq	%eax, %rsi				/* arg1: nr, sign-extended */
	call	do_syscall_64				/* returns with interrupts off; al = may use SYSRET */

	/*
	 * do_syscall_64 has checked that SYSRET restores exactly pt_regs: rcx == ip, r11 == flags,
	 * ip canonical and below TASK_SIZE_MAX, RF and TF clear, cs/ss the SYSRET selectors.
	 * Anything else returns through IRET, which restores every field.
	 */
	testb	%al, %al
	jz	swapgs_restore_regs_and_return_to_usermode

	.globl	syscall_return_via_sysret
syscall_return_via_sysret:			/* Nothing jumps here: the label names the path in traces. */
	POP_REGS				/* rcx = pt_regs->cx (== ip), r11 = pt_regs->r11 (== flags) */
	/* rsp → pt_regs->orig_ax. Every register but rsp now holds its user value. */
	movq	(RSP-ORIG_RAX)(%rsp), %rsp		/* the user stack: from here on no push or pop */

	.globl	entry_SYSRETQ_unsafe_stack
entry_SYSRETQ_unsafe_stack:
	/*
	 * rsp is the user's. A fault now would run the kernel on a user-controlled stack, which is
	 * why do_syscall_64 refuses SYSRET for a non-canonical RCX (Intel raises #GP at CPL 0 on it).
	 */
	swapgs
	sysretq

	.globl	entry_SYSRETQ_end
entry_SYSRETQ_end:
	int3
	.size	entry_SYSCALL_64, . - entry_SYSCALL_64

/*
 * The IRET exit to user mode, shared by system calls that cannot use SYSRET, exceptions and
 * interrupts from user mode. Entered with interrupts off and all exit work done:
 *   rsp → pt_regs (r15 at the bottom), GS = kernel per-CPU area.
 */
	.globl	common_interrupt_return
	.type	common_interrupt_return, @function
common_interrupt_return:
	.globl	swapgs_restore_regs_and_return_to_usermode
swapgs_restore_regs_and_return_to_usermode:
	POP_REGS
	addq	$8, %rsp			/* skip orig_ax: rsp → the IRET frame (ip, cs, flags, sp, ss) */
	swapgs				/* GS base := the user's again */
	testb	$3, 8(%rsp)			/* the frame's CS must be a user selector */
	jnz	native_iret
	ud2					/* returning to kernel mode through the user path is a bug */

/*
 * IRET back to kernel mode: exceptions and interrupts that interrupted the kernel.
 *   rsp → pt_regs, GS = kernel.
 */
	.globl	restore_regs_and_return_to_kernel
restore_regs_and_return_to_kernel:
	POP_REGS
	addq	$8, %rsp			/* skip orig_ax */

	.globl	native_iret
native_iret:
	.globl	native_irq_return_iret
native_irq_return_iret:
	/*
	 * A fault on this IRETQ (a bad user CS/SS, a non-canonical RIP) is taken at CPL 0 with the
	 * user GS already loaded; the exception entry recognises this address and swaps GS back.
	 */
	iretq
	.size	common_interrupt_return, . - common_interrupt_return

/*
 * Exception and interrupt entries (Linux's idtentry). The CPU has switched to the task's
 * kernel stack (TSS.sp0) if it came from user mode, or to an IST stack for the vectors that
 * use one, and pushed ss, sp, flags, cs, ip and, for some vectors, an error code:
 *   rsp → [error code,] ip, cs, flags, sp, ss.  Interrupts are off (interrupt gates).
 */
.macro idtentry vector asmsym cfunc has_error_code
	.globl	\asmsym
	.type	\asmsym, @function
\asmsym:
	.if \has_error_code == 0
	pushq	$-1				/* pt_regs->orig_ax: no error code, no syscall to restart */
	.endif
	/* Now the error code (or -1) sits in the orig_ax slot, as Linux arranges it. */
	PUSH_REGS
	CLEAR_REGS
	call	error_entry			/* swapgs if we came from user mode */
	movq	%rsp, %rdi			/* arg0: pt_regs */
	movq	ORIG_RAX(%rsp), %rsi		/* arg1: error code */
	movq	$-1, ORIG_RAX(%rsp)		/* not a system call: nothing to restart */
	movl	$\vector, %edx			/* arg2: vector */
	call	\cfunc
	jmp	error_return
	.size	\asmsym, . - \asmsym
.endm

/*
 * error_entry: called with rsp → return address, pt_regs. Decides whether GS must be swapped:
 * from user mode, yes; from kernel mode, no — except when the fault hit the IRET of the exit
 * path after its SWAPGS, where the kernel is running with the user's GS.
 */
error_entry:
	testb	$3, CS+8(%rsp)
	jz	.Lerror_kernelspace
	swapgs
	ret
.Lerror_kernelspace:
	/*
	 * A fault on the exit path's IRETQ: the frame it was popping was a user frame and SWAPGS
	 * has already run, so GS is the user's. (Nothing similar is done for SYSRET: a fault there
	 * is exactly what do_syscall_64's checks exist to prevent, and it runs the handler with the
	 * user's GS and the user's RSP.)
	 */
	leaq	native_irq_return_iret(%rip), %rcx
	cmpq	%rcx, RIP+8(%rsp)
	jne	1f
	swapgs
1:	ret

/*
 * error_return: back from the handler with interrupts off and, for a return to user mode, the
 * exit work done by the handler. rsp → pt_regs.
 */
error_return:
	testb	$3, CS(%rsp)
	jnz	swapgs_restore_regs_and_return_to_usermode
	jmp	restore_regs_and_return_to_kernel

	idtentry 0  asm_exc_divide_error          exc_divide_error           0
	idtentry 1  asm_exc_debug                 exc_debug                  0
	idtentry 3  asm_exc_int3                  exc_int3                   0
	idtentry 4  asm_exc_overflow              exc_overflow               0
	idtentry 5  asm_exc_bounds                exc_bounds                 0
	idtentry 6  asm_exc_invalid_op            exc_invalid_op             0
	idtentry 7  asm_exc_device_not_available  exc_device_not_available   0
	idtentry 10 asm_exc_invalid_tss           exc_invalid_tss            1
	idtentry 11 asm_exc_segment_not_present   exc_segment_not_present    1
	idtentry 12 asm_exc_stack_segment         exc_stack_segment          1
	idtentry 13 asm_exc_general_protection    exc_general_protection     1
	idtentry 14 asm_exc_page_fault            exc_page_fault             1
	idtentry 16 asm_exc_coprocessor_error     exc_coprocessor_error      0
	idtentry 17 asm_exc_alignment_check       exc_alignment_check        1
	idtentry 19 asm_exc_simd_coprocessor_error exc_simd_coprocessor_error 0

/*
 * Vectors that arrive on their own IST stack, possibly before SWAPGS in an entry path or
 * after it in an exit path: #DF, NMI, #MC. The GS state cannot be inferred from CS alone, so
 * paranoid_entry reads MSR_GS_BASE: a kernel (negative) base means GS is already the kernel's.
 * ebx remembers whether paranoid_exit must swap back (Linux's convention: ebx=0 → swapgs).
 */
.macro idtentry_paranoid vector asmsym cfunc has_error_code
	.globl	\asmsym
	.type	\asmsym, @function
\asmsym:
	.if \has_error_code == 0
	pushq	$-1				/* pt_regs->orig_ax */
	.endif
	PUSH_REGS
	CLEAR_REGS
	call	paranoid_entry
	movq	%rsp, %rdi
	movq	ORIG_RAX(%rsp), %rsi
	movq	$-1, ORIG_RAX(%rsp)
	movl	$\vector, %edx
	call	\cfunc
	jmp	paranoid_exit
	.size	\asmsym, . - \asmsym
.endm

paranoid_entry:
	movl	$1, %ebx			/* assume: no SWAPGS needed on exit */
	movl	$MSR_GS_BASE, %ecx
	rdmsr					/* edx:eax = current GS base */
	testl	%edx, %edx
	js	1f				/* negative: the kernel's per-CPU base is already loaded */
	swapgs
	xorl	%ebx, %ebx			/* exit must swap back */
1:	ret

paranoid_exit:
	testl	%ebx, %ebx
	jnz	restore_regs_and_return_to_kernel_or_user
	swapgs
restore_regs_and_return_to_kernel_or_user:
	POP_REGS
	addq	$8, %rsp
	iretq

	idtentry_paranoid 2  asm_exc_nmi           exc_nmi           0
	idtentry_paranoid 8  asm_exc_double_fault  exc_double_fault  1
	idtentry_paranoid 18 asm_exc_machine_check exc_machine_check 0

/*
 * Device interrupts (vectors 32-255). Each vector's stub pushes its vector number where the
 * error code would be, then joins the common path, as Linux's irq_entries_start does.
 */
	.globl	irq_entries_start
	.p2align 4
irq_entries_start:
	vector = 32
	.rept	224
	pushq	$vector				/* pt_regs->orig_ax: the vector */
	jmp	asm_common_interrupt
	.p2align 4
	vector = vector + 1
	.endr

	.globl	asm_common_interrupt
asm_common_interrupt:
	PUSH_REGS
	CLEAR_REGS
	call	error_entry
	movq	%rsp, %rdi			/* arg0: pt_regs */
	movq	ORIG_RAX(%rsp), %rsi		/* arg1: vector */
	movq	$-1, ORIG_RAX(%rsp)
	call	common_interrupt
	jmp	error_return

/* Reserved vectors 9, 15, 20-31: counted and ignored. */
	.globl	asm_spurious_interrupt
asm_spurious_interrupt:
	pushq	$-1
	PUSH_REGS
	CLEAR_REGS
	call	error_entry
	movq	%rsp, %rdi
	call	spurious_interrupt
	jmp	error_return

/*
 * MSR_CSTAR target while 32-bit system calls are not supported: a SYSCALL from compatibility
 * mode (AMD) gets -ENOSYS back, as Linux's entry_SYSCALL32_ignore gives without
 * CONFIG_IA32_EMULATION. RSP and GS are untouched; SYSRETL returns to ECX with R11's flags.
 */
	.globl	entry_SYSCALL32_ignore
entry_SYSCALL32_ignore:
	mov	$-ENOSYS, %eax
	sysretl

/*
 * ret_from_fork: where a new task starts. copy_thread() left its kernel stack holding a pt_regs
 * (the parent's registers, with ax = 0) and, below it, this address as the return address of
 * the native call the scheduler switched in from:
 *   rsp → pt_regs.  Interrupts are off.
 */
	.globl	ret_from_fork
	.type	ret_from_fork, @function
ret_from_fork:
	movq	%rsp, %rdi			/* arg0: pt_regs */
	call	ret_from_fork_work		/* schedule_tail + syscall_exit_to_user_mode */
	jmp	swapgs_restore_regs_and_return_to_usermode	/* a new task always leaves by IRET */
	.size	ret_from_fork, . - ret_from_fork

/*
 * ---------------------------------------------------------------------------------------------
 * --syscall-path=split-tables: the 2015 design (Linux 4.1-4.5), kept as a second, real entry.
 * Boot points MSR_LSTAR here instead of entry_SYSCALL_64.
 *
 * A fast path in assembly saves only the registers a C function may clobber, checks the work
 * flags, calls the handler straight from a table with the C convention, and returns by SYSRET
 * without looking at anything else: it cannot have changed rcx, r11, cs or ss. Everything that
 * needs more — work flags set on entry or exit, or a system call that needs the full frame
 * (marked /ptregs in syscall_64.tbl: execve, clone, fork, vfork, rt_sigreturn, iopl) — goes
 * to the slow path, which saves the rest of pt_regs, calls into C, and makes the opportunistic
 * SYSRET checks itself, in assembly, as 2015's code did (canonical RCX by sign extension from
 * bit 47, not today's TASK_SIZE_MAX).
 *
 * State on entry is as for entry_SYSCALL_64 (see above).
 * ---------------------------------------------------------------------------------------------
 */

/* thread_info sits at the bottom of the task's kernel stack: top_of_stack - THREAD_SIZE. */
#define TI_FLAGS(reg)		(TI_flags - THREAD_SIZE)(reg)
#define TI_SYSCALL_WORK(reg)	(TI_syscall_work - THREAD_SIZE)(reg)

	.globl	entry_SYSCALL_64_split
	.type	entry_SYSCALL_64_split, @function
entry_SYSCALL_64_split:
	swapgs
	movq	%rsp, PER_CPU_VAR(PCPU_USER_RSP_SCRATCH)
	movq	PER_CPU_VAR(PCPU_TOP_OF_STACK), %rsp
	.globl	entry_SYSCALL_64_split_safe_stack
entry_SYSCALL_64_split_safe_stack:
	PUSH_SYSCALL_HWFRAME
	pushq	%rax					/* pt_regs->orig_ax */
	pushq	%rdi					/* pt_regs->di */
	pushq	%rsi					/* pt_regs->si */
	pushq	%rdx					/* pt_regs->dx */
	pushq	%rcx					/* pt_regs->cx */
	pushq	$-ENOSYS				/* pt_regs->ax */
	pushq	%r8					/* pt_regs->r8 */
	pushq	%r9					/* pt_regs->r9 */
	pushq	%r10					/* pt_regs->r10 */
	pushq	%r11					/* pt_regs->r11 */
	subq	$(6*8), %rsp				/* pt_regs->bp, bx, r12-15: not saved on the fast path */

	/* Any entry work (tracing, seccomp, context tracking) or pending exit work: slow path. */
	movq	PER_CPU_VAR(PCPU_TOP_OF_STACK), %r11
	testl	$SYSCALL_WORK_ENTER, TI_SYSCALL_WORK(%r11)
	jnz	entry_SYSCALL64_slow_path
	testl	$EXIT_TO_USER_MODE_WORK, TI_FLAGS(%r11)
	jnz	entry_SYSCALL64_slow_path

	.globl	entry_SYSCALL_64_fastpath
entry_SYSCALL_64_fastpath:
	/* Interrupts are off. rax = nr; the arguments are still in rdi, rsi, rdx, r10, r8, r9. */
	cmpq	$(NR_syscalls_64 - 1), %rax
	ja	1f					/* out of range: ax stays -ENOSYS */
	movq	%r10, %rcx				/* the C convention's fourth argument */
	leaq	sys_call_table_64(%rip), %r11
	call	*(%r11, %rax, 8)
	.globl	entry_SYSCALL_64_after_fastpath_call
entry_SYSCALL_64_after_fastpath_call:
	movq	%rax, RAX(%rsp)
1:
	/* Work may have appeared during the call (a signal, need_resched): then the slow exit. */
	movq	PER_CPU_VAR(PCPU_TOP_OF_STACK), %r11
	testl	$EXIT_TO_USER_MODE_WORK, TI_FLAGS(%r11)
	jnz	1f
	movq	RIP(%rsp), %rcx				/* SYSRET's RIP */
	movq	EFLAGS(%rsp), %r11			/* SYSRET's RFLAGS */
	movq	R10(%rsp), %r10
	movq	R9(%rsp), %r9
	movq	R8(%rsp), %r8
	movq	RAX(%rsp), %rax
	movq	RDX(%rsp), %rdx
	movq	RSI(%rsp), %rsi
	movq	RDI(%rsp), %rdi
	movq	RSP(%rsp), %rsp				/* the user stack: from here no push or pop */
	.globl	entry_SYSCALL_64_fast_sysret
entry_SYSCALL_64_fast_sysret:
	swapgs
	sysretq
1:
	/* Slow exit after a fast call: complete pt_regs, run the exit work in C. */
	movq	%rbx, RBX(%rsp)
	movq	%rbp, RBP(%rsp)
	movq	%r12, R12(%rsp)
	movq	%r13, R13(%rsp)
	movq	%r14, R14(%rsp)
	movq	%r15, R15(%rsp)
	movq	%rsp, %rdi
	call	syscall_return_slowpath			/* returns with interrupts off */
	jmp	return_from_SYSCALL_64

	.globl	entry_SYSCALL64_slow_path
entry_SYSCALL64_slow_path:
	/* Complete pt_regs: the extra registers. */
	movq	%rbx, RBX(%rsp)
	movq	%rbp, RBP(%rsp)
	movq	%r12, R12(%rsp)
	movq	%r13, R13(%rsp)
	movq	%r14, R14(%rsp)
	movq	%r15, R15(%rsp)
	movq	%rsp, %rdi				/* arg0: pt_regs */
	call	do_syscall_64_slowpath			/* entry work, dispatch, exit work; interrupts off on return */

	.globl	return_from_SYSCALL_64
return_from_SYSCALL_64:
	/*
	 * Opportunistic SYSRET, decided here in assembly (2015): SYSRET restores exactly pt_regs
	 * when rcx == ip, r11 == flags, ip is canonical, cs/ss are the SYSRET selectors and RF/TF
	 * are clear. rsp → pt_regs, all of it saved.
	 */
	movq	RCX(%rsp), %rcx
	movq	RIP(%rsp), %r11
	cmpq	%rcx, %r11				/* SYSRET requires rcx == rip */
	jne	opportunistic_sysret_failed
	/*
	 * On Intel, SYSRET with a non-canonical RCX raises #GP in kernel mode with the user's RSP
	 * loaded: sign-extend from bit 47 and compare (__VIRTUAL_MASK_SHIFT = 47).
	 */
	shlq	$16, %rcx
	sarq	$16, %rcx
	cmpq	%rcx, %r11
	jne	opportunistic_sysret_failed
	cmpq	$__USER_CS, CS(%rsp)			/* CS must match SYSRET's */
	jne	opportunistic_sysret_failed
	movq	R11(%rsp), %r11
	cmpq	%r11, EFLAGS(%rsp)			/* R11 == RFLAGS */
	jne	opportunistic_sysret_failed
	/*
	 * SYSRET cannot restore RF, and with TF set it would trap on the first user instruction
	 * (a single-stepped "pushfq; popq %r11" would then loop for ever).
	 */
	testq	$(X86_EFLAGS_RF | X86_EFLAGS_TF), %r11
	jnz	opportunistic_sysret_failed
	cmpq	$__USER_DS, SS(%rsp)			/* SS must match SYSRET's */
	jne	opportunistic_sysret_failed

	.globl	split_syscall_return_via_sysret
split_syscall_return_via_sysret:
	POP_REGS
	movq	(RSP-ORIG_RAX)(%rsp), %rsp
	.globl	entry_SYSRETQ_split_unsafe_stack
entry_SYSRETQ_split_unsafe_stack:
	swapgs
	sysretq
	.globl	entry_SYSRETQ_split_end
entry_SYSRETQ_split_end:
	int3

	.globl	opportunistic_sysret_failed
opportunistic_sysret_failed:
	jmp	swapgs_restore_regs_and_return_to_usermode
	.size	entry_SYSCALL_64_split, . - entry_SYSCALL_64_split

/*
 * stub_ptregs_64: where the fast table sends full-register system calls. Called from the fast
 * path (the return address says so), it drops that call and restarts the call on the slow
 * path, which has the full frame; called from C it would just go on to the handler in rax.
 */
	.globl	stub_ptregs_64
	.type	stub_ptregs_64, @function
stub_ptregs_64:
	leaq	entry_SYSCALL_64_after_fastpath_call(%rip), %r11
	cmpq	%r11, (%rsp)
	jne	1f
	popq	%rax					/* the fast path's return address */
	jmp	entry_SYSCALL64_slow_path		/* interrupts are still off */
1:	jmp	*%rax
	.size	stub_ptregs_64, . - stub_ptregs_64

.macro PTREGS_STUB func
	.globl	ptregs_\func
ptregs_\func:
	leaq	__x64_\func(%rip), %rax
	jmp	stub_ptregs_64
.endm

	SYSCALL_PTREGS_STUBS

	.section .rodata
	.p2align 3
	.globl	sys_call_table_64
sys_call_table_64:
	SYSCALL_TABLE_64
	.text

/*
 * kthread_spin: a kernel thread that runs with interrupts enabled, so that the timer can
 * interrupt it in kernel mode and — with preempt_count zero — preempt it there (the return-to-
 * kernel preemption of the interrupt exit path). Started by the scheduler's switch with:
 *   rbx  address of a counter it increments once per round
 *   r12  number of rounds
 *   r13  non-zero: run the loop with preemption disabled (preempt_count raised)
 */
	.globl	kthread_spin
	.type	kthread_spin, @function
kthread_spin:
	testq	%r13, %r13
	jz	1f
	incl	PER_CPU_VAR(PCPU_PREEMPT_COUNT)		/* preempt_disable() */
1:	sti
	.globl	kthread_spin_loop
kthread_spin_loop:
	incq	(%rbx)
	decq	%r12
	jnz	kthread_spin_loop
	cli
	testq	%r13, %r13
	jz	2f
	decl	PER_CPU_VAR(PCPU_PREEMPT_COUNT)		/* preempt_enable(), interrupts off */
2:	call	kthread_exit				/* does not return */
	ud2
	.size	kthread_spin, . - kthread_spin

/*
 * kthread_count_events: a kernel thread that counts its rounds in its own counter and in this
 * CPU's event counter (PCPU_EVENT_COUNT), which interrupt and NMI handlers also count into.
 * Started like kthread_spin, with interrupts enabled:
 *   rbx  address of its own counter (only this thread writes it)
 *   r12  number of rounds
 *
 * The per-CPU update is a load, an add and a store: a stand-in for any per-CPU update that takes
 * more than one instruction (a single `incq %gs:` is interrupt-safe by itself). An interrupt
 * between the load and the store that counts into the same variable, or a preemption there that
 * lets another thread count, would be overwritten by the stale value - unless the sequence is
 * restarted from the load, which the KRSEQ entry below asks for. --kernel-rseq=off shows the
 * torn count.
 */
	.globl	kthread_count_events
	.type	kthread_count_events, @function
kthread_count_events:
	sti
	.globl	kthread_count_events_loop
kthread_count_events_loop:
	incq	(%rbx)					/* this thread's own count */
	.globl	kthread_count_events_seq
kthread_count_events_seq:
	movq	PER_CPU_VAR(PCPU_EVENT_COUNT), %rax	/* read this CPU's count... */
	addq	$1, %rax
	movq	%rax, PER_CPU_VAR(PCPU_EVENT_COUNT)	/* ...commit: the last instruction of the range */
	.globl	kthread_count_events_seq_end
kthread_count_events_seq_end:
	KRSEQ	kthread_count_events_seq, kthread_count_events_seq_end, kthread_count_events_seq
	decq	%r12
	jnz	kthread_count_events_loop
	cli
	call	kthread_exit				/* does not return */
	ud2
	.size	kthread_count_events, . - kthread_count_events
