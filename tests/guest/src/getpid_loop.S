/*
 * getpid_loop: the system-call round-trip benchmark. Calls getpid COUNT times (200,000, or
 * the decimal number in argv[1]) and exits with status 0, printing "getpid_loop: N calls".
 * getpid does almost no work in the kernel, so the time per iteration is the cost of the
 * entry and exit path: SYSCALL, entry_SYSCALL_64, do_syscall_64, the exit work, SYSRET.
 *
 * Built with `as` and `ld -static -nostdlib`.
 */
	.equ	SYS_write, 1
	.equ	SYS_getpid, 39
	.equ	SYS_exit_group, 231
	.equ	COUNT, 200000

	.text
	.globl	_start
_start:
	/* Initial stack (System V ABI, AMD64 supplement §3.4.1): argc at (%rsp), then argv[]. */
	mov	$COUNT, %r12d
	cmpq	$2, (%rsp)
	jb	2f
	mov	16(%rsp), %rsi			/* argv[1] */
	xor	%r12d, %r12d
1:	movzbl	(%rsi), %eax
	sub	$'0', %eax
	cmp	$9, %eax
	ja	2f				/* stop at the first non-digit */
	imul	$10, %r12, %r12
	add	%rax, %r12
	inc	%rsi
	jmp	1b
2:	mov	%r12, %rbx			/* callee-saved across SYSCALL */
	test	%rbx, %rbx
	jz	4f
	.balign	16
3:	mov	$SYS_getpid, %eax
	syscall
	dec	%rbx
	jnz	3b

	/* "getpid_loop: N calls\n", N formatted right to left. */
4:	lea	tail(%rip), %rsi		/* " calls\n" is already in place */
	mov	%r12, %rax
	mov	$10, %ecx
5:	xor	%edx, %edx
	div	%rcx
	add	$'0', %dl
	dec	%rsi
	mov	%dl, (%rsi)
	test	%rax, %rax
	jnz	5b
	sub	$prefix_len, %rsi
	lea	prefix(%rip), %rdi
	mov	$prefix_len, %ecx
6:	movzbl	(%rdi), %eax			/* copy the prefix in front of the digits */
	mov	%al, (%rsi)
	inc	%rdi
	inc	%rsi
	dec	%ecx
	jnz	6b
	sub	$prefix_len, %rsi
	lea	end(%rip), %rdx
	sub	%rsi, %rdx
	mov	$SYS_write, %eax
	mov	$1, %edi
	syscall

	mov	$SYS_exit_group, %eax
	xor	%edi, %edi
	syscall
	hlt

	.section .rodata
prefix:	.ascii	"getpid_loop: "
	.equ	prefix_len, . - prefix

	.data
buf:	.skip	40				/* prefix and up to 20 digits */
tail:	.ascii	" calls\n"
end:
