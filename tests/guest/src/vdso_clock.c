// The vDSO's clocks, as a C library uses them (glibc static: clock_gettime, gettimeofday, time,
// getcpu through AT_SYSINFO_EHDR; musl static: clock_gettime, and gettimeofday/time through it).
// Prints only what is the same on every machine: that the clocks agree with each other and
// never go backwards, and elapsed times that are sane — never a raw time.
//   vdso_clock           the checks
//   vdso_clock loop N    N calls of clock_gettime(CLOCK_MONOTONIC), then "loop: done"
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

static int sys_gettime(clockid_t id, struct timespec *t) { return (int)syscall(SYS_clock_gettime, id, t); }

// Interleave the library's clock_gettime (the vDSO when there is one) with the system call:
// neither may ever see the clock go backwards from the other's reading.
static int interleave(clockid_t id, int rounds) {
	struct timespec a, b;
	long long prev = 0;
	for (int i = 0; i < rounds; i++) {
		if (clock_gettime(id, &a) || sys_gettime(id, &b)) return 0;
		if (ns(&a) < prev || ns(&b) < ns(&a)) return 0;
		prev = ns(&b);
		for (volatile int spin = 0; spin < i % 50; spin++) {}
	}
	return 1;
}

int main(int argc, char **argv) {
	if (argc == 3 && strcmp(argv[1], "loop") == 0) {
		long n = atol(argv[2]);
		struct timespec t;
		long long first = 0, last = 0;
		for (long i = 0; i < n; i++) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (i == 0) first = ns(&t);
			last = ns(&t);
		}
		printf("loop: %s\n", last >= first ? "done" : "went backwards");
		return 0;
	}
	/* The kernel's vvar page, if mapped (not under --no-vdso), may not be made writable (no VM_MAYWRITE): EACCES. */
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[256];
	unsigned long vvar = 0;
	while (maps && fgets(line, sizeof line, maps))
		if (strstr(line, "[vvar]")) vvar = strtoul(line, NULL, 16);
	if (maps) fclose(maps);
	int pr = vvar ? mprotect((void *)vvar, 4096, PROT_READ | PROT_WRITE) : 0, pe = errno;
	printf("[vvar] refuses PROT_WRITE: %s\n", !vvar || (pr == -1 && pe == EACCES) ? "yes" : "NO");

	printf("monotonic vs syscall: %s\n", interleave(CLOCK_MONOTONIC, 200) ? "ok" : "BACKWARDS");
	printf("realtime vs syscall: %s\n", interleave(CLOCK_REALTIME, 200) ? "ok" : "BACKWARDS");
	printf("boottime vs syscall: %s\n", interleave(CLOCK_BOOTTIME, 50) ? "ok" : "BACKWARDS");

	struct timespec ts, coarse, mono;
	struct timeval tv;
	clock_gettime(CLOCK_REALTIME, &ts);
	gettimeofday(&tv, NULL);
	time_t now = time(NULL);
	long long d = (tv.tv_sec * 1000000LL + tv.tv_usec) - ns(&ts) / 1000;
	printf("gettimeofday - clock_gettime: %s\n", d >= 0 && d < 1000000 ? "under a second" : "WRONG");
	printf("time - clock_gettime: %s\n", now >= ts.tv_sec - 1 && now <= ts.tv_sec + 1 ? "within a second" : "WRONG");

	clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	printf("coarse <= fine: %s\n", ns(&coarse) <= ns(&mono) ? "yes" : "NO");
	printf("coarse lag under a second: %s\n", ns(&mono) - ns(&coarse) < 1000000000LL ? "yes" : "NO");

	struct timespec res;
	printf("clock_getres(MONOTONIC): %d\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 ? (int)res.tv_nsec : -1);
	printf("clock_gettime(bad clock): %s\n", clock_gettime((clockid_t)123, &ts) == -1 ? "error" : "accepted");

	struct timespec before, after, nap = {0, 20000000};
	clock_gettime(CLOCK_MONOTONIC, &before);
	nanosleep(&nap, NULL);
	clock_gettime(CLOCK_MONOTONIC, &after);
	long long slept = ns(&after) - ns(&before);
	printf("20 ms nap: %s\n", slept >= 20000000 && slept < 2000000000 ? "at least 20 ms, under 2 s" : "WRONG");

	long long work0 = 0;
	clock_gettime(CLOCK_MONOTONIC, &before);
	for (volatile long i = 0; i < 200000; i++) work0 += i;
	clock_gettime(CLOCK_MONOTONIC, &after);
	printf("busy loop: %s\n", ns(&after) > ns(&before) ? "time passed" : "NO TIME PASSED");

	unsigned cpu = 99, node = 99;
#ifdef __GLIBC__
	int r = getcpu(&cpu, &node);
#else
	int c = sched_getcpu();
	int r = c < 0 ? -1 : 0;
	cpu = (unsigned)c;
	node = 0;
#endif
	printf("getcpu: %s\n", r == 0 && cpu < 4096 && node < 4096 ? "ok" : "failed");
	return 0;
}
