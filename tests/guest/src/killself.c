/* killself: ends by a signal so that the exit status is 128+signal in a shell, or a
 * WIFSIGNALED wait status. argv[1] picks the route:
 *   kill   raise(SIGKILL): cannot be caught or ignored (the default)
 *   abort  abort(): SIGABRT, after unblocking it and restoring the default action
 *   segv   a store through a null pointer: SIGSEGV from a page fault
 *   ud2    an undefined instruction: SIGILL from #UD
 *   term   raise(SIGTERM) with the default action
 * Anything reaching the last line is a failure: exit status 1. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "kill";

	printf("killself: %s\n", how);
	fflush(stdout);
	if (strcmp(how, "kill") == 0) {
		raise(SIGKILL);
	} else if (strcmp(how, "abort") == 0) {
		abort();
	} else if (strcmp(how, "segv") == 0) {
		*(volatile int *)0 = 1;
	} else if (strcmp(how, "ud2") == 0) {
		__asm__ volatile("ud2");
	} else if (strcmp(how, "term") == 0) {
		raise(SIGTERM);
	} else {
		printf("unknown route %s\n", how);
		return 2;
	}
	puts("still alive");
	return 1;
}
