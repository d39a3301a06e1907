// What a role's sandbox allows, drawn from the role: a role without a workspace, custom roles from
// roles.json (directories, narrowed reading, network), several roles at once, a data directory
// inside a writable one, and a forced fallback that says it is advisory. Real kernel, real bash.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppError } from "../../server/errors.ts";
import type { SandboxStatement } from "../../server/sandbox/statement.ts";
import { SYSTEM_PATH, sandboxHarness } from "./harness.ts";

const rolesDir = mkdtempSync(join(tmpdir(), "ais-roles-"));
const rolesFile = join(rolesDir, "roles.json");
writeFileSync(
  rolesFile,
  JSON.stringify({
    roles: {
      docs: { extends: "qa", dirs: ["$WORKSPACE/docs", "$TMPDIR"], read: ["$WORKSPACE"], net: "none" },
      web: { extends: "frontend", net: { ports: [0] } }, // the port is filled in below
    },
  }),
);
// two TCP listeners on loopback: one the web role may reach, one it may not
const allowedPort = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
const otherPort = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
writeFileSync(
  rolesFile,
  readFileSync(rolesFile, "utf8").replace('"ports":[0]', `"ports":[${allowedPort.port}]`),
);

const h = sandboxHarness({ rolesFile });
const ws = h.dir("ws");
mkdirSync(join(ws, "docs"));
const outside = h.dir("outside");
writeFileSync(join(outside, "notes.txt"), "private notes\n");
afterAll(async () => {
  allowedPort.stop(true);
  otherPort.stop(true);
  await h.close();
});

const landlock = (name: string) => h.sessions.get(name).info().sandbox as Extract<SandboxStatement, { kind: "landlock" }>;
const connect = (port: number) => `(exec 3<>/dev/tcp/127.0.0.1/${port}) && echo connected:${port} || echo refused:${port}`;

describe("a role without a workspace", () => {
  beforeAll(async () => {
    h.bus.agents.register({ name: "free", role: "qa", workspace: null });
    await h.create("free", { agent: "free", cwd: h.dir("free") });
  });

  test("can change its private TMPDIR only, and says so", async () => {
    expect(landlock("free").write).toEqual([landlock("free").tmpdir]);
    const r = await h.exec("free", 'F=./here; touch $F || echo cwd:refused; touch "$TMPDIR/t" && echo tmp:ok', "free");
    expect(r.output).toContain("cwd:refused");
    expect(r.output).toContain("tmp:ok");
    expect(r.analysis.sandbox_denied?.path).toBe(join(h.root, "free", "here"));
  });

  test("made without a directory, its session starts in that private TMPDIR and works there", async () => {
    await h.sessions.create({ name: "free-nodir", agent: "free", shell: "/bin/bash", env: { HOME: h.userHome, PATH: SYSTEM_PATH } });
    expect(h.sessions.get("free-nodir").info().cwd).toBe(landlock("free-nodir").tmpdir);
    const r = await h.exec("free-nodir", "touch made-here && ls && pwd", "free");
    expect(r.output).toContain("made-here");
    expect(r.output).toContain(landlock("free-nodir").tmpdir);
  });
});

