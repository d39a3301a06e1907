import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { expandPaths } from "../../server/output/paths.ts";
import { renderOutput } from "../../server/output/render.ts";
import { CORPUS_COLS, loadCorpus } from "./corpus.ts";

const corpus = loadCorpus();
/** grep's file:line:text lines look like any tool's locations; only the command says it is grep. */
const OUTPUT_ALONE_IS_AMBIGUOUS = new Set(["grep-recursive-matches"]);

describe("the corpus of real tool output", () => {
  test("holds at least 25 tools, passing and failing runs", () => {
    const tools = new Set(corpus.map((f) => f.name.split("-")[0]));
    expect(corpus.length).toBeGreaterThanOrEqual(25);
    expect(tools.size).toBeGreaterThanOrEqual(20);
    expect(corpus.some((f) => f.facts.exit_code === 0)).toBe(true);
    expect(corpus.some((f) => f.facts.exit_code !== 0)).toBe(true);
  });
});

describe.each(corpus.map((f) => [f.name, f] as const))("%s", (_name, fixture) => {
  const { facts, raw } = fixture;
  const rendered = renderOutput(raw, { cols: CORPUS_COLS });
  const hint = (a: number, b: number) => `ai-session read dev --command 42 --lines ${a}-${b}`;
  const compacted = compactOutput(raw, { command: facts.command, exitCode: facts.exit_code, cols: CORPUS_COLS, expandHint: hint });

  test("its must-keep facts are in what the person saw", () => {
    for (const fact of facts.must_keep) expect(rendered).toContain(fact);
  });

  test("compaction keeps every must-keep fact verbatim", () => {
    for (const fact of facts.must_keep) expect(compacted.text).toContain(fact);
  });

  test("each fold marker names lines that exist and the command that expands them", () => {
    const count = rendered.split("\n").length;
    for (const fold of compacted.folds) {
      expect(fold.from).toBeGreaterThanOrEqual(1);
      expect(fold.to).toBeLessThanOrEqual(count);
      expect(compacted.text).toContain(hint(fold.from, fold.to));
    }
  });

  test("compaction never grows the output", () => {
    expect(compacted.text.length).toBeLessThanOrEqual(rendered.length);
  });

  test("lossless mode keeps every line", () => {
    const text = compactOutput(raw, { mode: "lossless", cols: CORPUS_COLS }).text;
    const legend = /^\[paths: (.*)\]$/m.exec(text)?.[1]?.split(" · ") ?? [];
    const lossless = expandPaths(text.split("\n"), legend).join("\n");
    const distinct = new Set(rendered.split("\n"));
    for (const line of distinct) expect(lossless).toContain(line);
  });

  test("the analysis recognises the tool and its structure", () => {
    const a = analyzeOutput(rendered, { command: facts.command, exitCode: facts.exit_code });
    const want = facts.expect;
    if (want.tool) expect(a.tool).toBe(want.tool);
    if (want.kind) expect(a.kind).toBe(want.kind);
    if (want.status) expect(a.status).toBe(want.status);
    if (facts.exit_code !== 0) expect(a.status).toBe("failure");
    for (const name of want.tests_failed ?? []) expect(a.tests_failed).toContain(name);
    const locations = a.errors.map((e) => (e.line === null ? `${e.file}` : `${e.file}:${e.line}`));
    for (const loc of want.error_locations ?? []) expect(locations).toContain(loc);
    for (const [key, value] of Object.entries(want.counts ?? {})) expect(a.counts[key as keyof typeof a.counts]).toBe(value as number);
  });

  test("the tool is recognised from the output alone, without the command line", () => {
    if (!facts.expect.tool || OUTPUT_ALONE_IS_AMBIGUOUS.has(fixture.name)) return;
    expect(analyzeOutput(rendered).tool).toBe(facts.expect.tool);
  });

  test("a failed command is never reported as a success, even without its output's help", () => {
    if (facts.exit_code === 0) return;
    const a = compactOutput(raw, { exitCode: facts.exit_code, cols: CORPUS_COLS }).analysis;
    expect(a.status).toBe("failure");
  });
});
