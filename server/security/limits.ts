import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync, accessSync, constants } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { sleep } from "../platform/index.ts";

/**
 * Resource limits for a session's shell and everything it starts. rlimits (through `prlimit`)
 * always apply; a cgroup (v2, else v1) is added where this machine lets us write one, since an
 * rlimit on processes does not bind root and an address-space limit is per process.
 */
export interface SessionLimits {
  /** CPU seconds per process (RLIMIT_CPU) */
  cpuSeconds?: number;
  /** address space per process in MiB (RLIMIT_AS), and the cgroup memory limit of the session */
  memoryMb?: number;
  /** processes (RLIMIT_NPROC, and the cgroup pids.max of the session) */
  processes?: number;
  /** open files per process (RLIMIT_NOFILE) */
  openFiles?: number;
}

export interface LimitSupport {
  prlimit: boolean;
  cgroup: "v2" | "v1" | null;
  /** One sentence on what is enforced here, and what is not. */
  statement: string;
}

const PRLIMIT_PATHS = ["/usr/bin/prlimit", "/bin/prlimit", "/usr/local/bin/prlimit"];

function prlimitPath(): string | undefined {
  return PRLIMIT_PATHS.find((p) => existsSync(p));
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

interface CgroupMount {
  version: "v1" | "v2";
  controller?: string;
  /** directory of this process's own cgroup for the controller */
  own: string;
}

/** This process's cgroups, from /proc/self/cgroup and /proc/self/mountinfo. */
function cgroupMounts(): CgroupMount[] {
  let selfLines: string[];
  let mountLines: string[];
  try {
    selfLines = readFileSync("/proc/self/cgroup", "utf8").trim().split("\n");
    mountLines = readFileSync("/proc/self/mountinfo", "utf8").trim().split("\n");
  } catch {
    return [];
  }
  const out: CgroupMount[] = [];
  for (const line of mountLines) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const mountPoint = left.split(" ")[4];
    const [fstype, , superOpts] = right.split(" ");
    if (!mountPoint) continue;
    if (fstype === "cgroup2") {
      const self = selfLines.find((l) => l.startsWith("0::"));
      if (self) out.push({ version: "v2", own: join(mountPoint, self.slice(3)) });
    } else if (fstype === "cgroup") {
      for (const controller of ["pids", "memory"]) {
        if (!superOpts?.split(",").includes(controller)) continue;
        const self = selfLines.find((l) => l.split(":")[1]?.split(",").includes(controller));
        if (self) out.push({ version: "v1", controller, own: join(mountPoint, self.split(":").slice(2).join(":")) });
      }
    }
  }
  return out;
}

interface CgroupPlan {
  version: "v1" | "v2";
  /** parent directory that holds one child per session */
  parents: { controller: "pids" | "memory" | "both"; dir: string }[];
}

let cachedPlan: CgroupPlan | null | undefined;

/** Where session cgroups can be made on this machine, or null when nowhere. */
function cgroupPlan(): CgroupPlan | null {
  if (cachedPlan !== undefined) return cachedPlan;
  cachedPlan = null;
  const mounts = cgroupMounts();
  const v2 = mounts.find((m) => m.version === "v2");
  if (v2) {
    try {
      const controllers = readFileSync(join(v2.own, "cgroup.controllers"), "utf8");
      if (/\bpids\b/.test(controllers) && writable(v2.own)) {
        const parent = join(v2.own, "ai-session");
        mkdirSync(parent, { recursive: true });
        writeFileSync(join(parent, "cgroup.subtree_control"), /\bmemory\b/.test(controllers) ? "+pids +memory" : "+pids");
        cachedPlan = { version: "v2", parents: [{ controller: "both", dir: parent }] };
        return cachedPlan;
      }
    } catch {
      // controllers not delegated to us: try v1
    }
  }
  const parents: CgroupPlan["parents"] = [];
  for (const m of mounts.filter((x) => x.version === "v1")) {
    if (!writable(m.own)) continue;
    try {
      const dir = join(m.own, "ai-session");
      mkdirSync(dir, { recursive: true });
      parents.push({ controller: m.controller as "pids" | "memory", dir });
    } catch {
      // read-only here
    }
  }
  if (parents.length) cachedPlan = { version: "v1", parents };
  return cachedPlan;
}

export function limitSupport(): LimitSupport {
  const prlimit = Boolean(prlimitPath());
  const plan = cgroupPlan();
  const root = process.getuid?.() === 0;
  const parts: string[] = [];
  parts.push(prlimit ? "rlimits apply through prlimit (CPU seconds, address space, open files, processes)" : "prlimit is missing, so no rlimits apply (install util-linux)");
  if (plan) parts.push(`a cgroup ${plan.version} per session bounds ${plan.parents.map((p) => (p.controller === "both" ? "processes and memory" : p.controller === "pids" ? "processes" : "memory")).join(" and ")}`);
  else parts.push("no writable cgroup here, so the process limit is only an rlimit" + (root ? ", which does not bind root" : ""));
  return { prlimit, cgroup: plan?.version ?? null, statement: parts.join("; ") + "." };
}

