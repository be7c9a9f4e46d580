// Auxiliary vector tags (include/uapi/linux/auxvec.h, arch/x86/include/uapi/asm/auxvec.h).
export const AT = {
  NULL: 0, IGNORE: 1, EXECFD: 2, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9,
  NOTELF: 10, UID: 11, EUID: 12, GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23,
  BASE_PLATFORM: 24, RANDOM: 25, HWCAP2: 26, EXECFN: 31, SYSINFO: 32, SYSINFO_EHDR: 33, MINSIGSTKSZ: 51,
  /** rseq: offsetof(struct rseq, end) and __alignof__(struct rseq) (include/uapi/linux/auxvec.h). */
  RSEQ_FEATURE_SIZE: 27, RSEQ_ALIGN: 28,
} as const;
