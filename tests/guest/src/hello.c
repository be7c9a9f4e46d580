/* hello: formatted output through stdio. The values are chosen to walk printf's conversion
 * paths that stress the CPU: integer division for %d/%x, the double paths for %f/%e/%g
 * (subnormals, 1e300, inf, NaN) and the x87 80-bit path for %Lf. Output is deterministic, so
 * a test can compare the emulated run with the same binary run on the host. */
#include <float.h>
#include <math.h>
#include <stdio.h>

int main(void)
{
	static const int ints[] = { 0, 1, -1, 42, -2147483647 - 1, 2147483647, 1000000007 };
	static const char *const strs[] = { "", "a", "ringside", "entry_SYSCALL_64", "x y z" };
	/* volatile: keep the compiler from folding the conversions at build time. */
	volatile double dbls[] = { 0.0, -0.0, 1.0, -2.5, 3.141592653589793, 1e300, -1e-300,
				   4.9406564584124654e-324 /* smallest subnormal */,
				   2.2250738585072009e-308 /* largest subnormal */,
				   123456789.125, 1e22, INFINITY, -INFINITY, NAN, -NAN };
	volatile long double one = 1.0L, three = 3.0L;
	long double ld[] = { one / three, -one / three * 1e20L, LDBL_MIN, 12345.678L, 0.1L };
	unsigned n = sizeof dbls / sizeof dbls[0];

	puts("hello from ringside");
	for (unsigned i = 0; i < n; i++) {
		int d = ints[i % (sizeof ints / sizeof ints[0])];
		const char *s = strs[i % (sizeof strs / sizeof strs[0])];
		long double l = ld[i % (sizeof ld / sizeof ld[0])];
		printf("%u: %d %s %f %Lf %e %g %x\n", i, d, s, dbls[i], l, dbls[i], dbls[i],
		       (unsigned)d);
	}
	printf("%.20Lg %.20Lg %La %Lg %Le\n", ld[0], ld[1], ld[0], LDBL_MAX * one, LDBL_MIN * one);
	printf("%.17g %a %.0f\n", dbls[8], dbls[7], 1e300);
	printf("%10.3e|%-10d|%+d|%05x|%lld|%llx\n", 6.02214076e23, -7, 7, 0xabc,
	       -9223372036854775807LL - 1, 0xfedcba9876543210ULL);
	for (int i = 1, f = 1; i <= 12; f *= ++i)
		printf("%d! = %d\n", i, f);
	puts("bye");
	return 0;
}
