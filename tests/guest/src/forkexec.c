/* forkexec: processes made and ended the ways a shell makes and ends them — fork then execve of
 * this program with arguments and an environment, vfork then execve, posix_spawn, exit codes
 * (by return, exit, _exit, truncated to 8 bits), wait4/waitpid/waitid status decoding, WNOHANG
 * before and after the child exits, ECHILD, a failing execve, pipes between parent and children
 * across exec (dup2 onto stdin/stdout), several children reaped with wait(-1), and death by
 * signal: SIGTERM and SIGKILL sent to a child sleeping in nanosleep. Prints one "what: result"
 * line each and nothing that depends on pids or times. argv[1] selects a child role. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static const char *self;

static const char *decode(int status)
{
	static char buf[64];
	if (WIFEXITED(status))
		snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof buf, "killed by signal %d%s", WTERMSIG(status), WCOREDUMP(status) ? " (core)" : "");
	else
		snprintf(buf, sizeof buf, "status %#x", status);
	return buf;
}

/* Roles this program plays when it is the exec'd child. */
static int child_role(int argc, char **argv)
{
	if (strcmp(argv[1], "child") == 0) {
		/* child CODE WORDS...: report arguments, environment and parent, exit with CODE. */
		printf("  exec'd child: argc %d, args", argc);
		for (int i = 3; i < argc; i++)
			printf(" '%s'", argv[i]);
		const char *e = getenv("FORKEXEC");
		printf(", FORKEXEC=%s, PATH %s\n", e ? e : "(unset)", getenv("PATH") ? "set" : "unset");
		fflush(stdout);
		return atoi(argv[2]);
	}
	if (strcmp(argv[1], "upper") == 0) {
		/* A filter: stdin to stdout in capitals, then the byte count on stderr-free stdout. */
		char buf[256];
		ssize_t n, total = 0;
		while ((n = read(0, buf, sizeof buf)) > 0) {
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] >= 'a' && buf[i] <= 'z')
					buf[i] -= 32;
			write(1, buf, n);
			total += n;
		}
		return (int)total;
	}
	if (strcmp(argv[1], "ppid") == 0) {
		/* Is my parent the pid in argv[2]? */
		return getppid() == atoi(argv[2]) ? 0 : 1;
	}
	fprintf(stderr, "unknown role %s\n", argv[1]);
	return 2;
}

