import { readdirSync, readFileSync } from "node:fs";

/**
 * Signals a PTY child's process group. The shell is a session leader (setsid by the PTY), so its
 * pid is also its process group id; jobs the shell started in their own groups are found through
 * /proc as descendants and signalled too, so nothing is left behind.
 */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): void {
  const targets = [pid, ...descendantsOf(pid)];
  for (const p of targets) {
    try {
      process.kill(-p, signal);
    } catch {
      // not a group leader, or gone
    }
    try {
      process.kill(p, signal);
    } catch {
      // gone
    }
  }
}

/** Every live descendant of pid (by walking /proc's parent links). Linux only; empty elsewhere. */
export function descendantsOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    const p = Number(e);
    if (!Number.isInteger(p) || p <= 0) continue;
    const ppid = parentOf(p);
    if (ppid === undefined) continue;
    let list = children.get(ppid);
    if (!list) children.set(ppid, (list = []));
    list.push(p);
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const cur = stack.pop()!;
    for (const c of children.get(cur) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // comm may contain spaces and parentheses: fields after the last ')' are fixed.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[1]);
  } catch {
    return undefined;
  }
}

/** Process state letter (R, S, D, Z, T...) and the terminal's foreground group, from /proc/pid/stat. */
export function procStat(pid: number): { state: string; pgrp: number; tpgid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0]!, pgrp: Number(rest[2]), tpgid: Number(rest[5]) };
  } catch {
    return undefined;
  }
}

/**
 * Every process whose environment has KEY set to one of `values`, with the value it carries: one
 * scan of /proc whatever the number of values (the sweep after a crash asks about every session).
 * Sessions mark their shell's environment with their id, so this finds what a session started
 * even after it was re-parented away (daemons).
 */
export function processesWithEnvIn(key: string, values: ReadonlySet<string>): Map<number, string> {
  const out = new Map<number, string>();
  if (values.size === 0) return out;
  const needle = Buffer.from(`\0${key}=`);
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = Number(e);
    if (!Number.isInteger(p) || p <= 0 || p === process.pid) continue;
    try {
      const env = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${p}/environ`)]);
      const at = env.indexOf(needle);
      if (at === -1) continue;
      const from = at + needle.length;
      const end = env.indexOf(0, from);
      const value = env.toString("utf8", from, end === -1 ? env.length : end);
      if (values.has(value)) out.set(p, value);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

export function isAlive(pid: number): boolean {
  const s = procStat(pid);
  return s !== undefined && s.state !== "Z";
}
