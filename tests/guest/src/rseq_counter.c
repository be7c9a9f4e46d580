/* rseq_counter: two threads add to per-CPU counters inside an rseq critical section - a load,
 * an add and a commit store that is correct only because the kernel aborts the section when
 * the thread is preempted (or gets a signal) inside it - and the total must come out exact.
 * The counter a thread adds to is the one of the CPU it runs on (cpu_id_start), so nothing is
 * shared between CPUs and no atomic instruction is used. argv[1] = increments per thread
 * (default 200000); argv[2] = "signals": a third thread also sends SIGUSR1 to the workers
 * throughout, so that aborts on signal delivery happen too. Prints the total and where the
 * rseq area came from, nothing that depends on CPU numbers or timing. */
#include "rseq.h"
#include <pthread.h>
#include <signal.h>
#include <string.h>

#define MAX_CPUS 1024

static long counts[MAX_CPUS];
static long iterations = 200000;
static volatile int stop_signals;
static volatile long handled;

/* counts[cpu] += 1 if this thread still runs on `cpu`; -1 if the kernel aborted the section. */
static int percpu_inc(struct rseq_abi *rs, int cpu)
{
	__asm__ __volatile__ goto(
		".pushsection __rseq_cs, \"aw\"\n\t"
		".balign 32\n\t"
		"3:\n\t"
		".long 0x0, 0x0\n\t"			/* version, flags */
		".quad 1f, (2f - 1f), 4f\n\t"		/* start_ip, post_commit_offset, abort_ip */
		".popsection\n\t"
		"leaq 3b(%%rip), %%rax\n\t"
		"movq %%rax, %[rseq_cs]\n\t"		/* enter: rseq->rseq_cs = &descriptor */
		"1:\n\t"
		"cmpl %k[cpu], %[cpu_id]\n\t"
		"jnz 4f\n\t"				/* moved to another CPU since cpu_id_start was read */
		"movq (%[v], %q[cpu], 8), %%rax\n\t"
		"addq $1, %%rax\n\t"
		"movq %%rax, (%[v], %q[cpu], 8)\n\t"	/* commit: the last instruction of the section */
		"2:\n\t"
		".pushsection __rseq_failure, \"ax\"\n\t"
		".byte 0x0f, 0xb9, 0x3d\n\t"		/* ud1 0x53053053(%rip), %edi: the signature ... */
		".long 0x53053053\n\t"			/* ... is the 4 bytes before abort_ip */
		"4:\n\t"
		"jmp %l[abort]\n\t"
		".popsection\n\t"
		:
		: [cpu_id] "m"(rs->cpu_id), [rseq_cs] "m"(rs->rseq_cs), [cpu] "r"((long)cpu), [v] "r"(counts)
		: "memory", "cc", "rax"
		: abort);
	return 0;
abort:
	return -1;
}

static void *worker(void *arg)
{
	struct rseq_abi *rs = rseq_area();
	long aborts = 0;
	(void)arg;
	for (long i = 0; i < iterations; i++) {
		for (;;) {
			int cpu = __atomic_load_n(&rs->cpu_id_start, __ATOMIC_RELAXED);
			if (cpu >= MAX_CPUS) {
				fprintf(stderr, "cpu %d out of range\n", cpu);
				exit(3);
			}
			if (percpu_inc(rs, cpu) == 0)
				break;
			aborts++;
		}
	}
	return (void *)aborts;
}

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	int signals = argc > 2 && strcmp(argv[2], "signals") == 0;
	if (argc > 1)
		iterations = atol(argv[1]);
	printf("rseq area: %s\n", libc_rseq_area() ? "registered by the C library" : "registered by the program");
	if (signals) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_usr1;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGUSR1, &sa, NULL);
	}
	for (int k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, worker, NULL);
	if (signals) {
		/* Keep signalling both workers until they are done. */
		for (int n = 0; n < 400; n++) {
			for (int k = 0; k < 2; k++)
				if (pthread_kill(t[k], SIGUSR1) != 0)
					n = 400;
			for (volatile int spin = 0; spin < 2000; spin++)
				;
		}
	}
	long aborts = 0;
	for (int k = 0; k < 2; k++) {
		void *r;
		pthread_join(t[k], &r);
		aborts += (long)r;
	}
	long total = 0;
	for (int c = 0; c < MAX_CPUS; c++)
		total += counts[c];
	printf("total %ld, expected %ld: %s\n", total, 2 * iterations, total == 2 * iterations ? "exact" : "WRONG");
	fprintf(stderr, "aborts seen by the threads: %ld, signals handled: %ld\n", aborts, handled);
	return total == 2 * iterations ? 0 : 1;
}
