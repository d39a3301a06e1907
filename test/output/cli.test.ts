import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "./corpus.ts";

const MAIN = join(import.meta.dir, "..", "..", "cli", "main.ts");
// each test starts the CLI from source and loads a tokenizer: seconds on a loaded machine
setDefaultTimeout(30_000);

async function cli(args: string[], stdin?: Uint8Array | string) {
  const home = mkdtempSync(join(tmpdir(), "ais-cli-output-"));
  const proc = Bun.spawn([process.execPath, MAIN, ...args], {
    env: { ...process.env, AI_SESSION_HOME: home, NO_COLOR: "1" },
    stdin: stdin === undefined ? "ignore" : new Blob([stdin as BlobPart]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err] = [await new Response(proc.stdout).text(), await new Response(proc.stderr).text()];
  return { code: await proc.exited, out, err, home };
}

describe("ai-session compact and analyze work without a server", () => {
  test("compact --json prints one document with the text, real token counts and the analysis", async () => {
    const r = await cli(["compact", join(FIXTURES, "cargo-test-one-failure.txt"), "--json", "--command", "cargo test", "--exit-code", "101"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc).sort()).toEqual(["analysis", "text", "tokens"]);
    expect(doc.text).toContain("test result: FAILED. 6 passed; 2 failed");
    expect(doc.tokens.raw).toBeGreaterThan(doc.tokens.compacted);
    expect(doc.tokens.saved_pct).toBeGreaterThan(0);
    expect(doc.analysis).toMatchObject({ tool: "cargo", status: "failure", tests_failed: ["tests::mean_of_empty_is_zero", "tests::parse_empty_is_none"] });
    // no server was started, no socket or database created
    expect(readdirSync(r.home).filter((f) => f.endsWith(".sock") || f.endsWith(".db"))).toEqual([]);
  });

  test("compact reads raw terminal output from stdin", async () => {
    const r = await cli(["compact", "-"], "\x1b[32mok\x1b[0m 10%\r\x1b[32mok\x1b[0m 100%\r\ndone\r\n");
    expect(r.code).toBe(0);
    expect(r.out).toBe("ok 100%\ndone\n");
  });

  test("compact --encoding cl100k_base counts with that tokenizer; an unknown one is a usage error", async () => {
    const file = join(FIXTURES, "tsc-type-errors.txt");
    const a = JSON.parse((await cli(["compact", file, "--json"])).out);
    const b = JSON.parse((await cli(["compact", file, "--json", "--encoding", "cl100k_base"])).out);
    expect(a.text).toBe(b.text);
    expect(a.tokens.raw).not.toBe(b.tokens.raw);
    const bad = await cli(["compact", file, "--encoding", "p50k"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown encoding "p50k"');
    expect(bad.out).toBe("");
  });

  test("a missing file is one clear line and a failing exit code", async () => {
    const r = await cli(["compact", "/nonexistent/output.txt"]);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('ai-session: no file named "/nonexistent/output.txt" (pass a path, or - to read stdin)');
  });

  test("analyze --file prints the tool, status, errors with locations and next steps", async () => {
    const r = await cli(["analyze", "--file", join(FIXTURES, "go-build-errors.txt")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("go (build): failure");
    expect(r.out).toContain("./main.go:10:14");
    expect(r.out).toContain("next: open ./main.go:5:2");
    const j = JSON.parse((await cli(["analyze", "--file", join(FIXTURES, "go-build-errors.txt"), "--json"])).out);
    expect(j.errors.length).toBe(5);
    expect(existsSync(join(r.home, "server.sock"))).toBe(false);
  });
});
