import { describe, expect, test } from "bun:test";
import { assembleContext, type CommandFacts } from "../../server/context/assemble.ts";
import { Conversation } from "../../server/context/conversation.ts";
import { countTokens } from "../../server/tokens/tokens.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { CORPUS_COLS, loadCorpus } from "../output/corpus.ts";

const corpus = loadCorpus();
const fixture = (name: string) => corpus.find((f) => f.name === name)!;

function commandFrom(name: string, id: number): CommandFacts {
  const f = fixture(name);
  const r = compactOutput(f.raw, { command: f.facts.command, exitCode: f.facts.exit_code, cols: CORPUS_COLS });
  return { command_id: id, command: f.facts.command, status: f.facts.exit_code === 0 ? "ok" : "failed", exit_code: f.facts.exit_code, duration_ms: 1200, output: r.text, analysis: r.analysis };
}

const session = { name: "dev", cwd: "/tmp/proj/rustcalc", shell: "bash", git_branch: "main" };

describe("assembleContext", () => {
  const commands = [commandFrom("cargo-build-unused-warning", 1), commandFrom("git-status-changes", 2), commandFrom("cargo-test-one-failure", 3)];

  test("holds the session facts, the last command with its result, open errors and next steps", () => {
    const c = assembleContext({ session, commands }, { maxTokens: 4000 });
    expect(c.text).toContain("# session dev: /tmp/proj/rustcalc — bash, branch main");
    expect(c.text).toContain("#3 failed (exit 101, 1.2 s) $ cargo test");
    expect(c.text).toContain("- failed test: tests::mean_of_empty_is_zero");
    expect(c.text).toContain("src/lib.rs:24");
    expect(c.text).toContain("## next");
    expect(c.text).toContain("#2 ok (exit 0, 1.2 s) $ git status");
    expect(c.text).toContain("test result: FAILED. 6 passed; 2 failed");
  });

  test("never exceeds the token budget, measured with the real tokenizer", () => {
    for (const max of [60, 150, 400, 1000, 4000]) {
      const c = assembleContext({ session, commands }, { maxTokens: max });
      expect(countTokens(c.text)).toBeLessThanOrEqual(max);
      expect(c.tokens).toBeGreaterThanOrEqual(countTokens(c.text));
    }
  });

  test("a small budget keeps facts and errors before output, and says what it cut", () => {
    const c = assembleContext({ session, commands }, { maxTokens: 120 });
    expect(c.text).toContain("# session dev");
    expect(c.text).toContain("$ cargo test");
    expect(c.truncated.length).toBeGreaterThan(0);
  });

  test("--lines limits the output lines shown", () => {
    const c = assembleContext({ session, commands }, { maxTokens: 4000, lines: 3 });
    const out = c.text.split("## output\n")[1]!.split("\n## ")[0]!.split("\n");
    expect(out[0]).toMatch(/^… \d+ earlier lines not shown$/);
    expect(out.length).toBe(4);
  });

  test("a budget asked for is filled from a long last output; without one, 40 lines are shown", () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `src/mod${i}.ts:${i + 1}:7 - error TS${1000 + i}: Cannot find module 'pkg-${i}'.`);
    const long: CommandFacts = { command_id: 9, command: "tsc", status: "failed", exit_code: 2, duration_ms: 900, output: lines.join("\n") };
    const filled = assembleContext({ session, commands: [long] }, { maxTokens: 4000 });
    expect(filled.tokens).toBeGreaterThan(3500);
    expect(filled.tokens).toBeLessThanOrEqual(4000);
    const plain = assembleContext({ session, commands: [long] });
    expect(plain.text.split("## output\n")[1]!.split("\n## ")[0]!.split("\n").length).toBe(41); // the note and 40 lines
  });

  test("a session without commands still has its facts", () => {
    expect(assembleContext({ session, commands: [] }).text).toBe("# session dev: /tmp/proj/rustcalc — bash, branch main");
  });
});

