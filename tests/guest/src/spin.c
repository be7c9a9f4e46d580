/* spin: two CPU-bound processes that never block until they finish. Each prints a line every
 * STEP iterations of its busy loop; only a preemptive scheduler (timer interrupt, time slice,
 * switch on the way back to user mode) can interleave their lines. The parent waits for the
 * child and reports its exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long spin(unsigned long n, unsigned long seed)
{
	unsigned long x = seed;
	for (unsigned long i = 0; i < n; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x;
}

static void work(const char *who, int rounds, unsigned long step)
{
	unsigned long x = 1;
	for (int r = 0; r < rounds; r++) {
		x = spin(step, x);
		printf("%s %d %lx\n", who, r, x & 0xffff);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 4;
	unsigned long step = argc > 2 ? strtoul(argv[2], 0, 0) : 2000000;
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		work("child", rounds, step);
		return 7;
	}
	work("parent", rounds, step);
	int status = 0;
	if (waitpid(pid, &status, 0) != pid)
		return 3;
	printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
