/**
 * Landlock's access rights (include/uapi/linux/landlock.h) and which ABI brought each. Plain
 * numbers, no system calls: the server plans rulesets with these, the launcher hands them to the
 * kernel.
 */
export const FS = {
  EXECUTE: 1 << 0,
  WRITE_FILE: 1 << 1,
  READ_FILE: 1 << 2,
  READ_DIR: 1 << 3,
  REMOVE_DIR: 1 << 4,
  REMOVE_FILE: 1 << 5,
  MAKE_CHAR: 1 << 6,
  MAKE_DIR: 1 << 7,
  MAKE_REG: 1 << 8,
  MAKE_SOCK: 1 << 9,
  MAKE_FIFO: 1 << 10,
  MAKE_BLOCK: 1 << 11,
  MAKE_SYM: 1 << 12,
  /** ABI 2: rename or link a file into another directory. */
  REFER: 1 << 13,
  /** ABI 3: truncate(2), ftruncate(2), open with O_TRUNC. */
  TRUNCATE: 1 << 14,
  /** ABI 5: ioctl(2) on character and block devices. */
  IOCTL_DEV: 1 << 15,
} as const;

/** ABI 4: TCP. */
export const NET = { BIND_TCP: 1 << 0, CONNECT_TCP: 1 << 1 } as const;

/** ABI 6: what a sandboxed process may not reach outside its own domain. */
export const SCOPE = { ABSTRACT_UNIX_SOCKET: 1 << 0, SIGNAL: 1 << 1 } as const;

/** Every filesystem right the kernel of this ABI knows: a ruleset handles them all, so none is left open by omission. */
export function fsRightsOf(abi: number): number {
  let all = (1 << 13) - 1; // ABI 1: EXECUTE … MAKE_SYM
  if (abi >= 2) all |= FS.REFER;
  if (abi >= 3) all |= FS.TRUNCATE;
  if (abi >= 5) all |= FS.IOCTL_DEV;
  return all;
}

export function netRightsOf(abi: number): number {
  return abi >= 4 ? NET.BIND_TCP | NET.CONNECT_TCP : 0;
}

export function scopesOf(abi: number): number {
  return abi >= 6 ? SCOPE.ABSTRACT_UNIX_SOCKET | SCOPE.SIGNAL : 0;
}

/** The rights a rule on a file (not a directory) may carry. */
export const FILE_RIGHTS = FS.EXECUTE | FS.WRITE_FILE | FS.READ_FILE | FS.TRUNCATE | FS.IOCTL_DEV;

/** Reading and running programs. */
export const READ_RIGHTS = FS.EXECUTE | FS.READ_FILE | FS.READ_DIR;

/** What a writable directory grants: everything but making device nodes. */
export const WRITE_RIGHTS = ~(FS.MAKE_CHAR | FS.MAKE_BLOCK) & 0xffff;

/** Terminals and the harmless devices: read, write, truncate (`> /dev/null`) and terminal ioctls. */
export const DEVICE_RIGHTS = FS.READ_FILE | FS.WRITE_FILE | FS.TRUNCATE | FS.IOCTL_DEV;
