/* pipes: pipes and the things that wait on files. pipe/pipe2 flags, FIONREAD, F_GETPIPE_SZ/
 * F_SETPIPE_SZ, how many bytes a non-blocking pipe takes before EAGAIN (Linux's page-merging
 * accounting), partial writes, EOF and EPIPE (SIGPIPE ignored), poll/ppoll/select/pselect6 with
 * zero and short timeouts and their POLLHUP/POLLERR/POLLNVAL reports, reopening a pipe
 * through /proc/self/fd; then /dev/null, zero, full, urandom and a little of /proc. Every line
 * is "what: result", errno by name; nothing printed depends on pids, inodes or addresses. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static const char *en(int e)
{
	static char other[32];
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EPIPE: return "EPIPE";
	case ENXIO: return "ENXIO";
	}
	snprintf(other, sizeof other, "errno %d", e);
	return other;
}

#define T(what, expr)                                                        \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (long)(expr);                                      \
		if (r_ < 0)                                                  \
			printf("%s: -1 %s\n", what, en(errno));              \
		else                                                         \
			printf("%s: %ld\n", what, r_);                       \
	} while (0)

static void pollone(const char *what, int fd, short events, int timeout)
{
	struct pollfd p = { fd, events, 0 };
	errno = 0;
	int r = poll(&p, 1, timeout);
	if (r < 0)
		printf("%s: -1 %s\n", what, en(errno));
	else
		printf("%s: %d revents %#x\n", what, r, p.revents);
}

static int nbytes(int fd)
{
	int n = -1;
	if (ioctl(fd, FIONREAD, &n) < 0)
		return -errno;
	return n;
}

/* Write `chunk`-byte pieces to a non-blocking pipe until EAGAIN; the total it took. */
static long fill(int wfd, int chunk)
{
	static char buf[70000];
	long total = 0;
	for (;;) {
		ssize_t n = write(wfd, buf, chunk);
		if (n < 0)
			return errno == EAGAIN ? total : -errno;
		total += n;
		if (n < chunk)
			return total;
	}
}

static void drain(int rfd)
{
	char buf[4096];
	while (read(rfd, buf, sizeof buf) > 0)
		;
}

