// ptrace's register and event interfaces against the host: PEEKUSER/POKEUSER (struct user
// offsets, putreg's checks, the debug-register area), GETREGS/SETREGS, GETFPREGS, GETSIGINFO,
// syscall stops that skip a call (orig_rax = -1) and change a result, PTRACE_EVENT_FORK/EXEC/
// EXIT with GETEVENTMSG, a traced grandchild, PTRACE_KILL, and PTRACE_SEIZE + PTRACE_INTERRUPT.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* <linux/filter.h> and <linux/seccomp.h> (musl has no kernel headers). */
struct sock_filter { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sock_fprog { unsigned short len; struct sock_filter *filter; };
#define BPF_STMT(code, k) { (unsigned short)(code), 0, 0, k }
#define BPF_JUMP(code, k, jt, jf) { (unsigned short)(code), jt, jf, k }
#define BPF_LD 0x00
#define BPF_W 0x00
#define BPF_ABS 0x20
#define BPF_JMP 0x05
#define BPF_JEQ 0x10
#define BPF_K 0x00
#define BPF_RET 0x06
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_RET_TRACE 0x7ff00000U
#define SECCOMP_RET_ALLOW 0x7fff0000U
#define SECCOMP_DATA_NR 0

#define CHECK(c) do { if (!(c)) { printf("FAILED line %d: %s\n", __LINE__, #c); exit(1); } } while (0)
#define UOFF(f) offsetof(struct user, f)
#define ROFF(f) offsetof(struct user_regs_struct, f)

static long peekuser(pid_t pid, long off) { errno = 0; long v = ptrace(PTRACE_PEEKUSER, pid, off, 0); return errno ? -999 : v; }
static int pokeuser(pid_t pid, long off, long v) { return ptrace(PTRACE_POKEUSER, pid, off, v) == 0 ? 0 : -errno; }

static pid_t wait_stop(pid_t pid, int *status)
{
	pid_t r = waitpid(pid, status, __WALL);
	CHECK(r == pid);
	return r;
}

static void regs_part(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		static const unsigned char pattern[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
		unsigned mx = 0x1f80 | 0x6000; /* round toward zero */
		__asm__ volatile("movdqu %0, %%xmm0\n\tldmxcsr %1" :: "m"(pattern), "m"(mx) : "xmm0");
		raise(SIGSTOP);
		long r1 = syscall(SYS_getppid);
		long r2 = syscall(SYS_getuid);
		printf("child: skipped getppid returned %ld, getuid returned %ld\n", r1, r2);
		_exit(0);
	}
	int st;
	wait_stop(pid, &st);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	siginfo_t si;
	CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
	printf("SIGSTOP stop: si_signo %d si_code %d\n", si.si_signo, si.si_code);
	struct user_regs_struct r;
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
	CHECK(peekuser(pid, ROFF(rip)) == (long)r.rip);
	CHECK(peekuser(pid, ROFF(rsp)) == (long)r.rsp);
	CHECK(peekuser(pid, ROFF(orig_rax)) == (long)r.orig_rax);
	CHECK(peekuser(pid, ROFF(fs_base)) == (long)r.fs_base && r.fs_base != 0);
	printf("cs %#llx ss %#llx ds %llu es %llu fs %llu gs %llu gs_base %llu\n", (unsigned long long)r.cs, (unsigned long long)r.ss, (unsigned long long)r.ds, (unsigned long long)r.es,
	       (unsigned long long)r.fs, (unsigned long long)r.gs, (unsigned long long)r.gs_base);
	printf("eflags & 0x300 = %#llx\n", (unsigned long long)r.eflags & 0x300);
	long v;
	v = peekuser(pid, 3); printf("PEEKUSER misaligned: %ld (%s)\n", v, errno == EIO ? "EIO" : "?");
	v = peekuser(pid, sizeof(struct user) + 8); printf("PEEKUSER fault_address (after glibc's struct user): %ld\n", v);
	v = peekuser(pid, sizeof(struct user) + 16); printf("PEEKUSER past the kernel's struct user: %ld (%s)\n", v, errno == EIO ? "EIO" : "?");
	printf("u_fpvalid %ld\n", peekuser(pid, UOFF(u_fpvalid)));
	printf("dr0 %ld\n", peekuser(pid, UOFF(u_debugreg)));
	printf("dr6 %#lx\n", peekuser(pid, UOFF(u_debugreg[6])));
	printf("dr7 %ld\n", peekuser(pid, UOFF(u_debugreg[7])));
	printf("POKEUSER u_fpvalid %d\n", pokeuser(pid, UOFF(u_fpvalid), 1));
	printf("POKEUSER dr0 %d\n", pokeuser(pid, UOFF(u_debugreg), 0x401000));
	printf("dr0 %#lx\n", peekuser(pid, UOFF(u_debugreg)));
	printf("POKEUSER dr4 %d\n", pokeuser(pid, UOFF(u_debugreg[4]), 1));
	printf("POKEUSER dr6 %d\n", pokeuser(pid, UOFF(u_debugreg[6]), 0x4000));
	printf("dr6 %#lx\n", peekuser(pid, UOFF(u_debugreg[6])));
	printf("POKEUSER dr7=0 %d\n", pokeuser(pid, UOFF(u_debugreg[7]), 0));
	printf("POKEUSER cs=0 %d\n", pokeuser(pid, ROFF(cs), 0));
	printf("POKEUSER cs=0x10 %d\n", pokeuser(pid, ROFF(cs), 0x10));
	printf("POKEUSER ss=0x2b %d\n", pokeuser(pid, ROFF(ss), 0x2b));
	printf("POKEUSER fs_base=1<<47 %d\n", pokeuser(pid, ROFF(fs_base), 1L << 47));
	printf("POKEUSER gs_base=0x1000 %d\n", pokeuser(pid, ROFF(gs_base), 0x1000));
	printf("gs_base %#lx\n", peekuser(pid, ROFF(gs_base)));
	CHECK(pokeuser(pid, ROFF(gs_base), 0) == 0);
	long fl = peekuser(pid, ROFF(eflags));
	printf("POKEUSER eflags with IOPL/VM/ID/NT/CF/OF %d\n", pokeuser(pid, ROFF(eflags), fl | 0x3000 | 0x20000 | 0x200000 | 0x4000 | 0x1 | 0x800));
	printf("changed bits %#lx\n", peekuser(pid, ROFF(eflags)) ^ fl);
	CHECK(pokeuser(pid, ROFF(eflags), fl) == 0);
	struct user_fpregs_struct fp;
	CHECK(ptrace(PTRACE_GETFPREGS, pid, 0, &fp) == 0);
	printf("fpregs: cwd %#x mxcsr %#x xmm0", fp.cwd, fp.mxcsr);
	for (int i = 0; i < 4; i++) printf(" %08x", fp.xmm_space[i]);
	printf("\n");
	fp.mxcsr = 0x10000;
	v = ptrace(PTRACE_SETFPREGS, pid, 0, &fp);
	printf("SETFPREGS with a reserved MXCSR bit: %ld (%s)\n", v, errno == EINVAL ? "EINVAL" : "?");
	// Syscall stops: skip getppid (orig_rax = -1, rax = 42), change getuid's result at its exit.
	CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD) == 0);
	int entering = 1;
	for (;;) {
		CHECK(ptrace(PTRACE_SYSCALL, pid, 0, 0) == 0);
		wait_stop(pid, &st);
		if (WIFEXITED(st)) { printf("child exited %d\n", WEXITSTATUS(st)); break; }
		CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == (SIGTRAP | 0x80));
		CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
		if (entering && r.orig_rax == SYS_getppid) {
			r.orig_rax = -1;
			r.rax = 42;
			CHECK(ptrace(PTRACE_SETREGS, pid, 0, &r) == 0);
		}
		if (!entering && r.orig_rax == (unsigned long long)-1) printf("exit stop of the skipped call: rax %lld\n", (long long)r.rax);
		if (!entering && r.orig_rax == SYS_getuid) CHECK(pokeuser(pid, ROFF(rax), 12345) == 0);
		entering = !entering;
	}
}

