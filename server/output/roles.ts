/**
 * What each rendered line is, read from its shape alone (no tool is named here): a finding (a
 * location with a severity, a code or a compiler's `path:line: message` form), a problem or a
 * warning without a location, a summary, an assertion, a stack frame in the project or in a
 * library, a code frame, a patch's file header or its lines, a commit, a section header, progress
 * chatter, or plain text. Tool recognisers may refine these (see Parser.roles).
 */
import { snippetLines } from "./shape/codeframe.ts";
import { frameKind, isFrame, isGoFunctionLine } from "./shape/frames.ts";
import { findLocation, isPlacedProgress, type Location } from "./shape/location.ts";
import { isSummary } from "./shape/summary.ts";
import { isChatter, severityOf } from "./shape/words.ts";

export type Role =
  | "blank"
  | "finding"
  | "problem"
  | "warning"
  | "summary"
  | "result"
  | "assertion"
  | "failure"
  | "section"
  | "frame"
  | "library-frame"
  | "snippet"
  | "patch-file"
  | "patch-hunk"
  | "patch-line"
  | "commit"
  | "subject"
  | "change"
  | "match"
  | "data"
  | "chatter"
  | "noise"
  | "help"
  | "plain";

/** Roles that are facts: kept verbatim (thinned only where they repeat). */
export const FACT_ROLES: ReadonlySet<Role> = new Set<Role>(["finding", "problem", "warning", "summary", "result", "assertion", "failure", "patch-file", "subject"]);

/**
 * Words that open an assertion's message: `Expected: 90`, `got: 91`, `left: 3`, `- Expected`,
 * `+ Received`, `--- Expected`, `+++ Actual`, `expected:<90> but was:<91>`, `assert x == 3`,
 * `Failed asserting that…`, `AssertionError`.
 */
