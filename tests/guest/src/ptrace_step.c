// Single-stepping with PTRACE_SINGLESTEP: the child stops at an int3, then runs a known loop
// (1000 iterations of add/dec/jnz), a getpid SYSCALL (the step over it is reported at the
// syscall's exit: SYSCALL masks TF), and exit_group by a raw SYSCALL. The tracer counts the
// stops and the siginfo codes it sees; the count is deterministic, the same natively.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int handled;
static void on_usr1(int sig) { handled = sig; }

// Stepping into a signal handler: the tracer passes SIGUSR1 with PTRACE_SINGLESTEP at its
// signal-delivery-stop; the frame is built and the task reports a SIGTRAP before the handler's
// first instruction (signal_setup_done → ptrace_notify).
static void handler_step(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGUSR1, on_usr1);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		while (!handled) ;
		_exit(handled);
	}
	int status;
	waitpid(pid, &status, 0);
	kill(pid, SIGUSR1);
	ptrace(PTRACE_CONT, pid, 0, 0);
	waitpid(pid, &status, 0);
	printf("signal-delivery-stop: %s\n", WIFSTOPPED(status) && WSTOPSIG(status) == SIGUSR1 ? "SIGUSR1" : "?");
	ptrace(PTRACE_SINGLESTEP, pid, 0, SIGUSR1);
	waitpid(pid, &status, 0);
	siginfo_t si;
	ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
	struct user_regs_struct r;
	ptrace(PTRACE_GETREGS, pid, 0, &r);
	printf("stepped into the handler: %s, si_code %d, at the handler's first instruction %d, TF in flags %d\n",
	       WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP ? "SIGTRAP" : "?", si.si_code, r.rip == (unsigned long)on_usr1,
	       (r.eflags & 0x100) != 0);
	ptrace(PTRACE_CONT, pid, 0, 0);
	waitpid(pid, &status, 0);
	printf("handler ran, exited with %d (status %#x)\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1, status);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	handler_step();
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		__asm__ volatile(
			"int3\n\t"
			"mov $1000, %%ecx\n\t"
			"1: add $1, %%eax\n\t"
			"dec %%ecx\n\t"
			"jnz 1b\n\t"
			"mov $39, %%eax\n\t"
			"syscall\n\t"
			"mov $231, %%eax\n\t"
			"mov $7, %%edi\n\t"
			"syscall\n\t"
			::: "rax", "rcx", "rdi", "r11", "memory");
		_exit(1);
	}
	int status;
	waitpid(pid, &status, 0);
	ptrace(PTRACE_CONT, pid, 0, 0);
	waitpid(pid, &status, 0);
	siginfo_t si;
	ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
	struct user_regs_struct r;
	ptrace(PTRACE_GETREGS, pid, 0, &r);
	long text = ptrace(PTRACE_PEEKTEXT, pid, r.rip - 1, 0);
	printf("int3 stop: %s, si_code %d, byte before rip %#lx\n", WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP ? "SIGTRAP" : "?",
	       si.si_code, text & 0xff);
	long steps = 0, trace = 0, brkpt = 0, other = 0, tf_seen = 0;
	unsigned long syscall_step_rip_delta = 0, last_rip = r.rip;
	for (;;) {
		if (ptrace(PTRACE_SINGLESTEP, pid, 0, 0) < 0) { perror("PTRACE_SINGLESTEP"); return 1; }
		waitpid(pid, &status, 0);
		if (WIFEXITED(status)) { printf("exited with %d after %ld steps\n", WEXITSTATUS(status), steps); break; }
		if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) { printf("unexpected status %#x\n", status); return 1; }
		steps++;
		ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
		if (si.si_code == 2 /* TRAP_TRACE */) trace++;
		else if (si.si_code == 1 /* TRAP_BRKPT */) { brkpt++; }
		else other++;
		ptrace(PTRACE_GETREGS, pid, 0, &r);
		if (r.eflags & 0x100) tf_seen++;
		if (si.si_code == 1) syscall_step_rip_delta = r.rip - last_rip;
		last_rip = r.rip;
	}
	printf("TRAP_TRACE %ld, TRAP_BRKPT %ld, other %ld; TF visible in GETREGS %ld times\n", trace, brkpt, other, tf_seen);
	printf("the step over SYSCALL stopped %lu bytes on\n", syscall_step_rip_delta);
	return 0;
}
