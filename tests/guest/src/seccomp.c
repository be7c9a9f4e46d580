/* seccomp: filters that kill (KILL_PROCESS, KILL_THREAD; the parent prints the wait status),
 * trap (a SIGSYS handler records si_signo/si_code/si_syscall/si_arch/si_errno, whether
 * si_call_addr lies in the program's text and equals the saved RIP, and what RAX held), return
 * an errno (capped at 4095; chosen by argument value), LOG and ALLOW; stacked filters and their
 * precedence; filters refused at load (bad jump, bad load offset, misaligned load, no RET,
 * unknown opcode, scratch read before write, bad lengths, unknown flags); the privilege rule
 * (no no_new_privs and no root: EACCES); a blocked SIGSYS under TRAP; strict mode (write and exit allowed, anything else
 * SIGKILL); TSYNC onto a second thread and TSYNC refused by a thread with its own filter;
 * KILL_THREAD in a threaded process; filters kept across execve; /proc/self/status; GET_ACTION_AVAIL and GET_NOTIF_SIZES.
 * Each case runs in a forked child so that its filters die with it. Output is deterministic:
 * no pids, no addresses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

/* The uapi definitions, spelled out so that glibc and musl builds need no kernel headers. */
struct sock_filter { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sock_fprog { unsigned short len; struct sock_filter *filter; };
#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ST 0x02
#define BPF_ALU 0x04
#define BPF_JMP 0x05
#define BPF_RET 0x06
#define BPF_W 0x00
#define BPF_H 0x08
#define BPF_ABS 0x20
#define BPF_MEM 0x60
#define BPF_JEQ 0x10
#define BPF_JA 0x00
#define BPF_K 0x00
#define BPF_MOD 0x90
#define BPF_STMT(c, k) { (uint16_t)(c), 0, 0, (uint32_t)(k) }
#define BPF_JUMP(c, k, t, f) { (uint16_t)(c), (t), (f), (uint32_t)(k) }

#define SECCOMP_SET_MODE_STRICT 0
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_GET_ACTION_AVAIL 2
#define SECCOMP_GET_NOTIF_SIZES 3
#define SECCOMP_MODE_STRICT 1
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_FILTER_FLAG_TSYNC 1
#define SECCOMP_FILTER_FLAG_LOG 2
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW 4
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#define SECCOMP_RET_KILL_THREAD 0x00000000U
#define SECCOMP_RET_TRAP 0x00030000U
#define SECCOMP_RET_ERRNO 0x00050000U
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#define SECCOMP_RET_TRACE 0x7ff00000U
#define SECCOMP_RET_LOG 0x7ffc0000U
#define SECCOMP_RET_ALLOW 0x7fff0000U
#define AUDIT_ARCH_X86_64 0xc000003eU
#define NR_seccomp 317
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG0 16

static long sys_seccomp(unsigned op, unsigned flags, void *args)
{
	return syscall(NR_seccomp, op, flags, args);
}

/* A filter: "if nr == NR (and arg0 == ARG0 when asked) return ACTION, else ALLOW". */
static long install_flags(int nr, int check_arg, uint32_t arg0, uint32_t action, unsigned flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARCH),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_ARG0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arg0, 0, check_arg ? 1 : 0),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog p = { sizeof f / sizeof f[0], f };
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &p);
}

static long install(int nr, uint32_t action)
{
	return install_flags(nr, 0, 0, action, 0);
}

static void report(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 errno %d\n", what, errno);
	else
		printf("%s: %ld\n", what, r);
}

static void status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	else
		printf("%s: status 0x%x\n", what, st);
}

/* Run fn in a child; print how it ended. */
static void in_child(const char *what, void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	status(what, st);
}

static void nnp(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		printf("PR_SET_NO_NEW_PRIVS failed: errno %d\n", errno);
}

/* --- kill */
static void kill_process(void)
{
	nnp();
	install(SYS_getppid, SECCOMP_RET_KILL_PROCESS | 5);
	printf("kill_process: before\n");
	fflush(stdout);
	syscall(SYS_getppid);
	printf("kill_process: survived\n");
}

