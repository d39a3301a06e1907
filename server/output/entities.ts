/** Entities an agent can act on: paths, file:line locations, URLs, error codes, versions. */
import { ERRNO_NAME } from "./shape/words.ts";
import type { Entities } from "./types.ts";

const LIMIT = 50;
const LOCATION = /(?:^|[\s('"`[<])((?:\.{0,2}\/|file:\/\/\/?)?[\w@.+-]+(?:\/[\w@.+-]+)*\.[A-Za-z][\w]{0,5})(?::\[?|\()(\d+)(?:[:,](\d+))?/g;
const PATH = /(?:^|[\s('"`=])((?:\/|\.{1,2}\/|~\/)[\w@.+-]+(?:\/[\w@.+-]*)*|[\w@.+-]+(?:\/[\w@.+-]+)+\.[A-Za-z]\w{0,5})(?=$|[\s)'"`:,;])/g;
const URL = /\bhttps?:\/\/[^\s'"`)\]>]+/g;
const CODE = new RegExp(String.raw`\b(E\d{4}|TS\d{4,5}|SC\d{4}|ERR_[A-Z_]+|${ERRNO_NAME}|C\d{4}|CS\d{4}|[A-Z]{1,3}\d{3,4}(?=[\s:\]]))\b`, "g");
const VERSION = /(?:^|[\s@v(])(\d+\.\d+\.\d+(?:[-+][\w.]+)?)\b/g;
const NOT_CODES = new Set(["ERROR", "EPERM"]);

/** Matches of `re` in the lines that contain `hint` (a cheap test that skips most lines). */
function collect(lines: string[], hint: string | RegExp | null, re: RegExp, pick: (m: RegExpExecArray) => string | null): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    if (found.size >= LIMIT) break;
    if (hint !== null && (typeof hint === "string" ? line.indexOf(hint) === -1 : !hint.test(line))) continue;
    re.lastIndex = 0;
    for (let m = re.exec(line); m && found.size < LIMIT; m = re.exec(line)) {
      const value = pick(m);
      if (value) found.add(value);
    }
  }
  return [...found];
}

export function extractEntities(text: string): Entities {
  const lines = text.split("\n");
  return {
    locations: collect(lines, /[:(]\[?\d/, LOCATION, (m) => `${m[1]!.replace(/^file:\/\//, "")}:${m[2]}${m[3] ? `:${m[3]}` : ""}`),
    paths: collect(lines, "/", PATH, (m) => (m[1]!.length > 2 && !/^\/\/|\.\.\.$/.test(m[1]!) ? m[1]!.replace(/[.:]+$/, "") : null)),
    urls: collect(lines, "http", URL, (m) => m[0].replace(/[.,:;]+$/, "")),
    codes: collect(lines, null, CODE, (m) => (NOT_CODES.has(m[1]!) ? null : m[1]!)),
    versions: collect(lines, ".", VERSION, (m) => m[1]!),
  };
}
