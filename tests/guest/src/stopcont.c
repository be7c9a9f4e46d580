/* stopcont: job control from the parent's side. A child that naps in a loop is stopped with
 * SIGSTOP, seen stopped by waitpid(WUNTRACED), continued with SIGCONT, seen continued by
 * waitpid(WCONTINUED), then terminated with SIGTERM; the parent prints each status. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		struct timespec ts = { 0, 1000000 };
		for (;;)
			nanosleep(&ts, 0);
	}
	int st = 0;
	kill(pid, SIGSTOP);
	if (waitpid(pid, &st, WUNTRACED) != pid)
		return 3;
	printf("stopped: %d, by signal %d\n", WIFSTOPPED(st), WSTOPSIG(st));
	kill(pid, SIGCONT);
	if (waitpid(pid, &st, WCONTINUED) != pid)
		return 4;
	printf("continued: %d\n", WIFCONTINUED(st));
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) != pid)
		return 5;
	printf("terminated: %d, by signal %d\n", WIFSIGNALED(st), WTERMSIG(st));
	return 0;
}
