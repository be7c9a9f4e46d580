/*
 * The vDSO's clock functions (Linux: lib/vdso/gettimeofday.c, arch/x86/entry/vdso/vclock_gettime.c,
 * vgetcpu.c), written for ringside and compiled twice: as 64-bit code into vdso64.so and with
 * -m32 into vdso32.so (scripts/build-vdso.sh). They read the vvar page with a seqcount and turn
 * the TSC into time with the kernel's own mult/shift arithmetic (src/kernel/vdso/vvar.ts), so a
 * vDSO answer and a system call answer for the same cycle count are the same number. When the
 * clock cannot be read in user mode (--host-time: VCLOCK_NONE), when the TSC is further from the
 * last update than the product allows, or for a clock the page does not describe, they make the
 * system call instead, as Linux's *_fallback functions do.
 */
#include "vvar.h"

#define NSEC_PER_SEC 1000000000u
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11
#define HRES_CLOCKS ((1u << CLOCK_REALTIME) | (1u << CLOCK_MONOTONIC) | (1u << CLOCK_MONOTONIC_RAW) | \
		     (1u << CLOCK_BOOTTIME) | (1u << CLOCK_TAI))
#define COARSE_CLOCKS ((1u << CLOCK_REALTIME_COARSE) | (1u << CLOCK_MONOTONIC_COARSE))

/* One page below the text (vdso-layout.lds.S); hidden, so reached PC-relative, no relocation. */
extern const struct vvar_data vvar_page __attribute__((visibility("hidden")));

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define barrier() __asm__ __volatile__("" ::: "memory")

struct kernel_timespec { s64 tv_sec; s64 tv_nsec; };
struct timezone_ { int tz_minuteswest; int tz_dsttime; };

#ifdef __x86_64__
struct timespec_ { long tv_sec; long tv_nsec; };
struct timeval_ { long tv_sec; long tv_usec; };
#define NR_clock_gettime 228
#define NR_clock_getres 229
#define NR_gettimeofday 96
#define NR_time 201
#define NR_getcpu 309

static inline long sys2(long nr, long a, long b)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "0"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}
#else
/* The 32-bit ABI's old structures: 32-bit seconds. */
struct timespec_ { int tv_sec; int tv_nsec; };
struct timeval_ { int tv_sec; int tv_usec; };
#define NR_clock_gettime 265
#define NR_clock_getres 266
#define NR_gettimeofday 78
#define NR_time 13
#define NR_getcpu 318
#define NR_clock_gettime64 403