function positive(name: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v <= 0) throw new AppError("invalid", `the ${name} limit must be a whole number above 0 (got ${v})`);
}

/** Whether this machine lets the server make a cgroup per session. */
export function cgroupsAvailable(): boolean {
  return cgroupPlan() !== null;
}

/** The cgroup directories (one per hierarchy) that belong to a session id or limits key. */
export function sessionCgroupDirs(sessionId: string): { controller: string; dir: string; version: "v1" | "v2" }[] {
  const plan = cgroupPlan();
  if (!plan) return [];
  const safe = sessionId.replace(/[^A-Za-z0-9_-]/g, "_");
  return plan.parents.map((p) => ({ controller: p.controller, dir: join(p.dir, safe), version: plan.version }));
}

/** Creates the session's cgroups with their limits; returns the cgroup.procs files the shell must join. */
function prepareCgroups(sessionId: string, limits: SessionLimits): string[] {
  if (!limits.processes && !limits.memoryMb) return [];
  const files: string[] = [];
  for (const { controller, dir, version } of sessionCgroupDirs(sessionId)) {
    try {
      mkdirSync(dir, { recursive: true });
      if ((controller === "pids" || controller === "both") && limits.processes) {
        writeFileSync(join(dir, "pids.max"), String(limits.processes));
      }
      if ((controller === "memory" || controller === "both") && limits.memoryMb) {
        const bytes = String(limits.memoryMb * 1024 * 1024);
        writeFileSync(join(dir, version === "v2" ? "memory.max" : "memory.limit_in_bytes"), bytes);
      }
      files.push(join(dir, "cgroup.procs"));
    } catch {
      // this controller refused us; the rlimits still apply
    }
  }
  return files;
}

/**
 * Prefixes a shell's argv so that it starts under the limits: it joins the session's cgroups
 * (when the machine allows), then `prlimit` sets the rlimits and execs the shell. The session
 * manager calls this at spawn; `releaseLimits` undoes the cgroup part when the session ends.
 */
export function wrapWithLimits(argv: string[], limits: SessionLimits | undefined, sessionId?: string): string[] {
  if (!limits) return argv;
  positive("cpu", limits.cpuSeconds);
  positive("memory", limits.memoryMb);
  positive("process", limits.processes);
  positive("open files", limits.openFiles);
  const flags: string[] = [];
  if (limits.cpuSeconds) flags.push(`--cpu=${limits.cpuSeconds}`);
  if (limits.memoryMb) flags.push(`--as=${limits.memoryMb * 1024 * 1024}`);
  if (limits.processes) flags.push(`--nproc=${limits.processes}`);
  if (limits.openFiles) flags.push(`--nofile=${limits.openFiles}`);
  if (flags.length === 0) return argv;
  const prlimit = prlimitPath();
  let out = argv;
  if (prlimit) out = [prlimit, ...flags, "--", ...argv];
  const procs = sessionId ? prepareCgroups(sessionId, limits) : [];
  if (procs.length) {
    const join = 'while [ "$1" != -- ]; do echo $$ > "$1" || echo "ai-session: could not join the cgroup $1" >&2; shift; done; shift; exec "$@"';
    out = ["/bin/sh", "-c", join, "ai-session-limits", ...procs, "--", ...out];
  }
  if (!prlimit && !procs.length) {
    throw new AppError("unavailable", "resource limits need prlimit (util-linux) or a writable cgroup, and this machine has neither");
  }
  return out;
}

/** The limits as the REST API and the CLI's JSON take them (`limits` in POST /api/sessions). */
export const LimitsBody = z
  .object({
    cpu_seconds: z.number().int().positive().max(31_536_000).optional().describe("CPU seconds per process"),
    memory_mb: z.number().int().positive().max(1_048_576).optional().describe("address space per process and the session's memory, MiB"),
    processes: z.number().int().positive().max(1_000_000).optional().describe("processes in the session"),
    open_files: z.number().int().positive().max(1_048_576).optional().describe("open files per process"),
  })
  .strict();

export function limitsFromBody(b: z.infer<typeof LimitsBody>): SessionLimits {
  return { cpuSeconds: b.cpu_seconds, memoryMb: b.memory_mb, processes: b.processes, openFiles: b.open_files };
}

/** The other way, for clients: `create --limits mem=512M,procs=100` → the request's `limits`. */
export function limitsToBody(l: SessionLimits): z.infer<typeof LimitsBody> {
  return { cpu_seconds: l.cpuSeconds, memory_mb: l.memoryMb, processes: l.processes, open_files: l.openFiles };
}

type InfoListener = (info: { name: string; id: string; pid?: number | null }) => void;
interface SessionEventsLike {
  on(event: "session:created" | "session:ended", fn: InfoListener): unknown;
  off(event: "session:created" | "session:ended", fn: InfoListener): unknown;
}

/** Pids in the cgroups made for this key (the shell keeps its pid through the exec chain). */
export function pidsIn(key: string): number[] {
  const out: number[] = [];
  for (const { dir } of sessionCgroupDirs(key)) {
    try {
      out.push(...readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number));
    } catch {
      // not made (no cgroup here)
    }
  }
  return out;
}

