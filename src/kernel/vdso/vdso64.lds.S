/*
 * The 64-bit vDSO's linker script (Linux: arch/x86/entry/vdso/vdso.lds.S): the layout, and the
 * exported symbols under version LINUX_2.6, each __vdso_ name with its unprefixed weak alias.
 */
OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)

#include "vdso-layout.lds.S"

VERSION {
	LINUX_2.6 {
	global:
		clock_gettime;
		__vdso_clock_gettime;
		gettimeofday;
		__vdso_gettimeofday;
		getcpu;
		__vdso_getcpu;
		time;
		__vdso_time;
		clock_getres;
		__vdso_clock_getres;
	local: *;
	};
}
