/* cpuloop: integer work and nothing else, for the interpreter's speed benchmark (bench/mips.ts).
 * A sieve of Eratosthenes, an FNV-1a hash over a buffer filled by a xorshift generator, and an
 * in-place quicksort of that buffer (with an insertion sort for short runs), repeated argv[1]
 * rounds (default 14, about 100 million instructions). It makes a handful of system calls in
 * all, so the time it takes under ringside is the time spent in the CPU loop; the output is a
 * checksum per stage, the same on the host and under ringside. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SIEVE_N 200000
#define WORDS 20000

static unsigned char composite[SIEVE_N];
static uint32_t words[WORDS];

static unsigned sieve(void)
{
	unsigned count = 0;
	for (unsigned k = 0; k < SIEVE_N; k++)
		composite[k] = 0;
	for (unsigned p = 2; p < SIEVE_N; p++) {
		if (composite[p])
			continue;
		count++;
		for (unsigned long m = (unsigned long)p * p; m < SIEVE_N; m += p)
			composite[m] = 1;
	}
	return count;
}

static void fill(uint64_t seed)
{
	uint64_t x = seed | 1;
	for (unsigned k = 0; k < WORDS; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		words[k] = (uint32_t)(x >> 16);
	}
}

/* FNV-1a, 64-bit, over the bytes of the buffer. */
static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t k = 0; k < n; k++)
		h = (h ^ p[k]) * 0x100000001b3ull;
	return h;
}

static void insertion(uint32_t *a, long lo, long hi)
{
	for (long k = lo + 1; k <= hi; k++) {
		uint32_t v = a[k];
		long j = k - 1;
		while (j >= lo && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static void quicksort(uint32_t *a, long lo, long hi)
{
	while (hi - lo > 16) {
		uint32_t pivot = a[lo + (hi - lo) / 2];
		long i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				uint32_t t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		/* Recurse into the smaller side, loop on the larger: bounded stack depth. */
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
	insertion(a, lo, hi);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 14;
	unsigned primes = 0;
	uint64_t hash = 0, sorted = 0;
	for (int r = 0; r < rounds; r++) {
		primes += sieve();
		fill(0x9e3779b97f4a7c15ull * (uint64_t)(r + 1));
		hash ^= fnv((const unsigned char *)words, sizeof words);
		quicksort(words, 0, WORDS - 1);
		for (unsigned k = 1; k < WORDS; k++)
			if (words[k - 1] > words[k])
				return 1;
		sorted += fnv((const unsigned char *)words, sizeof words) >> 32;
	}
	printf("cpuloop: %d rounds, primes %u, hash %016llx, sorted %016llx\n", rounds, primes,
	       (unsigned long long)hash, (unsigned long long)sorted);
	return 0;
}
