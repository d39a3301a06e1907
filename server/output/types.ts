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
 * `python -m` (the module is the program): `python3 -m pytest -q` → `pytest -q`; and a group sent to
 * the background before the program (`(sleep 1; curl …) & flask run` → `flask run`).
 */
let lastCommand = "";
let lastProgram = "";

export function programCommand(command: string): string {
  if (command === lastCommand) return lastProgram;
  lastCommand = command;
  lastProgram = stripLaunchers(command);
  return lastProgram;
}

/**
 * `printf '…' | commitlint`, `echo … | tool`, `cat file | tool`: a first stage that only makes the
 * input; the program whose output and exit status these are is the one it feeds.
 */
const INPUT_STAGE = /^(?:printf|echo|cat|yes|seq)\b(?:[^|'"]|'[^']*'|"(?:[^"\\]|\\.)*")*\|(?!\|)\s*/;

function stripLaunchers(command: string): string {
  let c = command.trim();
  for (let k = 0; k < 6; k++) {
    const next = c
      .replace(INPUT_STAGE, "")
      .replace(/^(?:\w+=\S*\s+)+/, "")
      .replace(/^cd\s+\S+\s*(?:&&|;)\s*/, "")
      // a group sent to the background first (`(sleep 1; curl -s localhost:5000/) & flask run`): the program in the foreground ran
      .replace(/^\((?:[^()'"]|'[^']*'|"(?:[^"\\]|\\.)*")*\)\s*&(?!&)\s*/, "")
      // options that take a value: `sudo -u deploy cmd`, `runuser -u nobody -- cmd`, `nice -n 10 cmd`, `timeout 30 cmd`
      .replace(/^(?:sudo|runuser|doas)\s+(?:-[ugCDh]\s+\S+\s+|--(?:user|group)=\S+\s+|-\S+\s+)*(?:--\s+)?/, "")
      .replace(/^nice\s+-n\s+-?\d+\s+/, "")
      .replace(/^timeout\s+(?:-\S+\s+)*\d+[smhd]?\s+/, "")
      .replace(/^(?:sudo|env|time|nice|nohup|command|exec)\s+(?:-\S+\s+)*/, "")
      .replace(/^(?:npx|bunx|pnpx|pnpm exec|pnpm dlx|yarn dlx|yarn exec|bundle exec|poetry run|uv run|pipenv run|pdm run|hatch run|dotnet tool run)\s+/, "")
      .replace(/^(?:\S*\/)?python[\d.]*\s+-m\s+/, "")
      .replace(/^yarn\s+(?!add\b|install\b|remove\b|upgrade\b|why\b|run\b|init\b|workspace\b)/, "");
    if (next === c) break;
    c = next;
  }
  return c;
}

/**
 * The command a package script ran, as npm, pnpm and bun print it in the banner before it
 * (`> pkg@1.0.0 lint` over `> eslint src`): what `npm run lint` or `npm test` really ran is read
 * from its output. The last banner's command (the part a chain stopped in), or the command as it
 * was when it runs no package script, the output shows none, or the script runs a file of the project.
 */
const PACKAGE_SCRIPT = /^(?:npm|pnpm|yarn|bun)\s+(?!(?:install|i|ci|add|remove|uninstall|update|upgrade|exec|dlx|x|pack|publish|audit|outdated|ls|list|why|init|create|link)\b)\S/;
/** npm's, pnpm's and bun's line before a package script: `> pkg@1.0.0 test` (the script's command on the next line, after `> `). */
export const SCRIPT_BANNER = /^> \S+@\S+ \S+/;
const BANNER_AND_COMMAND = new RegExp(`${SCRIPT_BANNER.source}.*\\n> (\\S.*)$`, "gm");
export function scriptCommand(command: string, text: string): string {
  if (!PACKAGE_SCRIPT.test(programCommand(command))) return command;
  let last: string | null = null;
  BANNER_AND_COMMAND.lastIndex = 0;
  for (let m = BANNER_AND_COMMAND.exec(text); m; m = BANNER_AND_COMMAND.exec(text)) last = m[1]!.trim();
  // a project's own script (`node scripts/build.mjs`) names no tool: the script's name says more
  return last === null || PROJECT_SCRIPT.test(last) ? command : last;
}
const PROJECT_SCRIPT = /^(?:node|bun|deno(?: run)?|tsx|ts-node|python[\d.]*|ruby|perl|php|sh|bash)\s+(?:-\S+\s+)*[\w./-]+\.\w+(?:\s|$)|^\.{0,2}\//;

export function commandStarts(command: string, ...words: string[]): boolean {
  const c = programCommand(command);
  return words.some((w) => c === w || c.startsWith(`${w} `) || c.startsWith(`./${w} `) || c === `./${w}`);
}