static inline long sys2(long nr, long a, long b)
{
	long ret;
	__asm__ __volatile__("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b) : "memory");
	return ret;
}
#endif

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* Seconds and nanoseconds of a high-resolution clock; 0, or -1 when the syscall must answer. */
static inline int do_hres(const struct vvar_data *vd, unsigned clk, u64 *sec, u32 *nsec)
{
	u32 seq, mode;
	u64 s = 0, ns = 0, delta = 0, max = 0;
	do {
		seq = READ_ONCE(vd->seq);
		if (seq & 1)
			continue;
		barrier();
		mode = READ_ONCE(vd->clock_mode);
		/* A tick may update the page between this rdtsc and the loads below: then cycle_last
		 * is newer than the sample and the delta "negative", but the seqcount has moved and
		 * the loop retries. So judge the delta only once the snapshot is known consistent. */
		delta = rdtsc() - vd->cycle_last;
		max = vd->max_delta;
		ns = vd->base[clk].snsec + delta * vd->mult;
		ns >>= vd->shift;
		s = vd->base[clk].sec;
		barrier();
	} while ((seq & 1) || READ_ONCE(vd->seq) != seq);
	if (mode != VCLOCK_TSC || delta > max)
		return -1;
	/* Linux's __iter_div_u64_rem: the quotient is small (the page is updated every tick), and
	 * a loop needs no 64-bit division helper in the 32-bit image. */
	while (ns >= NSEC_PER_SEC) {
		ns -= NSEC_PER_SEC;
		s++;
	}
	*sec = s;
	*nsec = (u32)ns;
	return 0;
}

static inline int do_coarse(const struct vvar_data *vd, unsigned clk, u64 *sec, u32 *nsec)
{
	u32 seq;
	do {
		seq = READ_ONCE(vd->seq);
		if (seq & 1)
			continue;
		barrier();
		if (READ_ONCE(vd->clock_mode) != VCLOCK_TSC)
			return -1;
		*sec = vd->base[clk].sec;
		*nsec = (u32)vd->base[clk].snsec;
		barrier();
	} while ((seq & 1) || READ_ONCE(vd->seq) != seq);
	return 0;
}

static inline int read_clock(unsigned clk, u64 *sec, u32 *nsec)
{
	const struct vvar_data *vd = &vvar_page;
	if (clk >= 32)
		return -1;
	if (HRES_CLOCKS & (1u << clk))
		return do_hres(vd, clk, sec, nsec);
	if (COARSE_CLOCKS & (1u << clk))
		return do_coarse(vd, clk, sec, nsec);
	return -1;
}

long __vdso_clock_gettime(int clock, struct timespec_ *ts)
{
	u64 sec;
	u32 nsec;
	if (read_clock((unsigned)clock, &sec, &nsec))
		return sys2(NR_clock_gettime, clock, (long)ts);
	ts->tv_sec = (long)sec;
	ts->tv_nsec = nsec;
	return 0;
}

long __vdso_gettimeofday(struct timeval_ *tv, struct timezone_ *tz)
{
	const struct vvar_data *vd = &vvar_page;
	if (tv) {
		u64 sec;
		u32 nsec;
		if (do_hres(vd, CLOCK_REALTIME, &sec, &nsec))
			return sys2(NR_gettimeofday, (long)tv, (long)tz);
		tv->tv_sec = (long)sec;
		tv->tv_usec = nsec / 1000;
	}
	if (tz) {
		tz->tz_minuteswest = (int)vd->tz_minuteswest;
		tz->tz_dsttime = (int)vd->tz_dsttime;
	}
	return 0;
}

/* time(): the realtime seconds of the last update, as the kernel's ktime_get_real_seconds(). */
long __vdso_time(long *t)
{
	const struct vvar_data *vd = &vvar_page;
	if (READ_ONCE(vd->clock_mode) != VCLOCK_TSC)
		return sys2(NR_time, (long)t, 0);
	long s = (long)READ_ONCE(vd->base[CLOCK_REALTIME].sec);
	if (t)
		*t = s;
	return s;
}

long __vdso_clock_getres(int clock, struct timespec_ *res)
{
	const struct vvar_data *vd = &vvar_page;
	unsigned clk = (unsigned)clock;
	u32 ns;
	if (READ_ONCE(vd->clock_mode) != VCLOCK_TSC || clk >= 32)
		return sys2(NR_clock_getres, clock, (long)res);
	if (HRES_CLOCKS & (1u << clk))
		ns = vd->hres_ns;
	else if (COARSE_CLOCKS & (1u << clk))
		ns = vd->coarse_ns;
	else
		return sys2(NR_clock_getres, clock, (long)res);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = (long)ns;
	}
	return 0;
}

/*
 * getcpu: the CPU and node numbers the kernel keeps in IA32_TSC_AUX (cpu | node << 12, Linux's
 * encoding for RDPID/RDTSCP and the per-CPU GDT limit read by LSL), read with RDTSCP, which the
 * emulated CPU implements (CPUID 0x80000001 EDX bit 27).
 */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	u32 lo, hi, aux;
	(void)unused;
	__asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	if (cpu)
		*cpu = aux & 0xfff;
	if (node)
		*node = aux >> 12;
	return 0;
}

#ifdef __x86_64__
long clock_gettime(int, struct timespec_ *) __attribute__((weak, alias("__vdso_clock_gettime")));
long gettimeofday(struct timeval_ *, struct timezone_ *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long clock_getres(int, struct timespec_ *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
#else
/* 32-bit programs with a 64-bit time_t call this one (glibc's __clock_gettime64). */
long __vdso_clock_gettime64(int clock, struct kernel_timespec *ts)
{
	u64 sec;
	u32 nsec;
	if (read_clock((unsigned)clock, &sec, &nsec))
		return sys2(NR_clock_gettime64, clock, (long)ts);
	ts->tv_sec = (s64)sec;
	ts->tv_nsec = nsec;
	return 0;
}
#endif
