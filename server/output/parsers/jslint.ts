/** eslint (stylish, compact, unix and json formats) and biome (lint, check, format). */
import { z } from "zod";
import { commandStarts, issue, numberOf, type OutputError, type Parser, type ParseResult } from "../types.ts";

const STYLISH_FILE = /^(\/\S.*|[\w.\-/]+\.(?:[cm]?[jt]sx?|vue|svelte|json))$/;
const STYLISH_ROW = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.+?)\s{2,}(\S+)$/;

/** `-f compact`: `path: line 42, col 12, Error - message (rule)`. */
const COMPACT_ROW = /^(\S.*?): line (\d+), col (\d+), (Error|Warning) - (.+?)(?: \(([@\w/-]+)\))?$/;
/** `-f unix`: `path:10:5: message [Warning/rule]`. */
const UNIX_ROW = /^(\S+?):(\d+):(\d+): (.+) \[(Error|Warning)\/([@\w/-]+)\]$/;

/** One file's results in ESLint's `json` formatter (`-f json`): its messages with severity 1 (warning) or 2 (error). */
const JsonResultsSchema = z.array(
  z.object({
    filePath: z.string(),
    messages: z.array(z.object({ ruleId: z.string().nullable().optional(), severity: z.number(), message: z.string(), line: z.number().optional(), column: z.number().optional() })),
  }),
);

/** ESLint's `json` formatter: one line of JSON, `[{"filePath": …, "messages": […], "errorCount": …}]`. */
function jsonReport(text: string): ParseResult | null {
  const body = text.trim();
  if (!body.startsWith('[{"filePath":') || !body.endsWith("]")) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const results = JsonResultsSchema.safeParse(parsed);
  if (!results.success) return null;
  const errors = results.data.flatMap((f) =>
    f.messages.map((m) => issue(`${m.message}${m.ruleId ? `  ${m.ruleId}` : ""}`, m.severity >= 2 ? "error" : "warning", f.filePath, m.line ?? null, m.column ?? null, m.ruleId ?? null)),
  );
  const errorCount = errors.filter((e) => e.severity === "error").length;
  return { tool: "eslint", kind: "lint", errors, tests_failed: [], counts: { errors: errorCount, warnings: errors.length - errorCount }, stated: ["errors", "warnings"], verdict: errorCount > 0 ? "failed" : "passed" };
}

export const eslint: Parser = {
  tool: "eslint",
  // its summary, or the banner it prints when it cannot run at all (a configuration it cannot load)
  matches: (text, command) => commandStarts(command, "eslint") || /^✖ \d+ problems? \(|^Oops! Something went wrong! :\(\n\nESLint: \d|^\[\{"filePath":"[^"]*","messages":\[/m.test(text),
  parse(lines, text) {
    const json = jsonReport(text);
    if (json) return json;
    const errors: OutputError[] = [];
    let file: string | null = null;
    for (const line of lines) {
      if (STYLISH_FILE.test(line)) file = line.trim();
      const m = STYLISH_ROW.exec(line);
      if (m) errors.push(issue(m[4]!, m[3] as "error", file, m[1]!, m[2]!, m[5]!));
      const c = COMPACT_ROW.exec(line);
      if (c) errors.push(issue(c[5]!, c[4]!.toLowerCase() as "error", c[1]!, c[2]!, c[3]!, c[6] ?? null));
      const u = UNIX_ROW.exec(line);
      if (u) errors.push(issue(u[4]!, u[5]!.toLowerCase() as "error", u[1]!, u[2]!, u[3]!, u[6]!));
    }
    const errorCount = numberOf(text, /\((\d+) errors?, \d+ warnings?\)/) ?? errors.filter((e) => e.severity === "error").length;
    const warnCount = numberOf(text, /\(\d+ errors?, (\d+) warnings?\)/) ?? errors.length - errorCount;
    return {
      tool: "eslint",
      kind: "lint",
      errors,
      tests_failed: [],
      counts: { errors: errorCount, warnings: warnCount },
      verdict: errorCount > 0 ? "failed" : undefined,
      suggestions: /potentially fixable with the `--fix` option/.test(text) ? ["run `eslint --fix` for the fixable problems"] : [],
    };
  },
};

const BIOME_HEAD = /^(\S.*?):(\d+):(\d+) ((?:lint|format|assist|parse|organizeImports)[\w/]*)\b.*━/;
const BIOME_MESSAGE = /^\s+([×✖!⚠ℹ]) (.+)$/;

export const biome: Parser = {
  tool: "biome",
  matches: (text, command) => commandStarts(command, "biome", "@biomejs/biome") || /^\S+:\d+:\d+ lint\/\w+/m.test(text),
  parse(lines, text) {
    const errors: OutputError[] = [];
    for (let i = 0; i < lines.length; i++) {
      const h = BIOME_HEAD.exec(lines[i]!);
      if (!h) continue;
      let message = "";
      let severity: "error" | "warning" | "note" = "error";
      for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
        const m = BIOME_MESSAGE.exec(lines[j]!);
        if (m) {
          message = m[2]!;
          severity = m[1] === "!" || m[1] === "⚠" ? "warning" : m[1] === "ℹ" ? "note" : "error";
          break;
        }
      }
      errors.push(issue(message || h[4]!, severity, h[1]!, h[2]!, h[3]!, h[4]!));
    }
    const errorCount = numberOf(text, /Found (\d+) errors?/) ?? errors.filter((e) => e.severity === "error").length;
    const warnCount = numberOf(text, /Found (\d+) warnings?/) ?? errors.length - errorCount;
    return {
      tool: "biome",
      kind: "lint",
      errors,
      tests_failed: [],
      counts: { errors: errorCount, warnings: warnCount },
      verdict: errorCount > 0 ? "failed" : undefined,
      suggestions: /FIXABLE/.test(text) ? ["run `biome check --write` for the fixable diagnostics"] : [],
    };
  },
};
