/* getcpu: sched_getcpu() in a glibc program reads the CPU number from the thread's rseq area
 * (cpu_id) when glibc registered one, without a system call; with GLIBC_TUNABLES=
 * glibc.pthread.rseq=0 it asks the kernel (getcpu, through the vDSO or the system call). musl
 * always asks the kernel. Prints whether the answer is a CPU this machine has and whether it
 * matches the rseq area, nothing that depends on which CPU it is. argv[1] = calls (default 1000). */
#include "rseq.h"
#include <sched.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	long bad = 0, mismatched = 0;
	struct rseq_abi *rs = libc_rseq_area();
	for (long i = 0; i < n; i++) {
		int cpu = sched_getcpu();
		if (cpu < 0 || cpu >= cpus)
			bad++;
		/* The area may lag a migration by one read natively; count only gross disagreement. */
		if (rs && (int)rs->cpu_id < 0)
			mismatched++;
	}
	printf("getcpu: %ld calls, %ld out of range; rseq area %s, cpu_id %s\n", n, bad,
	       rs ? "registered by glibc" : "not registered by the C library",
	       rs ? (mismatched ? "INVALID" : "valid") : "-");
	return bad != 0;
}
