/* rseq.h: what the rseq guests share - struct rseq and struct rseq_cs as the kernel's uapi
 * header lays them out (include/uapi/linux/rseq.h; written out here so that musl builds need no
 * kernel headers), the x86 signature, and how to find the calling thread's area: glibc (2.35+)
 * registers one for every thread at start-up and publishes it through __rseq_offset and
 * __rseq_size; musl does not, so the program registers its own. */
#ifndef GUEST_RSEQ_H
#define GUEST_RSEQ_H
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

#ifndef SYS_rseq
#define SYS_rseq 334
#endif
/* glibc's and librseq's x86 signature: the last four bytes of `ud1 0x53053053(%rip), %edi`. */
#define RSEQ_SIG 0x53053053
#define RSEQ_FLAG_UNREGISTER 1

struct rseq_abi {
	uint32_t cpu_id_start;
	uint32_t cpu_id;
	uint64_t rseq_cs;
	uint32_t flags;
	uint32_t node_id;
	uint32_t mm_cid;
} __attribute__((aligned(32)));

struct rseq_cs_abi {
	uint32_t version;
	uint32_t flags;
	uint64_t start_ip;
	uint64_t post_commit_offset;
	uint64_t abort_ip;
} __attribute__((aligned(32)));

static __thread struct rseq_abi own_rseq_area;

static inline long sys_rseq(void *area, uint32_t len, int flags, uint32_t sig)
{
	return syscall(SYS_rseq, area, len, flags, sig);
}

static inline char *thread_pointer(void)
{
	char *tp;
	__asm__("movq %%fs:0, %0" : "=r"(tp)); /* glibc and musl both keep the TCB's own address at %fs:0 */
	return tp;
}

#ifdef __GLIBC__
extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size;
#endif

/* The area registered by the C library for this thread, or NULL. */
static inline struct rseq_abi *libc_rseq_area(void)
{
#ifdef __GLIBC__
	if (__rseq_size > 0)
		return (struct rseq_abi *)(thread_pointer() + __rseq_offset);
#endif
	return NULL;
}

/* This thread's rseq area: the C library's, or one registered now. */
static inline struct rseq_abi *rseq_area(void)
{
	struct rseq_abi *rs = libc_rseq_area();
	if (rs)
		return rs;
	if (sys_rseq(&own_rseq_area, sizeof own_rseq_area, 0, RSEQ_SIG) != 0) {
		perror("rseq");
		exit(2);
	}
	return &own_rseq_area;
}
#endif
