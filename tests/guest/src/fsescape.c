/* fsescape: tries to get out of ringside's --root and around --read-only. Meant to run under
 * ringside only (natively it would read whatever its paths name on the host).
 *
 *   fsescape escape   reads "secret.txt" through every route out of "/" it knows: "..",
 *                     absolute and relative symlinks (made by the test and by itself),
 *                     /proc/self/root and cwd, a dirfd opened before chdir, rename and
 *                     mkdir through "..". Each line shows the first line read, or the errno.
 *                     Inside the root, secret.txt holds "inside"; the real one outside does not.
 *   fsescape ro       every way of writing to the file system; each should fail with EROFS.
 *
 * Layout the test builds inside the root: /secret.txt, /sub/, /abslink -> "/",
 * /dotdots -> "../../../../..", /hostlink -> the host path of the directory around the root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static const char *en(int e)
{
	static char other[32];
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case EROFS: return "EROFS";
	case ELOOP: return "ELOOP";
	case EBUSY: return "EBUSY";
	}
	snprintf(other, sizeof other, "errno %d", e);
	return other;
}

static void show_fd(const char *what, int fd)
{
	char buf[128];
	if (fd < 0) {
		printf("%s: -1 %s\n", what, en(errno));
		return;
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		printf("%s: read -1 %s\n", what, en(errno));
		return;
	}
	buf[n] = 0;
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	printf("%s: %s\n", what, buf);
}

static void try_open(const char *path)
{
	show_fd(path, open(path, O_RDONLY));
}

#define T(what, expr)                                                        \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (long)(expr);                                      \
		if (r_ < 0)                                                  \
			printf("%s: -1 %s\n", what, en(errno));              \
		else                                                         \
			printf("%s: %ld\n", what, r_);                       \
	} while (0)

static void escape(void)
{
	char buf[4096];
	int rootfd = open("/", O_RDONLY | O_DIRECTORY);
	try_open("/secret.txt");
	try_open("/../secret.txt");
	try_open("/../../../../../../../../secret.txt");
	try_open("../../../../secret.txt");
	try_open("/abslink/secret.txt");
	try_open("/abslink/../../secret.txt");
	try_open("/dotdots/secret.txt");
	try_open("/hostlink/secret.txt");
	try_open("/proc/self/root/secret.txt");
	try_open("/proc/self/root/../../secret.txt");
	try_open("/proc/1/root/../secret.txt");
	try_open("/proc/self/cwd/../../secret.txt");
	try_open("/dev/../secret.txt");
	try_open("/proc/../../secret.txt");
	T("chdir /sub", chdir("/sub"));
	try_open("../../../secret.txt");
	int subfd = open(".", O_RDONLY | O_DIRECTORY);
	show_fd("openat(sub, ../../secret.txt)", openat(subfd, "../../secret.txt", O_RDONLY));
	show_fd("openat(root fd, ../secret.txt)", openat(rootfd, "../secret.txt", O_RDONLY));
	show_fd("openat(root fd, /abslink/../secret.txt)", openat(rootfd, "abslink/../secret.txt", O_RDONLY));
	T("chdir ../../..", chdir("../../.."));
	getcwd(buf, sizeof buf);
	printf("getcwd: %s\n", buf);
	T("fchdir root fd", fchdir(rootfd));
	T("chdir /proc/self/root/..", chdir("/proc/self/root/.."));
	getcwd(buf, sizeof buf);
	printf("getcwd: %s\n", buf);
	T("symlink /mine -> /../../..", symlink("/../../..", "/mine"));
	try_open("/mine/secret.txt");
	T("symlink /rel -> ../../../..", symlink("../../../..", "/rel"));
	try_open("/rel/secret.txt");
	memset(buf, 0, sizeof buf);
	T("readlink /proc/self/root", readlink("/proc/self/root", buf, sizeof buf));
	printf("  -> %s\n", buf);
	memset(buf, 0, sizeof buf);
	T("readlink /proc/self/cwd", readlink("/proc/self/cwd", buf, sizeof buf));
	printf("  -> %s\n", buf);
	struct stat a, b;
	stat("/", &a);
	stat("/..", &b);
	printf("/.. is /: %d\n", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	T("mkdir /../made-by-guest", mkdir("/../made-by-guest", 0755));
	T("create /../../created-by-guest", close(open("/../../created-by-guest", O_CREAT | O_WRONLY, 0644)));
	T("rename /sub/x to /../../moved-by-guest", (close(open("/sub/x", O_CREAT | O_WRONLY, 0644)), rename("/sub/x", "/../../moved-by-guest")));
	T("symlink /hostlink/evil", symlink("x", "/hostlink/evil"));
	T("unlink /dotdots/secret.txt (the root's)", access("/dotdots/secret.txt", F_OK));
	T("stat /hostlink", stat("/hostlink", &a));
	T("access /abslink/abslink/abslink/secret.txt", access("/abslink/abslink/abslink/secret.txt", R_OK));
	/* The root holds no /bin/sh: the host's must not run. */
	char *args[] = { "sh", "-c", "echo SECRET escaped by exec", NULL };
	T("execve /../../../bin/sh", execve("/../../../bin/sh", args, args + 3));
	T("execve /hostlink/../../bin/sh", execve("/hostlink/../../bin/sh", args, args + 3));
	T("execve a directory", execve("/sub", args, args + 3));
}

