// Signal delivery as a program sees it: handlers with and without SA_SIGINFO, the frame's
// ucontext, alternate stacks, masks, queued real-time signals, restart or EINTR of an
// interrupted call, the siginfo of each fault, timers, and default actions. Every line
// printed must be the same natively and under ringside: no addresses, no times.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t count;
static volatile int last_sig, last_code, last_errno_field;
static volatile uintptr_t last_addr;
static volatile long last_value;

static void on_count(int sig) { (void)sig; count++; }

static void set_handler(int sig, void (*fn)(int), int flags) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL)) { perror("sigaction"); exit(1); }
}

static void set_action(int sig, void (*fn)(int, siginfo_t *, void *), int flags) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = flags | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL)) { perror("sigaction"); exit(1); }
}

/* 1. SIGALRM from an interval timer, counted during a busy loop. */
static void alarms(void) {
	set_handler(SIGALRM, on_count, 0);
	struct itimerval it = { { 0, 5000 }, { 0, 5000 } };
	count = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	volatile unsigned long spin = 0;
	while (count < 3) spin++;
	struct itimerval off = { { 0, 0 }, { 0, 0 } }, old;
	setitimer(ITIMER_REAL, &off, &old);
	printf("alarms: %d during a busy loop, interval still %ld us\n", (int)count, (long)old.it_interval.tv_usec);
	struct itimerval now;
	getitimer(ITIMER_REAL, &now);
	printf("alarms: disarmed %d\n", now.it_value.tv_sec == 0 && now.it_value.tv_usec == 0);
	/* alarm() reports what was left of the previous alarm, rounded to seconds. */
	alarm(5);
	printf("alarm: previous left %u\n", alarm(0));
}

/* 2. Nested handlers on an alternate stack. */
static char *alt;
static const size_t alt_size = 64 * 1024;
static volatile int inner_on_alt, outer_on_alt, outer_ss_onstack, inner_ran;

static int on_alt(void *p) { return (char *)p >= alt && (char *)p < alt + alt_size; }

static void inner(int sig) {
	(void)sig;
	int local;
	inner_on_alt = on_alt(&local);
	inner_ran = 1;
}
static void outer(int sig) {
	(void)sig;
	int local;
	outer_on_alt = on_alt(&local);
	stack_t cur;
	sigaltstack(NULL, &cur);
	outer_ss_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
	raise(SIGUSR2); /* delivered at once, nested, on the same alternate stack */
}
static void altstack(void) {
	alt = malloc(alt_size);
	stack_t ss = { .ss_sp = alt, .ss_size = alt_size, .ss_flags = 0 };
	if (sigaltstack(&ss, NULL)) perror("sigaltstack");
	set_handler(SIGUSR1, outer, SA_ONSTACK);
	set_handler(SIGUSR2, inner, SA_ONSTACK);
	raise(SIGUSR1);
	printf("altstack: outer on it %d, SS_ONSTACK inside %d, inner ran %d on it %d\n", outer_on_alt, outer_ss_onstack, inner_ran, inner_on_alt);
	stack_t small = { .ss_sp = alt, .ss_size = 512, .ss_flags = 0 };
	int r = sigaltstack(&small, NULL), e = errno;
	printf("altstack: too small -> %d errno %d\n", r, e);
	stack_t bad = { .ss_sp = alt, .ss_size = alt_size, .ss_flags = 12345 };
	r = sigaltstack(&bad, NULL), e = errno;
	printf("altstack: bad flags -> %d errno %d\n", r, e);
	stack_t off = { .ss_flags = SS_DISABLE }, old;
	sigaltstack(&off, &old);
	printf("altstack: old size %zu, flags %d\n", old.ss_size, old.ss_flags);
}