static pid_t spawn_self(char *const args[], char *const env[])
{
	pid_t pid = fork();
	if (pid == 0) {
		execve(self, args, env);
		_exit(127);
	}
	return pid;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1)
		return child_role(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	int status;
	pid_t pid, w;

	/* fork + execve with arguments and a fresh environment. */
	{
		char *args[] = { (char *)self, "child", "7", "one", "two words", "", NULL };
		char *env[] = { "FORKEXEC=fork", NULL };
		pid = spawn_self(args, env);
		w = waitpid(pid, &status, 0);
		printf("fork+execve: waited %d, %s\n", w == pid, decode(status));
	}
	/* The child's parent is us, before and after exec. */
	{
		char me[16];
		snprintf(me, sizeof me, "%d", getpid());
		char *args[] = { (char *)self, "ppid", me, NULL };
		pid = spawn_self(args, environ);
		waitpid(pid, &status, 0);
		printf("getppid in exec'd child is the parent: %s\n", decode(status));
	}
	/* Exit codes: return, exit, _exit, and truncation to 8 bits. */
	{
		int codes[] = { 0, 1, 255, 256, 300, -1 };
		for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
			pid = fork();
			if (pid == 0) {
				if (i & 1)
					exit(codes[i]);
				_exit(codes[i]);
			}
			waitpid(pid, &status, 0);
			printf("exit(%d): %s\n", codes[i], decode(status));
		}
	}
	/* vfork + execve: the parent resumes only after the exec. */
	{
		char *args[] = { (char *)self, "child", "9", "vforked", NULL };
		char *env[] = { "FORKEXEC=vfork", NULL };
		pid = vfork();
		if (pid == 0) {
			execve(self, args, env);
			_exit(127);
		}
		w = waitpid(pid, &status, 0);
		printf("vfork+execve: waited %d, %s\n", w == pid, decode(status));
	}
	/* vfork + _exit without exec. */
	{
		volatile int touched = 0;
		pid = vfork();
		if (pid == 0) {
			touched = 1; /* shares our memory until it exits */
			_exit(5);
		}
		waitpid(pid, &status, 0);
		printf("vfork+_exit: %s, shared memory written %d\n", decode(status), touched);
	}
	/* posix_spawn, with a file action that closes nothing important and the parent's environment. */
	{
		char *args[] = { (char *)self, "child", "11", "spawned", NULL };
		char *env[] = { "FORKEXEC=spawn", "PATH=/bin", NULL };
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		int e = posix_spawn(&pid, self, &fa, NULL, args, env);
		w = waitpid(pid, &status, 0);
		printf("posix_spawn: %d, waited %d, %s\n", e, w == pid, decode(status));
		posix_spawn_file_actions_destroy(&fa);
		e = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, args, env);
		printf("posix_spawn of a missing file: %s\n", e == ENOENT ? "ENOENT" : e == 0 ? "0" : "other");
		if (e == 0)
			waitpid(pid, &status, 0);
	}
	/* A failing execve leaves the child running: it exits 127. */
	{
		pid = fork();
		if (pid == 0) {
			char *args[] = { "x", NULL };
			execve("/nonexistent/program", args, environ);
			_exit(errno == ENOENT ? 127 : 126);
		}
		waitpid(pid, &status, 0);
		printf("execve of a missing file: %s\n", decode(status));
	}
	/* Pipes across exec: the child's stdin and stdout are pipes (dup2), it filters what we send. */
	{
		int to[2], from[2];
		pipe(to);
		pipe(from);
		pid = fork();
		if (pid == 0) {
			dup2(to[0], 0);
			dup2(from[1], 1);
			close(to[0]);
			close(to[1]);
			close(from[0]);
			close(from[1]);
			char *args[] = { (char *)self, "upper", NULL };
			execve(self, args, environ);
			_exit(127);
		}
		close(to[0]);
		close(from[1]);
		const char *msg = "hello through a pipe, and back\n";
		write(to[1], msg, strlen(msg));
		close(to[1]);
		char buf[128] = { 0 };
		ssize_t n, got = 0;
		while ((n = read(from[0], buf + got, sizeof buf - 1 - got)) > 0)
			got += n;
		close(from[0]);
		waitpid(pid, &status, 0);
		printf("pipe filter: %zd bytes '%.*s', %s\n", got, (int)(got > 0 ? got - 1 : 0), buf, decode(status));
	}
	/* WNOHANG: 0 while the child runs (it waits for our byte), its pid once it has exited. */
	{
		int p[2];
		pipe(p);
		pid = fork();
		if (pid == 0) {
			char c;
			close(p[1]);
			read(p[0], &c, 1);
			_exit(c);
		}
		close(p[0]);
		w = waitpid(pid, &status, WNOHANG);
		printf("WNOHANG while running: %d\n", w);
		write(p[1], "\x2a", 1);
		close(p[1]);
		int polls = 0;
		while ((w = waitpid(pid, &status, WNOHANG)) == 0) {
			polls++;
			sleep_ms(1);
		}
		printf("WNOHANG after exit: waited %d, %s, polled %s\n", w == pid, decode(status), polls < 5000 ? "a while" : "too long");
		errno = 0;
		w = waitpid(-1, &status, WNOHANG);
		printf("WNOHANG with no children: %d %s\n", w, errno == ECHILD ? "ECHILD" : "other");
		errno = 0;
		w = waitpid(-1, &status, 0);
		printf("wait with no children: %d %s\n", w, errno == ECHILD ? "ECHILD" : "other");
	}
	/* Several children, reaped in any order with wait(-1) and wait4 with rusage. */
	{
		int sum = 0, count = 0;
		for (int i = 1; i <= 4; i++)
			if (fork() == 0)
				_exit(i * 10);
		struct rusage ru;
		while ((w = wait4(-1, &status, 0, &ru)) > 0) {
			sum += WEXITSTATUS(status);
			count++;
		}
		printf("four children: reaped %d, exit codes sum %d, then %s\n", count, sum, errno == ECHILD ? "ECHILD" : "other");
	}
	/* waitid: siginfo for an exit and for a kill. */
	{
		pid = fork();
		if (pid == 0)
			_exit(33);
		siginfo_t si;
		memset(&si, 0, sizeof si);
		int r = waitid(P_PID, pid, &si, WEXITED);
		printf("waitid exit: %d, signo %d, code %s, status %d, pid matches %d\n", r, si.si_signo,
		       si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_status, si.si_pid == pid);
	}
	/* Death by signal: SIGTERM and SIGKILL sent to a child asleep in nanosleep. */
	{
		int sigs[] = { SIGTERM, SIGKILL, SIGINT };
		for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
			int p[2];
			pipe(p);
			pid = fork();
			if (pid == 0) {
				close(p[0]);
				write(p[1], "s", 1);
				sleep_ms(10000);
				_exit(0); /* not reached */
			}
			close(p[1]);
			char c;
			read(p[0], &c, 1); /* the child is about to sleep */
			close(p[0]);
			sleep_ms(10);
			kill(pid, sigs[i]);
			if (sigs[i] == SIGINT) {
				siginfo_t si;
				memset(&si, 0, sizeof si);
				waitid(P_PID, pid, &si, WEXITED);
				printf("waitid kill(%d): code %s, status %d\n", sigs[i],
				       si.si_code == CLD_KILLED ? "CLD_KILLED" : "other", si.si_status);
			} else {
				waitpid(pid, &status, 0);
				printf("kill(%d) of a sleeping child: %s\n", sigs[i], decode(status));
			}
		}
	}
	printf("done\n");
	return 0;
}
