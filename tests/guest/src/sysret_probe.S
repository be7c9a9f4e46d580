/*
 * sysret_probe: one system call whose return path a test can steer. It makes system call
 * 0x1001 (not a Linux number: natively it returns -ENOSYS), then runs `inc %ebx` and exits
 * with ebx as the status. Natively the status is 1. A test installs a handler for 0x1001 that
 * moves the saved RIP past the two-byte `inc`, and expects status 0 — and a return by IRET,
 * since RCX no longer equals RIP.
 */
	.equ	SYS_probe, 0x1001
	.equ	SYS_exit_group, 231

	.text
	.globl	_start
_start:
	xor	%ebx, %ebx
	mov	$SYS_probe, %eax
	syscall
	.globl	after_syscall
after_syscall:
	inc	%ebx			/* ff c3: two bytes a handler may skip */
	mov	%ebx, %edi
	mov	$SYS_exit_group, %eax
	syscall
	hlt				/* not reached: exit_group does not return */