/* 3. A handler that edits the saved RIP and returns: skip a faulting 2-byte load. */
static void skip_fault(int sig, siginfo_t *si, void *ctx) {
	ucontext_t *uc = ctx;
	last_sig = sig;
	last_code = si->si_code;
	last_addr = (uintptr_t)si->si_addr;
	uc->uc_mcontext.gregs[REG_RIP] += 2;
	uc->uc_mcontext.gregs[REG_RAX] = 1234;
}
static void edit_rip(void) {
	set_action(SIGSEGV, skip_fault, 0);
	long out;
	__asm__ volatile("xorl %%eax, %%eax\n\tmovl (%%rax), %%eax\n\t" : "=a"(out) : : "memory");
	printf("rip edit: resumed after the load, rax %ld, signal %d code %d addr %lu\n", out, last_sig, last_code, (unsigned long)last_addr);
}

/* 4. Restart of a blocking read, with and without SA_RESTART. */
static void nothing(int sig) { (void)sig; count++; }
static void restart(int flags, const char *what) {
	int p[2];
	if (pipe(p)) { perror("pipe"); exit(1); }
	set_handler(SIGUSR1, nothing, flags);
	count = 0;
	pid_t parent = getpid();
	pid_t c = fork();
	if (c == 0) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		kill(parent, SIGUSR1);
		nanosleep(&ts, NULL);
		write(p[1], "x", 1);
		_exit(0);
	}
	char b;
	errno = 0;
	ssize_t n = read(p[0], &b, 1);
	int e = errno;
	printf("read %s: %zd %s, handler ran %d\n", what, n, n < 0 ? strerror(e) : "ok", (int)count);
	if (n < 0) read(p[0], &b, 1);
	waitpid(c, NULL, 0);
	close(p[0]);
	close(p[1]);
}

/* 5. The siginfo of each fault, recovered with siglongjmp. */
#include <setjmp.h>
static sigjmp_buf jb;
static volatile uintptr_t last_rip;
static volatile long last_trapno, last_err;
static void catch_fault(int sig, siginfo_t *si, void *ctx) {
	ucontext_t *uc = ctx;
	last_sig = sig;
	last_code = si->si_code;
	last_addr = (uintptr_t)si->si_addr;
	last_errno_field = si->si_errno;
	last_rip = uc->uc_mcontext.gregs[REG_RIP];
	last_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	last_err = uc->uc_mcontext.gregs[REG_ERR];
	siglongjmp(jb, 1);
}
extern char ud2_here[], idiv_here[], int3_after[];
static void faults(void) {
	for (int s = 1; s < 32; s++) if (s != SIGKILL && s != SIGSTOP) set_action(s, catch_fault, SA_NODEFER);
	if (!sigsetjmp(jb, 1)) *(volatile int *)16 = 1;
	printf("SIGSEGV write to 16: sig %d code %d addr %lu trapno %ld err %ld\n", last_sig, last_code, (unsigned long)last_addr, last_trapno, last_err);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!sigsetjmp(jb, 1)) ro[8] = 1;
	printf("SIGSEGV write to read-only: sig %d code %d addr is page+8 %d trapno %ld err %ld\n", last_sig, last_code, last_addr == (uintptr_t)ro + 8, last_trapno, last_err);
	char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!sigsetjmp(jb, 1)) (void)*(volatile char *)none;
	printf("SIGSEGV read of PROT_NONE: sig %d code %d addr ok %d err %ld\n", last_sig, last_code, last_addr == (uintptr_t)none, last_err);
	if (!sigsetjmp(jb, 1)) __asm__ volatile(".globl ud2_here\nud2_here: ud2");
	printf("SIGILL: sig %d code %d addr is the ud2 %d rip too %d trapno %ld\n", last_sig, last_code, last_addr == (uintptr_t)ud2_here, last_rip == (uintptr_t)ud2_here, last_trapno);
	if (!sigsetjmp(jb, 1)) {
		volatile int zero = 0;
		int r;
		__asm__ volatile("movl $1, %%eax\n\tcltd\n.globl idiv_here\nidiv_here: idivl %%ecx" : "=a"(r) : "c"(zero) : "rdx");
	}
	printf("SIGFPE: sig %d code %d addr is the idiv %d trapno %ld\n", last_sig, last_code, last_addr == (uintptr_t)idiv_here, last_trapno);
	if (!sigsetjmp(jb, 1)) __asm__ volatile("int3\n.globl int3_after\nint3_after: nop");
	printf("SIGTRAP: sig %d code %d rip after the int3 %d trapno %ld\n", last_sig, last_code, last_rip == (uintptr_t)int3_after, last_trapno);
	/* A file mapping's page past the end of the file: SIGBUS with BUS_ADRERR. */
	char path[] = "/tmp/ringside-sigbus-XXXXXX";
	int fd = mkstemp(path);
	if (fd >= 0) {
		unlink(path);
		write(fd, "hello", 5);
		char *fm = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
		int first = fm[0];
		if (!sigsetjmp(jb, 1)) (void)*(volatile char *)(fm + 4096);
		printf("SIGBUS past the end of a file: first byte %c, sig %d code %d addr ok %d\n", first, last_sig, last_code, last_addr == (uintptr_t)fm + 4096);
		munmap(fm, 8192);
		close(fd);
	}
	/* A privileged instruction: #GP, SIGSEGV with SI_KERNEL. */
	if (!sigsetjmp(jb, 1)) __asm__ volatile("hlt");
	printf("hlt: sig %d code %d addr %lu trapno %ld\n", last_sig, last_code, (unsigned long)last_addr, last_trapno);
	/* Single-step: TF set by popf traps after the next instruction with TRAP_TRACE. */
	if (!sigsetjmp(jb, 1)) __asm__ volatile("pushf\n\torq $0x100, (%%rsp)\n\tpopf\n\tnop\n\tnop" ::: "memory", "cc");
	printf("single-step: sig %d code %d\n", last_sig, last_code);
	for (int s = 1; s < 32; s++) if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
}

