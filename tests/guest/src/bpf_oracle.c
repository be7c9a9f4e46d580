/* bpf_oracle: the host kernel as the oracle for ringside's classic-BPF checker and interpreter
 * (tests/kernel/seccomp.test.ts runs it natively). Reads lines from stdin:
 *   L <hex sock_filter bytes>           load the program in a child (with no_new_privs) and
 *                                       print "0" if the kernel accepted it, else the errno;
 *   R <hex> <a0> <a1> <a2> <a3> <a4> <a5>
 *                                       load it, call getppid with those six arguments (hex
 *                                       64-bit; the kernel ignores them, the filter sees them)
 *                                       and print the errno the call failed with (0: success).
 * One output line per input line. For R the program must ALLOW every call but getppid. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct sock_filter { uint16_t code; uint8_t jt, jf; uint32_t k; };
struct sock_fprog { unsigned short len; struct sock_filter *filter; };

static unsigned char prog[4200 * 8];

static int unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;
	while (s[0] && s[1] && s[0] != ' ' && s[0] != '\n' && n < max) {
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1)
			return -1;
		out[n++] = (unsigned char)v;
		s += 2;
	}
	return (int)n;
}

int main(void)
{
	static char line[80000];
	while (fgets(line, sizeof line, stdin)) {
		char mode = line[0];
		int n = unhex(line + 2, prog, sizeof prog);
		if (n < 0 || n % 8) {
			printf("bad input\n");
			continue;
		}
		unsigned long long a[6] = { 0 };
		if (mode == 'R') {
			const char *p = strchr(line + 2, ' ');
			for (int i = 0; i < 6 && p; i++) {
				a[i] = strtoull(p + 1, NULL, 16);
				p = strchr(p + 1, ' ');
			}
		}
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			struct sock_fprog fp = { (unsigned short)(n / 8), (struct sock_filter *)prog };
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			if (syscall(317, 1, 0, &fp) != 0)
				_exit(100 + errno);
			if (mode == 'L')
				_exit(0);
			errno = 0;
			long r = syscall(SYS_getppid, a[0], a[1], a[2], a[3], a[4], a[5]);
			printf("%d\n", r < 0 ? errno : 0);
			fflush(stdout);
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) >= 100)
			printf("%d\n", WEXITSTATUS(st) - 100);
		else if (mode == 'L')
			printf("0\n");
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			printf("child status 0x%x\n", st);
	}
	return 0;
}
