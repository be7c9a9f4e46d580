/*
 * The vvar page: the data the kernel keeps current for the vDSO (Linux's struct vdso_data in
 * include/vdso/datapage.h, reduced to what ringside serves). The kernel writes it from
 * src/kernel/vdso/vvar.ts, whose offsets must match the _Static_asserts below. It is mapped
 * read-only one page below the vDSO text ("[vvar]" before "[vdso]", as Linux places it), so the
 * code reaches it PC-relative through the hidden linker-script symbol vvar_page.
 */
#ifndef RINGSIDE_VVAR_H
#define RINGSIDE_VVAR_H

typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

/* vclock_mode: how user mode may read the clock (Linux's VDSO_CLOCKMODE_*). */
#define VCLOCK_NONE 0 /* no user-readable clock (--host-time): every call takes the syscall */
#define VCLOCK_TSC 1  /* the TSC, converted with mult/shift */

#define VVAR_NR_CLOCKS 12

struct vvar_base {
	u64 sec;
	/* High-resolution clocks: nanoseconds within `sec`, shifted left by `shift` (the fraction
	 * kept, as Linux's xtime_nsec). Coarse clocks: plain nanoseconds. */
	u64 snsec;
};

struct vvar_data {
	u32 seq;            /* odd while the kernel writes (a seqcount) */
	u32 clock_mode;
	u64 cycle_last;     /* the TSC at the last update */
	u32 mult;           /* ns = cycles * mult >> shift */
	u32 shift;
	u64 max_delta;      /* beyond this many cycles the product may overflow: take the syscall */
	struct vvar_base base[VVAR_NR_CLOCKS]; /* by clock id */
	u32 tz_minuteswest;
	u32 tz_dsttime;
	u32 hres_ns;        /* clock_getres of the high-resolution clocks */
	u32 coarse_ns;      /* clock_getres of the coarse clocks (one tick) */
};

_Static_assert(__builtin_offsetof(struct vvar_data, seq) == 0, "vvar.ts VV_SEQ");
_Static_assert(__builtin_offsetof(struct vvar_data, clock_mode) == 4, "vvar.ts VV_CLOCK_MODE");
_Static_assert(__builtin_offsetof(struct vvar_data, cycle_last) == 8, "vvar.ts VV_CYCLE_LAST");
_Static_assert(__builtin_offsetof(struct vvar_data, mult) == 16, "vvar.ts VV_MULT");
_Static_assert(__builtin_offsetof(struct vvar_data, shift) == 20, "vvar.ts VV_SHIFT");
_Static_assert(__builtin_offsetof(struct vvar_data, max_delta) == 24, "vvar.ts VV_MAX_DELTA");
_Static_assert(__builtin_offsetof(struct vvar_data, base) == 32, "vvar.ts VV_BASE");
_Static_assert(__builtin_offsetof(struct vvar_data, tz_minuteswest) == 224, "vvar.ts VV_TZ");
_Static_assert(__builtin_offsetof(struct vvar_data, hres_ns) == 232, "vvar.ts VV_HRES_NS");
_Static_assert(__builtin_offsetof(struct vvar_data, coarse_ns) == 236, "vvar.ts VV_COARSE_NS");
_Static_assert(sizeof(struct vvar_base) == 16, "vvar.ts VV_BASE_SIZE");

#endif