/* 6. Masks, pending sets, coalescing, queued real-time signals, sigqueue, sigtimedwait. */
static volatile int rt_order[8], rt_n;
static void on_rt(int sig, siginfo_t *si, void *ctx) {
	(void)sig; (void)ctx;
	rt_order[rt_n++] = si->si_value.sival_int;
	last_code = si->si_code;
}
static void masks(void) {
	sigset_t b, old, pend;
	set_handler(SIGUSR1, on_count, 0);
	count = 0;
	sigemptyset(&b);
	sigaddset(&b, SIGUSR1);
	sigprocmask(SIG_BLOCK, &b, &old);
	raise(SIGUSR1);
	raise(SIGUSR1);
	sigpending(&pend);
	printf("mask: blocked twice, pending %d, handled %d\n", sigismember(&pend, SIGUSR1), (int)count);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("mask: unblocked, handled %d (standard signals coalesce)\n", (int)count);

	int rt = SIGRTMIN + 2;
	set_action(rt, on_rt, 0);
	sigemptyset(&b);
	sigaddset(&b, rt);
	sigprocmask(SIG_BLOCK, &b, NULL);
	for (int i = 1; i <= 3; i++) sigqueue(getpid(), rt, (union sigval){ .sival_int = i * 10 });
	sigprocmask(SIG_UNBLOCK, &b, NULL);
	printf("rt: %d queued, delivered in order %d %d %d, code is SI_QUEUE %d\n", rt_n, rt_order[0], rt_order[1], rt_order[2], last_code == SI_QUEUE);

	sigemptyset(&b);
	sigaddset(&b, SIGUSR2);
	sigprocmask(SIG_BLOCK, &b, NULL);
	raise(SIGUSR2);
	siginfo_t si;
	int got = sigwaitinfo(&b, &si);
	printf("sigwaitinfo: %d code %d pid is mine %d\n", got, si.si_code, si.si_pid == getpid());
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	errno = 0;
	got = sigtimedwait(&b, &si, &ts);
	printf("sigtimedwait with nothing pending: %d %s\n", got, strerror(errno));
	sigprocmask(SIG_UNBLOCK, &b, NULL);
	/* A fatal-by-default signal that sigtimedwait awaits is taken, not fatal. */
	sigemptyset(&b);
	sigaddset(&b, SIGALRM);
	sigprocmask(SIG_BLOCK, &b, NULL);
	signal(SIGALRM, SIG_DFL);
	struct itimerval it = { { 0, 0 }, { 0, 5000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	got = sigwaitinfo(&b, &si);
	printf("sigwaitinfo for an itimer's SIGALRM: %d code %d\n", got, si.si_code);
	sigprocmask(SIG_UNBLOCK, &b, NULL);
}

/* 7. sigsuspend, SA_RESETHAND, SA_NODEFER, SIGCHLD's siginfo, nanosleep interrupted. */
static volatile int usr1_blocked_inside;
static void check_mask(int sig) {
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	usr1_blocked_inside = sigismember(&cur, sig);
	count++;
}
static volatile int chld_code, chld_status, chld_pid_ok;
static pid_t chld_pid;
static void on_chld(int sig, siginfo_t *si, void *ctx) {
	(void)sig; (void)ctx;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_pid_ok = si->si_pid == chld_pid;
}
static void waiting(void) {
	sigset_t b, empty, cur;
	set_handler(SIGUSR1, on_count, 0);
	count = 0;
	sigemptyset(&b);
	sigaddset(&b, SIGUSR1);
	sigprocmask(SIG_BLOCK, &b, NULL);
	pid_t parent = getpid();
	pid_t c = fork();
	if (c == 0) { kill(parent, SIGUSR1); _exit(0); }
	sigemptyset(&empty);
	int r = sigsuspend(&empty);
	int e = errno;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("sigsuspend: %d %s, handler ran %d, mask restored %d\n", r, strerror(e), (int)count, sigismember(&cur, SIGUSR1));
	waitpid(c, NULL, 0);
	sigprocmask(SIG_UNBLOCK, &b, NULL);

	set_handler(SIGUSR1, check_mask, SA_RESETHAND);
	raise(SIGUSR1);
	struct sigaction now;
	sigaction(SIGUSR1, NULL, &now);
	printf("SA_RESETHAND: blocked inside %d, handler now default %d\n", usr1_blocked_inside, now.sa_handler == SIG_DFL);
	set_handler(SIGUSR1, check_mask, SA_NODEFER);
	raise(SIGUSR1);
	printf("SA_NODEFER: blocked inside %d\n", usr1_blocked_inside);

	set_action(SIGCHLD, on_chld, SA_NOCLDSTOP);
	sigset_t cb;
	sigemptyset(&cb);
	sigaddset(&cb, SIGCHLD);
	sigprocmask(SIG_BLOCK, &cb, NULL);
	chld_pid = fork();
	if (chld_pid == 0) _exit(3);
	sigprocmask(SIG_UNBLOCK, &cb, NULL);
	int st;
	while (waitpid(chld_pid, &st, 0) < 0 && errno == EINTR) {}
	printf("SIGCHLD: code CLD_EXITED %d status %d pid ok %d\n", chld_code == CLD_EXITED, chld_status, chld_pid_ok);
	signal(SIGCHLD, SIG_DFL);

	set_handler(SIGALRM, on_count, 0);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec req = { 1, 0 }, rem = { 0, 0 };
	errno = 0;
	r = nanosleep(&req, &rem);
	e = errno;
	printf("nanosleep interrupted: %d %s, remaining between 0.5 s and 1 s %d\n", r, strerror(e), rem.tv_sec == 0 && rem.tv_nsec > 500000000L);
	/* With no handler, an ignored-by-default signal does not interrupt: the sleep restarts. */
	signal(SIGALRM, SIG_DFL);
	set_handler(SIGWINCH, SIG_DFL, 0);
	c = fork();
	if (c == 0) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		kill(parent, SIGWINCH);
		/* Outlive the parent's sleep: a SIGCHLD now would interrupt it a second time under a tracer. */
		ts.tv_nsec = 100 * 1000 * 1000;
		nanosleep(&ts, NULL);
		_exit(0);
	}
	req.tv_sec = 0;
	req.tv_nsec = 40 * 1000 * 1000;
	r = nanosleep(&req, NULL);
	printf("nanosleep with SIGWINCH at default: %d\n", r);
	waitpid(c, NULL, 0);
}

/* 8. POSIX timers: signal, value, overruns while blocked. */
static void timers(void) {
	int sig = SIGRTMIN + 3;
	set_action(sig, on_rt, 0);
	rt_n = 0;
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_int = 7;
	timer_t id;
	if (timer_create(CLOCK_MONOTONIC, &ev, &id)) { perror("timer_create"); return; }
	sigset_t b;
	sigemptyset(&b);
	sigaddset(&b, sig);
	sigprocmask(SIG_BLOCK, &b, NULL);
	struct itimerspec its = { { 0, 5 * 1000 * 1000 }, { 0, 5 * 1000 * 1000 } };
	timer_settime(id, 0, &its, NULL);
	struct timespec ts = { 0, 52 * 1000 * 1000 };
	while (nanosleep(&ts, &ts)) {}
	sigprocmask(SIG_UNBLOCK, &b, NULL);
	int over = timer_getoverrun(id);
	printf("timer: %d signal (value %d, SI_TIMER %d), overruns while blocked >= 5: %d\n", rt_n, rt_order[0], last_code == SI_TIMER, over >= 5);
	struct itimerspec cur;
	timer_gettime(id, &cur);
	printf("timer: interval %ld ns, armed %d\n", cur.it_interval.tv_nsec, cur.it_value.tv_nsec > 0);
	timer_delete(id);
	int r = timer_settime(id, 0, &its, NULL), e = errno;
	printf("timer: deleted, settime now %d errno %d\n", r, e);
}

/* 9. signalfd: blocked signals read as records. */
static void sigfd(void) {
	/* Only kernel-made signals (an itimer's SIGALRM, a POSIX timer's): no pid in the records. */
	sigset_t b;
	sigemptyset(&b);
	sigaddset(&b, SIGALRM);
	sigaddset(&b, SIGRTMIN + 4);
	sigprocmask(SIG_BLOCK, &b, NULL);
	int fd = signalfd(-1, &b, SFD_NONBLOCK | SFD_CLOEXEC);
	struct signalfd_siginfo si[4];
	errno = 0;
	ssize_t n = read(fd, si, sizeof si);
	int e = errno;
	printf("signalfd: empty read %zd errno %d\n", n, e);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	printf("signalfd: poll before %d\n", poll(&p, 1, 0));
	struct itimerval it = { { 0, 0 }, { 0, 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGRTMIN + 4;
	ev.sigev_value.sival_int = 99;
	timer_t id;
	timer_create(CLOCK_MONOTONIC, &ev, &id);
	struct itimerspec its = { { 0, 0 }, { 0, 2 * 1000 * 1000 } };
	timer_settime(id, 0, &its, NULL);
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	while (nanosleep(&ts, &ts)) {}
	int pr = poll(&p, 1, 0);
	printf("signalfd: poll after %d revents %d\n", pr, p.revents);
	n = read(fd, si, sizeof si);
	printf("signalfd: read %zd bytes, first %u code %d, second is rt %d with int %d code SI_TIMER %d\n", n, si[0].ssi_signo,
	       si[0].ssi_code, (int)si[1].ssi_signo == SIGRTMIN + 4, si[1].ssi_int, si[1].ssi_code == SI_TIMER);
	errno = 0;
	n = read(fd, si, 64);
	e = errno;
	printf("signalfd: short buffer %zd errno %d\n", n, e);
	timer_delete(id);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &b, NULL);
}

/* 10. The frame itself: alignment, the FP state's magic, uc_flags, and sigreturn's SS rules. */
static volatile unsigned long entry_sp_mod16, fp_aligned, fp_magic, ucf;
static volatile int strict_mode;
static void frame_probe(int sig, siginfo_t *si, void *ctx) {
	(void)sig; (void)si;
	ucontext_t *uc = ctx;
	unsigned long sp;
	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	/* The frame starts at the handler's rsp on entry; the ucontext is 8 bytes above it. */
	entry_sp_mod16 = ((unsigned long)uc - 8) % 16;
	fp_aligned = (unsigned long)uc->uc_mcontext.fpregs % 64 == 0;
	fp_magic = *(unsigned *)((char *)uc->uc_mcontext.fpregs + 464);
	ucf = uc->uc_flags & 6; /* UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS (UC_FP_XSTATE depends on XSAVE) */
	/* A zero SS in the saved context: repaired unless UC_STRICT_RESTORE_SS asks for it as it is. */
	uc->uc_mcontext.gregs[REG_CSGSFS] &= 0x0000ffffffffffffULL;
	if (strict_mode) uc->uc_flags |= 4; else uc->uc_flags &= ~4UL;
}
static void frame(void) {
	set_action(SIGUSR1, frame_probe, 0);
	strict_mode = 0;
	raise(SIGUSR1);
	unsigned short ss;
	__asm__ volatile("mov %%ss, %0" : "=r"(ss));
	printf("frame: sp at entry mod 16 = %lu, fpstate 64-aligned %lu, magic1 %#lx, uc_flags&6 %lu\n", entry_sp_mod16, fp_aligned, fp_magic, ucf);
	printf("sigreturn with SS 0 and no UC_STRICT_RESTORE_SS: ss now %#x\n", ss);
	pid_t c = fork();
	if (c == 0) {
		struct rlimit rl = { 0, 0 };
		setrlimit(RLIMIT_CORE, &rl);
		strict_mode = 1;
		raise(SIGUSR1);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("sigreturn with SS 0 and UC_STRICT_RESTORE_SS: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
}

/* 11. Default actions and the wait status they leave. */
static void defaults(void) {
	for (int s = 1; s < 65; s++) if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
	int sigs[] = { SIGTERM, SIGSEGV, SIGABRT, SIGUSR1, SIGQUIT };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		pid_t c = fork();
		if (c == 0) {
			struct rlimit rl = { 0, 0 };
			setrlimit(RLIMIT_CORE, &rl);
			raise(sigs[i]);
			_exit(99);
		}
		int st;
		waitpid(c, &st, 0);
		printf("default %s: signaled %d sig %d core %d\n", strsignal(sigs[i]), WIFSIGNALED(st), WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
	}
	/* Ignored by default: nothing happens. */
	raise(SIGCHLD);
	raise(SIGURG);
	printf("default ignore: still here\n");
	/* SIG_IGN drops a signal even while it is sent. */
	signal(SIGTERM, SIG_IGN);
	raise(SIGTERM);
	signal(SIGTERM, SIG_DFL);
	printf("SIG_IGN: still here\n");
	/* A blocked fault signal cannot be ignored: the process dies of it. */
	pid_t c = fork();
	if (c == 0) {
		struct rlimit rl = { 0, 0 };
		setrlimit(RLIMIT_CORE, &rl);
		sigset_t b;
		sigemptyset(&b);
		sigaddset(&b, SIGSEGV);
		sigprocmask(SIG_BLOCK, &b, NULL);
		*(volatile int *)8 = 1;
		_exit(99);
	}
	int st;
	waitpid(c, &st, 0);
	printf("blocked SIGSEGV from a fault: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	alarms();
	altstack();
	edit_rip();
	restart(SA_RESTART, "with SA_RESTART");
	restart(0, "without SA_RESTART");
	faults();
	masks();
	waiting();
	timers();
	sigfd();
	frame();
	defaults();
	printf("done\n");
	return 0;
}
