/* badstack: a 32-bit fast system call whose user stack is not there (i386 only). The program
 * enters the kernel itself, as __kernel_vsyscall would, but with the stack pointer the entry
 * reads arg 6 from pointing at an unmapped page: SYSENTER (argv[1] "sysenter": the user ESP is
 * taken from ebp) or SYSCALL from compatibility mode ("syscall": the user ESP is esp itself).
 * The kernel's fetch must fail safely: the call returns -EFAULT without running, through IRET to
 * the vDSO's landing pad, where the first pop from the bad stack raises SIGSEGV. A handler on
 * an alternate stack reports what it sees (Linux: __do_fast_syscall_32, "regs->ax = -EFAULT").
 * Which instruction works depends on the CPU vendor (ringside's --cpu-vendor). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ucontext.h>
#include <unistd.h>

#define BAD_STACK 0x10

static void onsegv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	unsigned long vsyscall = getauxval(AT_SYSINFO);
	unsigned long eip = uc->uc_mcontext.gregs[REG_EIP];
	(void)sig;
	/* int80_landing_pad: __kernel_vsyscall + 3 pushes + the 4-byte entry sequence + int $0x80. */
	printf("SIGSEGV at the vDSO landing pad: %s\n", eip == vsyscall + 9 ? "yes" : "no");
	printf("eax = %d (%s)\n", (int)uc->uc_mcontext.gregs[REG_EAX],
	       (int)uc->uc_mcontext.gregs[REG_EAX] == -EFAULT ? "-EFAULT" : "other");
	printf("esp = %#lx, fault address %#lx\n", (unsigned long)uc->uc_mcontext.gregs[REG_ESP], (unsigned long)si->si_addr);
	fflush(stdout);
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "sysenter";
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };
	struct sigaction sa;
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = onsegv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	printf("entering with %s and the user stack at %#x\n", how, BAD_STACK);
	fflush(stdout);
	if (strcmp(how, "syscall") == 0)
		__asm__ volatile("movl %%esp, %%ebp\n\tmovl %0, %%esp\n\tmovl $20, %%eax\n\tmovl %%ecx, %%ebp\n\tsyscall\n\tud2"
				 : : "i"(BAD_STACK) : "eax", "memory");
	else
		__asm__ volatile("movl %0, %%ebp\n\tmovl $20, %%eax\n\tsysenter\n\tud2" : : "i"(BAD_STACK) : "eax", "memory");
	printf("returned?\n");
	return 1;
}
