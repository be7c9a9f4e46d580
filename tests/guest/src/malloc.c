/* malloc: the allocator's two paths. Small requests are carved from the heap that brk grows;
 * requests above the mmap threshold (128 KiB by default in glibc, smaller in musl) get their
 * own anonymous mapping and munmap on free. Every block is filled with a pattern derived from
 * its size and index and checked before it is freed or resized, so a wrong brk/mmap/mremap
 * result or a lost page shows up as a mismatch. The printed checksum depends only on the
 * data, never on addresses, so the emulated run must print exactly what the host prints. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBLOCKS 64

static uint32_t rng = 0x12345678u;

static uint32_t next(void)
{
	/* xorshift32: deterministic and independent of libc's rand(). */
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static unsigned char pattern(size_t seed, size_t k)
{
	return (unsigned char)(seed * 131u + k * 7u + (k >> 8));
}

static void fill(unsigned char *p, size_t n, size_t seed)
{
	for (size_t k = 0; k < n; k++)
		p[k] = pattern(seed, k);
}

static int check(const unsigned char *p, size_t n, size_t seed, uint64_t *sum)
{
	for (size_t k = 0; k < n; k++) {
		if (p[k] != pattern(seed, k)) {
			printf("mismatch: seed %zu size %zu at %zu: %02x != %02x\n", seed, n, k,
			       p[k], pattern(seed, k));
			return 0;
		}
		*sum = *sum * 31u + p[k];
	}
	return 1;
}

int main(void)
{
	static const size_t fixed[] = { 1, 2, 3, 7, 8, 15, 16, 24, 31, 32, 63, 64, 100, 127, 128,
					255, 256, 1000, 4095, 4096, 4097, 65536, 131071, 131072,
					131073, 262144, 1 << 20, 3 << 20 };
	unsigned char *blk[NBLOCKS] = { 0 };
	size_t len[NBLOCKS] = { 0 }, seed[NBLOCKS] = { 0 };
	uint64_t sum = 0;
	int ok = 1;
	size_t total = 0;

	/* Every fixed size once, all live at the same time. */
	unsigned nf = sizeof fixed / sizeof fixed[0];
	for (unsigned i = 0; i < nf; i++) {
		blk[i] = malloc(fixed[i]);
		if (!blk[i]) {
			printf("malloc(%zu) failed\n", fixed[i]);
			return 1;
		}
		len[i] = fixed[i];
		seed[i] = i;
		fill(blk[i], len[i], seed[i]);
		total += len[i];
	}
	for (unsigned i = 0; i < nf; i++)
		ok &= check(blk[i], len[i], seed[i], &sum);
	printf("fixed: %u blocks, %zu bytes, sum %016llx\n", nf, total, (unsigned long long)sum);

	/* Random churn: free, realloc (grow and shrink, across the mmap threshold) and calloc. */
	for (unsigned round = 0; round < 600 && ok; round++) {
		unsigned i = next() % NBLOCKS;
		uint32_t r = next();
		/* One request in 32 is large (up to 1.5 MiB): mmap-backed in both libcs. */
		size_t n = (r & 0x1f) == 0 ? (size_t)(next() % (3u << 19)) + 1 : (size_t)(next() % 2048) + 1;
		if (blk[i] && (r & 0x30) == 0) {
			ok &= check(blk[i], len[i], seed[i], &sum);
			free(blk[i]);
			blk[i] = NULL;
		} else if (blk[i] && (r & 0x30) == 0x10) {
			/* realloc keeps the common prefix; refill the rest with the same pattern. */
			unsigned char *p = realloc(blk[i], n);
			if (!p) {
				printf("realloc(%zu) failed\n", n);
				return 1;
			}
			size_t keep = n < len[i] ? n : len[i];
			ok &= check(p, keep, seed[i], &sum);
			for (size_t k = keep; k < n; k++)
				p[k] = pattern(seed[i], k);
			blk[i] = p;
			len[i] = n;
		} else if (!blk[i] && (r & 0x40)) {
			unsigned char *p = calloc(n, 1);
			if (!p) {
				printf("calloc(%zu) failed\n", n);
				return 1;
			}
			for (size_t k = 0; k < n; k++) {
				if (p[k]) {
					printf("calloc(%zu): byte %zu is %02x\n", n, k, p[k]);
					return 1;
				}
			}
			blk[i] = p;
			len[i] = n;
			seed[i] = round;
			fill(p, n, round);
		} else if (!blk[i]) {
			blk[i] = malloc(n);
			if (!blk[i]) {
				printf("malloc(%zu) failed\n", n);
				return 1;
			}
			len[i] = n;
			seed[i] = round;
			fill(blk[i], n, round);
		}
	}
	for (unsigned i = 0; i < NBLOCKS; i++) {
		if (blk[i])
			ok &= check(blk[i], len[i], seed[i], &sum);
		free(blk[i]);
	}
	printf("churn: sum %016llx\n", (unsigned long long)sum);
	puts(ok ? "malloc ok" : "malloc FAILED");
	return ok ? 0 : 1;
}
