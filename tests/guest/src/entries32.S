/*
 * entries32: the three ways a 32-bit program enters a 64-bit kernel, from assembly (i386, no libc).
 * It finds __kernel_vsyscall through AT_SYSINFO in the auxiliary vector and makes system calls
 * through it - the vDSO then uses SYSENTER, SYSCALL or INT 0x80 as the kernel chose at boot - and
 * makes the same calls with INT 0x80 directly. Every call's result is checked; arg 6 (ebp) must
 * come through intact on every path (the fast entries fetch it back from the user stack), and
 * ecx/edx/ebx/esi/edi/ebp must be preserved. Output: one line per check, then "done".
 * Build: as --32, ld -m elf_i386 (scripts/build-guests.sh).
 */
	.set	NR_exit, 1
	.set	NR_write, 4
	.set	NR_getpid, 20
	.set	NR_mmap2, 192
	.set	AT_SYSINFO, 32
	.set	ROUNDS, 1000

	.data
vsyscall:	.long	0
msg_found:	.ascii	"AT_SYSINFO found\n"
	.set	msg_found_len, . - msg_found
msg_vdso:	.ascii	"vsyscall getpid x1000 ok\n"
	.set	msg_vdso_len, . - msg_vdso
msg_int80:	.ascii	"int80 getpid x1000 ok\n"
	.set	msg_int80_len, . - msg_int80
msg_regs:	.ascii	"registers preserved\n"
	.set	msg_regs_len, . - msg_regs
msg_arg6:	.ascii	"mmap2 with arg 6 through the vDSO ok\n"
	.set	msg_arg6_len, . - msg_arg6
msg_done:	.ascii	"done\n"
	.set	msg_done_len, . - msg_done
msg_fail:	.ascii	"FAILED\n"
	.set	msg_fail_len, . - msg_fail

	.text
	.globl	_start
_start:
	/* esp → argc, argv[], NULL, envp[], NULL, auxv pairs. */
	movl	(%esp), %eax
	leal	8(%esp,%eax,4), %esi		/* envp */
1:	movl	(%esi), %eax
	addl	$4, %esi
	testl	%eax, %eax
	jnz	1b
2:	movl	(%esi), %eax			/* auxv: type, value */
	testl	%eax, %eax
	jz	fail
	cmpl	$AT_SYSINFO, %eax
	je	3f
	addl	$8, %esi
	jmp	2b
3:	movl	4(%esi), %eax
	movl	%eax, vsyscall

	movl	$msg_found, %ecx
	movl	$msg_found_len, %edx
	call	print

	/* getpid through __kernel_vsyscall, ROUNDS times: the same pid each time. */
	movl	$NR_getpid, %eax
	int	$0x80
	movl	%eax, %ebp			/* the pid, by INT 0x80 */
	movl	$ROUNDS, %edi
4:	movl	$NR_getpid, %eax
	call	*vsyscall
	cmpl	%ebp, %eax
	jne	fail
	decl	%edi
	jnz	4b
	movl	$msg_vdso, %ecx
	movl	$msg_vdso_len, %edx
	call	print

	movl	$ROUNDS, %edi
5:	movl	$NR_getpid, %eax
	int	$0x80
	cmpl	%ebp, %eax
	jne	fail
	decl	%edi
	jnz	5b
	movl	$msg_int80, %ecx
	movl	$msg_int80_len, %edx
	call	print

	/* Registers other than eax come back unchanged from a call through the vDSO. */
	movl	$0x11111111, %ebx
	movl	$0x22222222, %ecx
	movl	$0x33333333, %edx
	movl	$0x44444444, %esi
	movl	$0x55555555, %edi
	movl	$0x66666666, %ebp
	movl	$NR_getpid, %eax
	call	*vsyscall
	cmpl	$0x11111111, %ebx
	jne	fail
	cmpl	$0x22222222, %ecx
	jne	fail
	cmpl	$0x33333333, %edx
	jne	fail
	cmpl	$0x44444444, %esi
	jne	fail
	cmpl	$0x55555555, %edi
	jne	fail
	cmpl	$0x66666666, %ebp
	jne	fail
	movl	$msg_regs, %ecx
	movl	$msg_regs_len, %edx
	call	print

	/*
	 * mmap2(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0): arg 6 (ebp, the
	 * page offset) reaches the kernel from the vDSO's stack slot on the fast entries (SYSENTER
	 * overwrote ebp with esp, SYSCALL with ecx). The page must be usable afterwards.
	 */
	xorl	%ebx, %ebx
	movl	$4096, %ecx
	movl	$3, %edx
	movl	$0x22, %esi
	movl	$-1, %edi
	xorl	%ebp, %ebp
	movl	$NR_mmap2, %eax
	call	*vsyscall
	cmpl	$-4096, %eax
	jae	fail
	movl	$0x12345678, (%eax)
	cmpl	$0x12345678, (%eax)
	jne	fail
	movl	$msg_arg6, %ecx
	movl	$msg_arg6_len, %edx
	call	print

	movl	$msg_done, %ecx
	movl	$msg_done_len, %edx
	call	print
	movl	$NR_exit, %eax
	xorl	%ebx, %ebx
	int	$0x80

fail:
	movl	$msg_fail, %ecx
	movl	$msg_fail_len, %edx
	call	print
	movl	$NR_exit, %eax
	movl	$1, %ebx
	int	$0x80

/* print: write(1, ecx, edx) through the vDSO when found, else INT 0x80. Keeps ebp, edi. */
print:
	pushl	%ebx
	movl	$1, %ebx
	movl	$NR_write, %eax
	cmpl	$0, vsyscall
	je	1f
	call	*vsyscall
	popl	%ebx
	ret
1:	int	$0x80
	popl	%ebx
	ret

	.section .note.GNU-stack, "", @progbits