static void events_part(const char *self)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		pid_t g = fork();
		if (g == 0) _exit(9);
		int gs;
		pid_t w = waitpid(g, &gs, 0);
		printf("child: grandchild %s, exit status %d\n", w == g ? "reaped" : "lost", WEXITSTATUS(gs));
		execl(self, self, "exec-child", (char *)NULL);
		_exit(1);
	}
	int st;
	unsigned long msg;
	wait_stop(pid, &st);
	CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
	pid_t g = msg;
	printf("fork event: %d, SIGTRAP %d\n", st >> 16 == PTRACE_EVENT_FORK, WSTOPSIG(st) == SIGTRAP);
	siginfo_t si;
	CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
	printf("fork event siginfo: si_signo %d si_code %#x si_pid is child %d\n", si.si_signo, si.si_code, si.si_pid == pid);
	wait_stop(g, &st);
	printf("grandchild starts traced: stopped by %s\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP ? "SIGSTOP" : "?");
	CHECK(ptrace(PTRACE_CONT, g, 0, 0) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(g, &st);
	CHECK(ptrace(PTRACE_GETEVENTMSG, g, 0, &msg) == 0);
	printf("grandchild inherits the options: exit event %d, message %#lx\n", st >> 16 == PTRACE_EVENT_EXIT, msg);
	CHECK(ptrace(PTRACE_CONT, g, 0, 0) == 0);
	wait_stop(g, &st);
	printf("tracer sees the grandchild exit first: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	// The child: SIGCHLD from the grandchild (a signal-delivery-stop: traced tasks see even
	// ignored signals), its exec, and the new program's exit.
	int inject = 0;
	for (;;) {
		wait_stop(pid, &st);
		if (WIFEXITED(st)) { printf("exited %d\n", WEXITSTATUS(st)); break; }
		int ev = st >> 16;
		CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
		if (ev == 0) { printf("signal-delivery-stop: %s\n", WSTOPSIG(st) == SIGCHLD ? "SIGCHLD" : "?"); inject = WSTOPSIG(st); }
		else if (ev == PTRACE_EVENT_EXEC) printf("exec event, message is the pid: %d\n", (pid_t)msg == pid);
		else if (ev == PTRACE_EVENT_EXIT) printf("exit event, message %#lx\n", msg);
		else printf("event %d?\n", ev);
		CHECK(ptrace(PTRACE_CONT, pid, 0, inject) == 0);
		inject = 0;
	}
}

static __attribute__((noinline)) int target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2 + 1;
}

static void breakpoint_part(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		int a = target(10); /* decoded once before the breakpoint goes in */
		raise(SIGSTOP);
		int b = target(20);
		_exit(a + b);
	}
	int st;
	wait_stop(pid, &st);
	unsigned long addr = (unsigned long)target;
	errno = 0;
	long orig = ptrace(PTRACE_PEEKTEXT, pid, addr, 0);
	CHECK(errno == 0);
	CHECK(ptrace(PTRACE_POKETEXT, pid, addr, (orig & ~0xffL) | 0xcc) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	struct user_regs_struct r;
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
	printf("breakpoint in read-only text: %s, rip - target = %llu\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP ? "SIGTRAP" : "?", (unsigned long long)(r.rip - addr));
	CHECK(ptrace(PTRACE_POKETEXT, pid, addr, orig) == 0);
	r.rip = addr;
	CHECK(ptrace(PTRACE_SETREGS, pid, 0, &r) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	printf("after restoring the byte: exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	errno = 0;
	long bad = ptrace(PTRACE_PEEKDATA, pid, 8, 0);
	printf("PEEKDATA of a reaped task: %ld (%s)\n", bad, errno == ESRCH ? "ESRCH" : "?");
}

static void attach_part(void)
{
	long v;
	pid_t pid = fork();
	if (pid == 0) { for (;;) pause(); }
	struct timespec ts = { 0, 50000000 };
	nanosleep(&ts, NULL);
	CHECK(ptrace(PTRACE_ATTACH, pid, 0, 0) == 0);
	int st;
	wait_stop(pid, &st);
	siginfo_t si;
	CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
	printf("ATTACH: stopped by %s, si_code %#x\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP ? "SIGSTOP" : "?", si.si_code);
	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, pid, 8, 0);
	printf("PEEKDATA at address 8: %ld (%s)\n", v, errno == EIO ? "EIO" : "?");
	CHECK(ptrace(PTRACE_CONT, pid, 0, SIGSTOP) == 0);
	wait_stop(pid, &st);
	v = ptrace(PTRACE_GETSIGINFO, pid, 0, &si);
	printf("group-stop: stopped by %s, GETSIGINFO %ld (%s)\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP ? "SIGSTOP" : "?", v, errno == EINVAL ? "EINVAL" : "?");
	CHECK(ptrace(PTRACE_DETACH, pid, 0, 0) == 0);
	pid_t w = waitpid(pid, &st, WNOHANG | WUNTRACED | WCONTINUED);
	printf("after DETACH from a group-stop: waitpid %s\n", w == 0 ? "nothing" : w == pid && WIFSTOPPED(st) ? "stopped" : "?");
	kill(pid, SIGCONT);
	w = waitpid(pid, &st, WCONTINUED);
	printf("SIGCONT: %s\n", w == pid && WIFCONTINUED(st) ? "continued" : "?");
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	printf("killed by %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "SIGTERM" : "?");
}

static void seccomp_part(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_DATA_NR),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0x42),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { 4, f };
		CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
		CHECK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0);
		raise(SIGSTOP);
		long a = syscall(SYS_getppid);
		long b = syscall(SYS_getppid);
		printf("child: getppid skipped by the tracer: %ld, then allowed: %d\n", a, b > 0);
		_exit(0);
	}
	int st;
	unsigned long msg;
	wait_stop(pid, &st);
	CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
	unsigned char info[88];
	memset(info, 0, sizeof info);
	long sz = ptrace(0x420e /* PTRACE_GET_SYSCALL_INFO */, pid, sizeof info, info);
	unsigned long long nr, ret_data;
	memcpy(&nr, info + 24, 8);
	memcpy(&ret_data, info + 80, 4);
	printf("seccomp event %d, message %#lx; syscall info size %ld op %d nr %llu ret_data %#llx\n", st >> 16 == PTRACE_EVENT_SECCOMP, msg, sz,
	       info[0], nr, ret_data & 0xffffffff);
	CHECK(pokeuser(pid, ROFF(orig_rax), -1) == 0);
	CHECK(pokeuser(pid, ROFF(rax), 77) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	printf("second seccomp event %d\n", st >> 16 == PTRACE_EVENT_SECCOMP);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	printf("exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void kill_part(void)
{
	pid_t pid = fork();
	if (pid == 0) { ptrace(PTRACE_TRACEME, 0, 0, 0); raise(SIGSTOP); _exit(0); }
	int st;
	wait_stop(pid, &st);
	CHECK(ptrace(PTRACE_KILL, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	printf("PTRACE_KILL: killed by %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "SIGKILL" : "?");

	// A death by signal reports PTRACE_EVENT_EXIT too (the wait status as the message).
	pid = fork();
	if (pid == 0) { ptrace(PTRACE_TRACEME, 0, 0, 0); raise(SIGSTOP); raise(SIGTERM); _exit(0); }
	wait_stop(pid, &st);
	CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT) == 0);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	printf("signal-delivery-stop: %s\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTERM ? "SIGTERM" : "?");
	CHECK(ptrace(PTRACE_CONT, pid, 0, SIGTERM) == 0);
	wait_stop(pid, &st);
	unsigned long msg = 0;
	CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0);
	printf("exit event before dying: %d, message %#lx\n", st >> 16 == PTRACE_EVENT_EXIT, msg);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	printf("killed by %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "SIGTERM" : "?");
}

// A tracer that is not the parent (a sibling) waits for its tracee, and PTRACE_O_EXITKILL kills
// the tracee when the tracer exits; the real parent then reaps it.
static void exitkill_part(void)
{
	pid_t c = fork();
	if (c == 0) { for (;;) pause(); }
	struct timespec ts = { 0, 20000000 };
	pid_t t = fork();
	if (t == 0) {
		nanosleep(&ts, NULL);
		CHECK(ptrace(PTRACE_SEIZE, c, 0, PTRACE_O_EXITKILL) == 0);
		CHECK(ptrace(PTRACE_INTERRUPT, c, 0, 0) == 0);
		int st;
		pid_t w = waitpid(c, &st, 0);
		printf("sibling tracer: waitpid gets the tracee %d, event stop %d\n", w == c, st >> 16 == PTRACE_EVENT_STOP);
		_exit(0);
	}
	int st;
	waitpid(t, &st, 0);
	pid_t w = waitpid(c, &st, 0);
	printf("after the tracer exited: tracee reaped by its parent %d, killed by %s\n", w == c, WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "SIGKILL" : "?");
}

static void seize_part(void)
{
	long v;
	pid_t pid = fork();
	if (pid == 0) { for (;;) pause(); }
	struct timespec ts = { 0, 50000000 };
	nanosleep(&ts, NULL);
	CHECK(ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_EXITKILL) == 0);
	v = ptrace(PTRACE_CONT, pid, 0, 0);
	printf("PTRACE_CONT before any stop: %ld (%s)\n", v, errno == ESRCH ? "ESRCH" : "?");
	CHECK(ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0);
	int st;
	wait_stop(pid, &st);
	printf("INTERRUPT: event stop %d, SIGTRAP %d\n", st >> 16 == PTRACE_EVENT_STOP, WSTOPSIG(st) == SIGTRAP);
	siginfo_t si;
	CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0);
	printf("INTERRUPT siginfo: si_signo %d si_code %#x\n", si.si_signo, si.si_code);
	struct user_regs_struct r;
	CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0);
	printf("in pause: orig_rax %lld rax %lld\n", (long long)r.orig_rax, (long long)r.rax);
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0);
	kill(pid, SIGUSR1);
	wait_stop(pid, &st);
	printf("signal-delivery-stop: %s\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1 && (st >> 16) == 0 ? "SIGUSR1" : "?");
	CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0); /* suppress it */
	CHECK(ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0);
	wait_stop(pid, &st);
	CHECK(ptrace(PTRACE_DETACH, pid, 0, 0) == 0);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	printf("after detach: killed by %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "SIGTERM" : "?");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
		printf("exec-child runs\n");
		exit(5);
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	regs_part();
	events_part(argv[0]);
	breakpoint_part();
	seccomp_part();
	attach_part();
	kill_part();
	seize_part();
	exitkill_part();
	printf("done\n");
	return 0;
}
