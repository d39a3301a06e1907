/** What the analysis of a command's output says: the `analysis` field of `exec --json`. */
export type OutputKind = "build" | "test" | "lint" | "install" | "vcs" | "listing" | "runtime_error" | "other";
export type OutputStatus = "success" | "warnings" | "failure" | "unknown";
export type Severity = "error" | "warning" | "note";

export interface OutputError {
  file: string | null;
  line: number | null;
  column: number | null;
  code: string | null;
  message: string;
  severity: Severity;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  warnings: number;
  errors: number;
}

export interface Entities {
  paths: string[];
  locations: string[]; // file:line[:column]
  urls: string[];
  codes: string[]; // error codes: E0308, TS2322, SC2250, ETARGET ...
  versions: string[];
}

export interface Analysis {
  tool: string;
  kind: OutputKind;
  status: OutputStatus;
  counts: Counts;
  errors: OutputError[];
  tests_failed: string[];
  entities: Entities;
  suggestions: string[];
}

/** What a tool recogniser finds; the analyser fills in the rest. */
export interface ParseResult {
  tool: string;
  kind: OutputKind;
  errors: OutputError[];
  tests_failed: string[];
  counts: Partial<Counts>;
  /** The tool's own verdict when it states one (a summary line), before the exit code is considered. */
  verdict?: "passed" | "failed";
  suggestions?: string[];
}

export interface Parser {
  tool: string;
  /** Does this output (or the command that made it) come from this tool? */
  matches(text: string, command: string): boolean;
  parse(lines: string[], text: string): ParseResult;
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

export function commandStarts(command: string, ...words: string[]): boolean {
  const c = command.trim().replace(/^(?:\w+=\S*\s+)*(?:npx|bunx|pnpm exec|yarn|sudo)\s+/, "");
  return words.some((w) => c === w || c.startsWith(`${w} `));
}
