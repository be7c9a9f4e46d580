/* sighandler: signal handlers as a program of either width sees them. sigaction with and without
 * SA_SIGINFO, raise() and kill() of itself, the handler's siginfo (signo, code, pid), a blocked
 * signal delivered when unblocked, SA_RESETHAND, a handler interrupting a read() from a pipe
 * (EINTR without SA_RESTART) and restarted with it, FPU state preserved across a handler that does arithmetic, a
 * SIGSEGV handler escaping with siglongjmp, and sigaltstack. Prints nothing that depends on
 * pids, addresses or times. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static volatile int last_sig, last_code, pid_ok;
static sigjmp_buf escape;
static volatile double fsum;

static void plain(int sig)
{
	hits++;
	last_sig = sig;
}

static void info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	pid_ok = si->si_pid == getpid();
	/* Arithmetic in the handler must not disturb the interrupted code's FPU state. */
	double x = 1.0;
	for (int i = 0; i < 10; i++) x = x * 1.5 + 0.25;
	fsum = x;
}

static void segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_sig = sig;
	last_code = si->si_code;
	siglongjmp(escape, 1);
}

static int restart_fd;
static void feed(int sig)
{
	(void)sig;
	hits++;
	if (write(restart_fd, "x", 1) != 1) _exit(3);
}

static void onalt(int sig)
{
	char here;
	stack_t ss;
	sigaltstack(NULL, &ss);
	(void)sig;
	pid_ok = (ss.ss_flags & SS_ONSTACK) && &here >= (char *)ss.ss_sp && &here < (char *)ss.ss_sp + ss.ss_size;
	hits++;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = plain;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	printf("plain handler: hits %d sig %d\n", (int)hits, last_sig);

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	double before = 3.25;
	kill(getpid(), SIGUSR2);
	printf("siginfo handler: hits %d sig %d code %s pid %s fsum %.4f before %.2f\n", (int)hits, last_sig,
	       last_code == SI_USER ? "SI_USER" : "other", pid_ok ? "ok" : "wrong", fsum, before * 2);

	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	sigset_t pend;
	sigpending(&pend);
	printf("blocked: pending %d hits %d\n", sigismember(&pend, SIGUSR1), (int)hits);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("unblocked: hits %d\n", (int)hits);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = plain;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGHUP, &sa, NULL);
	raise(SIGHUP);
	sigaction(SIGHUP, NULL, &sa);
	printf("SA_RESETHAND: hits %d now %s\n", (int)hits, sa.sa_handler == SIG_DFL ? "SIG_DFL" : "still set");

	int p[2];
	if (pipe(p) != 0) return 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = plain;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	char c;
	ssize_t n = read(p[0], &c, 1);
	printf("read interrupted: %zd %s hits %d sig %d\n", n, n < 0 ? strerror(errno) : "-", (int)hits, last_sig);

	/* SA_RESTART: the read restarts after the handler (a 32-bit fast call re-enters through
	 * the vDSO's int $0x80, ip - 2 from the landing pad) and gets the byte the handler wrote. */
	restart_fd = p[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = feed;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	n = read(p[0], &c, 1);
	printf("read restarted: %zd byte '%c' hits %d\n", n, n == 1 ? c : '?', (int)hits);

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(escape, 1) == 0) {
		volatile int *volatile bad = (volatile int *)16;
		*bad = 1;
		printf("no fault?\n");
	} else
		printf("SIGSEGV caught: sig %d code %s\n", last_sig, last_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other");

	stack_t ss;
	ss.ss_sp = malloc(65536);
	ss.ss_size = 65536;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onalt;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	pid_ok = 0;
	raise(SIGUSR1);
	printf("sigaltstack: handler on the alternate stack: %s, hits %d\n", pid_ok ? "yes" : "no", (int)hits);
	printf("done\n");
	return 0;
}
