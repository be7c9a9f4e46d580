/* fsops: the file-system calls on names and descriptors, run inside an empty scratch directory
 * (argv[1]): open flags and their errors, umask, mkdir, symlink/readlink/ELOOP, link, rename
 * (with renameat2's RENAME_NOREPLACE), unlink/rmdir, getdents64, chmod, chown, utimensat
 * (explicit times, UTIME_OMIT, UTIME_NOW), truncate, fsync, access/faccessat2, chdir/fchdir/
 * getcwd, dup*, fcntl (flags, F_DUPFD, advisory locks and their errors), flock, O_PATH, statx.
 * Every line is "what: result" with errno by name, so the output does not depend on the C
 * library's messages, and nothing printed depends on inode numbers or the scratch path. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *en(int e)
{
	static char other[32];
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EMLINK: return "EMLINK";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOSYS: return "ENOSYS";
	}
	snprintf(other, sizeof other, "errno %d", e);
	return other;
}

/* Run a call; print its result or its errno's name. */
#define T(what, expr)                                                        \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (long)(expr);                                      \
		if (r_ < 0)                                                  \
			printf("%s: -1 %s\n", what, en(errno));              \
		else                                                         \
			printf("%s: %ld\n", what, r_);                       \
	} while (0)

static const char *scratch;

static void show_mode(const char *what, const char *path, int follow)
{
	struct stat st;
	int r = follow ? stat(path, &st) : lstat(path, &st);
	if (r < 0) {
		printf("%s: -1 %s\n", what, en(errno));
		return;
	}
	const char *type = S_ISREG(st.st_mode) ? "reg" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "lnk" : "other";
	printf("%s: %s %04o nlink %lu size %lld\n", what, type, (unsigned)(st.st_mode & 07777),
	       S_ISDIR(st.st_mode) ? 0ul : (unsigned long)st.st_nlink, S_ISDIR(st.st_mode) ? 0ll : (long long)st.st_size);
}

static void show_cwd(const char *what)
{
	char buf[4096];
	if (!getcwd(buf, sizeof buf)) {
		printf("%s: -1 %s\n", what, en(errno));
		return;
	}
	size_t n = strlen(scratch);
	printf("%s: %s\n", what, strncmp(buf, scratch, n) == 0 ? buf + n : buf);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory's entries, sorted (getdents order is the file system's), with their d_type. */
