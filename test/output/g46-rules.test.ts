/** Rules that came from corpus group g46 (captured before them): history and changes reviewed with git. */
import { describe, expect, test } from "bun:test";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

// a blame of a range whose lines come from two commits, most of them alike
const blame = Array.from({ length: 40 }, (_, k) => `${k % 3 ? "c31abf39" : "c2a03bf2"} (Dana Reyes 2026-12-0${(k % 3) + 1} 05:26:19 +0000 ${40 + k})   stages.push(command.slice(start, ${k}).trim());`).join("\n");

describe("a file's lines annotated", () => {
  test("a blame comes back whole, each line with the change that last touched it, and reads as a version-control run", () => {
    for (const command of ["git --no-pager blame -L 40,79 server/output/shape/content.ts", "git blame src/app.py | head -60", "hg annotate -u src/app.py"]) {
      const r = compactOutput(blame, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(blame);
    }
    expect(compactOutput(blame, { command: "git blame src/app.py", exitCode: 0 }).analysis.kind).toBe("vcs");
  });

  test("a file as it was at a revision is a file's text", () => {
    const source = Array.from({ length: 60 }, (_, k) => `def check_${k}(x):\n    raise ValueError("failed: rule ${k}")`).join("\n");
    const r = compactOutput(source, { command: "git --no-pager show HEAD~2:src/rules.py", exitCode: 0, expandHint: hint });
    expect(r.text).toBe(source);
    expect(r.analysis).toMatchObject({ kind: "listing", errors: [] });
  });
});
