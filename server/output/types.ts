import { z } from "zod";
import { SandboxDenialSchema } from "../sandbox/statement.ts";
import type { LineInfo, Role } from "./roles.ts";

/** What the analysis of a command's output says: the `analysis` field of `exec --json`. */
export const OutputKindSchema = z.enum(["build", "test", "lint", "install", "vcs", "listing", "runtime_error", "other"]);
export type OutputKind = z.infer<typeof OutputKindSchema>;
export const OutputStatusSchema = z.enum(["success", "warnings", "failure", "unknown"]);
export type OutputStatus = z.infer<typeof OutputStatusSchema>;
export const SeveritySchema = z.enum(["error", "warning", "note"]);
export type Severity = z.infer<typeof SeveritySchema>;

export const OutputErrorSchema = z.strictObject({
  file: z.string().nullable(),
  line: z.number().nullable(),
  column: z.number().nullable(),
  code: z.string().nullable(),
  message: z.string(),
  severity: SeveritySchema,
});
export type OutputError = z.infer<typeof OutputErrorSchema>;

export const CountsSchema = z.strictObject({
  passed: z.number(),
  failed: z.number(),
  skipped: z.number(),
  warnings: z.number(),
  errors: z.number(),
});
export type Counts = z.infer<typeof CountsSchema>;

export const EntitiesSchema = z.strictObject({
  paths: z.array(z.string()),
  locations: z.array(z.string()).describe("file:line[:column]"),
  urls: z.array(z.string()),
  codes: z.array(z.string()).describe("error codes: E0308, TS2322, SC2250, ETARGET ..."),
  versions: z.array(z.string()),
});
export type Entities = z.infer<typeof EntitiesSchema>;

export const AnalysisSchema = z.strictObject({
  tool: z.string().describe('the tool recognised ("generic" when none)'),
  kind: OutputKindSchema,
  status: OutputStatusSchema,
  counts: CountsSchema,
  errors: z.array(OutputErrorSchema),
  tests_failed: z.array(z.string()).describe("names of the failing tests"),
  entities: EntitiesSchema,
  suggestions: z.array(z.string()),
  sandbox_denied: SandboxDenialSchema.optional(),
});
export type Analysis = z.infer<typeof AnalysisSchema>;

/** What a tool recogniser finds; the analyser fills in the rest. */
export interface ParseResult {
  tool: string;
  kind: OutputKind;
  errors: OutputError[];
  tests_failed: string[];
  counts: Partial<Counts>;
  /** The tool's own verdict when it states one (a summary line), before the exit code is considered. */
  verdict?: "passed" | "failed";
  /** The counts the tool states itself in its summary (`5 errors, 1 warning`): they stand as stated. */
  stated?: Array<"errors" | "warnings">;
  suggestions?: string[];
}

export interface Parser {
  tool: string;
  /** Does this output (or the command that made it) come from this tool? */
  matches(text: string, command: string): boolean;
  /** `command` is the command line when it is known (a tool may run in several modes). */
  parse(lines: string[], text: string, command?: string, info?: LineInfo): ParseResult;
  /**
   * Refines the roles compaction read from the lines' shapes where the tool's documented format
   * says more (a line that looks like nothing but is the tool's verdict, boilerplate it prints on
   * every run).
   */
  roles?(lines: string[], roles: Role[]): void;
  /**
   * Where each finding is (`file:line:col`), for formats that put it in a heading rather than on the
   * finding's own line; null where the line says it itself.
   */
  locate?(lines: string[]): Array<string | null>;
}

export function emptyCounts(): Counts {
  return { passed: 0, failed: 0, skipped: 0, warnings: 0, errors: 0 };
}

/** An error message longer than this (a minified line) is cut: the output keeps the whole line. */
const MAX_MESSAGE = 500;

export function issue(
  message: string,
  severity: Severity,
  file: string | null = null,
  line: number | string | null = null,
  column: number | string | null = null,
  code: string | null = null,
): OutputError {
  const num = (v: number | string | null) => (v === null || v === undefined || v === "" ? null : Number(v));
  const text = message.trim();
  return { file, line: num(line), column: num(column), code, message: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text, severity };
}

/** First capture group of `re` as a number, or undefined. */
export function numberOf(text: string, re: RegExp): number | undefined {
  const m = re.exec(text);
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

/**
 * The command with what only launches the real program taken off: variable assignments, `sudo`,
 * `env`, `time`, `npx`/`bunx`/`pnpm exec`/`yarn`, `bundle exec`, `poetry run`, `uv run`, and
 * `python -m` (the module is the program): `python3 -m pytest -q` → `pytest -q`.
 */
let lastCommand = "";
let lastProgram = "";

export function programCommand(command: string): string {
  if (command === lastCommand) return lastProgram;
  lastCommand = command;
  lastProgram = stripLaunchers(command);
  return lastProgram;
}

function stripLaunchers(command: string): string {
  let c = command.trim();
  for (let k = 0; k < 6; k++) {
    const next = c
      .replace(/^(?:\w+=\S*\s+)+/, "")
      .replace(/^cd\s+\S+\s*(?:&&|;)\s*/, "")
      .replace(/^(?:sudo|env|time|nice|nohup|command|exec)\s+(?:-\S+\s+)*/, "")
      .replace(/^(?:npx|bunx|pnpx|pnpm exec|pnpm dlx|yarn dlx|yarn exec|bundle exec|poetry run|uv run|pipenv run|pdm run|hatch run|dotnet tool run)\s+/, "")
      .replace(/^(?:\S*\/)?python[\d.]*\s+-m\s+/, "")
      .replace(/^yarn\s+(?!add\b|install\b|remove\b|upgrade\b|why\b|run\b|init\b|workspace\b)/, "");
    if (next === c) break;
    c = next;
  }
  return c;
}

export function commandStarts(command: string, ...words: string[]): boolean {
  const c = programCommand(command);
  return words.some((w) => c === w || c.startsWith(`${w} `) || c.startsWith(`./${w} `) || c === `./${w}`);
}
