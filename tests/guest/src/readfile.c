/* readfile: the file syscalls a loader-free program needs. Opens argv[1], fstat()s it, reads it
 * in odd-sized chunks with read(), seeks back with lseek() and re-reads a window, and prints
 * the size and checksums. Also prints the argument and environment counts, whether getpid()
 * is positive, getuid() and uname()'s sysname and machine, so a test can pass a controlled
 * argv/envp and compare the emulated output with the host's. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

extern char **environ;

/* FNV-1a, 64-bit: order-sensitive, so a short or repeated read changes the result. */
static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		h = (h ^ p[k]) * 0x100000001b3ull;
	return h;
}

int main(int argc, char **argv)
{
	static unsigned char buf[4099]; /* not a power of two: chunks straddle pages */
	struct stat st;
	struct utsname u;
	int envc = 0;

	while (environ[envc])
		envc++;
	printf("argc %d envc %d\n", argc, envc);
	printf("getpid>0 %d getuid %u\n", getpid() > 0, (unsigned)getuid());
	if (uname(&u) != 0) {
		printf("uname: %s\n", strerror(errno));
		return 1;
	}
	printf("uname %s %s\n", u.sysname, u.machine);
	if (argc < 2) {
		puts("usage: readfile FILE");
		return 2;
	}

	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		printf("open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) != 0) {
		printf("fstat: %s\n", strerror(errno));
		return 1;
	}
	printf("fstat size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));

	uint64_t h = 0xcbf29ce484222325ull;
	long long total = 0;
	int chunks = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0) {
			printf("read: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		h = fnv(h, buf, (size_t)n);
		total += n;
		chunks++;
	}
	printf("read %lld bytes in %d chunks fnv %016llx\n", total, chunks, (unsigned long long)h);

	/* Seek to the middle and re-read a window: lseek's return value and the data must agree. */
	off_t mid = lseek(fd, total / 2, SEEK_SET);
	ssize_t n = read(fd, buf, 100);
	printf("lseek %lld read %zd fnv %016llx\n", (long long)mid, n,
	       (unsigned long long)fnv(0xcbf29ce484222325ull, buf, n > 0 ? (size_t)n : 0));
	off_t end = lseek(fd, 0, SEEK_END);
	off_t cur = lseek(fd, -1, SEEK_CUR);
	printf("lseek end %lld cur %lld\n", (long long)end, (long long)cur);
	errno = 0;
	off_t bad = lseek(fd, -1, SEEK_SET);
	printf("lseek -1 -> %lld %s\n", (long long)bad, bad < 0 ? strerror(errno) : "ok");

	if (close(fd) != 0) {
		printf("close: %s\n", strerror(errno));
		return 1;
	}
	errno = 0;
	n = read(fd, buf, 1);
	printf("read closed fd -> %zd %s\n", n, strerror(errno));
	return total == st.st_size ? 0 : 1;
}