static void on_sigsys_never(int sig)
{
	(void)sig;
	static const char m[] = "handler ran\n";
	syscall(SYS_write, 1, m, sizeof m - 1);
}

static void kill_process_with_handler(void)
{
	signal(SIGSYS, on_sigsys_never);
	nnp();
	install(SYS_getppid, SECCOMP_RET_KILL_PROCESS);
	syscall(SYS_getppid);
	printf("kill_process_with_handler: survived\n");
}

static void kill_thread_single(void)
{
	nnp();
	install(SYS_getppid, SECCOMP_RET_KILL_THREAD);
	syscall(SYS_getppid);
	printf("kill_thread_single: survived\n");
}

/* --- trap */
static volatile int t_signo, t_code, t_syscall, t_errno, t_in_text, t_rip_match, t_calls;
static volatile unsigned t_arch;
static volatile long t_rax;
extern char __executable_start[], etext[];

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	(void)sig;
	t_calls++;
	t_signo = si->si_signo;
	t_code = si->si_code;
	t_syscall = si->si_syscall;
	t_arch = si->si_arch;
	t_errno = si->si_errno;
	char *ip = si->si_call_addr;
	t_in_text = ip > __executable_start && ip <= etext;
	t_rip_match = (greg_t)ip == uc->uc_mcontext.gregs[REG_RIP];
	t_rax = uc->uc_mcontext.gregs[REG_RAX];
}

static void print_trap(const char *what, long r)
{
	printf("%s: handler calls %d signo %d code %d syscall %d arch 0x%x errno %d call_addr in text %d == rip %d rax %ld; returned %ld\n",
	       what, t_calls, t_signo, t_code, t_syscall, t_arch, t_errno, t_in_text, t_rip_match, t_rax, r);
}

