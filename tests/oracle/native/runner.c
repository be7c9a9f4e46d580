/*
 * The host-CPU oracle: runs instruction sequences natively at CPL 3 and reports the resulting
 * user-visible state, so that ringside's results can be compared with the real processor's.
 *
 * Protocol (all little-endian). On start the runner writes a 64-byte header (struct hdr: magic,
 * version, the host's CPUID vendor and feature words, MXCSR_MASK). Then it reads fixed-size case
 * records (struct case_in, 8960 bytes) from stdin until EOF and, for each, writes one result:
 * struct case_out (696 bytes) followed by ndelta 4-byte entries {u16 offset, u8 value, u8 0}
 * naming every byte of the data and stack pages (offsets 0-4095 and 4096-8191) that differs
 * from the case's input. Many cases per process: starting a process costs far more than a case.
 *
 * Memory seen by a case: the code page at CODE_ADDR (read+execute, mapped twice through a
 * memfd so that the runner writes it through a second, writable view), the data page at
 * DATA_ADDR and the stack page at STACK_ADDR (read+write), nothing else nearby. The case's code
 * is followed by a JMP to a trampoline at CODE_ADDR + TRAMP_OFF that jumps to oracle_exit
 * (stub.S), whose pointer is 8-byte aligned so that a case that sets EFLAGS.AC cannot #AC there.
 *
 * Faults: SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP are caught on an alternate stack; the handler
 * records the vector and error code Linux put in the signal context (REG_TRAPNO, REG_ERR; #PF is
 * 14, #GP 13, #SS 12, #DE 0, #UD 6, #BR 5, #AC 17, #XM 19, #MF 16, INT3 3 with RIP after it), the
 * registers and FPU state at the fault, and siglongjmps back. A watchdog (SIGALRM each second)
 * ends a case that runs for more than a full period (status TIMEOUT).
 *
 * Build: npm run build:oracle (static, stripped, no build-id: reproducible byte for byte).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>
#include <cpuid.h>

#define CODE_ADDR 0x10000000UL
#define DATA_ADDR 0x20000000UL
#define STACK_ADDR 0x30000000UL
#define PAGE 4096
#define MAX_CODE 64
#define TRAMP_OFF 0xefa /* jmp *0(%rip): 6 bytes, the pointer lands at 0xf00 */

enum { ST_DONE = 0, ST_SIGNAL = 1, ST_BAD_INPUT = 2, ST_TIMEOUT = 3 };

struct case_in {
	uint32_t flags;
	uint32_t code_len;
	uint8_t code[MAX_CODE];
	uint64_t gpr[16];
	uint64_t rflags;
	uint8_t reserved[48];
	uint8_t fx[512];
	uint8_t data[PAGE];
	uint8_t stack[PAGE];
};

struct case_out {
	uint32_t status;
	uint32_t signo;
	uint64_t trapno, err, rip, addr;
	uint64_t gpr[16];
	uint64_t rflags;
	uint8_t fx[512];
	uint32_t ndelta;
	uint32_t pad;
};

struct hdr {
	char magic[4];
	uint32_t version;
	char vendor[12];
	uint32_t leaf1_ecx, leaf1_edx, leaf7_ebx, leaf7_ecx, leaf7_edx, ext1_ecx, ext1_edx;
	uint32_t mxcsr_mask;
	uint32_t family_model;
	uint8_t pad[8];
};

_Static_assert(offsetof(struct case_in, gpr) == 72, "case_in layout");
_Static_assert(offsetof(struct case_in, fx) == 256, "case_in layout");
_Static_assert(sizeof(struct case_in) == 8960, "case_in size");
_Static_assert(sizeof(struct case_out) == 696, "case_out size");
_Static_assert(sizeof(struct hdr) == 64, "hdr size");

/* Shared with stub.S: gpr[16] at 0, rflags at 128, FXSAVE image at 256. */
struct regs_image {
	uint64_t gpr[16];
	uint64_t rflags;
	uint8_t pad[120];
	uint8_t fx[512];
} __attribute__((aligned(64)));

struct regs_image g_in, g_out;
uint8_t g_host_fx[512] __attribute__((aligned(64)));
uint64_t g_host_rsp;
uint64_t g_code_addr = CODE_ADDR;

extern int oracle_enter(void);
extern void oracle_exit(void);
extern void oracle_restore_host(void);

static sigjmp_buf g_jmp;
static volatile sig_atomic_t g_in_case;
static volatile uint64_t g_case_seq, g_seen_seq;
static struct case_out g_res;
static uint8_t *g_code_rw;

