// The sandbox through the compiled binary, as a user and an agent meet it: status and create state
// it, the CLI inside a sandboxed shell cannot reach the server, a secret is typed only into a
// password prompt and is stored nowhere, and a forced fallback says it is advisory.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, CliHome, requireBinary } from "../e2e/cli.ts";
import { SYSTEM_PATH } from "./harness.ts";

requireBinary();
const root = mkdtempSync(join(tmpdir(), "ais-sandbox-cli-"));
const userHome = join(root, "home");
const ws = join(root, "ws");
const outside = join(root, "outside");
for (const d of [userHome, ws, outside]) mkdirSync(d);
const env = { HOME: userHome, PATH: SYSTEM_PATH };
const cli = new CliHome(env);
const SECRET = "hunter2-correct-horse-battery";
afterAll(() => cli.close(), 30_000);

/** Every file under a directory, with its bytes. */
function filesUnder(dir: string): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...filesUnder(p));
    else if (st?.isFile()) out.push([p, readFileSync(p)]);
  }
  return out;
}

beforeAll(async () => {
  expect((await cli.run(["agent", "register", "qa1", "--role", "qa", "--workspace", ws])).code).toBe(0);
}, 30_000);

describe("the sandbox through the CLI", () => {
  test("status --json and create --json state it; a plain session has none, and says why", async () => {
    const status = await cli.json<{ sandbox: { kind: string; abi: number } }>(["status"]);
    expect(status.sandbox.kind).toBe("landlock");
    expect(status.sandbox.abi).toBeGreaterThanOrEqual(1);
    const q = await cli.json<{ name: string; sandbox: { kind: string; abi: number; write: string[]; tmpdir: string } }>(["create", "--name", "q", "--agent", "qa1", "--cwd", ws]);
    expect(q.name).toBe("q");
    expect(q.sandbox).toMatchObject({ kind: "landlock", abi: status.sandbox.abi, write: [ws, q.sandbox.tmpdir] });
    const plain = await cli.json<{ sandbox: { kind: string; why: string } }>(["create", "--name", "plain", "--cwd", ws]);
    expect(plain.sandbox.kind).toBe("none");
    expect(plain.sandbox.why).toContain("without a role or agent");
    const text = await cli.run(["status"]);
    expect(text.stdout).toContain(`sandbox for role sessions: Landlock ABI ${status.sandbox.abi}`);
  }, 30_000);

  test("the ai-session CLI inside a sandboxed shell cannot reach the server: no new session, no command elsewhere", async () => {
    const canary = join(outside, "canary");
    writeFileSync(canary, "canary\n");
    writeFileSync(
      join(ws, "escape.sh"),
      `"${BIN}" create --name escaped; echo create:$?\n"${BIN}" exec plain "rm -f ${canary}"; echo exec:$?\nT=$AI_SESSION_HOME/token; cat $T; echo token:$?\n`,
    );
    const r = await cli.json<{ output: string }>(["exec", "q", "sh ./escape.sh", "--agent", "qa1", "--raw"]);
    expect(r.output).toContain("create:1");
    expect(r.output).toContain("exec:1");
    expect(r.output).toContain("needs the owner token");
    expect(r.output).toContain("token:1");
    expect(existsSync(canary)).toBe(true);
    const names = (await cli.json<Array<{ name: string }>>(["list"])).map((s) => s.name);
    expect(names).not.toContain("escaped");
  }, 30_000);

  test("a policy refusal is exit 126 with one line naming the rule, before anything runs", async () => {
    const r = await cli.run(["exec", "q", "rm -rf /etc/ais-probe", "--agent", "qa1"]);
    expect(r.code).toBe(126);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("rule dirs");
  }, 30_000);
});

describe("send --secret through the CLI", () => {
  test("at the bash prompt it is refused (exit 126) and nothing is typed", async () => {
    const r = await cli.run(["send", "q", "--secret", "--agent", "qa1"], { stdin: `touch ${ws}/leaked\n` });
    expect(r.code).toBe(126);
    expect(r.stderr).toContain("shell's own prompt");
    await Bun.sleep(300);
    expect(existsSync(join(ws, "leaked"))).toBe(false);
  }, 30_000);

  test("at a read -s prompt it is typed, and neither state.db, its WAL, a snapshot nor any file of the data directory holds it", async () => {
    const asked = await cli.run(["exec", "q", 'read -r -s -p "Password: " PW; echo; echo "length ${#PW}"', "--agent", "qa1", "--json"]);
    expect(asked.code).toBe(125);
    const id = JSON.parse(asked.stdout).command_id as number;
    const sent = await cli.run(["send", "q", "--secret", "--agent", "qa1"], { stdin: `${SECRET}\n` });
    expect(sent.code).toBe(0);
    const done = await cli.json<{ output: string; exit_code: number }>(["wait", "q", "--command", String(id), "--agent", "qa1"]);
    expect(done.exit_code).toBe(0);
    expect(done.output).toContain(`length ${SECRET.length}`);
    const file = join(root, "q.snapshot.json");
    expect((await cli.run(["snapshot", "q", "-o", file, "--agent", "qa1"])).code).toBe(0);
    const stored = [...filesUnder(cli.home), [file, readFileSync(file)] as [string, Buffer]];
    expect(stored.map(([p]) => p)).toContain(join(cli.home, "state.db"));
    for (const [path, bytes] of stored) expect([path, bytes.includes(SECRET)]).toEqual([path, false]);
  }, 30_000);
});

describe("a server forced to the fallback (AI_SESSION_SANDBOX=none)", () => {
  const soft = new CliHome({ ...env, AI_SESSION_SANDBOX: "none" });
  afterAll(() => soft.close(), 30_000);

  test("status and create say there is no sandbox and that the policy is advisory; the policy still refuses with 126", async () => {
    expect((await soft.run(["agent", "register", "qa1", "--role", "qa", "--workspace", ws])).code).toBe(0); // starts the server
    const status = await soft.json<{ sandbox: { kind: string; why: string } }>(["status"]);
    expect(status.sandbox.kind).toBe("none");
    expect(status.sandbox.why).toContain("AI_SESSION_SANDBOX=none");
    expect(status.sandbox.why).toContain("advisory");
    const s = await soft.json<{ sandbox: { kind: string; why: string } }>(["create", "--name", "s", "--agent", "qa1", "--cwd", ws]);
    expect(s.sandbox).toEqual(status.sandbox);
    const r = await soft.run(["exec", "s", "rm -rf /etc/ais-probe", "--agent", "qa1"]);
    expect(r.code).toBe(126);
  }, 30_000);
});
