// Linux errno values (include/uapi/asm-generic/errno-base.h, errno.h) used by the kernel.
export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9;
export const ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18;
export const ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25;
export const EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34;
export const EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40;
export const ENODATA = 61, ETIME = 62, EOVERFLOW = 75, EILSEQ = 84, ENOTSOCK = 88, EOPNOTSUPP = 95;
export const EAFNOSUPPORT = 97, ETIMEDOUT = 110;
// Kernel-internal restart codes (include/linux/errno.h); never seen by user space.
export const ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514, ERESTART_RESTARTBLOCK = 516;
