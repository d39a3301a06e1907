/** git: status, log, diff, clone/fetch/pull and merge conflicts. */
import { commandStarts, issue, type OutputError, type Parser } from "../types.ts";
import { findLocation } from "../shape/location.ts";
import { errorCount, generic } from "./generic.ts";
import { pythonTracebacks } from "./python.ts";

/** A file in git's status: `modified:   a.ts` (long format), ` M a.ts` / `R  a -> b` (short format). */
const STATUS_LINE = /^\s+(?:modified|deleted|new file|renamed|copied|typechange|both modified|both added|both deleted|added by us|added by them|deleted by us|deleted by them):\s+\S|^(?:[ MTADRCU?!][ MTADRCU?!]) \S/;

/** A commit hook that failed: husky's `husky - pre-commit script failed (code 1)`, a lint-staged task's `✖ eslint [FAILED]`. */
const HOOK_FAILED = /^husky - \S+ (?:script|hook) failed\b|^\s*✖ .+ \[FAILED\]$/m;

export const git: Parser = {
  // Each file of a status is a fact: which file, and how it changed.
  roles(lines, roles) {
    for (let i = 0; i < lines.length; i++) if (roles[i] !== "patch-line" && STATUS_LINE.test(lines[i]!)) roles[i] = "patch-file";
  },
  tool: "git",
  matches: (text, command) =>
    commandStarts(command, "git") ||
    /^(?:On branch \S+|Cloning into '|CONFLICT \(|diff --git a\/|commit [0-9a-f]{40}$)/m.test(text) ||
    // a push's report (`To origin` over ` ! [rejected]  main -> main (fetch first)`), a rebase's stop at a failed `--exec`
    /^(?: ! \[(?:rejected|remote rejected)\] +\S+ -> \S+|error: failed to push some refs to |warning: execution failed: |Successfully rebased and updated )/m.test(text) ||
    // a fetch's report: `From URL` over `   fa7065e..4c35c5b  main  -> origin/main` (or ` * [new branch]`)
    /^From \S+\n(?: {3}[0-9a-f]{7,}\.\.\.?[0-9a-f]{7,}| \* \[new (?:branch|tag)\]| \+ [0-9a-f]{7,}\.\.\.[0-9a-f]{7,}) +\S+ +-> \S+/m.test(text),
  parse(lines, text, _command, info) {
    // a hook that failed (`husky - pre-commit script failed`, lint-staged's `[FAILED]`) stopped the
    // commit: what it printed is the run to read (a linter's findings, a test run), by its shapes
    if (HOOK_FAILED.test(text)) return { ...generic.parse(lines, text, "", info), tool: "git", verdict: "failed" };
    const errors: OutputError[] = [];
    const suggestions: string[] = [];
    const conflicted: string[] = [];
    for (const line of lines) {
      const c = /^CONFLICT \((.+?)\): .*? in (.+)$/.exec(line);
      if (c) {
        conflicted.push(c[2]!);
        errors.push(issue(line, "error", c[2]!, null, null, "CONFLICT"));
      }
      const f = /^(?:fatal|error): (.+)$/.exec(line);
      // a place in the message (`error: patch failed: src/a.c:11`, git apply's) is the error's place
      const at = f ? findLocation(f[1]!) : null;
      if (f) errors.push(issue(f[1]!, "error", at?.file ?? null, at?.line ?? null, at?.column ?? null, line.split(":")[0]!));
      const u = /^\s+both (?:modified|added):\s+(.+)$/.exec(line);
      if (u && !conflicted.includes(u[1]!)) conflicted.push(u[1]!);
    }
    // `git bisect run` shows the output of the command it runs: its tracebacks say where.
    if (/^Bisecting: |^running /m.test(text)) errors.push(...pythonTracebacks(lines));
    if (conflicted.length > 0) suggestions.push(...conflicted.map((f) => `resolve the conflict markers in ${f}, then \`git add ${f}\``));
    const untracked = /^Untracked files:/m.test(text);
    return {
      tool: "git",
      kind: "vcs",
      errors,
      tests_failed: [],
      // one failure told in several lines (git apply's `while searching for:`, `patch failed: a.c:11`, `a.c: patch does not apply`) counts once, at its place
      counts: { errors: errorCount(errors) },
      verdict: errors.filter((e) => e.code !== "Traceback").length > 0 && !/^Bisecting: |^running /m.test(text) || /Automatic merge failed|^Unmerged paths:|^You have unmerged paths/m.test(text) ? "failed" : undefined,
      suggestions: untracked && conflicted.length === 0 ? ["`git add` the untracked files you mean to keep"] : suggestions,
    };
  },
};
