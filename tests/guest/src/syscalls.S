/*
 * syscalls: the raw 64-bit system-call ABI, without a libc. Each step prints one line, so the
 * emulated run can be compared line by line with the same binary run on the host.
 *
 * ABI (Linux, arch/x86/entry/entry_64.S): rax = number, arguments in rdi, rsi, rdx, r10, r8,
 * r9; result in rax; SYSCALL itself overwrites rcx (return RIP) and r11 (RFLAGS), and the
 * kernel preserves every other register on both of its return paths (SYSRET and IRET).
 *
 * Built with `as` and `ld -static -nostdlib`: no preprocessor, so constants are .equ.
 */
	.equ	SYS_write, 1
	.equ	SYS_getpid, 39
	.equ	SYS_exit_group, 231
	.equ	SYS_unknown, 1000		/* far above the last Linux syscall number */

/* check_reg value,reg: eax += (reg != value). Clobbers rcx. */
	.macro	check_reg value, reg
	movabs	$\value, %rcx
	cmp	%rcx, \reg
	setne	%cl
	movzbl	%cl, %ecx
	add	%ecx, %eax
	.endm

	.text
	.globl	_start
_start:
	/* Step 1: write(1, msg, len); the line itself is the output, then its return value. */
	mov	$SYS_write, %eax
	mov	$1, %edi
	lea	msg_write(%rip), %rsi
	mov	$msg_write_len, %edx
	syscall
	mov	%rax, %rbx
	lea	lbl_write_ret(%rip), %rdi
	mov	%rbx, %rsi
	call	print_labelled

	/* Step 2: getpid() is positive (the value itself differs between host and emulator). */
	mov	$SYS_getpid, %eax
	syscall
	xor	%esi, %esi
	test	%rax, %rax
	setg	%sil
	lea	lbl_getpid(%rip), %rdi
	call	print_labelled

	/* Step 3: an unknown number returns -ENOSYS (-38) in rax. */
	mov	$SYS_unknown, %eax
	syscall
	lea	lbl_unknown(%rip), %rdi
	mov	%rax, %rsi
	call	print_labelled

	/* Step 4: nr = -1 never reaches a table; rax keeps the -ENOSYS the entry code stored
	 * in pt_regs->ax before dispatch. */
	mov	$-1, %rax
	syscall
	lea	lbl_minus1(%rip), %rdi
	mov	%rax, %rsi
	call	print_labelled

	/* Step 5: after SYSCALL returns, rcx holds the address of the next instruction and r11
	 * the RFLAGS the program had (with RF clear): true for SYSRET and for the IRET path,
	 * which restores both from pt_regs. */
	mov	$SYS_getpid, %eax
	syscall
after_syscall:
	pushfq
	pop	%rdx
	lea	after_syscall(%rip), %rax
	xor	%esi, %esi
	cmp	%rax, %rcx
	sete	%sil
	mov	%rdx, %r12
	lea	lbl_rcx(%rip), %rdi
	call	print_labelled
	xor	%esi, %esi
	cmp	%r12, %r11
	sete	%sil
	lea	lbl_r11(%rip), %rdi
	call	print_labelled

	/* Step 6: every register except rax, rcx and r11 survives a system call. */
	movabs	$0x1111111111111111, %rbx
	movabs	$0x2222222222222222, %rdx
	movabs	$0x3333333333333333, %rsi
	movabs	$0x4444444444444444, %rdi
	movabs	$0x5555555555555555, %rbp
	movabs	$0x8888888888888888, %r8
	movabs	$0x9999999999999999, %r9
	movabs	$0xaaaaaaaaaaaaaaaa, %r10
	movabs	$0xcccccccccccccccc, %r12
	movabs	$0xdddddddddddddddd, %r13
	movabs	$0xeeeeeeeeeeeeeeee, %r14
	movabs	$0xffffffffffffffff, %r15
	mov	%rsp, %rax
	movq	%rax, saved_rsp(%rip)
	mov	$SYS_getpid, %eax
	syscall
	xor	%eax, %eax			/* count of clobbered registers */
	check_reg	0x1111111111111111, %rbx
	check_reg	0x2222222222222222, %rdx
	check_reg	0x3333333333333333, %rsi
	check_reg	0x4444444444444444, %rdi
	check_reg	0x5555555555555555, %rbp
	check_reg	0x8888888888888888, %r8
	check_reg	0x9999999999999999, %r9
	check_reg	0xaaaaaaaaaaaaaaaa, %r10
	check_reg	0xcccccccccccccccc, %r12
	check_reg	0xdddddddddddddddd, %r13
	check_reg	0xeeeeeeeeeeeeeeee, %r14
	check_reg	0xffffffffffffffff, %r15
	cmp	saved_rsp(%rip), %rsp
	setne	%cl
	movzbl	%cl, %ecx
	add	%ecx, %eax
	lea	lbl_clobbered(%rip), %rdi
	mov	%rax, %rsi
	call	print_labelled

	/* Step 7: exit_group(0). */
	lea	msg_exit(%rip), %rsi
	mov	$msg_exit_len, %edx
	call	write_stdout
	mov	$SYS_exit_group, %eax
	xor	%edi, %edi
	syscall
	hlt					/* not reached: #GP at CPL 3 if it were */

/* print_labelled(rdi = NUL-terminated label, rsi = signed value): writes "label value\n". */
print_labelled:
	push	%rbx
	push	%r12
	mov	%rsi, %r12
	mov	%rdi, %rsi
	xor	%edx, %edx
1:	cmpb	$0, (%rsi,%rdx)
	je	2f
	inc	%rdx
	jmp	1b
2:	call	write_stdout
	/* Format r12 in decimal, right to left, into numbuf. */
	lea	numbuf_end(%rip), %rbx
	movb	$'\n', -1(%rbx)
	lea	-1(%rbx), %rsi
	mov	%r12, %rax
	test	%rax, %rax
	jns	3f
	neg	%rax
3:	mov	$10, %ecx
4:	xor	%edx, %edx
	div	%rcx
	add	$'0', %dl
	dec	%rsi
	mov	%dl, (%rsi)
	test	%rax, %rax
	jnz	4b
	test	%r12, %r12
	jns	5f
	dec	%rsi
	movb	$'-', (%rsi)
5:	mov	%rbx, %rdx
	sub	%rsi, %rdx
	call	write_stdout
	pop	%r12
	pop	%rbx
	ret

/* write_stdout(rsi = buffer, rdx = length). Clobbers rax, rcx, rdi, r11. */
write_stdout:
	mov	$SYS_write, %eax
	mov	$1, %edi
	syscall
	ret

	.section .rodata
msg_write:
	.ascii	"syscalls: write works\n"
	.equ	msg_write_len, . - msg_write
msg_exit:
	.ascii	"syscalls: exit_group(0)\n"
	.equ	msg_exit_len, . - msg_exit
lbl_write_ret:	.asciz	"write returned "
lbl_getpid:	.asciz	"getpid > 0: "
lbl_unknown:	.asciz	"syscall 1000 returned "
lbl_minus1:	.asciz	"syscall -1 returned "
lbl_rcx:	.asciz	"rcx == return address: "
lbl_r11:	.asciz	"r11 == rflags: "
lbl_clobbered:	.asciz	"registers clobbered besides rax, rcx, r11: "

	.bss
	.balign	8
saved_rsp:	.skip	8
numbuf:		.skip	24
numbuf_end:
