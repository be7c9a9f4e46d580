/*
 * The ELF note Linux puts in every vDSO (arch/x86/entry/vdso/vdso-note.S, include/linux/elfnote.h):
 * owner "Linux", type 0, the kernel's LINUX_VERSION_CODE (here 6.19.0, the version ringside's
 * uname reports), for tools that want to know which kernel built the image.
 */
	.section .note.Linux, "a", @note
	.balign 4
	.long 2f - 1f		/* namesz */
	.long 4f - 3f		/* descsz */
	.long 0			/* type */
1:	.asciz "Linux"
2:	.balign 4
3:	.long 0x061300		/* KERNEL_VERSION(6, 19, 0) */
4:	.balign 4