static void die(const char *msg)
{
	fprintf(stderr, "oracle runner: %s (%s)\n", msg, strerror(errno));
	exit(2);
}

/* Linux's signal context in the architectural register order. */
static const int GREG_OF[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	/* A case may have set EFLAGS.AC, and Linux keeps it for the handler: clear it first. */
	__asm__ volatile("pushfq; andq $~0x40000, (%%rsp); popfq" ::: "memory", "cc");
	ucontext_t *uc = ucv;
	if (!g_in_case) {
		static const char msg[] = "oracle runner: fault outside a case\n";
		(void)!write(2, msg, sizeof msg - 1);
		_exit(3);
	}
	greg_t *g = uc->uc_mcontext.gregs;
	g_res.status = ST_SIGNAL;
	g_res.signo = (uint32_t)sig;
	g_res.trapno = (uint64_t)g[REG_TRAPNO];
	g_res.err = (uint64_t)g[REG_ERR];
	g_res.rip = (uint64_t)g[REG_RIP];
	g_res.addr = (uint64_t)(uintptr_t)si->si_addr;
	for (int r = 0; r < 16; r++) g_res.gpr[r] = (uint64_t)g[GREG_OF[r]];
	g_res.rflags = (uint64_t)g[REG_EFL];
	if (uc->uc_mcontext.fpregs) memcpy(g_res.fx, uc->uc_mcontext.fpregs, 512);
	siglongjmp(g_jmp, 1);
}

/* The watchdog: a case still running after a whole period is ended. */
static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
	(void)sig; (void)si; (void)ucv;
	if (!g_in_case) return;
	if (g_seen_seq != g_case_seq) { g_seen_seq = g_case_seq; return; }
	__asm__ volatile("pushfq; andq $~0x40000, (%%rsp); popfq" ::: "memory", "cc");
	g_res.status = ST_TIMEOUT;
	siglongjmp(g_jmp, 2);
}

static void setup(void)
{
	int fd = memfd_create("oracle-code", 0);
	if (fd < 0) die("memfd_create");
	if (ftruncate(fd, PAGE) != 0) die("ftruncate");
	g_code_rw = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (g_code_rw == MAP_FAILED) die("mmap code (rw view)");
	if (mmap((void *)CODE_ADDR, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0) != (void *)CODE_ADDR)
		die("mmap code page");
	if (mmap((void *)DATA_ADDR, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)DATA_ADDR)
		die("mmap data page");
	if (mmap((void *)STACK_ADDR, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)STACK_ADDR)
		die("mmap stack page");
	memset(g_code_rw, 0xcc, PAGE);
	static const uint8_t jmp_ind[6] = { 0xff, 0x25, 0, 0, 0, 0 };
	memcpy(g_code_rw + TRAMP_OFF, jmp_ind, 6);
	uint64_t exit_addr = (uint64_t)(uintptr_t)oracle_exit;
	memcpy(g_code_rw + TRAMP_OFF + 6, &exit_addr, 8);

	static uint8_t altstack[1 << 16] __attribute__((aligned(16)));
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
	if (sigaltstack(&ss, NULL) != 0) die("sigaltstack");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
	for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
		if (sigaction(sigs[k], &sa, NULL) != 0) die("sigaction");
	sa.sa_sigaction = on_alarm;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	if (sigaction(SIGALRM, &sa, NULL) != 0) die("sigaction");
	struct itimerval it = { { 1, 0 }, { 1, 0 } };
	if (setitimer(ITIMER_REAL, &it, NULL) != 0) die("setitimer");
}

static void header(struct hdr *h)
{
	unsigned a, b, c, d;
	memset(h, 0, sizeof *h);
	memcpy(h->magic, "ORCL", 4);
	h->version = 1;
	__cpuid(0, a, b, c, d);
	memcpy(h->vendor, &b, 4);
	memcpy(h->vendor + 4, &d, 4);
	memcpy(h->vendor + 8, &c, 4);
	unsigned maxleaf = a;
	__cpuid(1, a, b, c, d);
	h->leaf1_ecx = c;
	h->leaf1_edx = d;
	h->family_model = a;
	if (maxleaf >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		h->leaf7_ebx = b;
		h->leaf7_ecx = c;
		h->leaf7_edx = d;
	}
	__cpuid(0x80000000, a, b, c, d);
	if (a >= 0x80000001) {
		__cpuid(0x80000001, a, b, c, d);
		h->ext1_ecx = c;
		h->ext1_edx = d;
	}
	uint8_t fx[512] __attribute__((aligned(16)));
	memset(fx, 0, sizeof fx);
	__asm__ volatile("fxsave64 %0" : "=m"(fx));
	uint32_t mask;
	memcpy(&mask, fx + 28, 4);
	h->mxcsr_mask = mask ? mask : 0xffbf; /* 0 means the default mask (SDM Vol. 1 §11.6.6) */
}