describe("Conversation", () => {
  test("counts each message's tokens and says when the history approaches its limit", () => {
    const c = new Conversation({ limit: 100, threshold: 0.8 });
    const m = c.add("user", "Run the tests and fix the failing one in src/lib.rs:24.");
    expect(m.tokens).toBe(countTokens(m.content));
    expect(c.status().approaching_limit).toBe(false);
    while (!c.status().approaching_limit) c.add("assistant", "Looking at the output of cargo test now, one moment please.");
    expect(c.status().tokens).toBeGreaterThanOrEqual(80);
  });

  test("summarising the oldest turns keeps their informative sentences and frees tokens", () => {
    const c = new Conversation({ limit: 2000 });
    c.add("user", "Hello there. Please have a look at the build.");
    c.add("assistant", "Sure. I ran cargo build. It failed with error[E0308] at src/main.rs:9:24 because retries is a string.");
    for (let i = 0; i < 20; i++) c.add("assistant", `Still thinking about item ${i}. Nothing much to report here at all, just chatter and filler words.`);
    c.add("user", "We decided to keep retries as u32.");
    for (let i = 0; i < 6; i++) c.add("user", `recent message ${i}`);
    const before = c.status().tokens;
    const summary = c.summarizeOldest({ keepRecent: 6 });
    expect(summary).not.toBeNull();
    expect(summary!.content).toContain("src/main.rs:9:24");
    expect(summary!.content).toContain("We decided to keep retries as u32.");
    expect(c.status().tokens).toBeLessThan(before / 2);
    expect(c.messages().length).toBe(7);
    expect(c.messages().at(-1)!.content).toBe("recent message 5");
  });

  test("an unknown role is refused with a clear error", () => {
    expect(() => new Conversation().add("robot" as never, "hi")).toThrow(/unknown role "robot"/);
  });
});

describe("a conversation kept in SQLite", () => {
  test("survives a new server process (a fresh Conversations over the same database file)", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { openDatabase } = await import("../../db/client.ts");
    const { Conversations } = await import("../../server/context/conversation.ts");
    const { sqliteConversationStore } = await import("../../server/context/conversation-store.ts");
    const path = join(mkdtempSync(join(tmpdir(), "ais-conv-")), "state.db");

    const db1 = openDatabase(path);
    const first = new Conversations({}, (id) => sqliteConversationStore(db1, id));
    const c1 = first.of("session-1");
    for (let i = 0; i < 8; i++) c1.add(i % 2 ? "assistant" : "user", `message ${i}: the build failed at src/main.rs:${i + 1}.`);
    c1.summarizeOldest({ keepRecent: 3 });
    first.of("session-2").add("user", "another session");
    const before = c1.messages().map((m) => ({ ...m }));
    db1.$client.close();

    const db2 = openDatabase(path);
    const second = new Conversations({}, (id) => sqliteConversationStore(db2, id));
    const c2 = second.of("session-1");
    expect(c2.messages()).toEqual(before);
    expect(c2.messages()[0]!.role).toBe("summary");
    expect(c2.status().tokens).toBe(before.reduce((n, m) => n + m.tokens, 0));
    const next = c2.add("user", "and now?");
    expect(next.id).toBeGreaterThan(before.at(-1)!.id);
    expect(second.of("session-2").messages().map((m) => m.content)).toEqual(["another session"]);
  });
});

describe("counting huge texts", () => {
  test("counts in pieces exactly up to the limit, then says it extrapolated", async () => {
    const { countTokensLarge } = await import("../../server/tokens/tokens.ts");
    const line = "error[E0308]: mismatched types --> src/main.rs:9:24\n";
    const text = line.repeat(60_000); // ~3 MB, three pieces
    const exact = countTokens(text);
    const r = countTokensLarge(text);
    expect(r.estimated).toBe(false);
    expect(Math.abs(r.tokens - exact)).toBeLessThanOrEqual(2);
    const big = countTokensLarge(line.repeat(300_000), "o200k_base", 4 << 20); // ~15 MB, past a 4 MB limit
    expect(big.estimated).toBe(true);
    expect(Math.abs(big.tokens - countTokens(line) * 300_000) / big.tokens).toBeLessThan(0.01);
  }, 60_000);
});
