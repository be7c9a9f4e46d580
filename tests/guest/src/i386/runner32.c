/* runner32: run machine-code snippets in 32-bit mode and print the registers they leave
 * (i386 only). The same binary runs on the host and under ringside, so the host CPU is the
 * oracle for ringside's compatibility-mode execution (tests/cpu/compat-mode.test.ts).
 *
 * Each argument is NAME=HEX: the bytes are copied to a fixed executable page, a RET is appended,
 * and the code is called with fixed register values (ebx and esi point at a 64-byte scratch
 * area, esp is the program's stack and must come back balanced). Printed per snippet: the
 * seven general registers other than esp, the arithmetic flags, the data segment selectors and
 * the first 32 scratch bytes. A snippet may use the scratch area at its fixed address 0x10001000
 * and the code page at 0x10000000; stack addresses differ between runs, so a snippet measures
 * the stack by differences (mov %esp, %eax; push; sub %esp, %eax). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CODE 0x10000000u
#define SCRATCH 0x10001000u

struct regs { uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, flags; };
struct regs in_regs, out_regs;
uint32_t saved_esp;
uint16_t out_ds, out_es, out_fs, out_gs;

/* trampoline(): save the C registers, load in_regs, call the snippet, store out_regs. */
__asm__(
	".text\n"
	".globl trampoline\n"
	"trampoline:\n"
	"	pushl %ebp\n	pushl %ebx\n	pushl %esi\n	pushl %edi\n"
	"	movl %esp, saved_esp\n"
	"	movl in_regs+0, %eax\n	movl in_regs+4, %ebx\n	movl in_regs+8, %ecx\n"
	"	movl in_regs+12, %edx\n	movl in_regs+16, %esi\n	movl in_regs+20, %edi\n"
	"	movl in_regs+24, %ebp\n"
	"	pushl in_regs+32\n	popfl\n"
	"	call *code_addr\n"
	"	pushfl\n	popl out_regs+32\n"
	"	movl %eax, out_regs+0\n	movl %ebx, out_regs+4\n	movl %ecx, out_regs+8\n"
	"	movl %edx, out_regs+12\n	movl %esi, out_regs+16\n	movl %edi, out_regs+20\n"
	"	movl %ebp, out_regs+24\n"
	"	movw %ds, out_ds\n	movw %es, out_es\n	movw %fs, out_fs\n	movw %gs, out_gs\n"
	"	movl saved_esp, %esp\n"
	"	popl %edi\n	popl %esi\n	popl %ebx\n	popl %ebp\n"
	"	ret\n");
void trampoline(void);
uint32_t code_addr = CODE;

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int main(int argc, char **argv)
{
	uint8_t *code = mmap((void *)CODE, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (code == MAP_FAILED) { perror("mmap"); return 1; }
	uint8_t *scratch = code + 4096;
	for (int a = 1; a < argc; a++) {
		char *eq = strchr(argv[a], '=');
		if (!eq) { fprintf(stderr, "bad argument %s\n", argv[a]); return 2; }
		size_t n = 0;
		for (char *p = eq + 1; p[0] && p[1]; p += 2) {
			int hi = hexval(p[0]), lo = hexval(p[1]);
			if (hi < 0 || lo < 0) { fprintf(stderr, "bad hex in %s\n", argv[a]); return 2; }
			code[n++] = (uint8_t)(hi << 4 | lo);
		}
		code[n] = 0xc3;
		for (int k = 0; k < 64; k++) scratch[k] = (uint8_t)(0x11 * k + 7);
		in_regs = (struct regs){ 0x89abcdef, SCRATCH, 0x00000008, 0xfedcba98, SCRATCH + 32, 0x13579bdf, 0x2468ace0, 0, 0x202 };
		trampoline();
		printf("%.*s: eax=%08x ebx=%08x ecx=%08x edx=%08x esi=%08x edi=%08x ebp=%08x flags=%03x ds=%x es=%x fs=%x gs=%x mem=",
		       (int)(eq - argv[a]), argv[a], out_regs.eax, out_regs.ebx, out_regs.ecx, out_regs.edx, out_regs.esi,
		       out_regs.edi, out_regs.ebp, out_regs.flags & 0x8d5, out_ds, out_es, out_fs, out_gs);
		for (int k = 0; k < 32; k++) printf("%02x", scratch[k]);
		printf("\n");
	}
	return 0;
}