describe("custom roles from roles.json", () => {
  beforeAll(async () => {
    h.bus.agents.register({ name: "writer", role: "docs", workspace: ws });
    h.bus.agents.register({ name: "webdev", role: "web", workspace: ws });
    await h.create("docs", { agent: "writer", cwd: join(ws, "docs") });
    await h.create("web", { agent: "webdev", cwd: ws });
  });

  test("dirs: only $WORKSPACE/docs (and TMPDIR) may change", async () => {
    expect(landlock("docs").write).toEqual([join(ws, "docs"), landlock("docs").tmpdir]);
    const r = await h.exec("docs", `touch page.md && echo docs:ok; O=${ws}/code.ts; touch $O || echo ws:refused`, "writer");
    expect(r.output).toContain("docs:ok");
    expect(r.output).toContain("ws:refused");
    expect(existsSync(join(ws, "code.ts"))).toBe(false);
  });

  test("read: narrowed to the workspace and the system's directories", async () => {
    expect(landlock("docs").read).toContain(ws);
    const r = await h.exec("docs", `head -c 0 /etc/passwd && echo system:ok; N=${outside}/notes.txt; cat $N || echo notes:refused; ls ${ws} >/dev/null && echo ws:ok`, "writer");
    expect(r.output).toContain("system:ok");
    expect(r.output).toContain("notes:refused");
    expect(r.output).not.toContain("private notes");
    expect(r.output).toContain("ws:ok");
    expect(r.analysis.sandbox_denied?.path).toBe(join(outside, "notes.txt"));
  });

  test('net "none": no TCP connection, not even to loopback', async () => {
    expect(landlock("docs").net).toBe("none");
    const r = await h.exec("docs", connect(allowedPort.port), "writer");
    expect(r.output).toContain(`refused:${allowedPort.port}`);
  });

  test("net ports: the listed port is reachable, another is not", async () => {
    expect(landlock("web").net).toEqual({ ports: [allowedPort.port] });
    const r = await h.exec("web", `${connect(allowedPort.port)}; ${connect(otherPort.port)}`, "webdev");
    expect(r.output).toContain(`connected:${allowedPort.port}`);
    expect(r.output).toContain(`refused:${otherPort.port}`);
  });

  test("the roles file itself is out of reach: a role cannot rewrite its own rules", async () => {
    expect(landlock("web").hidden).toContain(rolesFile);
    const r = await h.exec("web", `R=${rolesFile}; cat $R || echo read:refused; echo '{}' > $R || echo write:refused`, "webdev");
    expect(r.output).toContain("read:refused");
    expect(r.output).toContain("write:refused");
    expect(readFileSync(rolesFile, "utf8")).toContain('"docs"');
  });
});

describe("several roles at once", () => {
  test("an agent's session with another role is held to both: only what both allow may change", async () => {
    h.bus.agents.register({ name: "fe1", role: "frontend", workspace: ws });
    await h.create("both", { agent: "fe1", role: "qa", cwd: ws });
    const sb = landlock("both");
    expect(sb.roles).toEqual(["frontend", "qa"]);
    expect(sb.write).toEqual([sb.tmpdir]); // qa as a second role has no workspace of its own here
    const r = await h.exec("both", "F=./both.txt; touch $F || echo ws:refused", "fe1");
    expect(r.output).toContain("ws:refused");
  });
});

describe("a data directory inside a writable directory", () => {
  test("a workspace that holds the data directory may change, but the data directory inside it stays hidden", async () => {
    // as ~/.local/share/ai-session lies inside a devops agent's $HOME
    h.bus.agents.register({ name: "keeper", role: "qa", workspace: h.root });
    await h.create("keeper", { agent: "keeper", cwd: h.root });
    const sb = landlock("keeper");
    expect(sb.write).toContain(h.root);
    expect(sb.hidden).toContain(h.home);
    const r = await h.exec(
      "keeper",
      `touch ${outside}/kept.txt && echo workspace:ok; T=${h.paths.token}; cat $T || echo token:refused; D=${h.paths.db}; echo x >> $D || echo db:refused; N=${h.home}/planted; touch $N || echo plant:refused`,
      "keeper",
    );
    expect(r.output).toContain("workspace:ok");
    expect(r.output).toContain("token:refused");
    expect(r.output).toContain("db:refused");
    expect(r.output).toContain("plant:refused");
    expect(r.output).not.toContain("owner-token-of-this-test");
  });
});

describe("a forced fallback (AI_SESSION_SANDBOX=none, as on a kernel without Landlock)", () => {
  test("the session says it has no sandbox and that the policy is advisory; the policy still refuses what it reads", async () => {
    process.env.AI_SESSION_SANDBOX = "none";
    try {
      h.bus.agents.register({ name: "qa-soft", role: "qa", workspace: ws });
      await h.create("soft", { agent: "qa-soft", cwd: ws });
    } finally {
      delete process.env.AI_SESSION_SANDBOX;
    }
    const sb = h.sessions.get("soft").info().sandbox;
    expect(sb).toEqual({ kind: "none", why: expect.stringContaining("AI_SESSION_SANDBOX=none") });
    expect((sb as { why: string }).why).toContain("advisory");
    const denied = await h.exec("soft", "rm -f /etc/ais-session-probe", "qa-soft").catch((e: AppError) => e);
    expect((denied as AppError).code).toBe("denied");
    const target = join(outside, "soft.txt");
    writeFileSync(target, "x");
    // what the policy cannot read, nothing holds: that is what "advisory" means
    await h.exec("soft", `X=${target}; rm -f $X`, "qa-soft");
    expect(existsSync(target)).toBe(false);
  });
});
