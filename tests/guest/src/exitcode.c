/* exitcode: leaves with the status given in argv[1] (default 0), by the route named in argv[2]:
 * "exit" (atexit handlers and stdio flush, then exit_group), "_exit" (exit_group directly) or
 * "return" (from main; the default). Linux keeps only the low 8 bits of the status (so 256
 * reads back as 0 and -1 as 255); the tests check that the emulator does the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void bye(void)
{
	puts("; atexit handler ran");
}

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;
	const char *how = argc > 2 ? argv[2] : "return";

	atexit(bye);
	/* No newline: the text stays in the stdio buffer (musl flushes a first full line even
	 * to a pipe), so only the exit and return routes, which flush stdio, print it. */
	printf("exiting with %d via %s", status, how);
	if (strcmp(how, "exit") == 0)
		exit(status);
	if (strcmp(how, "_exit") == 0)
		_exit(status);
	return status;
}