static int read_full(void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(0, (uint8_t *)buf + got, n - got);
		if (r == 0) return got == 0 ? 0 : -1;
		if (r < 0) {
			if (errno == EINTR) continue;
			die("read");
		}
		got += (size_t)r;
	}
	return 1;
}

static uint8_t outbuf[1 << 20];
static size_t outlen;

static void flush_out(void)
{
	size_t off = 0;
	while (off < outlen) {
		ssize_t w = write(1, outbuf + off, outlen - off);
		if (w < 0) {
			if (errno == EINTR) continue;
			die("write");
		}
		off += (size_t)w;
	}
	outlen = 0;
}

static void emit(const void *p, size_t n)
{
	if (outlen + n > sizeof outbuf) flush_out();
	memcpy(outbuf + outlen, p, n);
	outlen += n;
}

static void run_case(const struct case_in *c, uint32_t mxcsr_mask)
{
	memset(&g_res, 0, sizeof g_res);
	uint32_t mxcsr;
	memcpy(&mxcsr, c->fx + 24, 4);
	if (c->code_len > MAX_CODE || (mxcsr & ~mxcsr_mask) != 0) {
		g_res.status = ST_BAD_INPUT;
		emit(&g_res, sizeof g_res);
		return;
	}
	memcpy(g_code_rw, c->code, c->code_len);
	int32_t rel = (int32_t)(TRAMP_OFF - (c->code_len + 5));
	g_code_rw[c->code_len] = 0xe9;
	memcpy(g_code_rw + c->code_len + 1, &rel, 4);
	memset(g_code_rw + c->code_len + 5, 0xcc, 2 * MAX_CODE - c->code_len);
	memcpy((void *)DATA_ADDR, c->data, PAGE);
	memcpy((void *)STACK_ADDR, c->stack, PAGE);
	memcpy(g_in.gpr, c->gpr, sizeof g_in.gpr);
	g_in.rflags = c->rflags;
	memcpy(g_in.fx, c->fx, 512);

	g_case_seq++;
	if (sigsetjmp(g_jmp, 0) == 0) {
		g_in_case = 1;
		oracle_enter();
		g_in_case = 0;
		g_res.status = ST_DONE;
		g_res.rip = CODE_ADDR + c->code_len;
		memcpy(g_res.gpr, g_out.gpr, sizeof g_res.gpr);
		g_res.rflags = g_out.rflags;
		memcpy(g_res.fx, g_out.fx, 512);
	} else {
		g_in_case = 0;
		oracle_restore_host();
	}

	const uint8_t *pages[2] = { (const uint8_t *)DATA_ADDR, (const uint8_t *)STACK_ADDR };
	const uint8_t *inputs[2] = { c->data, c->stack };
	uint32_t n = 0;
	for (int p = 0; p < 2; p++)
		for (int k = 0; k < PAGE; k += 8)
			if (memcmp(pages[p] + k, inputs[p] + k, 8) != 0)
				for (int j = k; j < k + 8; j++) n += pages[p][j] != inputs[p][j];
	g_res.ndelta = n;
	emit(&g_res, sizeof g_res);
	for (int p = 0; p < 2; p++)
		for (int k = 0; k < PAGE; k += 8) {
			if (memcmp(pages[p] + k, inputs[p] + k, 8) == 0) continue;
			for (int j = k; j < k + 8; j++) {
				if (pages[p][j] == inputs[p][j]) continue;
				uint16_t off = (uint16_t)(p * PAGE + j);
				uint8_t e[4] = { (uint8_t)off, (uint8_t)(off >> 8), pages[p][j], 0 };
				emit(e, 4);
			}
		}
}

int main(void)
{
	static struct case_in c;
	struct hdr h;
	header(&h);
	setup();
	emit(&h, sizeof h);
	flush_out();
	for (;;) {
		int r = read_full(&c, sizeof c);
		if (r == 0) break;
		if (r < 0) {
			fprintf(stderr, "oracle runner: truncated case record\n");
			flush_out();
			return 2;
		}
		run_case(&c, h.mxcsr_mask);
	}
	flush_out();
	return 0;
}
