/**
 * Environment is input too. A session held to a role (made for an agent, or with --role) is never
 * given a variable that makes its shell run code by itself, outside the policy: `create --env`
 * refuses it with one sentence naming it, and a restore from a (crafted) snapshot file leaves it
 * out and says so. Sessions under no role are the owner's own business and keep what they are given.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codeRunningReason } from "../../server/security/env-input.ts";
import { cli } from "../persist/cli-harness.ts";
import { securityServer, type SecurityServer } from "./harness.ts";

let s: SecurityServer;
let marks: string;
beforeAll(async () => {
  s = await securityServer("ais-envin-");
  marks = mkdtempSync(join(tmpdir(), "ais-envin-marks-"));
  expect((await s.call("POST", "/api/agents", { name: "tester", role: "qa" })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await s?.stop();
  rmSync(marks, { recursive: true, force: true });
});

const shell = () => ({ shell: "/bin/bash", cwd: s.shellHome });
const mark = (name: string) => join(marks, name);

describe("which variables make the shell run code", () => {
  test("the startup and loader variables always; prompts only with a substitution", () => {
    for (const name of ["PROMPT_COMMAND", "BASH_ENV", "ENV", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "ZDOTDIR", "SHELLOPTS", "BASH_FUNC_ls%%"]) {
      expect([name, codeRunningReason(name, "anything") !== null]).toEqual([name, true]);
    }
    for (const value of ["$(touch x)", "`touch x`", "${a[$(id)]}", "$((1+1))", "\\\\$(id)", "${HOME}"]) {
      for (const name of ["PS0", "PS1", "PS2", "PS3", "PS4"]) expect([name, value, codeRunningReason(name, value) !== null]).toEqual([name, value, true]);
    }
    // a plain prompt (with the \$ escape) runs nothing; other variables are data
    for (const [name, value] of [["PS1", "\\u@\\h:\\w\\$ "], ["PS1", "> "], ["PATH", "/usr/bin:$(x)"], ["GREETING", "`hi`"], ["EDITOR", "vim"]]) {
      expect([name, value, codeRunningReason(name!, value!)]).toEqual([name, value, null]);
    }
  });
});

describe("create --env under a role", () => {
  test("each code-running variable is refused, naming it, and nothing is created or run", async () => {
    const cases: Array<[string, string]> = [
      ["PROMPT_COMMAND", `touch ${mark("pc")}`],
      ["PS1", `$(touch ${mark("ps1")})\\$ `],
      ["PS0", `\`touch ${mark("ps0")}\``],
      ["BASH_ENV", mark("bash-env.sh")],
      ["ENV", mark("env.sh")],
      ["LD_PRELOAD", "/nonexistent/evil.so"],
      ["LD_LIBRARY_PATH", marks],
      ["BASH_FUNC_echo%%", `() { touch ${mark("fn")}; }`],
    ];
    for (const [name, value] of cases) {
      for (const held of [{ role: "qa" }, { agent: "tester" }]) {
        const r = await s.call("POST", "/api/sessions", { name: "held", ...shell(), env: { [name]: value }, ...held });
        expect([name, held, r.status]).toEqual([name, held, name.startsWith("BASH_FUNC_") ? 400 : 403]);
        if (r.status === 403) {
          expect(r.json.error.message).toContain(`cannot set ${name}`);
          expect(r.json.error.message).toContain("leave it out of --env");
        }
      }
    }
    expect((await s.call("GET", "/api/sessions/held")).status).toBe(404);
    for (const f of ["pc", "ps1", "ps0", "fn"]) expect([f, existsSync(mark(f))]).toEqual([f, false]);
  });

  test("through the CLI: exit 126 and one sentence; a plain prompt and ordinary variables are fine", async () => {
    const refused = await cli(s.home, ["create", "--name", "cli-held", "--role", "qa", "--cwd", s.shellHome, "--shell", "/bin/bash", "--env", `PROMPT_COMMAND=touch ${mark("cli")}`]);
    expect(refused.code).toBe(126);
    expect(refused.stderr).toContain("cannot set PROMPT_COMMAND");
    expect(refused.stderr.trim().split("\n").length).toBe(1);
    const fine = await cli(s.home, ["create", "--name", "cli-ok", "--role", "qa", "--cwd", s.shellHome, "--shell", "/bin/bash", "--env", "PS1=\\w\\$ ", "--env", "GREETING=hi"]);
    expect(fine.code).toBe(0);
    expect((await s.call("POST", "/api/sessions/cli-ok/exec", { command: 'echo "[$GREETING]"' })).json.output).toContain("[hi]");
    // a session under no role is the owner's: it keeps what it is given
    expect((await s.call("POST", "/api/sessions", { name: "free", ...shell(), env: { PROMPT_COMMAND: "true" } })).status).toBe(201);
  });
});

describe("restoring a snapshot under a role", () => {
  test("code-running variables in a crafted file are left out, with a note, and never run", async () => {
    expect((await s.call("POST", "/api/sessions", { name: "qa-src", ...shell(), role: "qa" })).status).toBe(201);
    const snap = await s.call("POST", "/api/sessions/qa-src/snapshot", { document: true });
    const doc = JSON.parse(snap.json.file_text);
    doc.session.env = {
      ...doc.session.env,
      PROMPT_COMMAND: `touch ${mark("restored-pc")}`,
      PS1: `$(touch ${mark("restored-ps1")})$ `,
      LD_PRELOAD: "/nonexistent/evil.so",
      KEPT: "yes",
    };
    const file = join(marks, "crafted.json");
    writeFileSync(file, JSON.stringify(doc));
    const r = await cli(s.home, ["restore", "--file", file, "--name", "qa-restored", "--json"]);
    expect(r.code).toBe(0);
    const restored = JSON.parse(r.stdout);
    const note = restored.notes.find((n: string) => n.startsWith("left out"));
    expect(note).toContain("PROMPT_COMMAND");
    expect(note).toContain("PS1");
    expect(note).toContain("LD_PRELOAD");
    const ran = await s.call("POST", "/api/sessions/qa-restored/exec", { command: 'echo "kept=$KEPT preload=${LD_PRELOAD:-none}"' });
    expect(ran.json.output).toContain("kept=yes preload=none");
    expect(existsSync(mark("restored-pc"))).toBe(false);
    expect(existsSync(mark("restored-ps1"))).toBe(false);
    expect(readFileSync(file, "utf8")).toContain("PROMPT_COMMAND"); // the file itself is left as it was
  }, 60_000);
});
