/*
 * The layout of both vDSO images (Linux: arch/x86/entry/vdso/vdso-layout.lds.S). Included by
 * vdso64.lds.S and vdso32.lds.S after they set the output format. The image is linked at 0 and
 * mapped anywhere: everything in it is position-independent, and scripts/vdso2c.mjs refuses an
 * image with dynamic relocations. One PT_LOAD (r-x) holds it all, with PT_DYNAMIC (for the C
 * libraries' symbol lookup), PT_NOTE (the Linux version note) and PT_GNU_EH_FRAME (unwinding).
 * The vvar page sits one page below the image: its data is reached PC-relative through the
 * hidden symbol vvar_page.
 */

SECTIONS
{
	PROVIDE_HIDDEN(vvar_page = . - 4096);

	. = SIZEOF_HEADERS;

	.hash		: { *(.hash) }			:text
	.gnu.hash	: { *(.gnu.hash) }
	.dynsym		: { *(.dynsym) }
	.dynstr		: { *(.dynstr) }
	.gnu.version	: { *(.gnu.version) }
	.gnu.version_d	: { *(.gnu.version_d) }
	.gnu.version_r	: { *(.gnu.version_r) }

	.dynamic	: { *(.dynamic) }		:text	:dynamic

	.rodata		: {
		*(.rodata*)
		*(.data*)
		*(.sdata*)
		*(.got.plt) *(.got)
		*(.gnu.linkonce.d.*)
		*(.bss*)
		*(.dynbss*)
		*(.gnu.linkonce.b.*)
	}						:text

	.note		: { *(.note.*) }		:text	:note

	.eh_frame_hdr	: { *(.eh_frame_hdr) }		:text	:eh_frame_hdr
	.eh_frame	: { KEEP (*(.eh_frame)) }	:text

	/* Text after the data, so that a patch to the 32-bit entry sequence touches code only. */
	. = ALIGN(0x40);
	.text		: { *(.text*) }			:text	=0x90909090

	/DISCARD/ : {
		*(.discard)
		*(.discard.*)
		*(__ex_table)
		*(.note.GNU-stack)
		*(.comment)
	}
}

PHDRS
{
	text		PT_LOAD		FLAGS(5) FILEHDR PHDRS; /* PF_R|PF_X */
	dynamic		PT_DYNAMIC	FLAGS(4);		/* PF_R */
	note		PT_NOTE		FLAGS(4);		/* PF_R */
	eh_frame_hdr	PT_GNU_EH_FRAME;
}
