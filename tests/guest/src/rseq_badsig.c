/* rseq_badsig: a critical-section descriptor the kernel must refuse, and the SIGSEGV it answers
 * with. The thread points rseq->rseq_cs at a descriptor and then sleeps, which switches it out:
 * on its way back to user mode the kernel reads and checks the descriptor before anything else
 * (Linux's rseq_get_rseq_cs) and kills the thread with SIGSEGV if it is bad - even though the
 * thread is not inside the section. argv[1] picks the defect:
 *   badsig   (default) the 4 bytes before abort_ip are not the registered signature
 *   version  version 1 (only 0 exists)
 *   abortin  abort_ip inside [start_ip, start_ip + post_commit_offset)
 *   good     nothing wrong: the thread survives, and the kernel clears rseq_cs (the lazy clear)
 * Prints a line before sleeping and one after (never reached when the descriptor is bad). */
#include "rseq.h"
#include <string.h>
#include <time.h>

/* A section of two instructions and its abort handler, behind the wrong signature. */
__asm__(
	".pushsection .text\n\t"
	".globl cs_start, cs_end, abort_good, abort_bad\n\t"
	"cs_start: nop\n\t"
	"nop\n\t"
	"cs_end: ud2\n\t"
	".byte 0x0f, 0xb9, 0x3d\n\t"
	".long 0x53053053\n\t"
	"abort_good: ud2\n\t"
	".byte 0x0f, 0xb9, 0x3d\n\t"
	".long 0x12345678\n\t"
	"abort_bad: ud2\n\t"
	".popsection\n\t");
extern char cs_start[], cs_end[], abort_good[], abort_bad[];

static struct rseq_cs_abi desc;

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "badsig";
	struct rseq_abi *rs = rseq_area();
	desc.version = 0;
	desc.flags = 0;
	desc.start_ip = (uintptr_t)cs_start;
	desc.post_commit_offset = (uintptr_t)(cs_end - cs_start);
	desc.abort_ip = (uintptr_t)abort_good;
	if (strcmp(what, "badsig") == 0)
		desc.abort_ip = (uintptr_t)abort_bad;
	else if (strcmp(what, "version") == 0)
		desc.version = 1;
	else if (strcmp(what, "abortin") == 0)
		desc.abort_ip = (uintptr_t)cs_start + 1;
	else if (strcmp(what, "good") != 0)
		return 2;
	printf("rseq_badsig %s: descriptor set, sleeping\n", what);
	fflush(stdout);
	__atomic_store_n(&rs->rseq_cs, (uint64_t)(uintptr_t)&desc, __ATOMIC_RELEASE);
	struct timespec ts = { 0, 1000000 };
	nanosleep(&ts, NULL);
	printf("rseq_badsig %s: survived, rseq_cs %s\n", what, __atomic_load_n(&rs->rseq_cs, __ATOMIC_ACQUIRE) == 0 ? "cleared" : "still set");
	return 0;
}
