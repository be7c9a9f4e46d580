/*
 * The 32-bit vDSO's linker script (Linux: arch/x86/entry/vdso/vdso32/vdso32.lds.S): the same
 * layout; the time functions under LINUX_2.6, and the system-call entry and the signal return
 * trampolines under LINUX_2.5, as Linux exports them.
 */
OUTPUT_FORMAT("elf32-i386", "elf32-i386", "elf32-i386")
OUTPUT_ARCH(i386)

#include "vdso-layout.lds.S"

VERSION {
	LINUX_2.6 {
	global:
		__vdso_clock_gettime;
		__vdso_gettimeofday;
		__vdso_time;
		__vdso_clock_getres;
		__vdso_clock_gettime64;
		__vdso_getcpu;
	};

	LINUX_2.5 {
	global:
		__kernel_vsyscall;
		__kernel_sigreturn;
		__kernel_rt_sigreturn;
	local: *;
	};
}
