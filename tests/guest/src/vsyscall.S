/*
 * vsyscall: calls the legacy vsyscall page directly, as pre-2012 static binaries did
 * (0xffffffffff600000 gettimeofday, +0x400 time, +0x800 getcpu). argv[1] picks the step:
 *   call        all three calls: each must return to the instruction after the call with rsp
 *               restored, callee-saved registers intact and a sane result; prints "calls: ok"
 *   read        reads the page's first 8 bytes (mov $96,%rax ...): prints "read: ok" when they
 *               are Linux's vsyscall_emu_64.S bytes (vsyscall=emulate), dies of SIGSEGV under
 *               xonly or none
 *   misaligned  calls 0xffffffffff600008, not an entry: SIGSEGV
 *   badptr      gettimeofday with an unmapped user pointer: the call faults, SIGSEGV
 *   kernelptr   gettimeofday with a kernel pointer: fails access_ok, SIGSEGV
 * Exit status 0 after a printed line, 1 when a check failed.
 */
	.equ	SYS_write, 1
	.equ	SYS_exit_group, 231
	.equ	VSYS_gettimeofday, 0xffffffffff600000
	.equ	VSYS_time, 0xffffffffff600400
	.equ	VSYS_getcpu, 0xffffffffff600800

	.text
	.globl	_start
_start:
	mov	(%rsp), %rax
	cmp	$2, %rax
	jb	fail
	mov	16(%rsp), %rax		/* argv[1] */
	movzbl	(%rax), %eax
	cmp	$'c', %al
	je	do_call
	cmp	$'r', %al
	je	do_read
	cmp	$'m', %al
	je	do_misaligned
	cmp	$'b', %al
	je	do_badptr
	cmp	$'k', %al
	je	do_kernelptr
	jmp	fail

do_call:
	mov	$0x1111, %rbx
	mov	$0x2222, %rbp
	mov	$0x3333, %r12
	mov	%rsp, %r13
	/* time(NULL): the seconds in rax. */
	xor	%edi, %edi
	mov	$VSYS_time, %rax
	call	*%rax
	cmp	%rsp, %r13
	jne	fail
	cmp	$1000000000, %rax	/* after 2001 */
	jb	fail
	mov	%rax, %r14
	/* time(&t): the same value stored. */
	lea	tbuf(%rip), %rdi
	mov	$VSYS_time, %rax
	call	*%rax
	cmp	tbuf(%rip), %rax
	jne	fail
	sub	%r14, %rax
	cmp	$2, %rax
	ja	fail
	/* gettimeofday(&tv, NULL) == 0, tv_sec close to time(), tv_usec < 10^6. */
	lea	tv(%rip), %rdi
	xor	%esi, %esi
	mov	$VSYS_gettimeofday, %rax
	call	*%rax
	test	%rax, %rax
	jne	fail
	mov	tv(%rip), %rax
	sub	%r14, %rax
	cmp	$2, %rax
	ja	fail
	cmpq	$1000000, tv+8(%rip)
	jae	fail
	/* getcpu(&cpu, &node, junk) == 0: cpu 0, node 0 on one CPU... or any small numbers. */
	movl	$-1, cpu(%rip)
	movl	$-1, node(%rip)
	lea	cpu(%rip), %rdi
	lea	node(%rip), %rsi
	mov	$0x5555, %rdx
	mov	$VSYS_getcpu, %rax
	call	*%rax
	test	%rax, %rax
	jne	fail
	cmpl	$4096, cpu(%rip)
	jae	fail
	cmpl	$4096, node(%rip)
	jae	fail
	/* Callee-saved registers and the stack survived every call. */
	cmp	%rsp, %r13
	jne	fail
	cmp	$0x1111, %rbx
	jne	fail
	cmp	$0x2222, %rbp
	jne	fail
	cmp	$0x3333, %r12
	jne	fail
	lea	msg_calls(%rip), %rsi
	mov	$msg_calls_len, %edx
	jmp	print_exit

do_read:
	mov	$VSYS_gettimeofday, %rax
	mov	(%rax), %rax
	movabs	$0x0f00000060c0c748, %rcx	/* 48 c7 c0 60 00 00 00 0f: mov $96,%rax; syscall */
	cmp	%rcx, %rax
	jne	fail
	lea	msg_read(%rip), %rsi
	mov	$msg_read_len, %edx
	jmp	print_exit

do_misaligned:
	mov	$VSYS_gettimeofday + 8, %rax
	call	*%rax
	jmp	survived

do_badptr:
	mov	$0x10, %edi
	xor	%esi, %esi
	mov	$VSYS_gettimeofday, %rax
	call	*%rax
	jmp	survived

do_kernelptr:
	movabs	$0xffff888000000000, %rdi
	xor	%esi, %esi
	mov	$VSYS_gettimeofday, %rax
	call	*%rax
	jmp	survived

survived:
	lea	msg_survived(%rip), %rsi
	mov	$msg_survived_len, %edx
	mov	$SYS_write, %eax
	mov	$1, %edi
	syscall
	jmp	fail

print_exit:
	mov	$SYS_write, %eax
	mov	$1, %edi
	syscall
	xor	%edi, %edi
	mov	$SYS_exit_group, %eax
	syscall

fail:
	mov	$1, %edi
	mov	$SYS_exit_group, %eax
	syscall

	.data
msg_calls:	.ascii "calls: ok\n"
	.equ	msg_calls_len, . - msg_calls
msg_read:	.ascii "read: ok\n"
	.equ	msg_read_len, . - msg_read
msg_survived:	.ascii "survived the bad call\n"
	.equ	msg_survived_len, . - msg_survived
	.balign 8
tbuf:	.quad 0
tv:	.quad 0, 0
cpu:	.long 0
node:	.long 0
