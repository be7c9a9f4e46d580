/* rseq_register: rseq(2)'s registration checks, as Linux makes them. Prints one line per call
 * with its result (0 or the errno name). If the C library registered an area at start-up
 * (glibc 2.35+), the calls against it come first and end by unregistering it; then the same
 * sequence runs on an area of the program's own. Output depends only on the C library and on
 * GLIBC_TUNABLES=glibc.pthread.rseq=0, never on the CPU. */
#include "rseq.h"
#include <errno.h>
#include <string.h>
#include <sys/wait.h>

static char big[256] __attribute__((aligned(64)));

static void show(const char *what, long r)
{
	const char *e = r == 0 ? "0" : errno == EINVAL ? "EINVAL" : errno == EBUSY ? "EBUSY" : errno == EPERM ? "EPERM" :
		errno == EFAULT ? "EFAULT" : errno == ENOSYS ? "ENOSYS" : strerror(errno);
	printf("%-48s %s\n", what, e);
}

/* After an exec: the old registration is gone, so a fresh one (the C library's or ours) succeeds. */
static int after_exec(void)
{
	struct rseq_abi *libc = libc_rseq_area();
	if (libc)
		printf("%-48s %s\n", "after exec: C library area", (int)libc->cpu_id >= 0 ? "registered, cpu_id set" : "NOT registered");
	else
		show("after exec: register", sys_rseq(&own_rseq_area, 32, 0, RSEQ_SIG));
	return 0;
}

int main(int argc, char **argv)
{
	struct rseq_abi *libc = libc_rseq_area();
	struct rseq_abi *own = &own_rseq_area;
	if (argc > 1 && strcmp(argv[1], "exec") == 0)
		return after_exec();
	if (libc) {
		show("C library area: register again", sys_rseq(libc, 32, 0, RSEQ_SIG));
		show("C library area: other signature", sys_rseq(libc, 32, 0, RSEQ_SIG + 1));
		show("C library area: other length", sys_rseq(libc, 64, 0, RSEQ_SIG));
		show("another area while registered", sys_rseq(own, 32, 0, RSEQ_SIG));
		show("C library area: unregister, wrong signature", sys_rseq(libc, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1));
		show("C library area: unregister", sys_rseq(libc, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
		printf("%-48s %d\n", "cpu_id after unregistering", (int)libc->cpu_id);
	}
	show("length 31", sys_rseq(own, 31, 0, RSEQ_SIG));
	show("length 32, 16-byte aligned", sys_rseq((char *)own + 16, 32, 0, RSEQ_SIG));
	show("length 64, 32-byte aligned", sys_rseq(big + 32, 64, 0, RSEQ_SIG));
	show("unregister it", sys_rseq(big + 32, 64, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	show("length 64, 16-byte aligned", sys_rseq(big + 16, 64, 0, RSEQ_SIG));
	show("flags 2", sys_rseq(own, 32, 2, RSEQ_SIG));
	show("unregister, flags 3", sys_rseq(own, 32, 3, RSEQ_SIG));
	show("unregister while unregistered", sys_rseq(own, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	show("unmapped area", sys_rseq((void *)32, 32, 0, RSEQ_SIG));
	own->cpu_id = 0xfffffffe;
	own->rseq_cs = 0;
	show("register", sys_rseq(own, 32, 0, RSEQ_SIG));
	printf("%-48s %s\n", "cpu_id after registering", (int)own->cpu_id >= 0 ? "a CPU number" : "not set");
	show("register again", sys_rseq(own, 32, 0, RSEQ_SIG));
	/* fork keeps the registration (the child's copy of the area is at the same address); exec drops it. */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		show("child after fork: register again", sys_rseq(own, 32, 0, RSEQ_SIG));
		fflush(stdout);
		char *args[] = { argv[0], "exec", NULL };
		execv("/proc/self/exe", args);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("%-48s %d\n", "child status", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	show("register again, other signature", sys_rseq(own, 32, 0, RSEQ_SIG + 1));
	show("register again, other length", sys_rseq(own, 64, 0, RSEQ_SIG));
	show("register another area", sys_rseq(big + 32, 32, 0, RSEQ_SIG));
	show("unregister, other area", sys_rseq(big + 32, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	show("unregister, other length", sys_rseq(own, 64, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	show("unregister, other signature", sys_rseq(own, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG + 1));
	show("unregister", sys_rseq(own, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG));
	printf("%-48s %d\n", "cpu_id after unregistering", (int)own->cpu_id);
	return 0;
}
