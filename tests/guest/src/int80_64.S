/*
 * int80_64: INT 0x80 from 64-bit code (x86-64, no libc). It is an i386 system call: i386
 * numbers (20 = getpid, 4 = write, 1 = exit), arguments from ebx, ecx, edx, esi, edi, ebp
 * truncated to 32 bits, and every register but rax comes back unchanged, r8-r15 included
 * (Linux 4.17+). The ABI follows the entry instruction, not the program.
 */
	.data
ok_pid:	.ascii	"int $0x80 with eax=20 is getpid: same as syscall 39\n"
	.set	ok_pid_len, . - ok_pid
ok_regs: .ascii	"registers preserved, r8-r15 included\n"
	.set	ok_regs_len, . - ok_regs
ok_trunc: .ascii "arguments are truncated to 32 bits (fd 0x100000001 is 1)\n"
	.set	ok_trunc_len, . - ok_trunc
bad:	.ascii	"FAILED\n"
	.set	bad_len, . - bad

	.text
	.globl	_start
_start:
	movl	$39, %eax			/* getpid, 64-bit number */
	syscall
	movq	%rax, %r12

	movabsq	$0x0808080808080808, %r8
	movabsq	$0x0909090909090909, %r9
	movabsq	$0x1010101010101010, %r10
	movabsq	$0x1111111111111111, %r11
	movabsq	$0x1313131313131313, %r13
	movabsq	$0x1414141414141414, %r14
	movabsq	$0x1515151515151515, %r15
	movabsq	$0xdeadbeef00000003, %rbx
	movabsq	$0xdeadbeef00000001, %rcx
	movabsq	$0xdeadbeef00000002, %rdx
	movabsq	$0xdeadbeef00000006, %rsi
	movabsq	$0xdeadbeef00000007, %rdi
	movabsq	$0xdeadbeef00000005, %rbp
	movl	$20, %eax			/* getpid, i386 number */
	int	$0x80
	cmpq	%r12, %rax
	jne	fail
	leaq	ok_pid(%rip), %rcx
	movl	$ok_pid_len, %edx
	call	print_keep

	movabsq	$0x0808080808080808, %rax
	cmpq	%rax, %r8
	jne	fail
	movabsq	$0x0909090909090909, %rax
	cmpq	%rax, %r9
	jne	fail
	movabsq	$0x1010101010101010, %rax
	cmpq	%rax, %r10
	jne	fail
	movabsq	$0x1111111111111111, %rax
	cmpq	%rax, %r11
	jne	fail
	movabsq	$0x1313131313131313, %rax
	cmpq	%rax, %r13
	jne	fail
	movabsq	$0x1515151515151515, %rax
	cmpq	%rax, %r15
	jne	fail
	movabsq	$0xdeadbeef00000005, %rax
	cmpq	%rax, %rbp
	jne	fail
	movabsq	$0xdeadbeef00000007, %rax
	cmpq	%rax, %rdi
	jne	fail
	movabsq	$0xdeadbeef00000006, %rax
	cmpq	%rax, %rsi
	jne	fail
	leaq	ok_regs(%rip), %rcx
	movl	$ok_regs_len, %edx
	call	print_keep

	/* write(0x100000001, msg, len): only ebx reaches the kernel. */
	movabsq	$0x100000001, %rbx
	leaq	ok_trunc(%rip), %rcx
	movl	$ok_trunc_len, %edx
	movl	$4, %eax
	int	$0x80
	cmpq	$ok_trunc_len, %rax
	jne	fail

	movl	$1, %eax			/* exit(0), i386 number */
	xorl	%ebx, %ebx
	int	$0x80

fail:
	leaq	bad(%rip), %rcx
	movl	$bad_len, %edx
	call	print_keep
	movl	$1, %eax
	movl	$1, %ebx
	int	$0x80

/* print_keep: write(1, rcx, rdx) by INT 0x80; rbx is saved (the data lies below 4 GiB). */
print_keep:
	pushq	%rbx
	movl	$1, %ebx
	movl	$4, %eax
	int	$0x80
	popq	%rbx
	ret

	.section .note.GNU-stack, "", @progbits