const ASSERTION =
  /^\s*(?:[│├└┊┐┘╵|>#]+\s*)?(?:[-+]{1,3}\s*)?(?:E\s+)?(?:[Ee]xpected|[Pp]assed in|Falsified|[Cc]ounterexample|[Aa]ctual|[Rr]eceived|[Gg]ot|[Ww]ant(?:ed)?|[Ll]eft|[Rr]ight|[Ee]xpect(?:ation)?|[Dd]iff(?:erence)?|[Cc]omparison|[Aa]ssert\w*|AssertionError|[Ff]ailed asserting|[Bb]ut (?:was|got)|[Ii]nstead|[Cc]ode|[Vv]alue|[Aa]rguments|[Mm]essage|[Rr]eason|[Ss]napshot|[Oo]bject\.is)\b\s*(?:[:=(<]|\s|$)|\bexpected:?\s*<.*>\s*but was:?\s*<|\bassert(?:_eq|_ne|Equals?|That|True|False)?[!(\s]|^\s*\S{1,60} (?:!==|===|!=|==|<=|>=) \S{1,60}\s*$|\bexpect\([^)]*\)(?:\.not)?\.\w+\(/;
/** A failing test or example named as such: `FAIL test_x`, `✗ name`, `not ok 3 - name`, `--- FAIL: TestX`, `1) name`, `● Suite › name`. */
const FAILURE =
  /^\s*(?:(?:FAIL(?:ED|URE)?|ERROR|Failure|Error|not ok)\b[:!]?\s+\S|--- FAIL:|[✗✖✘×✕❌●]\s+\S|\d+\)\s+\S|\(fail\)\s|_{3,} .+ _{3,}$|={3,} (?:FAIL|ERROR)|\[\s*FAIL(?:ED)?\s*\])/;
const COMMIT = /^commit [0-9a-f]{7,64}\b/;
/** A commit of a one-line log (`git log --oneline --graph`): the graph, the short hash, the subject. */
const ONELINE_COMMIT = /^[*|\\/ _.-]*[*]?\s*[0-9a-f]{7,12} (?!\([^)]*\d{4}-\d\d-\d\d)(?:\([^)]*\) )?\S|^\[[0-9a-f]{7,40}\] \S/;
const DIFF_FILE = /^diff --git |^diff -[\w-]+ \S|^(?:---|\+\+\+) (?:a\/|b\/|\/dev\/null|\S+\s+\d{4}-\d\d-\d\d)|^(?:new|deleted) file mode |^rename (?:from|to) |^similarity index |^Binary files .* differ$|^Index: \S/;
/** A file in a short status (git, svn, hg): `M  src/a.py`, `?? notes.txt`, `R  a.md -> b.md`. */
const STATUS_PATH = /^[ MADRCUT?!~]{1,2} {1,7}\S*[\w-](?:\.\w+|\/)(?: -> \S+)?$/;
/** A diffstat line: `src/a.py | 12 +++---`, `logo.png | Bin 0 -> 1234 bytes`. */
const DIFFSTAT = /^\s*\S.*?\s+\|\s+(?:\d+ ?[+-]*|Bin(?: \d+ -> \d+ bytes)?)\s*$/;
const HUNK = /^\s*@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/;
/** Decoration around a title: `==== FAILURES ====`, `TASK [x] *****`, `--- title ---`. */
const BANNER = /^\s*(?:[=*#_~═━─-]{2,}\s*\S.*?\S?\s*[=*#_~═━─-]{1,}|\S.*\S\s+[*=═━─]{3,})\s*$/;
/** A file named alone on its line: the heading of the rows under it. */
const FILE_HEADING = /^\s{0,2}(?:[A-Za-z]:)?[\w@.+~/\\-]*[\w@+~-]\.[A-Za-z][\w-]{0,9}(?::\d+:\d+)?$/;
/** A row of `line:col  message` under such a heading, maybe after a mark (`  ✖   12:5  msg  rule`). */
const LINE_COL_ROW = /^\s+(?:[✖✗×⚠!‼ℹ]\s+)?\d+:\d+\s+\S/;
/** A log line with its level tag and nothing else (`[INFO]`, `[ERROR] `). */
const LOG_TAG_ONLY = /^\s*\[(?:INFO|DEBUG|TRACE|NOTICE|WARN|WARNING|ERROR)\]\s*$/;
/** An item of a list: a mark, then text (`✔ applies discount`, `- item`, `• x`). */
const LIST_ITEM = /^\s+(?:[✔✘✓✗✖×•·*+–-]|\[[ x✓]\]|\d+[.)])\s+\S/;
/** A line of only decoration. */
const RULE = /^\s*([=*#_~\-─━═⎯·.])\1{5,}\s*$/;

/** A row of numbers and hex bytes (a hex dump, shadow memory, a matrix): data, not prose. */
function isData(line: string): boolean {
  if (line.length < 20) return false;
  const words = line.trim().split(/\s+/);
  if (words.length < 8) return false;
  let numeric = 0;
  for (const w of words) if (/^(?:=>)?(?:0x)?[\da-fA-F.:,[\]%-]+$/.test(w)) numeric++;
  return numeric * 5 >= words.length * 4;
}

export interface LineInfo {
  roles: Role[];
  /** Each line without the log prefix its output puts on every line (`==31==`, a timestamp), if any. */
  bodies: string[];
  /** 0-based index of the trace (run of frames) each frame line belongs to, or -1. */
  trace: Int32Array;
  /** Lines of code frames. */
  snippet: Uint8Array;
  /** The location each line holds, if any. */
  locations: Array<Location | null>;
  /** How many lines of the output each line stands for, when runs of identical lines were folded (runs.ts). */
  weight?: Uint32Array;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  return line.charCodeAt(0) === 9 ? i * 8 : i;
}

/** A pass mark before a test's place: `✓`, `✔`, `√`, then its number or nothing. */
const PASS_MARK = /^\s*[✓✔√☑✅]\s+(?:\d+\s+)?(?:\[[^\]]*\]\s+)?$/;

/** A line's own role, before the passes that look at its neighbours; `found` gets its location. */
function roleOf(line: string, cwd: string | undefined, found: { at: Location | null }): Role {
  found.at = null;
  // Each shape is tried only where its first character can start it (most lines are plain text).
  let p = 0;
  while (p < line.length && (line.charCodeAt(p) === 32 || line.charCodeAt(p) === 9)) p++;
  if (p === line.length) return "blank";
  const c = line[p]!;
  if ("=*#_~-─━═⎯·.[".includes(c) && (RULE.test(line) || LOG_TAG_ONLY.test(line))) return "noise";
  if ((p > 0 || c === "#" || c === "=") && isFrame(line)) return frameKind(line, cwd) === "library" ? "library-frame" : "frame";
  if (c === "c" && COMMIT.test(line)) return "commit";
  if ((HEX.test(c) || "*|\\/_.-[".includes(c)) && ONELINE_COMMIT.test(line)) return "subject";
  if ((p === 0 && "d-+nrsBI".includes(c) && DIFF_FILE.test(line)) || (line.includes(" | ") && DIFFSTAT.test(line)) || (line.length < 300 && (p > 0 || "MADRCUT?!~".includes(c)) && STATUS_PATH.test(line))) return "patch-file";
  if (c === "@" && HUNK.test(line)) return "patch-hunk";
  const at = findLocation(line);
  found.at = at;
  if (at) {
    const after = line.slice(at.end);
    // a step of a run at its place (Boost.Test's `a.cpp(12): Entering test case "x"`) reports nothing
    if (isPlacedProgress(after)) return "chatter";
    // a test that passed, at its place (Playwright's `  ✓  3 tests/a.spec.ts:27:1 › title (2.0s)`): a pass, no finding
    if (PASS_MARK.test(line.slice(0, at.start))) return "chatter";
    // Ruby's frame at the left edge, nothing after it (test-unit's backtrace: `test/a_test.rb:19:in 'test_x'`)
    if (at.leading && RUBY_FRAME_END.test(after)) return frameKind(line, cwd) === "library" ? "library-frame" : "frame";
    // a profile's row, its count and share before the place it measured (V8's `  139   13.5%   13.9%  JS: *render file:///a.js:8:20`)
    if (line.includes("%") && PROFILE_ROW.test(line.slice(0, at.start))) return "result";
    // `path:12:text` right after the location (grep -n) is a match of a search, not a diagnostic.
    const matchLine = /^:\S/.test(after) && !/^:\s*(?:error|warning|note)/i.test(after);
    if (!matchLine) return "finding";
  }
  if (c >= "0" && c <= "9" && REPORT_ROW.test(line)) return "finding";
  // A diagnostic's code and message on a line of their own (`  TS2345: Argument of type …`).
  if (c >= "A" && c <= "Z" && CODE_FIRST.test(line)) return "problem";
  // a benchmark's result is what it was run for (`BenchmarkParse-8  1907443  597.9 ns/op  160 B/op`), a profile's row too
  if ((line.includes("/") || line.includes(" per ")) && MEASUREMENT.test(line)) return "result";
  if (c >= "0" && c <= "9" && line.includes("%") && PROFILE_ROW.test(line)) return "result";
  // where a server it started listens (` * Running on http://127.0.0.1:5000`, `➜  Local:   http://localhost:5173/`)
  if ((line.includes("://") || line.includes("port")) && SERVING.test(line)) return "result";
  if (ASSERTION.test(line)) return "assertion";
  if (FAILURE.test(line) && !isChatter(line)) return "failure";
  if (isSummary(line)) return "summary";
  if (isChatter(line)) return "chatter";
  const severity = severityOf(line);
  if (severity === "error") return "problem";
  if (severity === "warning" || severity === "note" || NOTE.test(line)) return "warning";
  // a task's verdict: `npm run lint exited with code 1`, `process exited with status 2`
  if (EXITED_NONZERO.test(line)) return "problem";
  if (at) return "match";
  if (BANNER.test(line) || LEADING_DECORATION.test(line) || LABELLED_FILE.test(line)) return "section";
  if ((HEX.test(c) || c === "=") && isData(line)) return "data";
  return "plain";
}

const HEX = /[0-9a-f]/;
/**
 * A measurement: a time or an allocation per operation (Go's `597.9 ns/op  160 B/op  2 allocs/op`,
 * libtest's `1,234 ns/iter`), a rate of operations or requests (`1,404,111 ops/sec`, `790.55 [#/sec]`,
 * `Requests/sec: 1422.54`), timeit's `1.49 usec per loop`.
 */
const MEASUREMENT = /\d\s*(?:[nµu]s|ms|s|B|allocs)\/(?:op|iter)\b|\d\s*(?:ops?|req(?:uest)?s?|operations)\/s(?:ec)?\b|\b(?:[Rr]equests|[Oo]ps|[Oo]perations)\/s(?:ec)?:|\[#\/sec\]|\d\s*[nµu]?sec per loop\b/;
/**
 * A server's own line saying where it listens: Flask's ` * Running on http://127.0.0.1:5000`, uvicorn's
 * `Uvicorn running on http://…`, Django's `Starting development server at http://…/`, Puma's `* Listening on
 * http://…`, Vite's and Next's `Local:   http://localhost:5173/`, `server listening on port 3000`.
 */
const SERVING =
  /\b(?:[Ll]istening|[Rr]unning|[Ss]erving|[Ss]tarted|[Ss]tarting|[Rr]eady|[Aa]vailable|[Ll]ive)\b(?:\s+\S+){0,5}?\s+(?:on|at)\s+(?:https?:\/\/[^\s/]+:\d+|(?:port\s+)?:?\d{2,5}\b)|^\s*(?:[-➜>*]\s+)?(?:Local|Network|On Your Network):\s+https?:\/\//;
/** What a profile's row holds before the place it measured: a count and its share (`  139   13.5%   13.9%  JS: *`). */
const PROFILE_ROW = /^\s*\d[\d.,]*(?:[nµu]?s|ms|[kMG]?B)?\s+\d[\d.]*%\s/;
const RUBY_FRAME_END = /^:in [`'‘][^`'’]*['’]\s*$/;

/** A report's row: the line, its severity and the message (`  12 | ERROR   | [x] Opening brace …`). */
const REPORT_ROW = /^\s*\d+\s*\|\s*(?:ERROR|WARNING|INFO|NOTICE|error|warning|info)\s*\|/;
const CODE_FIRST = /^\s*[A-Z]{1,5}\d{2,5}:\s+\S/;
/** A note for the reader: `Note: …`, `Hint: …`, `NOTICE: …`. */
const NOTE = /^\s*(?:Note|NOTE|Hint|HINT|Tip|TIP|Notice|NOTICE|Important|IMPORTANT)\b\s*:/;
/** A title after decoration: `***** Running db_test`, `==> Building`, `>>> cmd`. */
const LEADING_DECORATION = /^\s*(?:[*=#>~]{3,}|-{3,}>?)\s+\S/;
/** A file named after a label, heading what follows: `FILE: /src/a.php`, `In src/a.c:`. */
const LABELLED_FILE = /^\s*(?:FILE|File|In|Checking|Linting|Scanning)\b:?\s+\S+\.\w{1,8}:?\s*$/;

/**
 * Prefixes some outputs put on every line: valgrind's `==1234== `, timestamps, docker build's
 * `#5 0.123 `, compose's `web-1  | `. Shapes are read from what follows them.
 */
const LOG_PREFIXES = [
  /^==\d+== ?/,
  /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?\]?\s+/,
  /^\[?\d\d:\d\d:\d\d(?:[.,]\d+)?\]?\s+/,
  /^#\d+ \d+\.\d+ /,
  /^[\w.-]+[-_]\d+\s+\|\s/,
  // a task runner's `package:task: ` before each line of a task's output (Turborepo: `@shop/api:build: `)
  /^(?:@[\w.-]+\/)?[\w.-]+:[A-Za-z][\w-]*(?::[\w-]+)*:(?: |$)/,
  // the box a task runner draws around a task's output (pnpm -r: `│ not ok 1 - …`, closed by `└─ Failed in 9.6s`)
  /^│ ?/,
  // A build tool's task or level tag that says nothing of severity (`[javac] `, `[INFO] `).
  /^\s*\[(?:INFO|DEBUG|TRACE|(?!(?:warn|warning|error|err|fatal|fail|failed|crit|critical|alert|emerg|notice)\])[a-z][\w-]*)\] /,
];
const LONGEST = 4000;
/** The prefix is looked for in this many of the first non-blank lines; it must be on 40% of them. */
const PREFIX_SAMPLE = 200;

const NUMERIC_LEVELS: Record<number, string> = { 1: "trace", 2: "debug", 3: "info", 4: "warn", 5: "error", 6: "fatal" };

/**
 * JSON lines (`go test -json`, structured logs): each line read as the text it carries, its level
 * or action in capitals before its message (`FAIL TestParse`, `ERROR connection refused`,
 * `    amount_test.go:45: got 3`).
 */
function jsonBody(line: string): string | null {
  if (line.charCodeAt(0) !== 123 || !line.endsWith("}")) return null;
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const text = (k: string[]) => {
    for (const key of k) {
      const v = event[key];
      if (typeof v === "string" && v !== "") return v;
    }
    return "";
  };
  const said = text(["Output", "output", "msg", "message", "Message", "error", "err"]).replace(/\n$/, "");
  // the error a logger serialised beside its message (pino's and bunyan's `"err": {"type": "Error", "message": "…", "stack": …}`)
  const err = event.err ?? event.error;
  const cause = err && typeof err === "object" && typeof (err as Record<string, unknown>).message === "string" ? (err as Record<string, string>).message : "";
  const message = cause && said !== cause ? `${said}: ${cause}` : said;
  // pino's and bunyan's numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal
  const numeric = typeof event.level === "number" ? NUMERIC_LEVELS[Math.floor(event.level / 10)] : undefined;
  const level = numeric ?? text(["level", "Level", "severity", "Action", "action"]);
  if (message) return /^(?:output|info|debug|trace)$/i.test(level) ? message : `${level.toUpperCase()} ${message}`;
  return [level.toUpperCase(), text(["Test", "test", "name", "Package", "package"])].filter(Boolean).join(" ");
}

/**
 * The lines as shapes are read from: JSON lines by the text they carry, prefixed lines without the
 * prefix. `all` is the whole output when `lines` are its runs folded (the first lines decide).
 */
export function lineBodies(lines: string[], all = lines): string[] {
  let json = 0;
  let nonBlank = 0;
  for (let i = 0; i < all.length && nonBlank < PREFIX_SAMPLE; i++) {
    if (!all[i]!.trim()) continue;
    nonBlank++;
    if (all[i]!.charCodeAt(0) === 123 && all[i]!.endsWith("}")) json++;
  }
  if (nonBlank >= 3 && json * 10 >= nonBlank * 4) return lines.map((l) => jsonBody(l) ?? l);
  return stripLogPrefix(lines, all);
}

/** The lines without the log prefix most of them carry (or the lines themselves). */
export function stripLogPrefix(lines: string[], all = lines): string[] {
  const sample: string[] = [];
  for (let i = 0; i < all.length && sample.length < PREFIX_SAMPLE; i++) if (all[i]!.length > 0 && all[i]!.trim()) sample.push(all[i]!);
  if (sample.length < 3) return lines;
  for (const re of LOG_PREFIXES) {
    let hits = 0;
    for (const l of sample) if (re.test(l)) hits++;
    if (hits * 10 >= sample.length * 4) return lines.map((l) => l.replace(re, ""));
  }
  return lines;
}

/**
 * `frameLabels`: a code frame's labels (rustc's `   |   ----- returning this value requires …`) are
 * facts, kept when the frame folds; a short output folds its frames whole instead.
 */
export function lineRoles(lines: string[], cwd?: string, frameLabels = false, all = lines): LineInfo {
  const n = lines.length;
  const roles: Role[] = new Array(n);
  // Shapes are read from at most the first LONGEST characters of a line (a minified bundle, a blob).
  const bodies = lineBodies(lines, all).map((l) => (l.length > LONGEST ? l.slice(0, LONGEST) : l));
  lines = bodies;
  const locations: Array<Location | null> = new Array(n);
  const found: { at: Location | null } = { at: null };
  for (let i = 0; i < n; i++) {
    roles[i] = roleOf(lines[i]!, cwd, found);
    locations[i] = found.at;
  }
  const snippet = snippetLines(lines);
  const trace = new Int32Array(n).fill(-1);
  markPatches(lines, roles);
  for (let i = 0; i < n; i++) {
    const role = roles[i]!;
    // Echoed source in a code frame is no fact, whatever words it holds.
    // A side of a comparison labelled as one (uvu's `--actual    (Actual)` over its caret) is no echoed source.
    // So is the other side of a `+ actual - expected` diff right under the first (node's assert, over its caret).
    if (snippet[i] && role !== "finding" && role !== "summary" && role !== "patch-line") roles[i] = SIDE_LABEL.test(lines[i]!) || otherSide(lines, snippet, i) ? "assertion" : "snippet";
  }
  markFramePairs(lines, roles);
  markRowContinuations(lines, roles);
  if (frameLabels) for (let i = 0; i < n; i++) if (roles[i] === "snippet" && (FRAME_LABEL.test(lines[i]!) || hangsFromConnector(lines, i))) roles[i] = "assertion";
  markNumberedRows(lines, roles, locations);
  markChangeBlocks(lines, roles);
  markDiffHeaderPairs(lines, roles);
  markTraces(roles, trace);
  markAssertionBlocks(lines, roles);
  markAssertionDiffs(lines, roles);
  markFailureBodies(lines, roles);
  markSections(lines, roles);
  markSlowest(lines, roles);
  markHelpText(lines, roles);
  markSystemHeaderContext(lines, roles, cwd);
  return { roles, bodies, trace, snippet, locations };
}

/**
 * A file's path alone over rows of its source, each numbered (`L14 |    <div id="app">`, `14 | code`)
 * with a caret line under it that points at the place and says what is wrong (`^ The id value
 * [ app ] must be unique. (id-unique)`; htmlhint's default report): each row is a finding at that
 * line of the file, and its caret line is the finding's message.
 */
function markNumberedRows(lines: string[], roles: Role[], locations: Array<Location | null>): void {
  let file: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = PATH_ALONE.exec(line);
    if (heading) {
      file = heading[1]!;
      continue;
    }
    if (roles[i] === "blank") continue;
    const row = NUMBERED_ROW.exec(line);
    if (row && file !== null && CARET_MESSAGE.test(lines[i + 1] ?? "")) {
      roles[i] = "finding";
      locations[i] = { file, line: Number(row[1]), column: null, start: 0, end: 0, leading: true };
      roles[i + 1] = "assertion";
      i++;
      continue;
    }
    if (!row) file = null;
  }
}
/** A code frame's label: the gutter, markers under the code (`^^^`, `---`, `~~~`), then words saying what happens there. */
const FRAME_LABEL = /^\s*\d*\s*\|[\s|]*[\^~-]+\s+[A-Za-z\x60'"(]\S*\s+\S/;
/**
 * A label hung from a connector (rustc's layout when labels of one line would overlap: `   |     |   help:
 * use …` under a `|` drawn down from the markers): in the frame's bare gutter, its words start at the
 * column where the line above has its connector `|` or a marker.
 */
function hangsFromConnector(lines: string[], i: number): boolean {
  const line = lines[i]!;
  const m = /^(\s*\|[\s|]*?)([A-Za-z\x60'"(])\S*\s+\S/.exec(line);
  if (!m || i === 0) return false;
  const above = lines[i - 1]!.charAt(m[1]!.length);
  return above === "|" || above === "^" || above === "-" || above === "~";
}
/** A `- expected` line right under a `+ actual` one that is no echoed source (or the other way round): the comparison's other side. */
function otherSide(lines: string[], snippet: ArrayLike<number | boolean>, i: number): boolean {
  const side = /^\s*([-+]) \S/.exec(lines[i]!);
  const above = i > 0 && !snippet[i - 1] ? /^\s*([-+]) \S/.exec(lines[i - 1]!) : null;
  return !!side && !!above && side[1] !== above[1];
}
/** A line that ends with the name of the side of a comparison it shows: `++want    (Expected)`, `--got    (Actual)`. */
const SIDE_LABEL = /\S\s+\((?:[Ee]xpected|[Aa]ctual|[Rr]eceived)\)\s*$/;
/** A process's or task's end with a failing status, in words. */
const EXITED_NONZERO = /\bexit(?:ed)? with (?:exit )?(?:code|status) [1-9]\d*\b/;
/** A path alone on its line, indented or not: the file the rows under it are of. */
const PATH_ALONE = /^\s*((?:\.{0,2}\/)?(?:[\w@+~.-]+\/)*[\w@+~-][\w@+~.-]*\.[A-Za-z]\w{0,9})\s*$/;
/** A source row numbered in a gutter: `L14 |    <div>`, `  14 | code`. */
const NUMBERED_ROW = /^\s*L?(\d{1,6})\s*\|/;
/** A caret and the words of what is wrong there: `        ^ The id value must be unique.` */
const CARET_MESSAGE = /^\s*(?:\|\s*)?\^+\s+\S+\s+\S/;

/** A row continued on the next line with its first cells empty (`     |         |  (Sniff.Code)`) is part of that row. */
function markRowContinuations(lines: string[], roles: Role[]): void {
  for (let i = 1; i < lines.length; i++) {
    if (roles[i] === "blank" || !ROW_CONTINUATION.test(lines[i]!)) continue;
    let j = i - 1;
    while (j > 0 && roles[j] === "blank") j--;
    if (roles[j] !== "blank") roles[i] = roles[j]!;
  }
}
const ROW_CONTINUATION = /^\s*\|\s*\|?\s*\S|^\s+\|\s+\|/;

/**
 * A plan of changes (terraform plan, pulumi preview, kubectl diff, any `+`/`-`/`~` listing): each
 * block's head (the comment lines above its first change: `# aws_s3_bucket.logs will be destroyed`)
 * is a section header, a line that changes a value (`~ ttl = 300 -> 60`) is a finding, and the
 * other `+`/`-` lines of the block are its content.
 */
function markChangeBlocks(lines: string[], roles: Role[]): void {
  let changes = 0;
  for (let i = 0; i < lines.length; i++) if (roles[i] === "plain" && CHANGE.test(lines[i]!)) changes++;
  if (changes < 3) return;
  for (let i = 0; i < lines.length; i++) {
    if (roles[i] !== "plain" || !CHANGE.test(lines[i]!)) continue;
    roles[i] = / -> |=> /.test(lines[i]!) && lines[i]!.trimStart().startsWith("~") ? "finding" : "change";
    // The comment lines just above a block's first change head it.
    if (i > 0 && (roles[i - 1] === "plain" || roles[i - 1] === "summary") && HEAD_COMMENT.test(lines[i - 1]!)) {
      for (let k = i - 1; k >= 0 && HEAD_COMMENT.test(lines[k]!) && roles[k] !== "blank"; k--) roles[k] = "section";
    }
  }
}
const CHANGE = /^\s*(?:[+~-]|-\/\+|\+\/-|<=)\s+\S/;
const HEAD_COMMENT = /^\s*#\s+\S/;

/** `--- before: x` over `+++ after: x` (any tool's unified diff): the two file headers of a diff. */
function markDiffHeaderPairs(lines: string[], roles: Role[]): void {
  for (let i = 0; i + 1 < lines.length; i++) {
    if (lines[i]!.startsWith("--- ") && lines[i + 1]!.startsWith("+++ ")) {
      roles[i] = "patch-file";
      roles[i + 1] = "patch-file";
    }
  }
}

/**
 * A patch (`diff --git`, `---`/`+++`, `@@ -1,2 +1,3 @@`): its file headers are facts, its lines are
 * the patch's content, not errors or assertions, whatever words they hold.
 */
function markPatches(lines: string[], roles: Role[]): void {
  let inPatch = false;
  for (let i = 0; i < lines.length; i++) {
    const role = roles[i]!;
    if (role === "patch-hunk") {
      inPatch = true;
      continue;
    }
    if (role === "patch-file") {
      inPatch = lines[i]!.startsWith("diff ") || lines[i]!.startsWith("--- ") || lines[i]!.startsWith("+++ ") || inPatch;
      continue;
    }
    if (!inPatch) continue;
    const c = lines[i]!.charCodeAt(0);
    // ' ', '+', '-', '\' (no newline at end of file) and empty context lines continue a hunk.
    if (c === 32 || c === 43 || c === 45 || c === 92 || lines[i] === "") roles[i] = lines[i] === "" ? "blank" : "patch-line";
    else if (/^(?:index |old mode |new mode |copy (?:from|to) |dissimilarity index )/.test(lines[i]!)) roles[i] = "patch-line";
    else inPatch = false;
  }
}

/**
 * Lines that belong to the frame next to them: Python's source line under `File "…", line N`, a Go
 * frame's function line above its `\tpath.go:N` line. They take that frame's role.
 */
function markFramePairs(lines: string[], roles: Role[]): void {
  for (let i = 0; i < lines.length; i++) {
    const role = roles[i]!;
    if (role !== "frame" && role !== "library-frame") continue;
    const line = lines[i]!;
    const next = lines[i + 1];
    if (next !== undefined && line.trimStart().startsWith("File \"") && indentOf(next) > indentOf(line) && roles[i + 1] !== "frame" && roles[i + 1] !== "library-frame") {
      // The caret line under Python 3.11's source line belongs to the frame too.
      roles[i + 1] = role;
      if (lines[i + 2] !== undefined && /^\s*[~^]+\s*$/.test(lines[i + 2]!)) roles[i + 2] = role;
    }
    if (i > 0 && isGoFunctionLine(lines[i - 1]!, line)) roles[i - 1] = role;
  }
}

/** Each run of frames is one trace. */
function markTraces(roles: Role[], trace: Int32Array): void {
  let t = -1;
  let last = -10;
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    if (r !== "frame" && r !== "library-frame") continue;
    if (i - last > 1) t++;
    trace[i] = t;
    last = i;
  }
}

/**
 * An assertion's message is one block: the lines after its first keyword line that are indented
 * as deep or deeper (or carry the same prefix, such as pytest's `E `), and the `+`/`-` lines of a
 * diff-style assertion, up to a blank line. None of it is thinned as a near-repeat.
 */
/** A line of a diff: `- expected`, `+ actual`, `-2025-09-01`, `┊ +····'total'`; not a rule of dashes. */
const DIFF_LINE = /^(?!\s*([-+])\1{5,}\s*$)\s*(?:[│├└┊┐┘╵|]\s*)?(?:[-+](?:\s|\S)|@@ )/;

function markAssertionBlocks(lines: string[], roles: Role[]): void {
  for (let i = 0; i < lines.length; i++) {
    if (roles[i] !== "assertion") continue;
    const base = indentOf(lines[i]!);
    let prefix = /^\S\s+/.exec(lines[i]!)?.[0] ?? null;
    let j = i + 1;
    for (; j < lines.length && j - i <= 40; j++) {
      const line = lines[j]!;
      const r = roles[j]!;
      // `Expected values to be strictly equal:`, a blank line, then the values; a legend
      // (`- Expected  - 1`), a blank line, then the diff.
      if (r === "blank") {
        let k = j;
        while (k < lines.length && k - j < 2 && roles[k] === "blank") k++;
        const next = lines[k] ?? "";
        if (k < lines.length && roles[k] !== "blank" && (lines[j - 1]!.trimEnd().endsWith(":") || DIFF_LINE.test(next) || roles[k] === "patch-hunk" || (indentOf(next) >= base && base > 0 && roles[k] !== "failure" && roles[k] !== "finding"))) {
          j = k - 1;
          continue;
        }
      }
      if (r === "blank" || r === "finding" || r === "failure" || r === "summary" || r === "result" || r === "frame" || r === "library-frame" || r === "snippet") break;
      const deeper = indentOf(line) > base || (indentOf(line) >= base && base > 0);
      const samePrefix = prefix !== null && line.startsWith(prefix.trimEnd());
      const diff = DIFF_LINE.test(line) || r === "patch-hunk" || r === "patch-line";
      if (!(deeper || samePrefix || diff || r === "assertion")) break;
      // pytest's `>` source line, then its `E` lines: the block goes on with the prefix it now has.
      if (r === "assertion" && !samePrefix) prefix = /^\S\s+/.exec(line)?.[0] ?? prefix;
      if (r === "plain" || r === "chatter" || r === "match" || r === "problem" || r === "warning" || r === "noise" || r === "patch-hunk" || r === "patch-line" || r === "change" || r === "section") roles[j] = "assertion";
    }
    i = j - 1;
  }
}

/** How far a failure's body reaches, and how long a labelled value in it may be. */
const FAILURE_BODY = 30;
const LABELLED_VALUE = 2;
/**
 * A label over a value: a few words, capitalised, and a colon (`---- Result was:`, `Got:`, `Result
 * should have been (exact matching):`), not code; or test-unit's `<expected> expected but was` over the actual.
 */
const VALUE_LABEL = /^\s*(?:[-=*#>]+\s*)?(?:[A-Z][\w' ()-]{0,58}:|<.*> expected but was)\s*$/;

/**
 * What a failing test prints between its failure and its verdict is the failure's own account:
 * a value under a label ending in a colon (tcltest's `---- Result was:` then `hello-world-`, a
 * `Got:` / `Want:` pair), and a message of a line or two right before the verdict (GoogleTest's
 * own text after `Expected: true`, then `[  FAILED  ] Suite.Name`). They read as assertion lines.
 */
function markFailureBodies(lines: string[], roles: Role[]): void {
  const opens = (r: Role) => r === "failure" || r === "problem" || r === "assertion";
  for (let i = 0; i < lines.length; i++) {
    if (!opens(roles[i]!)) continue;
    let j = i + 1;
    for (; j < lines.length && j - i <= FAILURE_BODY && roles[j] !== "blank"; j++) {
      const r = roles[j]!;
      if (r === "failure" || (r === "problem" && roles[i] !== "assertion")) break;
      if ((r === "section" || r === "plain") && VALUE_LABEL.test(lines[j]!)) {
        let k = j + 1;
        while (k < lines.length && k - j <= LABELLED_VALUE && roles[k] === "plain" && !VALUE_LABEL.test(lines[k]!)) k++;
        const closed = k >= lines.length || roles[k] !== "plain" || VALUE_LABEL.test(lines[k]!);
        if (closed && k > j + 1) for (let m = j; m < k; m++) roles[m] = "assertion";
        j = k - 1;
      }
    }
    // the message right before the verdict, after an assertion
    if (roles[j] === "failure") {
      let k = j - 1;
      while (k > i && j - k <= LABELLED_VALUE && roles[k] === "plain") k--;
      if (k < j - 1 && roles[k] === "assertion") for (let m = k + 1; m < j; m++) roles[m] = "assertion";
    }
    i = Math.max(i, j - 1);
  }
}

/**
 * The `+`/`-` lines a failing test prints a little below its assertion (mocha prints its diff at
 * the left edge, past the message's indentation) are the assertion's diff.
 */
function markAssertionDiffs(lines: string[], roles: Role[]): void {
  let lastAssertion = -100;
  for (let i = 0; i < lines.length; i++) {
    const r = roles[i]!;
    if (r === "assertion" || r === "failure") lastAssertion = i;
    else if (i - lastAssertion <= 15 && (r === "change" || r === "plain" || r === "patch-line") && DIFF_LINE.test(lines[i]!)) {
      roles[i] = "assertion";
      lastAssertion = i;
    }
  }
}

const RULE_LINE = /^\s*([-=~*_─━═])\1{9,}\s*$/;

/**
 * A heading over what took longest (pytest's `==== slowest 10 durations ====`, RSpec's `Top 10 slowest
 * examples (0.5 seconds, 50% of total time):`, Django's `Slowest test durations`): the times asked for.
 */
const SLOWEST_HEADING = /^[\s=*#-]*(?:Top \d+ )?[Ss]lowest\b[^:]{0,80}:?[\s=*#-]*$/;

/** The rows under a SLOWEST_HEADING, to a blank line, a rule (one right under the heading aside) or a summary, are results. */
function markSlowest(lines: string[], roles: Role[]): void {
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.length > 160 || !SLOWEST_HEADING.test(lines[i]!)) continue;
    let j = i + 1;
    if (roles[j] === "noise") j++;
    for (; j < lines.length && (roles[j] === "plain" || roles[j] === "chatter" || roles[j] === "match" || roles[j] === "finding" || roles[j] === "data"); j++) roles[j] = "result";
    i = j;
  }
}

/**
 * A section header: a line ending in `:` (not a location) that opens an indented block, such as
 * git's `Changes not staged for commit:` or a race detector's `Previous write at 0x… by goroutine 7:`,
 * or a title between decorations (`==== FAILURES ====`, `TASK [deploy] ****`).
 */
function markSections(lines: string[], roles: Role[]): void {
  for (let i = 0; i < lines.length; i++) {
    const r = roles[i]!;
    // A file named alone, then rows of `line:col  message` (eslint's stylish format, stylelint...).
    if (FILE_HEADING.test(lines[i]!) && LINE_COL_ROW.test(lines[i + 1] ?? "")) {
      roles[i] = "section";
      for (let j = i + 1; j < lines.length && LINE_COL_ROW.test(lines[j]!); j++) if (roles[j] !== "summary") roles[j] = "finding";
      continue;
    }
    if (r !== "plain" && r !== "chatter" && r !== "problem" && r !== "warning") continue;
    const line = lines[i]!;
    // A title underlined (`Test Summary Report` over `-------------------`).
    if (r === "plain" && /^\s*[-=~^]{3,}\s*$/.test(lines[i + 1] ?? "") && Math.abs(lines[i + 1]!.trim().length - line.trim().length) <= 2) {
      roles[i] = "section";
      continue;
    }
    // A title boxed between two rules (Catch2's test case: a rule, its name, a rule, then its place).
    if ((r === "plain" || r === "problem") && roles[i - 1] === "noise" && roles[i + 1] === "noise" && RULE_LINE.test(lines[i - 1] ?? "") && RULE_LINE.test(lines[i + 1] ?? "") && line.length <= 200) {
      roles[i] = "section";
      continue;
    }
    // A title over an indented list (`Price Calculator (Shop\Tests\PriceCalculator)` over ` ✔ applies discount`).
    if (r === "plain" && LIST_ITEM.test(lines[i + 1] ?? "") && indentOf(lines[i + 1]!) > indentOf(line) && line.length <= 200) {
      roles[i] = "section";
      continue;
    }
    if (!line.trimEnd().endsWith(":") || line.length > 600) continue;
    let j = i + 1;
    while (j < lines.length && roles[j] === "blank" && j - i < 2) j++;
    // It heads lines indented deeper, or findings (gcc's `a.c: In function 'f':` over `a.c:3:1: error: …`),
    // or, as a short title, the paragraph under it (`Outputs:`, a blank line, `name = value` lines).
    const short = line.trim().length <= 60 && line.trim().indexOf(":") === line.trim().length - 1;
    if (j < lines.length && roles[j] !== "blank" && (indentOf(lines[j]!) > indentOf(line) || roles[j] === "finding" || (short && indentOf(lines[j]!) >= indentOf(line)))) {
      if (r === "plain" || r === "chatter") roles[i] = "section";
    }
  }
}

export { indentOf };

/**
 * The help a tool prints after a usage error (npm's `Usage:`, its synopsis and every option with its
 * description; argparse's and most CLIs' `usage:` block), under the prefix its lines share (`npm
 * error `): the tool's manual, not news of this run. Its `Usage:` line stays to say it was printed.
 */
const USAGE_HEAD = /^(.{0,24}?)(?:Usage|USAGE|usage):(?:\s+\S.*)?$/;
const HELP_SHAPES = [
  /^\s*\[-/, // a synopsis of options: `[--omit <dev|optional>] [--dry-run]`
  /^\s*-{1,2}[\w?][\w-]*(?:[\s=,|[<]|$)/, // an option: `--install-strategy`, `-w|--workspace`, `-h, --help`
  /^\s{2,}\S/, // its description, indented
  /^[A-Z][\w ]{0,30}:\s*$/, // a part of the help: `Options:`, `Commands:`
  /^aliases?: \S/i,
];
const HELP_MIN_LINES = 6;
function markHelpText(lines: string[], roles: Role[]): void {
  for (let i = 0; i < lines.length; i++) {
    const head = USAGE_HEAD.exec(lines[i]!);
    if (!head || (head[1] !== "" && !head[1]!.endsWith(" "))) continue;
    // only help printed after an error: the help a user asked for (`tool --help`) is the output
    if (!roles.slice(Math.max(0, i - 40), i).some((r) => r === "problem" || r === "failure")) continue;
    const prefix = head[1]!;
    let k = i + 1;
    for (; k < lines.length; k++) {
      const line = lines[k]!;
      if (line.trim() === prefix.trim()) continue; // a blank line of the help, with or without its prefix
      if (!line.startsWith(prefix)) break;
      const body = line.slice(prefix.length);
      // the synopsis right under `Usage:` (`npm ci`, `prog <file> [options]`)
      if (k <= i + 2 && body.length <= 100 && /^\S/.test(body) && !/[.!?]$/.test(body)) continue;
      if (!HELP_SHAPES.some((re) => re.test(body))) break;
    }
    if (k - i - 1 < HELP_MIN_LINES) continue;
    for (let j = i + 1; j < k; j++) if (!FACT_ROLES.has(roles[j]!) || roles[j] === "problem") roles[j] = "help";
    i = k - 1;
  }
}

/**
 * GCC's and Clang's context for a diagnostic, in the system's headers (`/usr/include/c++/12/bits/
 * stl_algo.h:1849:25:   required from ‘…’`, `In file included from /usr/include/…`, a `note:` under a
 * template's failed deduction): the library's side of an instantiation, like a library's frames in a
 * stack trace. The head of each (`…: In instantiation of ‘…’:`, which template failed), the project's
 * own `required from here`, its files' notes and every `error:` stay.
 */
const COMPILER_CONTEXT = /^(?:In file included from |\s+from |)(\/[^\s:]+)(?::\d+(?::\d+)?)?(?::|,)(?:\s+(?:required from\b|required by substitution of\b|recursively required from\b|note:)|\s*$)/;
const SYSTEM_DIR = /^\/(?:usr|opt|lib|lib64|nix|Library|Applications)\//;
function markSystemHeaderContext(lines: string[], roles: Role[], cwd?: string): void {
  for (let i = 0; i < lines.length; i++) {
    const r = roles[i]!;
    if (r !== "finding" && r !== "section" && r !== "plain" && r !== "problem") continue;
    const m = COMPILER_CONTEXT.exec(lines[i]!);
    if (!m) continue;
    const file = m[1]!;
    if (!SYSTEM_DIR.test(file) || (cwd && file.startsWith(`${cwd.replace(/\/$/, "")}/`))) continue;
    roles[i] = "library-frame";
  }
}
