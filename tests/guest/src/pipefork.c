/* pipefork: pipes between two processes, so that reads, writes, poll and select really block
 * and are woken by the other side: a reader waiting for a late writer, a writer filling the
 * pipe faster than its reader drains it, a thousand ping-pong round trips over two pipes,
 * poll and select with no timeout, EOF when the last writer exits, EPIPE when the last reader
 * exits, and SIGPIPE when it is not ignored. Output: one "what: result" line each, nothing that depends on pids or timing. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void pause_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

static int reap(pid_t pid)
{
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void)
{
	int p[2], q[2];
	char buf[65536];
	signal(SIGPIPE, SIG_IGN);

	/* A reader that waits for a writer that comes late. */
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		pause_ms(20);
		write(p[1], "late hello", 10);
		_exit(0);
	}
	close(p[1]);
	ssize_t n = read(p[0], buf, sizeof buf);
	printf("blocking read: %zd %.*s\n", n, (int)(n > 0 ? n : 0), buf);
	printf("read at EOF after the writer exits: %zd\n", read(p[0], buf, sizeof buf));
	printf("child: %d\n", reap(pid));
	close(p[0]);

	/* A writer faster than its reader: 1 MiB through a 64 KiB pipe. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		static char big[1 << 20];
		for (size_t i = 0; i < sizeof big; i++)
			big[i] = (char)(i * 7);
		ssize_t w = write(p[1], big, sizeof big);
		_exit(w == (ssize_t)sizeof big ? 0 : 1);
	}
	close(p[1]);
	long total = 0;
	unsigned sum = 0;
	for (;;) {
		pause_ms(total < 200000 ? 1 : 0);
		ssize_t r = read(p[0], buf, 10000);
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			sum = sum * 31 + (unsigned char)buf[i];
		total += r;
	}
	printf("big write: %ld bytes, sum %08x, child %d\n", total, sum, reap(pid));
	close(p[0]);

	/* Ping-pong: each side blocks in read until the other writes. */
	pipe(p);
	pipe(q);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		close(q[0]);
		int v;
		while (read(p[0], &v, sizeof v) == sizeof v) {
			v++;
			write(q[1], &v, sizeof v);
		}
		_exit(0);
	}
	close(p[0]);
	close(q[1]);
	int v = 0, ok = 1;
	for (int i = 0; i < 1000; i++) {
		write(p[1], &v, sizeof v);
		int got;
		if (read(q[0], &got, sizeof got) != sizeof got || got != v + 1)
			ok = 0;
		v = got + 1;
	}
	close(p[1]);
	printf("ping-pong: %d round trips, value %d, ok %d, child %d\n", 1000, v, ok, reap(pid));
	close(q[0]);

	/* poll and select without a timeout, woken by the child's write. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		pause_ms(10);
		write(p[1], "x", 1);
		pause_ms(10);
		write(p[1], "y", 1);
		_exit(0);
	}
	close(p[1]);
	struct pollfd pf = { p[0], POLLIN, 0 };
	int r = poll(&pf, 1, -1);
	printf("poll, no timeout: %d revents %#x\n", r, pf.revents);
	read(p[0], buf, 1);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	r = select(p[0] + 1, &rs, NULL, NULL, NULL);
	printf("select, no timeout: %d set %d\n", r, FD_ISSET(p[0], &rs));
	read(p[0], buf, 1);
	r = poll(&pf, 1, -1);
	printf("poll until the writer is gone: %d revents %#x\n", r, pf.revents);
	printf("child: %d\n", reap(pid));
	close(p[0]);

	/* A writer blocked on a full pipe whose reader exits: EPIPE for the writer. */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		pause_ms(20);
		_exit(0);
	}
	close(p[0]);
	static char fillbuf[1 << 17];
	ssize_t w = write(p[1], fillbuf, sizeof fillbuf);
	printf("write to a pipe whose reader exits: %zd %s\n", w, w < 0 && errno == EPIPE ? "EPIPE" : "");
	printf("child: %d\n", reap(pid));
	close(p[1]);

	/* Without SIG_IGN, that write is death by SIGPIPE (status 128 + 13). */
	pipe(p);
	close(p[0]);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		_exit(0);
	}
	printf("writer without a reader, SIGPIPE not ignored: %d\n", reap(pid));
	close(p[1]);
	return 0;
}
