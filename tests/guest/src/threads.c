/* threads: four POSIX threads add to one counter under a mutex (pthread_create, mutex lock and
 * unlock contended, so futex wait/wake), a condition variable barrier that releases all of them at
 * once, per-thread results through pthread_join, thread ids distinct from the process id
 * (gettid vs getpid), thread-local storage (FS base set by clone's CLONE_SETTLS), a detached
 * thread, pthread_exit from a worker, and main threads that leave before their last thread
 * (in a forked child, and in this process at the end). Output is deterministic: totals and
 * per-thread values, never ids or times. argv[1] = increments per thread (default 20000). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int go, ready;
static long counter, iterations = 20000;
static __thread long tls_count;
static pid_t tids[NTHREADS];

struct result {
	int index;
	long own;
	long tls;
	int own_tid;
};

static void *worker(void *arg)
{
	struct result *r = arg;
	r->own_tid = (pid_t)syscall(SYS_gettid) != getpid();
	tids[r->index] = (pid_t)syscall(SYS_gettid);
	/* Wait until every thread exists, so the increments really contend. */
	pthread_mutex_lock(&lock);
	ready++;
	pthread_cond_broadcast(&go_cond);
	while (!go)
		pthread_cond_wait(&go_cond, &lock);
	pthread_mutex_unlock(&lock);
	for (long i = 0; i < iterations; i++) {
		pthread_mutex_lock(&lock);
		long c = counter;
		/* Now and then give up the CPU while holding the lock: the others then find it
		 * taken and sleep in futex until the unlock wakes them. */
		if ((i & 255) == 0)
			sched_yield();
		counter = c + 1;
		pthread_mutex_unlock(&lock);
		tls_count++;
		r->own++;
	}
	r->tls = tls_count;
	if (r->index == NTHREADS - 1)
		pthread_exit(r); /* the same as returning r */
	return r;
}

/* A process whose main thread leaves with pthread_exit lives on in its other thread: the parent's
 * waitpid returns only when the last thread ends the process (exit(3) here), so by then the
 * thread's message is in the pipe. */
static int leader_pipe[2];
static void *survivor(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 20 * 1000000L };
	nanosleep(&ts, NULL);
	write(leader_pipe[1], "survivor done", 13);
	exit(3);
}

static void leader_exits_first(void)
{
	pipe(leader_pipe);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t;
		pthread_create(&t, NULL, survivor, NULL);
		pthread_exit(NULL);
	}
	close(leader_pipe[1]);
	int status = 0;
	pid_t w = waitpid(pid, &status, 0);
	char buf[64] = { 0 };
	ssize_t n = read(leader_pipe[0], buf, sizeof buf - 1);
	printf("leader exits first: waited %d, exited %d, status %d, pipe %zd '%s'\n", w == pid,
	       WIFEXITED(status), WEXITSTATUS(status), n, buf);
	close(leader_pipe[0]);
}

static void *last_thread(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 20 * 1000000L };
	nanosleep(&ts, NULL);
	printf("last thread: main has left, the process ends here\n");
	exit(counter == iterations * NTHREADS ? 0 : 1);
}

static int detached_ran;
static void *detached(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	detached_ran = 1;
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		iterations = atol(argv[1]);
	pthread_t th[NTHREADS];
	struct result res[NTHREADS] = { 0 };
	for (int i = 0; i < NTHREADS; i++) {
		res[i].index = i;
		if (pthread_create(&th[i], NULL, worker, &res[i]) != 0) {
			printf("pthread_create %d failed\n", i);
			return 1;
		}
	}
	pthread_mutex_lock(&lock);
	while (ready < NTHREADS)
		pthread_cond_wait(&go_cond, &lock);
	go = 1;
	pthread_cond_broadcast(&go_cond);
	pthread_mutex_unlock(&lock);

	for (int i = 0; i < NTHREADS; i++) {
		void *ret = NULL;
		int e = pthread_join(th[i], &ret);
		printf("thread %d: join %d, returned its own result %d, increments %ld, tls %ld, own tid %d\n", i, e,
		       ret == &res[i], res[i].own, res[i].tls, res[i].own_tid);
	}
	int distinct = 1;
	for (int i = 0; i < NTHREADS; i++)
		for (int j = i + 1; j < NTHREADS; j++)
			distinct &= tids[i] != tids[j];
	printf("thread ids distinct: %d\n", distinct);
	printf("main tls untouched: %ld\n", tls_count);
	printf("total: %ld (expected %ld)\n", counter, iterations * NTHREADS);

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t d;
	printf("detached create: %d\n", pthread_create(&d, &attr, detached, NULL));
	for (int spins = 0; spins < 1000; spins++) {
		pthread_mutex_lock(&lock);
		int done = detached_ran;
		pthread_mutex_unlock(&lock);
		if (done)
			break;
		usleep(1000);
	}
	printf("detached ran: %d\n", detached_ran);
	fflush(stdout);
	leader_exits_first();
	/* The same in this process: main leaves first and the last thread ends the run. */
	pthread_t last;
	pthread_create(&last, NULL, last_thread, NULL);
	pthread_exit(NULL);
}
