/*
 * The bytes of the vsyscall page (Linux: arch/x86/entry/vsyscall/vsyscall_emu_64.S): at each
 * entry, 1 KiB apart, the system call the entry stands for, padded with int3. They are never
 * executed: the page is mapped no-execute (vsyscall=emulate: readable, for programs that read
 * it) or not at all (xonly, none), and a call into it faults into the emulation in vsyscall.ts.
 */
	.text
	.globl vsyscall_page
vsyscall_page:
	mov	$96, %rax	/* __NR_gettimeofday */
	syscall
	ret
	.balign 1024, 0xcc
	mov	$201, %rax	/* __NR_time */
	syscall
	ret
	.balign 1024, 0xcc
	mov	$309, %rax	/* __NR_getcpu */
	syscall
	ret
	.balign 4096, 0xcc

	.section .note.GNU-stack, "", @progbits