int main(void)
{
	int p[2], q[2];
	char buf[256];
	signal(SIGPIPE, SIG_IGN);

	/* --- the basics. */
	T("pipe", pipe(p));
	T("F_GETFL read end", fcntl(p[0], F_GETFL));
	T("F_GETFL write end", fcntl(p[1], F_GETFL));
	T("F_GETFD", fcntl(p[0], F_GETFD));
	T("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	struct stat st;
	fstat(p[0], &st);
	printf("fstat: fifo %d mode %o size %lld\n", S_ISFIFO(st.st_mode), (unsigned)(st.st_mode & 0777), (long long)st.st_size);
	T("write hello", write(p[1], "hello", 5));
	T("FIONREAD", nbytes(p[0]));
	pollone("poll in", p[0], POLLIN, 0);
	pollone("poll out", p[1], POLLOUT, 0);
	pollone("poll read end for out", p[0], POLLOUT, 0);
	memset(buf, 0, sizeof buf);
	T("read", read(p[0], buf, sizeof buf));
	printf("  got %s\n", buf);
	pollone("poll empty", p[0], POLLIN, 0);
	pollone("poll empty 20 ms", p[0], POLLIN, 20);
	T("read from write end", read(p[1], buf, 1));
	T("write to read end", write(p[0], "x", 1));
	T("lseek", lseek(p[0], 0, SEEK_SET));
	T("pread", pread(p[0], buf, 1, 0));
	T("fsync", fsync(p[0]));
	T("write 0 bytes", write(p[1], "", 0));
	T("read 0 bytes", read(p[0], buf, 0));
	struct iovec iov[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
	T("writev", writev(p[1], iov, 3));
	char r1[3] = { 0 }, r2[8] = { 0 };
	struct iovec riov[2] = { { r1, 2 }, { r2, 8 } };
	T("readv", readv(p[0], riov, 2));
	printf("  got %s|%s\n", r1, r2);

	/* --- pipe2 and non-blocking fills. */
	T("pipe2 bad flags", pipe2(q, O_APPEND));
	T("pipe2 nonblock|cloexec", pipe2(q, O_NONBLOCK | O_CLOEXEC));
	T("F_GETFL", fcntl(q[0], F_GETFL));
	T("F_GETFD", fcntl(q[1], F_GETFD));
	T("read empty nonblocking", read(q[0], buf, 1));
	T("fill by 4096", fill(q[1], 4096));
	T("FIONREAD full", nbytes(q[0]));
	pollone("poll out when full", q[1], POLLOUT, 0);
	T("write 1 when full", write(q[1], "x", 1));
	drain(q[0]);
	T("fill by 1000", fill(q[1], 1000));
	drain(q[0]);
	T("fill by 1", fill(q[1], 1));
	drain(q[0]);
	T("fill by 3000", fill(q[1], 3000));
	drain(q[0]);
	T("fill by 5000", fill(q[1], 5000));
	drain(q[0]);
	T("one write of 70000", write(q[1], (char[70000]){0}, 70000));
	drain(q[0]);
	T("write 100", write(q[1], buf, 100));
	T("F_SETPIPE_SZ 12288", fcntl(q[1], F_SETPIPE_SZ, 12288));
	T("F_GETPIPE_SZ", fcntl(q[0], F_GETPIPE_SZ));
	T("fill by 4096 (small pipe)", fill(q[1], 4096));
	T("F_SETPIPE_SZ below contents", fcntl(q[1], F_SETPIPE_SZ, 4096));
	drain(q[0]);
	T("F_SETPIPE_SZ 1", fcntl(q[1], F_SETPIPE_SZ, 1));
	T("F_SETPIPE_SZ 0", fcntl(q[1], F_SETPIPE_SZ, 0));
	T("F_GETPIPE_SZ on a file", fcntl(0 + open("/dev/null", O_RDONLY), F_GETPIPE_SZ));
	T("F_SETFL blocking", fcntl(q[0], F_SETFL, 0));
	T("F_GETFL", fcntl(q[0], F_GETFL));
	int on = 1;
	T("FIONBIO", ioctl(q[0], FIONBIO, &on));
	T("F_GETFL", fcntl(q[0], F_GETFL));
	T("read nonblocking again", read(q[0], buf, 1));

	/* --- select and friends. */
	fd_set rs, ws;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(p[0], &rs);
	FD_SET(p[1], &ws);
	struct timeval tv = { 0, 0 };
	T("select empty+writable", select(p[1] + 1, &rs, &ws, NULL, &tv));
	printf("  read set %d write set %d\n", FD_ISSET(p[0], &rs), FD_ISSET(p[1], &ws));
	write(p[1], "z", 1);
	FD_SET(p[0], &rs);
	FD_ZERO(&ws);
	tv.tv_sec = 5;
	T("select readable", select(p[0] + 1, &rs, NULL, NULL, &tv));
	printf("  read set %d, time left > 4 s: %d\n", FD_ISSET(p[0], &rs), tv.tv_sec >= 4);
	read(p[0], buf, 1);
	FD_SET(p[0], &rs);
	tv.tv_sec = 0;
	tv.tv_usec = 30000;
	T("select 30 ms timeout", select(p[0] + 1, &rs, NULL, NULL, &tv));
	printf("  read set %d left %ld.%06ld\n", FD_ISSET(p[0], &rs), (long)tv.tv_sec, (long)tv.tv_usec);
	FD_ZERO(&rs);
	FD_SET(50, &rs);
	tv.tv_usec = 0;
	T("select closed fd", select(51, &rs, NULL, NULL, &tv));
	tv.tv_usec = -1;
	T("select bad timeval", select(1, NULL, NULL, NULL, &tv));
	T("select negative nfds", select(-1, NULL, NULL, NULL, NULL));
	struct timespec ts = { 0, 10000000 };
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	T("pselect 10 ms", pselect(p[0] + 1, &rs, NULL, NULL, &ts, NULL));
	struct pollfd pf[3] = { { p[0], POLLIN, 0 }, { -1, POLLIN, 0 }, { 60, POLLIN, 0 } };
	ts.tv_nsec = 0;
	T("ppoll with a bad fd", ppoll(pf, 3, &ts, NULL));
	printf("  revents %#x %#x %#x\n", pf[0].revents, pf[1].revents, pf[2].revents);
	ts.tv_nsec = 2000000000;
	T("ppoll bad timespec", ppoll(pf, 1, &ts, NULL));
	T("poll nothing, 5 ms", poll(NULL, 0, 5));

	/* --- EOF, EPIPE, HUP, ERR. */
	write(p[1], "last", 4);
	T("close write end", close(p[1]));
	pollone("poll with data, no writer", p[0], POLLIN, 0);
	T("read rest", read(p[0], buf, sizeof buf));
	T("read at EOF", read(p[0], buf, sizeof buf));
	pollone("poll at EOF", p[0], POLLIN, -1);
	T("pipe", pipe(p));
	T("close read end", close(p[0]));
	T("write without reader", write(p[1], "x", 1));
	pollone("poll without reader", p[1], POLLOUT, 0);
	pollone("poll without reader, POLLIN only", p[1], POLLIN, 0);
	close(p[1]);

	/* --- /proc/self/fd of a pipe. */
	T("pipe", pipe(p));
	char path[64], link[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	memset(link, 0, sizeof link);
	T("readlink fd", readlink(path, link, sizeof link) > 6 ? 0 : -1); /* its length depends on the inode number */
	printf("  pipe:[ prefix %d\n", strncmp(link, "pipe:[", 6) == 0);
	int again = open(path, O_RDONLY);
	T("reopen through /proc/self/fd", again >= 0 ? 0 : -1);
	write(p[1], "via proc", 8);
	memset(buf, 0, sizeof buf);
	T("read reopened", read(again, buf, sizeof buf));
	printf("  got %s\n", buf);
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
	int w2 = open(path, O_WRONLY);
	T("reopen write end", write(w2, "w2", 2));
	T("read", read(p[0], buf, sizeof buf));
	close(p[0]);
	close(p[1]);
	close(w2);
	close(again);

	/* --- devices. */
	int fd = open("/dev/null", O_RDWR);
	T("null write", write(fd, "abc", 3));
	T("null read", read(fd, buf, 10));
	T("null lseek", lseek(fd, 100, SEEK_SET));
	pollone("null poll", fd, POLLIN | POLLOUT, 0);
	T("null FIONREAD", nbytes(fd));
	T("null fsync", fsync(fd));
	fstat(fd, &st);
	printf("null stat: chr %d %u,%u mode %o\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev), (unsigned)(st.st_mode & 0777));
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 7, sizeof buf);
	T("zero read", read(fd, buf, 100));
	int sum = 0;
	for (int i = 0; i < 100; i++)
		sum += buf[i];
	printf("  sum %d\n", sum);
	T("zero write on rdonly", write(fd, "x", 1));
	close(fd);
	fd = open("/dev/full", O_RDWR);
	T("full write", write(fd, "x", 1));
	T("full read", read(fd, buf, 10));
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	T("urandom read", read(fd, buf, 64));
	close(fd);
	stat("/dev/random", &st);
	printf("random stat: %u,%u\n", major(st.st_rdev), minor(st.st_rdev));
	stat("/dev/zero", &st);
	printf("zero stat: %u,%u\n", major(st.st_rdev), minor(st.st_rdev));
	T("open /dev/nonexistent", open("/dev/nonexistent-device", O_RDONLY));
	T("/dev/stdin is a link", readlink("/dev/stdin", link, sizeof link));
	T("/dev/fd/1 exists", access("/dev/fd/1", F_OK));

	/* --- /proc. */
	memset(link, 0, sizeof link);
	readlink("/proc/self", link, sizeof link);
	printf("/proc/self is the pid: %d\n", atoi(link) == getpid());
	char cwd[4096];
	getcwd(cwd, sizeof cwd);
	char lk[4096];
	memset(lk, 0, sizeof lk);
	readlink("/proc/self/cwd", lk, sizeof lk);
	printf("/proc/self/cwd is the cwd: %d\n", strcmp(lk, cwd) == 0);
	FILE *f = fopen("/proc/self/stat", "r");
	int pid = 0;
	char comm[64] = "", state = '?';
	if (f && fscanf(f, "%d %63s %c", &pid, comm, &state) == 3)
		printf("/proc/self/stat: pid ok %d comm %s state %c\n", pid == getpid(), comm, state);
	if (f)
		fclose(f);
	f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;
	while (f && fgets(line, sizeof line, f))
		if (strstr(line, "[stack]")) {
			char perms[8];
			sscanf(line, "%*s %7s", perms);
			printf("/proc/self/maps stack: %s\n", perms);
			found = 1;
		}
	if (!found)
		printf("/proc/self/maps: no stack\n");
	if (f)
		fclose(f);
	f = fopen("/proc/cpuinfo", "r");
	found = 0;
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "processor\t: 0", 13) == 0)
			found = 1;
	printf("/proc/cpuinfo has processor 0: %d\n", found);
	if (f)
		fclose(f);
	f = fopen("/proc/meminfo", "r");
	long memtotal = 0;
	if (f && fscanf(f, "MemTotal: %ld kB", &memtotal) == 1)
		printf("/proc/meminfo MemTotal > 0: %d\n", memtotal > 0);
	if (f)
		fclose(f);
	DIR *d = opendir("/proc/self/fd");
	int seen = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, "0") == 0 || strcmp(e->d_name, "1") == 0 || strcmp(e->d_name, "2") == 0)
			seen++;
		if (atoi(e->d_name) == dirfd(d))
			seen += 10;
	}
	printf("/proc/self/fd lists 0-2 and the directory's own fd: %d\n", seen == 13);
	if (d)
		closedir(d);
	fd = open("/proc/self/stat", O_WRONLY);
	T("write to /proc/self/stat", write(fd, "x", 1));
	close(fd);
	T("mkdir in /proc", mkdir("/proc/newdir", 0755));
	T("/proc/self/root is /", readlink("/proc/self/root", link, sizeof link));
	T("/proc/nonexistent", open("/proc/nonexistent", O_RDONLY));
	return 0;
}
