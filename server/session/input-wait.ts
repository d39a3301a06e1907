import { readFileSync, readlinkSync } from "node:fs";
import { descendantsOf, procStat } from "../pty/process-group.ts";

/**
 * Is the program in the terminal's foreground blocked reading the terminal? That is how a
 * password prompt, a `[y/N]` question or a `read -p` looks from outside: the foreground process
 * group sits in read(2) on the PTY. Linux /proc only; elsewhere it answers false.
 */
export function foregroundReadsTerminal(shellPid: number): boolean {
  const shell = procStat(shellPid);
  if (!shell) return false;
  const fg = shell.tpgid;
  const members = [shellPid, ...descendantsOf(shellPid)].filter((p) => procStat(p)?.pgrp === fg);
  return members.some(readsTty);
}

const READ_SYSCALLS = new Set([0 /* read */, 19 /* readv */, 17 /* pread64 */]);

function readsTty(pid: number): boolean {
  let syscall: string;
  try {
    syscall = readFileSync(`/proc/${pid}/syscall`, "latin1");
  } catch {
    return false;
  }
  const [nr, fdHex] = syscall.trim().split(" ");
  if (!READ_SYSCALLS.has(Number(nr))) return false;
  try {
    const target = readlinkSync(`/proc/${pid}/fd/${parseInt(fdHex ?? "", 16)}`);
    return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
  } catch {
    return false;
  }
}

/** The last non-blank line of some rendered text: the prompt the program is waiting on. */
export function lastLine(text: string): string {
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trimEnd();
    if (l) return l;
  }
  return "";
}
