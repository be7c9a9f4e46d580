// The one interface through which the kernel reaches the world outside the machine: files,
// the terminal, clocks and randomness. The Node shell implements it (src/cli/node-host.ts); a
// browser front end can implement it too. Nothing in src/cpu, src/kernel or src/loader imports
// Node: everything host-side goes through here.
//
// Errors are returned as negative Linux errno values, never thrown.

export interface HostStat {
  dev: number;
  ino: number;
  mode: number;      // st_mode with the file-type bits (S_IFREG …)
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeNs: number;   // nanoseconds since the epoch (exact to ~0.25 µs; enough for stat's fields)
  mtimeNs: number;
  ctimeNs: number;
}

export interface HostDirent {
  name: string;
  ino: number;
  type: number;      // DT_REG, DT_DIR … (include/linux/fs_types.h numbering)
}

export interface Host {
  /** Open a host path with Linux open(2) flags; returns a handle ≥ 0 or -errno. */
  open(path: string, flags: number, mode: number): number;
  close(handle: number): number;
  /** Read into buf at `position` (null: the handle's own position, for terminals and pipes). */
  read(handle: number, buf: Uint8Array, position: number | null): number;
  write(handle: number, buf: Uint8Array, position: number | null): number;
  fstat(handle: number): HostStat | number;
  stat(path: string, followLinks: boolean): HostStat | number;
  readlink(path: string): string | number;
  readdir(path: string): HostDirent[] | number;
  /**
   * Namespace and attribute operations on host paths. The kernel walks guest paths itself
   * (src/kernel/fs/namei.ts) and hands the host only paths whose directories it has already
   * checked are not symbolic links, so none of these needs to follow a link: those that take
   * `follow` use it only for the last component, the rest never follow.
   */
  mkdir(path: string, mode: number): number;
  rmdir(path: string): number;
  unlink(path: string): number;
  /** rename(2): replaces `to` if it exists. */
  rename(from: string, to: string): number;
  /** link(2): a new name for `existing` (a symlink itself is linked, not its target). */
  link(existing: string, newPath: string): number;
  symlink(target: string, path: string): number;
  chmod(path: string, mode: number): number;
  fchmod(handle: number, mode: number): number;
  /** uid or gid -1 leaves that id unchanged. */
  chown(path: string, uid: number, gid: number, follow: boolean): number;
  fchown(handle: number, uid: number, gid: number): number;
  /** Set access and modification times (ns since the epoch; the host may round them). */
  utimens(path: string, atimeNs: number, mtimeNs: number, follow: boolean): number;
  futimens(handle: number, atimeNs: number, mtimeNs: number): number;
  truncate(path: string, length: number): number;
  ftruncate(handle: number, length: number): number;
  fsync(handle: number, dataOnly: boolean): number;
  isatty(handle: number): boolean;
  /** Terminal window size for a tty handle. */
  winsize(handle: number): { rows: number; cols: number } | null;
  /** The host's working directory at start (the guest's initial cwd). */
  cwd(): string;
  /** Nanoseconds since the Unix epoch (host clock). */
  realtimeNs(): number;
  /** Nanoseconds from an arbitrary origin, monotonic (host clock). */
  monotonicNs(): number;
  randomBytes(n: number): Uint8Array;
  /** Host identity for uname and getuid: what the guest sees as its machine and user. */
  identity(): { uid: number; gid: number; hostname: string };
}

/** Handles 0, 1 and 2 are the host's stdin, stdout and stderr. */
export const HOST_STDIN = 0, HOST_STDOUT = 1, HOST_STDERR = 2;
