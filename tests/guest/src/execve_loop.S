/*
 * execve_loop: the execve benchmark. Replaces itself with itself COUNT times (100, or the
 * decimal number in argv[1]): each image runs execve(argv[0], {argv[0], "N-1"}, {}), and the
 * last, started with 0, prints "execve_loop: done" and exits with status 0. If an execve
 * fails the program exits with status 1.
 *
 * Built with `as` and `ld -static -nostdlib`.
 */
	.equ	SYS_write, 1
	.equ	SYS_execve, 59
	.equ	SYS_exit_group, 231
	.equ	COUNT, 100

	.text
	.globl	_start
_start:
	/* Initial stack (System V ABI, AMD64 supplement §3.4.1): argc at (%rsp), then argv[]. */
	mov	8(%rsp), %r13			/* argv[0]: the path to exec again */
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
2:	test	%r12, %r12
	jz	done
	dec	%r12

	/* "N-1" in decimal, right to left, ending at numend (a NUL is already there). */
	lea	numend(%rip), %rsi
	mov	%r12, %rax
	mov	$10, %ecx
3:	xor	%edx, %edx
	div	%rcx
	add	$'0', %dl
	dec	%rsi
	mov	%dl, (%rsi)
	test	%rax, %rax
	jnz	3b

	mov	%r13, newargv(%rip)		/* argv[0] */
	mov	%rsi, newargv+8(%rip)		/* argv[1]: the count left */
	mov	$SYS_execve, %eax
	mov	%r13, %rdi
	lea	newargv(%rip), %rsi
	lea	newenvp(%rip), %rdx
	syscall
	mov	$SYS_exit_group, %eax		/* execve returned: it failed */
	mov	$1, %edi
	syscall
	hlt

done:	mov	$SYS_write, %eax
	mov	$1, %edi
	lea	msg(%rip), %rsi
	mov	$msg_len, %edx
	syscall
	mov	$SYS_exit_group, %eax
	xor	%edi, %edi
	syscall
	hlt

	.section .rodata
msg:	.ascii	"execve_loop: done\n"
	.equ	msg_len, . - msg

	.data
newargv: .quad	0, 0, 0				/* argv[0], argv[1], NULL */
newenvp: .quad	0				/* no environment */
numbuf:	.skip	24
numend:	.byte	0
