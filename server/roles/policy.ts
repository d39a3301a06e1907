import { resolve, dirname } from "node:path";
import type { Role } from "./roles.ts";
import { programWords, splitCommands, type SimpleCommand } from "./shell-words.ts";

/** Why a policy refused something: the rule that matched (for the audit log) and one sentence. */
export interface Denial {
  rule: string;
  message: string;
}

export interface PlaceVars {
  workspace?: string | null;
  home: string;
  tmp: string;
}

const compiled = new Map<string, RegExp>();

/** A glob (`*` is anything) over a whole simple command, or a regular expression written `re:...`. */
export function patternRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = pattern.startsWith("re:")
      ? new RegExp(pattern.slice(3))
      : new RegExp(`^${pattern.trim().replace(/\s+/g, " ").split("*").map(escapeRe).join(".*")}$`);
    compiled.set(pattern, re);
  }
  return re;
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** The role's directories with $WORKSPACE, $HOME and $TMPDIR filled in (unknown ones dropped). */
export function allowedDirs(role: Role, vars: PlaceVars): string[] {
  const out: string[] = [];
  for (const d of role.dirs) {
    if (d.includes("$WORKSPACE") && !vars.workspace) continue;
    const filled = d
      .replace("$WORKSPACE", vars.workspace ?? "")
      .replace("$HOME", vars.home)
      .replace("$TMPDIR", vars.tmp)
      .replace(/^~(?=\/|$)/, vars.home);
    out.push(resolve(filled));
  }
  return out;
}

export function isInside(path: string, dirs: string[]): boolean {
  return dirs.some((d) => d === "/" || path === d || path.startsWith(d.endsWith("/") ? d : `${d}/`));
}

/** Programs whose path arguments they change, and which of their arguments are paths. */
const WRITERS: Record<string, "all" | "last" | "after-first"> = {
  rm: "all", rmdir: "all", shred: "all", unlink: "all", touch: "all", mkdir: "all", truncate: "all",
  tee: "all", mv: "all", cp: "last", ln: "last", install: "last", rsync: "last",
  chmod: "after-first", chown: "after-first", chgrp: "after-first", cd: "all", pushd: "all",
};

const HARMLESS_TARGETS = new Set(["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"]);

/** The paths a simple command writes to (or, for cd, moves into), resolved against cwd. */
export function writtenPaths(cmd: SimpleCommand, cwd: string, vars: PlaceVars): string[] {
  const words = programWords(cmd.words);
  const program = words[0]?.split("/").pop() ?? "";
  const raw: string[] = [...cmd.redirects];
  const mode = WRITERS[program];
  if (mode) {
    const args = words.slice(1).filter((w, i, all) => !w.startsWith("-") || all[i - 1] === "--");
    if (mode === "all") raw.push(...args);
    else if (mode === "last" && args.length > 1) raw.push(args[args.length - 1]!);
    else if (mode === "after-first") raw.push(...args.slice(1));
    if (program === "cd" && args.length === 0) raw.push(vars.home);
  } else if (program === "dd") {
    for (const w of words) if (w.startsWith("of=")) raw.push(w.slice(3));
  }
  const out: string[] = [];
  for (const p of raw) {
    if (HARMLESS_TARGETS.has(p) || p.includes("$(...)") || p === "-") continue;
    let path = p.replace(/^~(?=\/|$)/, vars.home).replace(/^\$HOME(?=\/|$)/, vars.home).replace(/^\$\{HOME\}(?=\/|$)/, vars.home);
    if (path.startsWith("$")) continue; // a variable we cannot know: the deny rules still apply
    const glob = path.search(/[*?[]/);
    if (glob >= 0) {
      const head = path.slice(0, glob);
      path = head.endsWith("/") ? head : dirname(head || ".");
    }
    out.push(resolve(cwd, path || "."));
  }
  return out;
}

/**
 * Checks one command line against a role: every simple command in it must pass the deny rules, the
 * allow rules (when there are any) and must write only inside the allowed directories.
 */
export function checkCommand(role: Role, command: string, cwd: string, vars: PlaceVars): Denial | null {
  const dirs = allowedDirs(role, vars);
  const whole = command.trim().replace(/\s+/g, " ");
  for (const p of role.deny) {
    // patterns that span a pipeline (curl ... | sh) are matched against the whole line too
    if (p.startsWith("re:") && patternRegExp(p).test(whole)) {
      return { rule: `deny:${p}`, message: `role "${role.name}" refuses "${whole}": it matches the deny rule "${p}"` };
    }
  }
  for (const cmd of splitCommands(command)) {
    const program = programWords(cmd.words).join(" ");
    const candidates = [cmd.text, program];
    for (const p of role.deny) {
      const re = patternRegExp(p);
      if (candidates.some((c) => re.test(c))) {
        return { rule: `deny:${p}`, message: `role "${role.name}" refuses "${cmd.text}": it matches the deny rule "${p}"` };
      }
    }
    if (role.allow.length && !role.allow.some((p) => candidates.some((c) => patternRegExp(p).test(c)))) {
      return {
        rule: "allow",
        message: `role "${role.name}" refuses "${cmd.text}": it matches none of the allow rules (${role.allow.join(", ")})`,
      };
    }
    for (const path of writtenPaths(cmd, cwd, vars)) {
      if (!isInside(path, dirs)) {
        return {
          rule: "dirs",
          message: `role "${role.name}" refuses "${cmd.text}": it touches "${path}", outside the allowed directories (${dirs.join(", ") || "none"})`,
        };
      }
    }
  }
  return null;
}

/** A session's working directory (at creation, or for an exec) must lie inside the allowed ones. */
export function checkDirectory(role: Role, dir: string, vars: PlaceVars): Denial | null {
  const dirs = allowedDirs(role, vars);
  const path = resolve(dir);
  if (isInside(path, dirs)) return null;
  return {
    rule: "dirs",
    message: `role "${role.name}" may not work in "${path}": it is outside the allowed directories (${dirs.join(", ") || "none"})`,
  };
}

export interface SessionFacts {
  name: string;
  owner_agent?: string | null;
  shared?: boolean | null;
}

/** Sessions belong to the agent that made them unless shared; roles may widen that to their role or all. */
export function checkSessionAccess(
  agent: { name: string; role: string },
  role: Role,
  session: SessionFacts,
  ownerRole: string | undefined,
): Denial | null {
  const owner = session.owner_agent;
  if (!owner || owner === agent.name || session.shared) return null;
  if (role.sessions === "all") return null;
  if (role.sessions === "role" && ownerRole === agent.role) return null;
  return {
    rule: `sessions:${role.sessions}`,
    message: `agent "${agent.name}" (role ${role.name}) may not touch session "${session.name}": it belongs to agent "${owner}" (its owner can share it)`,
  };
}
