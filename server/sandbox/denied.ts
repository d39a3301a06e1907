import { accessSync, constants, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { isInside } from "../roles/policy.ts";
import type { SandboxStatement } from "./plan.ts";

/** `analysis.sandbox_denied`: the kernel sandbox refused something the command tried, and where. */
export interface SandboxDenial {
  /** The path refused, when the message names one (a refused signal names none). */
  path: string | null;
  /** The line of output that says so, as the tool printed it. */
  message: string;
}

const REFUSED = /Permission denied|Operation not permitted/;
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(?:\x07|\x1b\\)/g;
/** 'quoted', "quoted", ‘quoted’ paths, and bare ones (`bash: /x/y: Permission denied`). */
const PATHS = /'([^'\n]+)'|"([^"\n]+)"|‘([^’\n]+)’|(?:^|[\s(=:])((?:\/|\.\.?\/|~\/)[^\s:'"]*)/g;

/**
 * Reads a command's output for the kernel's refusals in a sandboxed session: a "Permission denied"
 * or "Operation not permitted" naming a path that lies outside the directories the sandbox lets the
 * shell change (or inside a hidden one), where ordinary permissions would have allowed it (the
 * server, same user and unconfined, could write there). A refused `kill` of one of the user's own
 * processes outside the session is the sandbox's too (signals are scoped to the session).
 * Undefined for anything else, and always for a session without a sandbox.
 */
export function sandboxDenial(output: string, cwd: string, sandbox: SandboxStatement | undefined): SandboxDenial | undefined {
  if (sandbox?.kind !== "landlock" || !REFUSED.test(output)) return undefined;
  for (const raw of output.replace(ANSI, "").split(/\r?\n|\r/)) {
    const line = raw.trim();
    if (!REFUSED.test(line)) continue;
    for (const m of line.matchAll(PATHS)) {
      const word = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
      const path = real(resolve(cwd, word.replace(/^~(?=\/)/, process.env.HOME ?? "~")));
      if (refusedBySandbox(path, sandbox)) return { path, message: line };
    }
    const kill = /kill: \(?(\d+)\)? - Operation not permitted/.exec(line);
    if (kill && ownProcess(Number(kill[1]))) return { path: null, message: line };
  }
  return undefined;
}

function refusedBySandbox(path: string, sandbox: Extract<SandboxStatement, { kind: "landlock" }>): boolean {
  if (isInside(path, sandbox.hidden)) return true;
  // a descriptor reopened by name (`> /proc/self/fd/3`): its own, so only the sandbox says no
  if (/^\/(?:proc\/(?:self|\d+)\/fd|dev\/fd)\/\d+$/.test(path)) return true;
  if (sandbox.read !== "all" && !isInside(path, sandbox.read) && !isInside(path, sandbox.write)) return allowed(path, constants.R_OK);
  if (isInside(path, sandbox.write)) return false; // inside, the kernel allowed it: ordinary permissions said no
  return allowed(path, constants.W_OK) || allowed(dirname(path), constants.W_OK);
}

/** Where a path really is: through a symlink in the workspace, a refused path may lie outside it. */
function real(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/** What ordinary permissions allow the server, the same user unconfined. */
function allowed(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function ownProcess(pid: number): boolean {
  try {
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"))?.[1];
    return uid !== undefined && Number(uid) === process.getuid?.();
  } catch {
    return false;
  }
}
