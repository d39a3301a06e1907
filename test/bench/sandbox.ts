// Sandbox benchmark (issue 11): what the Landlock launcher costs a session. Session create until the
// first prompt with and without the sandbox, and exec `true` round trips in a plain and in a
// sandboxed session, samples taken in turn so that the machine's load hits both alike. The launcher
// is the built binary, as in a server run from it (AI_SESSION_BIN points the server at it).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createBusService } from "../../server/bus/index.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { execCommand } from "../../server/session/operations.ts";
import { openDatabase } from "../../db/client.ts";
import { pathsFor } from "../../server/paths.ts";
import { SessionManager } from "../../server/session/manager.ts";
import { median, p99, timeIt } from "./_stats.ts";
import type { BenchRow } from "./run.ts";

const BIN = resolve(import.meta.dir, "../../dist/ai-session");
const N_CREATE = 100;
const N_EXEC = 200;

function rows(metric: string, samples: number[]): BenchRow[] {
  return [
    { bench: "sandbox", metric: `${metric} median`, value: median(samples), unit: "ms" },
    { bench: "sandbox", metric: `${metric} p99`, value: p99(samples), unit: "ms" },
  ];
}

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(BIN)) throw new Error("dist/ai-session is missing: npm run build first");
  const before = process.env.AI_SESSION_BIN;
  process.env.AI_SESSION_BIN = BIN;
  // The data directory where a user's lies: beside few entries (~/.local/share/ai-session), not in a
  // /tmp that holds every test's directories; the rules that hide it grow with its neighbours.
  const root = mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : tmpdir(), "ais-bench-sandbox-"));
  const home = join(root, "data");
  mkdirSync(home, { mode: 0o700 });
  const paths = pathsFor(home);
  const db = openDatabase(paths.db);
  const sessions = new SessionManager(db, paths);
  const h = { db, sessions, ops: { db, sessions } };
  const bus = createBusService({ db: h.db, home, sessions: h.sessions });
  const ws = join(root, "ws");
  const cleanHome = join(root, "home");
  mkdirSync(ws);
  mkdirSync(cleanHome);
  const env = { HOME: cleanHome };
  bus.agents.register({ name: "qa-bench", role: "qa", workspace: ws });
  const out: BenchRow[] = [];
  try {
    // (a) create until the first prompt, one plain and one sandboxed in turn; each is killed after
    const plain: number[] = [];
    const boxed: number[] = [];
    for (let i = 0; i < N_CREATE; i++) {
      for (const [name, samples, agent] of [[`p${i}`, plain, undefined], [`s${i}`, boxed, "qa-bench"]] as const) {
        const t = performance.now();
        await h.sessions.create({ name, cwd: ws, shell: "/bin/bash", env, agent });
        samples.push(performance.now() - t);
        await h.sessions.kill(name);
      }
    }
    out.push(...rows("create until prompt, plain", plain));
    out.push(...rows("create until prompt, sandboxed (qa role, Landlock)", boxed));
    const added = median(boxed) - median(plain);
    out.push({ bench: "sandbox", metric: "launcher cost per create (median difference)", value: added, unit: "ms", target: "<= 5 ms", ok: added <= 5 });

    // (b) exec round trips: the sandbox is in the kernel, not on the path of a command
    await h.sessions.create({ name: "p", cwd: ws, shell: "/bin/bash", env });
    await h.sessions.create({ name: "s", cwd: ws, shell: "/bin/bash", env, agent: "qa-bench" });
    const owner = ownerCaller();
    const agent = ownerCaller("qa-bench");
    for (let i = 0; i < 10; i++) (await execCommand(h.ops, owner, "p", { command: "true" }), await execCommand(h.ops, agent, "s", { command: "true" }));
    const execPlain: number[] = [];
    const execBoxed: number[] = [];
    for (let i = 0; i < N_EXEC; i++) {
      execPlain.push(...(await timeIt(1, () => execCommand(h.ops, owner, "p", { command: "true" }))));
      execBoxed.push(...(await timeIt(1, () => execCommand(h.ops, agent, "s", { command: "true" }))));
    }
    out.push(...rows("exec `true`, plain session", execPlain));
    out.push(...rows("exec `true`, sandboxed session (policy check included)", execBoxed));
    const diff = median(execBoxed) - median(execPlain);
    const rules = h.sessions.get("s").config.sandbox.layers!.reduce((n, l) => n + l.paths.length, 0);
    out.push({ bench: "sandbox", metric: "Landlock rules of a qa session (data directory hidden)", value: rules, unit: "rules" });
    out.push({ bench: "sandbox", metric: "exec round trip, sandboxed minus plain (median)", value: diff, unit: "ms", target: "within noise (< 0.5 ms)", ok: Math.abs(diff) < 0.5 });

    // (c) where the launcher's time goes: the binary's own start, and the launcher up to exec of /bin/true
    const spec = JSON.stringify({ abi: 1, layers: [{ fs: 1, net: 0, scoped: 0, paths: [["/", 1]], ports: [] }], cwd: "/", env: {} });
    const start = await timeIt(50, () => Bun.spawnSync([BIN, "--version"]));
    const launch = await timeIt(50, () => Bun.spawnSync([BIN, "__sandbox", "-", "--", "/bin/true"], { env: { AI_SESSION_SANDBOX_SPEC: spec } }));
    out.push(...rows("binary start (`ai-session --version`)", start));
    out.push(...rows("launcher: start, one ruleset, exec /bin/true", launch));
  } finally {
    bus.close();
    await h.sessions.killAll();
    db.$client.close();
    rmSync(root, { recursive: true, force: true });
    if (before === undefined) delete process.env.AI_SESSION_BIN;
    else process.env.AI_SESSION_BIN = before;
  }
  return out;
}
