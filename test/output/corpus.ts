/** The corpus of real terminal output in test/fixtures/output, with the facts each must keep. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Analysis, Counts, OutputKind, OutputStatus } from "../../server/output/types.ts";

export const FIXTURES = join(import.meta.dir, "..", "fixtures", "output");

export interface Facts {
  command: string;
  cwd: string;
  exit_code: number;
  /** The tool family whose rules are left out to see how compaction does on a tool it never saw. */
  family: string;
  /** The project the command ran in, and its state. */
  project: string;
  must_keep: string[];
  expect: {
    tool?: string;
    kind?: OutputKind;
    status?: OutputStatus;
    tests_failed?: string[];
    error_locations?: string[];
    counts?: Partial<Counts>;
  };
}

export interface Fixture {
  name: string;
  raw: Uint8Array;
  facts: Facts;
}

/** Every capture that has its facts (a capture without them fails its own test, see compact-corpus.test.ts). */
export function loadCorpus(): Fixture[] {
  const files = new Set(readdirSync(FIXTURES));
  return [...files]
    .filter((f) => f.endsWith(".txt") && files.has(`${f.slice(0, -".txt".length)}.facts.json`))
    .sort()
    .map((f) => {
      const name = f.slice(0, -".txt".length);
      return {
        name,
        raw: new Uint8Array(readFileSync(join(FIXTURES, f))),
        facts: JSON.parse(readFileSync(join(FIXTURES, `${name}.facts.json`), "utf8")) as Facts,
      };
    });
}

/** The width the corpus was captured at (capture.sh runs `stty cols 120`). */
export const CORPUS_COLS = 120;

/** A location as tools write it: `path:12:5`, `path:12`, `path(12,5)`; or a row's `12:5` under a file heading. */
const LOCATION = /[\w@.+~/\\-]+\.[A-Za-z][\w+-]{0,9}(?::\d+(?::\d+)?|\(\d+(?:,\d+)?\)|:? line \d+(?:, col \d+)?)|^\s*(?:[✖✗×⚠!‼ℹ]\s+)?\d+:\d+(?=\s)|^\s*\d+(?=\s*\|)/;
const CODE = /\b[A-Z]{1,5}\d{2,5}\b|(?:@[\w-]+\/|\b[a-z][\w-]*\/)?\b[a-z]+(?:-[a-z]+)+\s*$|\b[A-Z][a-z]+\/[A-Z]\w+/;

/**
 * The locations a group line lists (`  └ 12 more (…) at: a.rb:3:5,9 7:1 b.rb:2:2 name · …`), each
 * as `file:line:col` (`line:col` for rows under a heading): a location after one in the same file
 * (in the same part or an earlier one) gives its line and column only, another column on the same
 * line follows a comma.
 */
export function groupedLocations(line: string): Set<string> {
  const found = new Set<string>();
  const at = line.indexOf(" at: ");
  if (line.startsWith("  └ ") && at === -1) return groupedFiles(line);
  if (!line.startsWith("  └ ") || at === -1) return found;
  let file = "";
  for (const part of line.slice(at + 5).split(" · ")) {
    for (const word of part.split(" ")) {
      const full = /^(.+\.[A-Za-z][\w+-]{0,9}):(\d+)(?::([\d,]+))?$/.exec(word);
      const short = full ? null : /^(\d+)(?::([\d,]+))?$/.exec(word);
      const [f, l, cols] = full ? [full[1]!, full[2]!, full[3]] : short ? [file, short[1]!, short[2]] : [null, "", undefined];
      if (f === null) {
        if (!word.includes("(")) continue;
        found.add(word);
        continue;
      }
      file = f;
      const prefix = f ? `${f}:` : "";
      if (!cols) found.add(`${prefix}${l}`);
      for (const c of cols?.split(",") ?? []) found.add(`${prefix}${l}:${c}`);
    }
  }
  return found;
}

/**
 * The files a file group line lists (`  └ 40 more ([warn] …): src/a.js b.js lib/c.js`): a bare name
 * is in the directory of the path before it.
 */
export function groupedFiles(line: string): Set<string> {
  const found = new Set<string>();
  const colon = line.indexOf("): ");
  if (colon === -1) return found;
  let dir = "";
  for (const word of line.slice(colon + 3).split(" ")) {
    const slash = word.lastIndexOf("/");
    if (slash >= 0) dir = word.slice(0, slash + 1);
    found.add(slash >= 0 ? word : `${dir}${word}`);
  }
  return found;
}