static void trap(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	nnp();
	report("trap install", install(SYS_getppid, SECCOMP_RET_TRAP | 0x1234));
	long r = syscall(SYS_getppid);
	print_trap("trap", r);
	/* A blocked SIGSYS: force_sig_info unblocks it and resets its handler to SIG_DFL, so this
	 * child dies of SIGSYS and prints no second line. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	sigprocmask(SIG_BLOCK, &set, NULL);
	t_calls = 0;
	r = syscall(SYS_getppid);
	print_trap("trap while blocked", r);
}

/* --- errno, log, allow, arguments */
static void errnos(void)
{
	nnp();
	report("errno install", install(SYS_getppid, SECCOMP_RET_ERRNO | 1));
	report("getppid (EPERM filter)", syscall(SYS_getppid));
	install(SYS_getuid, SECCOMP_RET_ERRNO | 0xffff);
	report("getuid (errno 0xffff, capped)", syscall(SYS_getuid));
	install_flags(SYS_dup, 1, 1000, SECCOMP_RET_ERRNO | EMFILE, 0);
	report("dup(1000) (EMFILE when arg0 == 1000)", syscall(SYS_dup, 1000));
	long fd = syscall(SYS_dup, 0);
	printf("dup(0) allowed: %d\n", fd >= 3);
	install_flags(SYS_getgid, 0, 0, SECCOMP_RET_LOG, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	printf("getgid (LOG) == getegid: %d\n", syscall(SYS_getgid) == getegid());
	install(SYS_getegid, SECCOMP_RET_ALLOW);
	printf("getegid (ALLOW) ok: %d\n", syscall(SYS_getegid) >= 0);
	/* TRACE without a tracer, USER_NOTIF without a listener: ENOSYS. */
	install(SYS_getpgrp, SECCOMP_RET_TRACE | 3);
	report("getpgrp (TRACE, no tracer)", syscall(SYS_getpgrp));
	install(SYS_getsid, SECCOMP_RET_USER_NOTIF);
	report("getsid (USER_NOTIF, no listener)", syscall(SYS_getsid, 0));
	report("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	report("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

/* --- stacked filters */
static void stacked(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	nnp();
	/* Same action: the newest filter's data wins (an older one must be strictly stronger). */
	install(SYS_getuid, SECCOMP_RET_ERRNO | 11);
	install(SYS_getuid, SECCOMP_RET_ERRNO | 22);
	report("getuid (ERRNO 11 then ERRNO 22)", syscall(SYS_getuid));
	/* TRAP beats ERRNO, LOG and ALLOW whatever the order. */
	install(SYS_getppid, SECCOMP_RET_LOG);
	install(SYS_getppid, SECCOMP_RET_TRAP | 7);
	install(SYS_getppid, SECCOMP_RET_ERRNO | 9);
	install(SYS_getppid, SECCOMP_RET_ALLOW);
	long r = syscall(SYS_getppid);
	print_trap("getppid (LOG, TRAP 7, ERRNO 9, ALLOW)", r);
	/* ERRNO beats TRACE and USER_NOTIF. */
	install(SYS_getpgrp, SECCOMP_RET_TRACE);
	install(SYS_getpgrp, SECCOMP_RET_ERRNO | 33);
	install(SYS_getpgrp, SECCOMP_RET_USER_NOTIF);
	report("getpgrp (TRACE, ERRNO 33, USER_NOTIF)", syscall(SYS_getpgrp));
	/* KILL_PROCESS beats everything. */
	install(SYS_getgid, SECCOMP_RET_ERRNO | 1);
	install(SYS_getgid, SECCOMP_RET_KILL_PROCESS);
	install(SYS_getgid, SECCOMP_RET_TRAP);
	printf("stacked: getgid next\n");
	fflush(stdout);
	syscall(SYS_getgid);
	printf("stacked: survived\n");
}


/* The lines of /proc/self/status that start with one of the prefixes. One read() of it all: the
 * host's file is longer than ringside's, and a strace of the two then still has the same calls. */
static void status_lines(const char *const *prefixes)
{
	static char buf[65536];
	int fd = open("/proc/self/status", O_RDONLY);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (char *line = buf, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			break;
		for (const char *const *p = prefixes; *p; p++)
			if (!strncmp(line, *p, strlen(*p)))
				fwrite(line, 1, end - line + 1, stdout);
	}
}

static void proc_status(void)
{
	nnp();
	install(SYS_getppid, SECCOMP_RET_ERRNO | 1);
	install(SYS_getuid, SECCOMP_RET_ERRNO | 1);
	static const char *const which[] = { "NoNewPrivs:", "Seccomp:", "Seccomp_filters:", NULL };
	status_lines(which);
}

/* --- refused at load */
static long load(struct sock_filter *f, unsigned short len, unsigned flags)
{
	struct sock_fprog p = { len, f };
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &p);
}

static void refused(void)
{
	nnp();
	struct sock_filter bad_jump[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0), /* jt lands past the end */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("bad jump", load(bad_jump, 3, 0));
	struct sock_filter bad_ja[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 0xffffffff), /* "backwards" is a huge unsigned offset */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("bad ja", load(bad_ja, 2, 0));
	struct sock_filter bad_off[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), /* sizeof(struct seccomp_data) */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("load offset 64", load(bad_off, 2, 0));
	struct sock_filter misaligned[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("load offset 2", load(misaligned, 2, 0));
	struct sock_filter half[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("16-bit load", load(half, 2, 0));
	struct sock_filter mod[] = {
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("mod (classic, not seccomp)", load(mod, 2, 0));
	struct sock_filter no_ret[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
	};
	report("no ret", load(no_ret, 1, 0));
	struct sock_filter unknown[] = {
		BPF_STMT(0xff, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("unknown opcode", load(unknown, 2, 0));
	struct sock_filter scratch_unset[] = {
		BPF_STMT(BPF_LD | BPF_MEM, 3),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("scratch read before write", load(scratch_unset, 2, 0));
	struct sock_filter scratch_one_path[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_ST, 3),                 /* stored on one path only */
		BPF_STMT(BPF_LD | BPF_MEM, 3),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("scratch written on one path", load(scratch_one_path, 5, 0));
	struct sock_filter scratch_16[] = {
		BPF_STMT(BPF_ST, 16),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("scratch cell 16", load(scratch_16, 2, 0));
	struct sock_filter ok[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	report("length 0", load(ok, 0, 0));
	report("length 4097", load(ok, 4097, 0));
	report("unknown flag", load(ok, 1, 1U << 30));
	report("NULL program", sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, NULL));
	report("bad op", sys_seccomp(7, 0, NULL));
	report("strict with flags", sys_seccomp(SECCOMP_SET_MODE_STRICT, 1, NULL));
	report("PR_SET_SECCOMP mode 3", prctl(PR_SET_SECCOMP, 3, 0, 0, 0));
	report("PR_SET_NO_NEW_PRIVS 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));
	report("PR_GET_SECCOMP (nothing installed)", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	/* A good program using scratch memory and arithmetic: accepted, and it works. */
	struct sock_filter good[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, OFF_NR),
		BPF_STMT(BPF_ST, 0),
		BPF_STMT(BPF_ALU | 0x00 /* ADD */ | BPF_K, 1000),
		BPF_STMT(BPF_LDX | BPF_MEM, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid + 1000, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 42),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	report("good program", load(good, 7, 0));
	report("getppid under the good program", syscall(SYS_getppid));
	report("strict after filter", sys_seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL));
	/* The action list and the notification sizes. */
	uint32_t acts[] = { SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO,
			    SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW, 0x00010000U };
	for (unsigned i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		char what[64];
		snprintf(what, sizeof what, "action 0x%08x available", acts[i]);
		report(what, sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &acts[i]));
	}
	uint16_t sizes[3];
	report("GET_NOTIF_SIZES", sys_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, sizes));
	printf("sizes: notif %u resp %u data %u\n", sizes[0], sizes[1], sizes[2]);
}

/* --- privilege: without no_new_privs, only a privileged task may install a filter */
static void privilege(void)
{
	if (geteuid() == 0 && syscall(SYS_setresuid, 65534, 65534, 65534) != 0)
		printf("setresuid failed: errno %d\n", errno);
	report("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	report("filter without no_new_privs", install(SYS_getppid, SECCOMP_RET_ERRNO | 1));
	report("prctl filter without no_new_privs", ({
		struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
		struct sock_fprog p = { 1, f };
		prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p, 0, 0);
	}));
	nnp();
	report("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	report("filter with no_new_privs", install(SYS_getppid, SECCOMP_RET_ERRNO | 1));
	/* Inherited by a child, with the filter. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		report("child: PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
		report("child: PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
		report("child: getppid", syscall(SYS_getppid));
		fflush(stdout);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
}

/* --- strict mode */
static void say(const char *s)
{
	syscall(SYS_write, 1, s, strlen(s));
}

static void strict_kill(void)
{
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) != 0)
		say("strict: prctl failed\n");
	say("strict: write allowed\n");
	syscall(SYS_getpid);
	say("strict: survived getpid\n");
}

static void strict_exit(void)
{
	if (sys_seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL) != 0)
		say("strict: seccomp failed\n");
	say("strict: exit allowed\n");
	syscall(SYS_exit, 3);
}

/* --- threads */
static pthread_barrier_t bar;
static volatile long thread_tid, thread_result, thread_errno;

static void *tsync_worker(void *arg)
{
	(void)arg;
	thread_tid = syscall(SYS_gettid);
	pthread_barrier_wait(&bar);     /* main installs with TSYNC */
	pthread_barrier_wait(&bar);
	errno = 0;
	thread_result = syscall(SYS_getppid);
	thread_errno = errno;
	return NULL;
}

static void tsync(void)
{
	pthread_t th;
	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&th, NULL, tsync_worker, NULL);
	pthread_barrier_wait(&bar);
	nnp();
	report("TSYNC install", install_flags(SYS_getppid, 0, 0, SECCOMP_RET_ERRNO | 77, SECCOMP_FILTER_FLAG_TSYNC));
	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
	printf("thread getppid: %ld errno %ld\n", thread_result, thread_errno);
	static const char *const which[] = { "Seccomp:", NULL };
	status_lines(which);
}

static void *own_filter_worker(void *arg)
{
	(void)arg;
	thread_tid = syscall(SYS_gettid);
	nnp();
	report("thread's own filter", install(SYS_getuid, SECCOMP_RET_ERRNO | 5));
	pthread_barrier_wait(&bar);     /* main tries TSYNC */
	pthread_barrier_wait(&bar);
	return NULL;
}

static void tsync_refused(void)
{
	pthread_t th;
	pthread_barrier_init(&bar, NULL, 2);
	pthread_create(&th, NULL, own_filter_worker, NULL);
	pthread_barrier_wait(&bar);
	nnp();
	long r = install_flags(SYS_getppid, 0, 0, SECCOMP_RET_ERRNO | 77, SECCOMP_FILTER_FLAG_TSYNC);
	printf("TSYNC with a diverged thread returns its tid: %d\n", r == thread_tid);
	printf("main's getppid not filtered: %d\n", syscall(SYS_getppid) > 0);
	printf("main's getuid not filtered by the thread's filter: %d\n", syscall(SYS_getuid) >= 0);
	report("non-TSYNC install still works", install(SYS_getppid, SECCOMP_RET_ERRNO | 78));
	report("main's getppid", syscall(SYS_getppid));
	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
}

static volatile long doomed_tid;

static void *doomed_worker(void *arg)
{
	(void)arg;
	doomed_tid = syscall(SYS_gettid);
	syscall(SYS_getppid);
	say("doomed thread survived\n");
	return NULL;
}

/* The thread dies alone (do_exit(SIGSYS)). Its death is seen with tgkill(…, 0) rather than
 * pthread_join: musl's join waits for a flag that only pthread_exit sets. */
static void kill_thread_only(void)
{
	nnp();
	install(SYS_getppid, SECCOMP_RET_KILL_THREAD);
	pthread_t th;
	pthread_create(&th, NULL, doomed_worker, NULL);
	int gone = 0;
	for (int i = 0; i < 2000 && !gone; i++) {
		if (doomed_tid && syscall(SYS_tgkill, getpid(), doomed_tid, 0) != 0 && errno == ESRCH)
			gone = 1;
		else
			usleep(1000);
	}
	printf("kill_thread: thread gone %d, the process lives on\n", gone);
}

/* Filters and no_new_privs survive execve: the new image runs under them. */
static char *self;
static void exec_keeps(void)
{
	nnp();
	install(SYS_getppid, SECCOMP_RET_ERRNO | 44);
	fflush(stdout);
	execl(self, self, "after-exec", (char *)NULL);
	printf("execl failed: errno %d\n", errno);
}

static void after_exec(void)
{
	report("after exec: getppid", syscall(SYS_getppid));
	report("after exec: PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	report("after exec: PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	self = argv[0];
	if (argc > 1 && !strcmp(argv[1], "after-exec")) {
		after_exec();
		return 0;
	}
	report("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	in_child("kill_process", kill_process);
	in_child("kill_process_with_handler", kill_process_with_handler);
	in_child("kill_thread_single", kill_thread_single);
	in_child("trap", trap);
	in_child("errnos", errnos);
	in_child("stacked", stacked);
	in_child("proc_status", proc_status);
	in_child("refused", refused);
	in_child("privilege", privilege);
	in_child("strict_kill", strict_kill);
	in_child("strict_exit", strict_exit);
	in_child("tsync", tsync);
	in_child("tsync_refused", tsync_refused);
	in_child("kill_thread_only", kill_thread_only);
	in_child("exec_keeps", exec_keeps);
	printf("done\n");
	return 0;
}
