/*
 * Host oracle for the SSE fixture (scripts/gen-sse-fixture.ts): runs one instruction per case on
 * this machine's CPU and reports what it did. Not part of the test run: the generator compiles
 * it with gcc, feeds it the cases, and commits the results (tests/oracle/sse/fixture.json), so
 * that the tests need Node alone.
 *
 * stdin: struct case_in records; stdout: struct case_out records (little-endian, packed).
 * The instruction runs with xmm0-xmm3, rax, rcx, rdx, MXCSR and the arithmetic flags loaded,
 * from a code page at CODE_ADDR, with a data page at DATA_ADDR for memory operands. A SIGFPE
 * (#XM), SIGSEGV (#GP) or SIGILL (#UD) is caught; the MXCSR and xmm0 the kernel saved at the
 * fault are reported, since those are what a handler would see.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_ADDR 0x10000000UL
#define DATA_ADDR 0x20000000UL

struct state {            /* offsets used by the stub below */
	uint8_t xmm[4][16];   /* 0 */
	uint64_t rax, rcx, rdx; /* 64, 72, 80 */
	uint64_t rflags;      /* 88 */
	uint32_t mxcsr;       /* 96 */
	uint32_t pad;
	uint64_t code;        /* 104 */
} __attribute__((packed));

struct case_in {
	uint8_t code[16];
	uint32_t code_len;
	uint32_t mxcsr;
	uint64_t rflags, rax, rcx, rdx;
	uint8_t xmm[4][16];
	uint8_t mem[64];
} __attribute__((packed));

struct case_out {
	int32_t signo;
	uint32_t mxcsr;       /* after the instruction, or as saved at the fault */
	uint64_t rflags, rax, rcx, rdx;
	uint8_t xmm[4][16];   /* after, or as saved at the fault */
	uint8_t mem[64];
} __attribute__((packed));

void run_state(struct state *s);
__asm__(
	".text\n"
	".globl run_state\n"
	"run_state:\n"
	"  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"  mov %rdi, %r15\n"
	"  movdqu 0(%r15), %xmm0\n movdqu 16(%r15), %xmm1\n movdqu 32(%r15), %xmm2\n movdqu 48(%r15), %xmm3\n"
	"  mov 64(%r15), %rax\n mov 72(%r15), %rcx\n mov 80(%r15), %rdx\n"
	"  ldmxcsr 96(%r15)\n"
	"  pushq 88(%r15)\n popfq\n"
	"  call *104(%r15)\n"
	"  pushfq\n popq 88(%r15)\n"
	"  stmxcsr 96(%r15)\n"
	"  movdqu %xmm0, 0(%r15)\n movdqu %xmm1, 16(%r15)\n movdqu %xmm2, 32(%r15)\n movdqu %xmm3, 48(%r15)\n"
	"  mov %rax, 64(%r15)\n mov %rcx, 72(%r15)\n mov %rdx, 80(%r15)\n"
	"  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"  ret\n");

static sigjmp_buf jb;
static struct case_out out;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)si;
	out.signo = sig;
	out.mxcsr = uc->uc_mcontext.fpregs->mxcsr;
	for (int r = 0; r < 4; r++)
		memcpy(out.xmm[r], &uc->uc_mcontext.fpregs->_xmm[r], 16);
	siglongjmp(jb, 1);
}

int main(void)
{
	uint8_t *code = mmap((void *)CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	uint8_t *data = mmap((void *)DATA_ADDR, 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (code == MAP_FAILED || data == MAP_FAILED) { perror("mmap"); return 1; }
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGFPE, &sa, 0);
	sigaction(SIGSEGV, &sa, 0);
	sigaction(SIGBUS, &sa, 0);
	sigaction(SIGILL, &sa, 0);

	struct case_in in;
	static struct state st;
	while (fread(&in, sizeof in, 1, stdin) == 1) {
		if (in.code_len > 15) return 2;
		memcpy(code, in.code, in.code_len);
		code[in.code_len] = 0xc3; /* ret */
		memcpy(data, in.mem, 64);
		memcpy(st.xmm, in.xmm, sizeof st.xmm);
		st.rax = in.rax; st.rcx = in.rcx; st.rdx = in.rdx;
		st.rflags = in.rflags; st.mxcsr = in.mxcsr;
		st.code = CODE_ADDR;
		memset(&out, 0, sizeof out);
		if (sigsetjmp(jb, 1) == 0) {
			run_state(&st);
			out.signo = 0;
			out.mxcsr = st.mxcsr;
			memcpy(out.xmm, st.xmm, sizeof st.xmm);
		} else {
			/* The kernel gave the handler a clean MXCSR; put the default back for the next case. */
			uint32_t m = 0x1f80;
			__asm__ volatile("ldmxcsr %0" : : "m"(m));
		}
		out.rflags = st.rflags; out.rax = st.rax; out.rcx = st.rcx; out.rdx = st.rdx;
		if (out.signo) { out.rflags = in.rflags; out.rax = in.rax; out.rcx = in.rcx; out.rdx = in.rdx; }
		memcpy(out.mem, data, 64);
		if (fwrite(&out, sizeof out, 1, stdout) != 1) return 3;
	}
	return 0;
}