/**
 * Is a must-keep fact in the compacted text? Verbatim, or, for a finding that a group line tells,
 * with its location listed on a group line that names its code.
 */
export function factKept(fact: string, text: string): boolean {
  if (text.includes(fact)) return true;
  // A line that names one file, told by a file group line with the words around the file.
  const file = /(?:^|\s)(\S*[/.]\S*\.\w+|\S+\/\S+)$|(?:^|\s)(\S+\/\S*\.\w+)\s/.exec(fact);
  const path = file?.[1] ?? file?.[2];
  if (path) {
    const words = fact.replace(path, "").trim();
    for (const line of text.split("\n")) if (line.startsWith("  └ ") && line.includes(words) && groupedFiles(line).has(path)) return true;
  }
  // As group lines list it: `file:line:col`.
  const at = LOCATION.exec(fact)?.[0]?.trim().replace(/^[✖✗×⚠!‼ℹ]\s+/, "").replace(/\((\d+)(?:,(\d+))?\)$/, (_, l: string, c?: string) => `:${l}${c ? `:${c}` : ""}`).replace(/:? line (\d+)(?:, col (\d+))?$/, (_, l: string, c?: string) => `:${l}${c ? `:${c}` : ""}`);
  if (!at) return false;
  const code = CODE.exec(fact.slice((LOCATION.exec(fact)?.index ?? 0) + (LOCATION.exec(fact)?.[0].length ?? 0)))?.[0]?.trim();
  for (const line of text.split("\n")) {
    if (!line.startsWith("  └ ")) continue;
    if (code && !line.includes(code)) continue;
    const listed = groupedLocations(line);
    if (listed.has(at.replace(/^\.\//, "")) || listed.has(at)) return true;
    // A row's `12:5` under a file heading is listed with that file.
    if (/^\d+(?::\d+)?$/.test(at) && [...listed].some((l) => l.endsWith(`:${at}`))) return true;
  }
  return false;
}

const COUNT_KEYS = new Set(["passed", "failed", "skipped", "errors", "warnings"]);

/**
 * What a capture's `expect` asks of the analysis that it does not find, one sentence each: the
 * status, the kind, each failing test (the tool's name for it, or the start of it), each error
 * location (`file:line`, a path under the project matching its relative form) and each count the
 * analysis reports.
 */
export function unmetExpectations(a: Analysis, facts: Facts): string[] {
  const want = facts.expect;
  const out: string[] = [];
  if (want.status && a.status !== want.status) out.push(`status ${a.status}, not ${want.status}`);
  if (want.kind && a.kind !== want.kind) out.push(`kind ${a.kind}, not ${want.kind}`);
  for (const name of want.tests_failed ?? []) {
    if (!a.tests_failed.some((n) => n === name || n.startsWith(name) || n.endsWith(name))) out.push(`failed test ${name} not found`);
  }
  // an expected place may give its column too (`db/a.cc:800:32`): then the column is checked as well
  const locations = a.errors.flatMap((e) => (e.line === null ? [`${e.file}`] : e.column === null ? [`${e.file}:${e.line}`] : [`${e.file}:${e.line}`, `${e.file}:${e.line}:${e.column}`]));
  for (const loc of want.error_locations ?? []) {
    if (!locations.some((l) => l === loc || l.endsWith(`/${loc}`) || loc.endsWith(`/${l}`) || l.replace(/^\.\//, "") === loc)) out.push(`error at ${loc} not found`);
  }
  for (const [key, value] of Object.entries(want.counts ?? {})) {
    if (COUNT_KEYS.has(key) && a.counts[key as keyof Counts] !== value) out.push(`${key} ${a.counts[key as keyof Counts]}, not ${value}`);
  }
  return out;
}

/** How many things a capture's `expect` asks (for a share of them met). */
export function expectationCount(facts: Facts): number {
  const want = facts.expect;
  return (want.status ? 1 : 0) + (want.kind ? 1 : 0) + (want.tests_failed?.length ?? 0) + (want.error_locations?.length ?? 0) + Object.keys(want.counts ?? {}).filter((k) => COUNT_KEYS.has(k)).length;
}