static void readonly(void)
{
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
	T("open O_WRONLY", open("/secret.txt", O_WRONLY));
	T("open O_RDWR", open("/secret.txt", O_RDWR));
	T("open O_RDONLY|O_TRUNC", open("/secret.txt", O_RDONLY | O_TRUNC));
	T("open O_CREAT new", open("/new.txt", O_CREAT | O_WRONLY, 0644));
	T("open O_CREAT existing, O_RDONLY", open("/secret.txt", O_CREAT | O_RDONLY, 0644) >= 0 ? 0 : -1);
	T("open O_RDONLY", open("/secret.txt", O_RDONLY) >= 0 ? 0 : -1);
	T("creat", creat("/new.txt", 0644));
	T("mkdir", mkdir("/newdir", 0755));
	T("mkdir existing", mkdir("/sub", 0755));
	T("rmdir", rmdir("/sub"));
	T("unlink", unlink("/secret.txt"));
	T("unlink missing", unlink("/missing"));
	T("rename", rename("/secret.txt", "/renamed.txt"));
	T("link", link("/secret.txt", "/hard.txt"));
	T("symlink", symlink("/secret.txt", "/sym.txt"));
	T("truncate", truncate("/secret.txt", 0));
	int fd = open("/secret.txt", O_RDONLY);
	T("ftruncate (read-only fd)", ftruncate(fd, 0));
	T("fchmod", fchmod(fd, 0600));
	T("fchown", fchown(fd, 0, 0));
	T("futimens", futimens(fd, ts));
	T("chmod", chmod("/secret.txt", 0600));
	T("chown", chown("/secret.txt", 0, 0));
	T("utimensat", utimensat(AT_FDCWD, "/secret.txt", ts, 0));
	T("utimes", utimes("/secret.txt", NULL));
	T("access W_OK", access("/secret.txt", W_OK));
	T("access R_OK", access("/secret.txt", R_OK));
	T("mkdir in /proc", mkdir("/proc/x", 0755));
	T("write /dev/null", write(open("/dev/null", O_WRONLY), "x", 1));
	show_fd("still readable", open("/secret.txt", O_RDONLY));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "escape") == 0)
		escape();
	else if (argc > 1 && strcmp(argv[1], "ro") == 0)
		readonly();
	else {
		puts("usage: fsescape escape|ro");
		return 2;
	}
	return 0;
}