/** How long a wrapped shell has to be announced as created; a creation that failed is let go then. */
const CREATED_WITHIN_MS = 60_000;

/**
 * The `wrapArgv` for SessionManager.create: starts the session's shell under `limits`, and (given
 * the manager's events) removes its cgroup, with anything still running in it, when that session
 * ends. The session is known by name when given, else recognised at creation by its shell's pid.
 * Bad limits throw here, before anything is spawned.
 *
 * Nothing listens until the shell is actually wrapped (a creation refused earlier, for a taken name
 * or a bad cwd, leaves nothing behind). A shell wrapped but never announced as created (it failed
 * to spawn, or exited at once) has its listeners removed and its cgroup released after
 * `createdWithinMs`, or as soon as its session ends.
 */
export function limitsWrapper(
  limits: SessionLimits,
  events?: SessionEventsLike,
  sessionName?: string,
  opts: { createdWithinMs?: number } = {},
): (argv: string[], sessionId?: string) => string[] {
  wrapWithLimits(["true"], limits); // validates; creates nothing without a session key
  let key = `s-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  let armed = false;
  const arm = () => {
    if (armed || !events || !cgroupPlan()) return;
    armed = true;
    let name = sessionName;
    let ownPids = new Set<number>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopListening = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      events.off("session:created", onCreated);
      events.off("session:ended", onEnded);
    };
    const onCreated: InfoListener = (info) => {
      const ours = (sessionName !== undefined && info.name === sessionName) || (!!info.pid && pidsIn(key).includes(info.pid));
      if (!ours) return;
      name = info.name;
      if (timer) clearTimeout(timer);
      timer = undefined;
      events.off("session:created", onCreated);
    };
    const onEnded: InfoListener = (info) => {
      const ours = (name !== undefined && info.name === name) || (!!info.pid && ownPids.has(info.pid));
      if (!ours) return;
      stopListening();
      void releaseLimits(key);
    };
    events.on("session:created", onCreated);
    events.on("session:ended", onEnded);
    timer = setTimeout(() => {
      timer = undefined;
      events.off("session:created", onCreated);
      const left = pidsIn(key);
      if (left.length === 0) {
        // the creation failed: nothing will ever end here
        events.off("session:ended", onEnded);
        void releaseLimits(key);
      } else ownPids = new Set(left); // running but not recognised: released when that shell ends
    }, opts.createdWithinMs ?? CREATED_WITHIN_MS);
    (timer as { unref?: () => void }).unref?.();
  };
  // Given the session's id (as the session passes it), the limits go on the session's own cgroup,
  // the one that also contains everything the session starts (session/containment.ts).
  return (argv, sessionId) => {
    if (sessionId && !armed) key = sessionId;
    const out = wrapWithLimits(argv, limits, key);
    arm();
    return out;
  };
}

/**
 * Ends every process left in the session's cgroups (a fork bomb's children too) and removes them.
 * Polls asynchronously (never blocks the event loop); the first round of kills is immediate.
 */
export async function releaseLimits(sessionId: string): Promise<void> {
  for (const { dir, version } of sessionCgroupDirs(sessionId)) {
    if (!existsSync(dir)) continue;
    try {
      if (version === "v2" && existsSync(join(dir, "cgroup.kill"))) writeFileSync(join(dir, "cgroup.kill"), "1");
      for (let round = 0; round < 100; round++) {
        const pids = readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
        if (pids.length === 0) break;
        for (const pid of pids) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
        await sleep(10);
      }
      rmdirSync(dir);
    } catch {
      // still busy: the next release or a reboot cleans it
    }
  }
}

/** Parses `cpu=60,mem=512,procs=100,files=1024` (mem in MiB, or with a M/G suffix). */
export function parseLimitSpec(spec: string): SessionLimits {
  const limits: SessionLimits = {};
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [key, raw] = part.split("=");
    const value = raw?.trim() ?? "";
    const num = (v: string) => {
      const m = /^(\d+)([kKmMgG]?)$/.exec(v);
      if (!m) throw new AppError("invalid", `the limit "${part}" needs a number (like mem=512M or procs=100)`);
      return Number(m[1]);
    };
    switch (key?.trim()) {
      case "cpu":
        limits.cpuSeconds = num(value);
        break;
      case "mem":
      case "memory": {
        const m = /^(\d+)([kKmMgG]?)$/.exec(value);
        if (!m) throw new AppError("invalid", `the limit "${part}" needs a size (like mem=512M or mem=2G)`);
        const unit = (m[2] ?? "").toLowerCase();
        limits.memoryMb = unit === "g" ? Number(m[1]) * 1024 : unit === "k" ? Math.max(1, Math.ceil(Number(m[1]) / 1024)) : Number(m[1]);
        break;
      }
      case "procs":
      case "processes":
        limits.processes = num(value);
        break;
      case "files":
      case "nofile":
        limits.openFiles = num(value);
        break;
      default:
        throw new AppError("invalid", `unknown limit "${key}" (use cpu, mem, procs or files)`);
    }
  }
  return limits;
}