static void list(const char *what, const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		printf("%s: -1 %s\n", what, en(errno));
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		char *s = malloc(strlen(e->d_name) + 4);
		sprintf(s, "%s/%c", e->d_name, e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?');
		names[n++] = s;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp);
	printf("%s:", what);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void lockcall(const char *what, int fd, int cmd, short type, short whence, long start, long len, int pid)
{
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = whence;
	fl.l_start = start;
	fl.l_len = len;
	fl.l_pid = pid;
	errno = 0;
	int r = fcntl(fd, cmd, &fl);
	if (r < 0)
		printf("%s: -1 %s\n", what, en(errno));
	else
		printf("%s: %d type %d\n", what, r, fl.l_type);
}

int main(int argc, char **argv)
{
	if (argc < 2 || chdir(argv[1]) != 0) {
		puts("usage: fsops EMPTY-SCRATCH-DIR");
		return 2;
	}
	scratch = argv[1];
	umask(022);

	/* --- open and its flags. */
	int fd = open("f1", O_CREAT | O_WRONLY | O_EXCL, 0666);
	T("create f1", fd >= 0 ? 0 : -1);
	T("create f1 again O_EXCL", open("f1", O_CREAT | O_EXCL | O_WRONLY, 0666));
	T("write", write(fd, "hello world\n", 12));
	T("F_GETFL wronly", fcntl(fd, F_GETFL));
	T("F_GETFD", fcntl(fd, F_GETFD));
	close(fd);
	show_mode("stat f1 (umask 022)", "f1", 1);
	fd = open("f1", O_RDONLY | O_CLOEXEC);
	T("F_GETFD cloexec", fcntl(fd, F_GETFD));
	T("F_GETFL rdonly", fcntl(fd, F_GETFL));
	T("write to rdonly", write(fd, "x", 1));
	close(fd);
	T("open f1/", open("f1/", O_RDONLY));
	T("open nonexistent", open("nonexistent", O_RDONLY));
	T("create in missing dir", open("nodir/x", O_CREAT | O_WRONLY, 0600));
	T("open . O_WRONLY", open(".", O_WRONLY));
	T("open . O_CREAT", open(".", O_RDONLY | O_CREAT, 0600));
	T("open f1 O_DIRECTORY", open("f1", O_RDONLY | O_DIRECTORY));
	T("O_CREAT|O_DIRECTORY", open("d0", O_CREAT | O_DIRECTORY | O_RDWR, 0755));
	T("create new/", open("new/", O_CREAT | O_WRONLY, 0644));
	T("empty path", open("", O_RDONLY));
	fd = open("f1", O_WRONLY | O_APPEND);
	T("append write", write(fd, "more\n", 5));
	T("pos after append", lseek(fd, 0, SEEK_CUR));
	close(fd);
	show_mode("stat after append", "f1", 1);
	fd = open("f1", O_RDWR | O_TRUNC);
	show_mode("stat after O_TRUNC", "f1", 1);
	T("write abc", write(fd, "abc", 3));
	T("pread", pread(fd, (char[8]){0}, 8, 1));
	close(fd);
	T("umask 077", umask(077));
	close(open("f2", O_CREAT | O_WRONLY, 0666));
	show_mode("stat f2 (umask 077)", "f2", 1);
	T("umask 022", umask(022));
	T("creat", creat("f4", 0777));
	show_mode("stat f4", "f4", 1);

	/* --- mkdir. */
	T("mkdir d", mkdir("d", 0777));
	show_mode("stat d", "d", 1);
	T("mkdir d again", mkdir("d", 0777));
	T("mkdir d/sub", mkdir("d/sub", 0700));
	show_mode("stat d/sub", "d/sub", 1);
	T("mkdir nodir/x", mkdir("nodir/x", 0777));
	T("mkdir f1/x", mkdir("f1/x", 0777));
	T("mkdir .", mkdir(".", 0777));
	T("mkdir d/sub/..", mkdir("d/sub/..", 0777));
	T("mkdir trailing slash", mkdir("d2/", 0755));

	/* --- symbolic links. */
	T("symlink ln -> f1", symlink("f1", "ln"));
	T("symlink dangling", symlink("nowhere", "dangling"));
	T("symlink lnd -> d", symlink("d", "lnd"));
	T("symlink exists", symlink("x", "ln"));
	char buf[256];
	memset(buf, 0, sizeof buf);
	T("readlink ln", readlink("ln", buf, sizeof buf));
	printf("  -> %s\n", buf);
	memset(buf, 0, sizeof buf);
	T("readlink ln size 1", readlink("ln", buf, 1));
	printf("  -> %s\n", buf);
	T("readlink f1", readlink("f1", buf, sizeof buf));
	T("readlink size 0", readlink("ln", buf, 0));
	show_mode("lstat ln", "ln", 0);
	show_mode("stat ln", "ln", 1);
	show_mode("stat dangling", "dangling", 1);
	show_mode("lstat dangling", "dangling", 0);
	T("open ln O_NOFOLLOW", open("ln", O_RDONLY | O_NOFOLLOW));
	T("open ln O_CREAT|O_EXCL", open("ln", O_CREAT | O_EXCL | O_WRONLY, 0644));
	fd = open("dangling", O_CREAT | O_WRONLY, 0640);
	T("create through dangling", fd >= 0 ? 0 : -1);
	close(fd);
	show_mode("stat nowhere", "nowhere", 1);
	int dfd = open("lnd/", O_RDONLY | O_DIRECTORY);
	T("open lnd/", dfd >= 0 ? 0 : -1);
	T("openat dirfd sub", openat(dfd, "sub", O_RDONLY | O_DIRECTORY) >= 0 ? 0 : -1);
	T("openat dirfd ../f1", openat(dfd, "../f1", O_RDONLY) >= 0 ? 0 : -1);
	T("openat file as dirfd", openat(open("f1", O_RDONLY), "x", O_RDONLY));
	T("openat bad dirfd", openat(999, "x", O_RDONLY));
	T("openat bad dirfd, absolute path", openat(999, "/", O_RDONLY) >= 0 ? 0 : -1);
	T("symlink loop1", symlink("loop2", "loop1"));
	T("symlink loop2", symlink("loop1", "loop2"));
	T("open loop", open("loop1", O_RDONLY));
	T("stat loop", stat("loop1", &(struct stat){0}));
	T("symlink through file", symlink("f1/x", "badpath"));
	T("open through file", open("badpath", O_RDONLY));
	T("lnd/sub/../../f1", access("lnd/sub/../../f1", F_OK));

	/* --- hard links. */
	T("link f1 hard", link("f1", "hard"));
	show_mode("stat hard", "hard", 1);
	T("link dir", link("d", "hd"));
	T("link exists", link("f1", "hard"));
	T("link missing", link("missing", "x"));
	T("linkat symlink itself", linkat(AT_FDCWD, "ln", AT_FDCWD, "hardln", 0));
	show_mode("lstat hardln", "hardln", 0);
	T("linkat AT_SYMLINK_FOLLOW", linkat(AT_FDCWD, "ln", AT_FDCWD, "hardfollow", AT_SYMLINK_FOLLOW));
	show_mode("lstat hardfollow", "hardfollow", 0);
	T("linkat bad flags", linkat(AT_FDCWD, "ln", AT_FDCWD, "x", 0x8000));

	/* --- rename. */
	T("rename f2 f3", rename("f2", "f3"));
	T("renameat2 NOREPLACE onto f1", syscall(SYS_renameat2, AT_FDCWD, "f3", AT_FDCWD, "f1", 1));
	T("renameat2 NOREPLACE to new", syscall(SYS_renameat2, AT_FDCWD, "f3", AT_FDCWD, "f5", 1));
	T("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "f5", AT_FDCWD, "f6", 8));
	T("rename dir onto file", rename("d", "f1"));
	T("rename file onto dir", rename("f1", "d"));
	T("rename dir into itself", rename("d", "d/sub/x"));
	T("rename .", rename(".", "x"));
	T("rename missing", rename("missing", "x"));
	T("rename file/ ", rename("f5/", "f6"));
	T("rename f5 over f4", rename("f5", "f4"));
	show_mode("stat f4 after", "f4", 1);
	T("mkdir e", mkdir("e", 0755));
	T("rename d2 over empty e", rename("d2", "e"));

	/* --- unlink and rmdir. */
	T("unlink d", unlink("d"));
	T("rmdir f1", rmdir("f1"));
	T("rmdir d (not empty)", rmdir("d"));
	T("rmdir .", rmdir("."));
	T("rmdir d/sub/..", rmdir("d/sub/.."));
	T("unlink missing", unlink("missing"));
	T("unlinkat bad flags", unlinkat(AT_FDCWD, "f4", 1));
	T("unlinkat AT_REMOVEDIR file", unlinkat(AT_FDCWD, "f4", AT_REMOVEDIR));
	T("unlinkat AT_REMOVEDIR d/sub", unlinkat(AT_FDCWD, "d/sub", AT_REMOVEDIR));
	T("unlink hardln", unlink("hardln"));
	T("unlink dangling (a link)", unlink("loop2"));
	list("entries", ".");
	list("entries d", "d");
	list("entries missing", "missing");
	T("getdents64 on a file", syscall(SYS_getdents64, open("f1", O_RDONLY), buf, sizeof buf));
	fd = open(".", O_RDONLY | O_DIRECTORY);
	T("getdents64 tiny buffer", syscall(SYS_getdents64, fd, buf, 8));
	T("getdents64 bad fd", syscall(SYS_getdents64, 999, buf, sizeof buf));
	close(fd);

	/* --- chmod, chown. */
	T("chmod f1 0600", chmod("f1", 0600));
	show_mode("stat f1", "f1", 1);
	fd = open("f1", O_RDONLY);
	T("fchmod 04751", fchmod(fd, 04751));
	show_mode("stat f1", "f1", 1);
	T("chmod missing", chmod("missing", 0600));
	T("fchmodat2 nofollow on a link", syscall(452, AT_FDCWD, "ln", 0600, AT_SYMLINK_NOFOLLOW));
	T("fchmodat2 bad flags", syscall(452, AT_FDCWD, "f1", 0600, 1));
	T("chown -1 -1", chown("f1", -1, -1));
	T("fchown own ids", fchown(fd, getuid(), getgid()));
	T("lchown link", lchown("ln", -1, -1));
	T("fchownat bad flags", fchownat(AT_FDCWD, "f1", -1, -1, 2));
	close(fd);

	/* --- times. */
	struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 500000000 } };
	struct stat st;
	T("utimensat explicit", utimensat(AT_FDCWD, "f1", ts, 0));
	stat("f1", &st);
	printf("  atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 2000000000;
	ts[1].tv_nsec = 0;
	T("utimensat omit atime", utimensat(AT_FDCWD, "f1", ts, 0));
	stat("f1", &st);
	printf("  atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	T("utimensat NULL (now)", utimensat(AT_FDCWD, "f1", NULL, 0));
	stat("f1", &st);
	printf("  now is after 2020: %d\n", st.st_mtim.tv_sec > 1577836800 && st.st_atim.tv_sec > 1577836800);
	ts[0].tv_nsec = 1000000000;
	T("utimensat bad nsec", utimensat(AT_FDCWD, "f1", ts, 0));
	T("utimensat bad flags", utimensat(AT_FDCWD, "f1", NULL, 4));
	T("utimensat missing", utimensat(AT_FDCWD, "missing", NULL, 0));
	fd = open("f1", O_RDONLY);
	struct timespec t2[2] = { { 1500000000, 0 }, { 1600000000, 0 } };
	T("futimens", futimens(fd, t2));
	fstat(fd, &st);
	printf("  atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
	close(fd);

	/* --- truncate, fsync. */
	T("truncate 100", truncate("f1", 100));
	show_mode("stat f1", "f1", 1);
	T("truncate dir", truncate("d", 0));
	T("truncate negative", truncate("f1", -1));
	T("truncate missing", truncate("missing", 0));
	fd = open("f1", O_RDONLY);
	T("ftruncate rdonly", ftruncate(fd, 0));
	T("fsync", fsync(fd));
	T("fdatasync", fdatasync(fd));
	close(fd);
	fd = open("f1", O_WRONLY);
	T("ftruncate 5", ftruncate(fd, 5));
	show_mode("stat f1", "f1", 1);
	close(fd);
	T("fsync bad fd", fsync(999));

	/* --- access. */
	chmod("f1", 0644);
	T("access R|W", access("f1", R_OK | W_OK));
	T("access X on 0644", access("f1", X_OK));
	T("access X on dir", access("d", X_OK));
	T("access bad mode", access("f1", 8));
	T("access missing", access("missing", F_OK));
	T("access dangling", access("dangling", F_OK));
	T("faccessat2 bad flags", syscall(439, AT_FDCWD, "f1", R_OK, 1));
	T("faccessat2 AT_EACCESS", syscall(439, AT_FDCWD, "f1", R_OK, AT_EACCESS));
	T("faccessat2 nofollow loop", syscall(439, AT_FDCWD, "loop1", F_OK, AT_SYMLINK_NOFOLLOW));

	/* --- cwd. */
	show_cwd("getcwd");
	T("chdir d", chdir("d"));
	show_cwd("getcwd");
	T("chdir f1", chdir("../f1"));
	T("chdir missing", chdir("missing"));
	T("chdir ..", chdir(".."));
	show_cwd("getcwd");
	T("chdir lnd", chdir("lnd"));
	show_cwd("getcwd (through link)");
	T("chdir ..", chdir(".."));
	fd = open("d", O_RDONLY | O_DIRECTORY);
	T("fchdir d", fchdir(fd));
	show_cwd("getcwd");
	close(fd);
	fd = open("../f1", O_RDONLY);
	T("fchdir file", fchdir(fd));
	close(fd);
	chdir("..");
	T("getcwd small buffer", getcwd(buf, 2) ? 0 : -1);

	/* --- descriptors and fcntl. */
	fd = open("f1", O_RDONLY);
	T("F_DUPFD 10", fcntl(fd, F_DUPFD, 10));
	int fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	T("F_DUPFD_CLOEXEC", fd2);
	T("  its FD_CLOEXEC", fcntl(fd2, F_GETFD));
	T("F_DUPFD negative", fcntl(fd, F_DUPFD, -1));
	T("F_SETFD", fcntl(fd, F_SETFD, FD_CLOEXEC));
	T("F_GETFD", fcntl(fd, F_GETFD));
	T("F_SETFL append|nonblock", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDWR));
	T("F_GETFL", fcntl(fd, F_GETFL));
	T("fcntl bad cmd", fcntl(fd, 9999));
	T("fcntl bad fd", fcntl(999, F_GETFD));
	T("dup2 same", dup2(fd, fd));
	T("dup3 same", dup3(fd, fd, 0));
	T("dup3 bad flags", dup3(fd, 20, 1));
	T("dup2 huge", dup2(fd, 100000));
	T("dup2 bad", dup2(999, 20));
	lockcall("F_SETLK wrlck on rdonly", fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0, 0);
	lockcall("F_SETLK rdlck", fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10, 0);
	lockcall("F_SETLKW rdlck", fd, F_SETLKW, F_RDLCK, SEEK_CUR, 0, 0, 0);
	lockcall("F_GETLK wrlck", fd, F_GETLK, F_WRLCK, SEEK_SET, 0, 0, 0);
	lockcall("F_GETLK unlck", fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 0, 0);
	lockcall("F_SETLK bad type", fd, F_SETLK, 7, SEEK_SET, 0, 0, 0);
	lockcall("F_SETLK bad whence", fd, F_SETLK, F_RDLCK, 5, 0, 0, 0);
	lockcall("F_SETLK negative start", fd, F_SETLK, F_RDLCK, SEEK_SET, -5, 0, 0);
	lockcall("F_SETLK unlck", fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0, 0);
	lockcall("F_OFD_SETLK pid 1", fd, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0, 1);
	lockcall("F_OFD_SETLK", fd, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0, 0);
	lockcall("F_OFD_GETLK", fd, F_OFD_GETLK, F_RDLCK, SEEK_SET, 0, 0, 0);
	T("flock LOCK_EX", flock(fd, LOCK_EX));
	T("flock LOCK_SH|LOCK_NB", flock(fd, LOCK_SH | LOCK_NB));
	T("flock LOCK_UN", flock(fd, LOCK_UN));
	T("flock bad op", flock(fd, 0));
	T("flock bad fd", flock(999, LOCK_EX));
	/* Release everything before the next locks: an OFD lock lives while any duplicate of its
	 * open file is open, and it would conflict with the write lock below. */
	lockcall("F_OFD_SETLK unlck", fd, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0, 0);
	close(fd2);
	close(fd);
	fd = open("f1", O_WRONLY);
	lockcall("F_SETLK rdlck on wronly", fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 0, 0);
	lockcall("F_SETLK wrlck on wronly", fd, F_SETLK, F_WRLCK, SEEK_END, 0, 0, 0);
	close(fd);

	/* --- O_PATH. */
	fd = open("f1", O_PATH);
	T("O_PATH open", fd >= 0 ? 0 : -1);
	T("O_PATH F_GETFL", fcntl(fd, F_GETFL));
	T("O_PATH read", read(fd, buf, 1));
	T("O_PATH fstat", fstat(fd, &st));
	T("O_PATH lseek", lseek(fd, 0, SEEK_SET));
	T("O_PATH F_SETLK", fcntl(fd, F_SETLK, &(struct flock){ .l_type = F_RDLCK }));
	close(fd);
	fd = open("ln", O_PATH | O_NOFOLLOW);
	T("O_PATH|O_NOFOLLOW on link", fd >= 0 ? 0 : -1);
	fstat(fd, &st);
	printf("  is link: %d\n", S_ISLNK(st.st_mode));
	memset(buf, 0, sizeof buf);
	T("readlinkat fd \"\"", readlinkat(fd, "", buf, sizeof buf));
	printf("  -> %s\n", buf);
	close(fd);
	fd = open("d", O_PATH | O_DIRECTORY);
	T("O_PATH dir as dirfd", openat(fd, "..", O_RDONLY) >= 0 ? 0 : -1);
	T("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st, AT_EMPTY_PATH));
	printf("  is dir: %d\n", S_ISDIR(st.st_mode));
	T("fstatat \"\" without flag", fstatat(fd, "", &st, 0));
	T("fstatat bad flags", fstatat(AT_FDCWD, "f1", &st, 1));
	close(fd);
	fd = open("f1", O_PATH);
	T("fchownat O_PATH AT_EMPTY_PATH", fchownat(fd, "", -1, -1, AT_EMPTY_PATH));
	T("utimensat O_PATH NULL path", syscall(SYS_utimensat, fd, NULL, NULL, 0));
	T("utimensat NULL path with flags", syscall(SYS_utimensat, fd, NULL, NULL, AT_SYMLINK_NOFOLLOW));
	T("faccessat2 O_PATH AT_EMPTY_PATH", syscall(439, fd, "", R_OK, AT_EMPTY_PATH));
	close(fd);

	/* --- statx, raw. */
	unsigned char sx[256];
	T("statx f1", syscall(SYS_statx, AT_FDCWD, "f1", 0, 0x7ff, sx));
	printf("  size %llu mode %o\n", *(unsigned long long *)(sx + 40), *(unsigned short *)(sx + 28));
	T("statx bad sync type", syscall(SYS_statx, AT_FDCWD, "f1", 0x6000, 0x7ff, sx));
	T("statx nofollow ln", syscall(SYS_statx, AT_FDCWD, "ln", AT_SYMLINK_NOFOLLOW, 0x7ff, sx));
	printf("  is link: %d\n", S_ISLNK(*(unsigned short *)(sx + 28)));

	/* --- long names. */
	char longname[300];
	memset(longname, 'a', 299);
	longname[299] = 0;
	T("name > NAME_MAX", open(longname, O_RDONLY));
	T("mkdir name > NAME_MAX", mkdir(longname, 0755));
	static char longpath[5000];
	memset(longpath, 'b', sizeof longpath - 1);
	T("path > PATH_MAX", open(longpath, O_RDONLY));
	T("bad path pointer", open((char *)8, O_RDONLY));
	list("entries at end", ".");
	return 0;
}
