import { platform } from "../platform/index.ts";
import { selfCommand } from "../self.ts";

/** What the server can put role sessions in: a Landlock sandbox of this ABI, or nothing (and why). */
export type SandboxSupport = { kind: "landlock"; abi: number } | { kind: "none"; why: string };

const ADVISORY = "role sessions are held by their command-line policy alone, which is advisory (python -c or a script can still write anywhere)";

let probed: number | undefined;

/** The running kernel's Landlock ABI, asked once: in this process under Bun, else through the launcher. */
function kernelAbi(): number {
  if (probed !== undefined) return probed;
  if (process.platform !== "linux") return (probed = 0);
  try {
    // (Deno's bundle leaves bun:ffi out: the condition folds there, see server/platform/bundle.ts)
    if (typeof AI_SESSION_BUNDLE_FOR === "undefined" && typeof Bun !== "undefined") {
      probed = (require("./landlock.ts") as typeof import("./landlock.ts")).landlockAbi();
    } else {
      const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
      const [cmd, ...args] = selfCommand();
      probed = Number(spawnSync(cmd!, [...args, "__sandbox", "--abi"], { encoding: "utf8", timeout: 10_000 }).stdout.trim()) || 0;
    }
  } catch {
    probed = 0;
  }
  return probed;
}

/**
 * Whether role sessions get a kernel sandbox here. `AI_SESSION_SANDBOX=none` in the server's
 * environment turns it off (to see, and test, what a machine without Landlock gets); the answer
 * then says so instead of pretending.
 */
export function sandboxSupport(): SandboxSupport {
  const forced = process.env.AI_SESSION_SANDBOX;
  if (forced === "none" || forced === "off") {
    return { kind: "none", why: `Landlock is turned off (AI_SESSION_SANDBOX=${forced}): ${ADVISORY}` };
  }
  if (process.platform !== "linux") return { kind: "none", why: `Landlock is Linux's and this is ${process.platform}: ${ADVISORY}` };
  if (process.arch !== "x64") return { kind: "none", why: `the sandbox launcher knows the system calls of x86-64 only, not ${process.arch}: ${ADVISORY}` };
  const abi = kernelAbi();
  if (abi < 1 && platform.runtime.name !== "bun") {
    return { kind: "none", why: `the sandbox launcher applies Landlock through bun:ffi, which ${platform.runtime.name} lacks (a server run by the Bun binary sandboxes role sessions): ${ADVISORY}` };
  }
  if (abi < 1) return { kind: "none", why: `this kernel has no Landlock (not built in, or off at boot: lsm=landlock): ${ADVISORY}` };
  return { kind: "landlock", abi };
}
