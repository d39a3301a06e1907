/** Rules that came from corpus group g43 (captured before them): a code base searched with grep, rg and git grep, and listed with find and ls. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

// grep -rn over a code base whose matches say `error` and `throw`, as a search for them does
const matches = Array.from({ length: 60 }, (_, k) => `src/routes/r${k % 7}.ts:${10 + k * 3}:    if (!ok) throw new AppError("invalid", \`error: field ${k} is missing\`);`).join("\n");
const paths = Array.from({ length: 80 }, (_, k) => `./src/module${k}/index${k % 3 ? ".ts" : ".test.ts"}`).join("\n");

describe("a search's or a listing's answer", () => {
  test("comes back whole: every match and every path the agent asked for", () => {
    for (const [raw, command] of [
      [matches, "grep -rn 'throw new' src/routes"],
      [matches, "rg -n 'throw new|error' src"],
      [matches, "git --no-pager grep -n 'throw new'"],
      [paths, "find . -name '*.ts'"],
      [paths, "grep -rln AppError . | sort"],
      [paths, "find . -name '*.ts' | xargs wc -l | sort -n | tail -80"],
    ] as const) {
      const r = compactOutput(raw, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(raw);
      expect(r.folds).toEqual([]);
    }
  });

  test("is no tool's run: a listing by the program that searched, with no findings whatever its lines say", () => {
    const a = analyzeOutput(matches, { command: "grep -rn 'throw new' src/routes", exitCode: 0 });
    expect(a).toMatchObject({ tool: "grep", kind: "listing", status: "success", errors: [] });
    expect(analyzeOutput(matches, { command: "rg -n 'new Error|throw' src", exitCode: 0 }).tool).toBe("rg");
    expect(analyzeOutput(paths, { command: "find . -name '*.ts' | sort", exitCode: 0 }).tool).toBe("find");
    // a stage that counts what was found prints the lines
    expect(analyzeOutput(paths, { command: "find . -name '*.ts' | xargs wc -l | sort -n", exitCode: 0 }).tool).toBe("wc");
    expect(analyzeOutput(matches, { command: "git --no-pager grep -n throw", exitCode: 0 }).errors).toEqual([]);
  });

  test("the searcher's own complaint is its error, and the matches beside it are not", () => {
    const raw = ["grep: server/missing: No such file or directory", "server/pty/spawn.ts:7:export function spawnPty(opts: Options): Pty {", "server/pty/spawn.ts:51:  const r = spawnSync(\"stty\", [\"-g\"]);"].join("\n");
    const a = analyzeOutput(raw, { command: "grep -rn spawn server/missing server/pty", exitCode: 2 });
    expect(a.counts.errors).toBe(1);
    expect(a.errors[0]!.message).toContain("server/missing: No such file or directory");
    expect(a.status).toBe("failure");
    expect(analyzeOutput("fatal: not a git repository (or any of the parent directories): .git", { command: "git grep -n x", exitCode: 128 }).counts.errors).toBe(1);
    expect(analyzeOutput("ls: cannot access 'nope': No such file or directory", { command: "ls -la nope", exitCode: 2 }).counts.errors).toBe(1);
  });

  test("past a screenful or so it is compacted as a listing, still with no findings", () => {
    const long = Array.from({ length: 400 }, (_, k) => `src/gen/table${k}.ts:1:export const error${k} = "failed";`).join("\n");
    const r = compactOutput(long, { command: "grep -rn 'export const' src/gen", exitCode: 0, expandHint: hint });
    expect(r.folds.length).toBeGreaterThan(0);
    expect(r.text.split("\n").length).toBeLessThan(100);
    expect(r.analysis).toMatchObject({ kind: "listing", errors: [] });
  });
});

describe("what is no answer", () => {
  test("a search over another program's output reads as that program's run", () => {
    const raw = ["src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.", "src/db.ts(9,1): error TS2304: Cannot find name 'pool'."].join("\n");
    for (const command of ["npx tsc --noEmit 2>&1 | grep error", "npm run typecheck 2>&1 | grep -E 'error|warning'", "cat build.log | grep error"]) {
      const a = analyzeOutput(raw, { command, exitCode: 0 });
      expect(a.kind).not.toBe("listing");
      expect(a.counts.errors).toBe(2);
    }
  });

  test("a pipeline that does more than sort, cut, count or page what was found is not one", () => {
    const raw = "3 src/a.ts\n5 src/b.ts";
    expect(analyzeOutput(raw, { command: "grep -rc TODO src | awk -F: '{print $2, $1}' && make lint", exitCode: 0 }).tool).not.toBe("grep");
  });
});
