// A small strace: the child asks to be traced (PTRACE_TRACEME), stops itself with SIGSTOP, and
// makes a fixed list of system calls; the parent follows it with PTRACE_SYSCALL and prints each
// call as "name(args) = ret", reading string and struct arguments with PTRACE_PEEKDATA and
// checking PTRACE_GET_SYSCALL_INFO against the registers. Nothing printed depends on addresses
// or pids, so the output is the same natively and under ringside.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct syscall_info {   /* struct ptrace_syscall_info (linux/ptrace.h) */
	uint8_t op, pad[3];
	uint32_t arch;
	uint64_t ip, sp;
	union {
		struct { uint64_t nr, args[6]; } entry;
		struct { int64_t rval; uint8_t is_error; } exit;
	};
};

static const char *name(long nr)
{
	switch (nr) {
	case SYS_getpid: return "getpid";
	case SYS_write: return "write";
	case SYS_openat: return "openat";
	case SYS_nanosleep: return "nanosleep";
	case SYS_exit_group: return "exit_group";
	case SYS_rt_sigprocmask: return "rt_sigprocmask";
	default: return "?";
	}
}

static void peek_string(pid_t pid, unsigned long addr, char *out, size_t max)
{
	size_t n = 0;
	while (n + 8 < max) {
		errno = 0;
		long w = ptrace(PTRACE_PEEKDATA, pid, addr + n, 0);
		if (errno) break;
		memcpy(out + n, &w, 8);
		if (memchr(&w, 0, 8)) break;
		n += 8;
	}
	out[max - 1] = 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		syscall(SYS_getpid);
		syscall(SYS_write, 1, "hello from the tracee\n", 22);
		syscall(SYS_openat, AT_FDCWD, "/nonexistent/file", O_RDONLY);
		struct timespec ts = { 0, 1000000 };
		syscall(SYS_nanosleep, &ts, NULL);
		syscall(SYS_exit_group, 3);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("child stopped: %s\n", WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP ? "SIGSTOP" : "?");
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD);
	int entering = 1, mismatches = 0, stops = 0;
	long nr = -1;
	unsigned long a[6];
	char line[256];
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0) { perror("PTRACE_SYSCALL"); return 1; }
		if (waitpid(pid, &status, 0) != pid) { perror("waitpid"); return 1; }
		if (WIFEXITED(status)) { printf("%s = ?\n+++ exited with %d +++\n", line, WEXITSTATUS(status)); break; }
		if (!WIFSTOPPED(status) || WSTOPSIG(status) != (SIGTRAP | 0x80)) { printf("unexpected status %#x\n", status); return 1; }
		stops++;
		struct user_regs_struct r;
		ptrace(PTRACE_GETREGS, pid, 0, &r);
		struct syscall_info si;
		memset(&si, 0, sizeof si);
		long sz = ptrace(0x420e /* PTRACE_GET_SYSCALL_INFO */, pid, sizeof si, &si);
		if (entering) {
			nr = r.orig_rax;
			a[0] = r.rdi; a[1] = r.rsi; a[2] = r.rdx; a[3] = r.r10; a[4] = r.r8; a[5] = r.r9;
			if (sz != 80 || si.op != 1 || si.arch != 0xc000003e || si.entry.nr != (uint64_t)nr || si.entry.args[0] != a[0] ||
			    si.entry.args[3] != a[3] || si.ip != r.rip || si.sp != r.rsp) mismatches++;
			if ((long)r.rax != -ENOSYS) mismatches++;
			char s[64];
			switch (nr) {
			case SYS_write:
				peek_string(pid, a[1], s, sizeof s);
				s[a[2] < sizeof s ? a[2] : sizeof s - 1] = 0;
				s[strcspn(s, "\n")] = 0;
				snprintf(line, sizeof line, "write(%lu, \"%s\\n\", %lu)", a[0], s, a[2]);
				break;
			case SYS_openat:
				peek_string(pid, a[1], s, sizeof s);
				snprintf(line, sizeof line, "openat(%s, \"%s\", %s)", (int)a[0] == AT_FDCWD ? "AT_FDCWD" : "?", s, a[2] == O_RDONLY ? "O_RDONLY" : "?");
				break;
			case SYS_nanosleep: {
				long sec = ptrace(PTRACE_PEEKDATA, pid, a[0], 0), nsec = ptrace(PTRACE_PEEKDATA, pid, a[0] + 8, 0);
				snprintf(line, sizeof line, "nanosleep({tv_sec=%ld, tv_nsec=%ld}, %s)", sec, nsec, a[1] ? "?" : "NULL");
				break;
			}
			case SYS_exit_group: snprintf(line, sizeof line, "exit_group(%lu)", a[0]); break;
			default: snprintf(line, sizeof line, "%s(...)", name(nr)); break;
			}
		} else {
			long ret = r.rax;
			if (sz != 33 || si.op != 2 || si.exit.rval != ret || si.exit.is_error != (ret < 0 && ret >= -4095)) mismatches++;
			if (r.orig_rax != (unsigned long)nr) mismatches++;
			if (nr == SYS_getpid && ret == pid) printf("%s = <child pid>\n", line);
			else if (ret < 0 && ret >= -4095) printf("%s = -1 %s (%s)\n", line, ret == -ENOENT ? "ENOENT" : "E?", strerror(-ret));
			else printf("%s = %ld\n", line, ret);
		}
		entering = !entering;
	}
	printf("syscall stops: %d, GET_SYSCALL_INFO mismatches: %d\n", stops, mismatches);
	return 0;
}
