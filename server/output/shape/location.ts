/**
 * Locations in a line of output, whatever the tool: the shapes compilers, linters, test runners and
 * stack traces use to say where (GNU `path:line[:col]` and `path:line.col-line.col`, MSBuild/tsc `path(line,col)`, Maven
 * `path:[line,col]`, .NET `path:line N`, Rollup `path (line:col)`, webpack `path line:col-col`, Dart Sass `path line:col  member`, Python `File "path", line N`, Perl/shellcheck/terraform `path line N`, PHP `path on line N`,
 * `[path:line]`, `--> path:line:col`, `path:line:in 'fn'`), a program's name right before one (`psql:a.sql:25:`).
 */

export interface Location {
  file: string;
  line: number;
  column: number | null;
  /** Where the location's text starts and ends in the line. */
  start: number;
  end: number;
  /** The location begins the line's text (after indentation and a marker such as `-->`, `at`, `#3`). */
  leading: boolean;
}

/** A program's name leading its message, no space after (`psql:sql/a.sql:25: ERROR: …`). */
const PROGRAM_PREFIX = String.raw`[a-z][\w.+-]*:`;

/**
 * A file name: a path with an extension (`src/a.py`, `./x.test.js`, `C:\x\y.cs`, `Cart.java`), or a
 * well-known extensionless build file (`Makefile`, `Dockerfile`...).
 */
const PATH = String.raw`(?:[A-Za-z]:[\\/])?(?:[\w@+~.$-]*[\\/])*(?:[\w@+~$-][\w@+~.$-]*\.[A-Za-z][\w+-]{0,9}|[A-Z][a-z]*file|[\w.-]+\/[\w.-]+)`;
/** What may stand before a location: start, space, bracket, quote, `=`. Not `//` (a URL) nor `@` (user@host). */
const BEFORE = String.raw`(?:^|(?<=[\s(\[{<'"\`=,|])|(?<=^${PROGRAM_PREFIX})(?!\/))`;

const COLON = new RegExp(`${BEFORE}(?:file:\\/\\/)?(${PATH}):(\\d+)(?::(\\d+))?(?=$|[\\s:,;)\\]}>'"\`]|-\\d)`, "g");
/**
 * `path(line,col)` (MSBuild, tsc), `path(line, col):` (Nim), D's `Type@path(line)`. A bare
 * `name.ext(2)` with no directory, column or colon after is a call (`t.top(2) was …`), not a place.
 */
const PAREN = new RegExp(`(?:${BEFORE}|(?<=\\w@))(${PATH})\\((\\d+)(?:,\\s?(\\d+))?\\)`, "g");

/**
 * A parser's error naming the file, its message, then the place in parentheses at the end (Babel's
 * and Acorn's `SyntaxError: /src/a.js: Unexpected token (14:2)`).
 */
const TRAILING_PLACE = new RegExp(`(?<=^\\s*(?:[A-Z][\\w.]*(?:Error|Exception):\\s+)?)(${PATH}): \\S.*\\((\\d+):(\\d+)\\)\\s*$`, "g");

/** Rollup's `path (line:col)` (and so Vite's build errors): a space, then line and column in parentheses. */
const SPACED_PAREN = new RegExp(`${BEFORE}(${PATH}) \\((\\d+):(\\d+)\\)`, "g");

/**
 * webpack's module and range, `./src/a.ts 6:0-47` (`line:col-col` or `line:col-line:col`), the
 * module's loader chain in parentheses between them: the place is where the range starts.
 */
const MODULE_RANGE = new RegExp(`${BEFORE}(${PATH})(?: \\([^()]*\\))? (\\d+):(\\d+)-(?:\\d+:)?\\d+(?=$|\\s)`, "g");

/** Dart Sass's frames, `  scss/main.scss 8:13  root stylesheet`: a path leading the line, a space, line and column, then two spaces or the end. */
const SPACED_PLACE = new RegExp(`^\\s*(${PATH}) (\\d+):(\\d+)(?=\\s{2}|\\s*$)`, "g");

/** .NET's stack frames and test reports: `at Ns.C.M() in /src/A.cs:line 14`. */
const DOTNET_LINE = new RegExp(`${BEFORE}(${PATH}):line (\\d+)\\b`, "g");

/** The GNU Coding Standards' range `path:line.col-line.col:` (valac, bison): the place is where it starts. */
const GNU_RANGE = new RegExp(`${BEFORE}(${PATH}):(\\d+)\\.(\\d+)(?:-(?:\\d+\\.)?\\d+)?(?=:)`, "g");
const BRACKET = new RegExp(`${BEFORE}(${PATH}):\\[(\\d+),(\\d+)\\]`, "g");
const PYTHON = /File "([^"]+)", line (\d+)/g;
/** A YAML parser's mark (PyYAML, ruamel.yaml): `in "values.yaml", line 18, column 5`. */
const YAML_MARK = /\bin "([^"]+)", line (\d+), column (\d+)/g;
/** A POSIX shell's error in a script (dash, busybox sh, ksh): `./release.sh: 6: gh: not found`, the script leading the line. */
const SHELL_PLACE = new RegExp(`^(${PATH}): (\\d+): (?=\\S)`, "g");
const SHELL_PLACE_START = /^\S+: \d+: \S/;
/**
 * A file that heads its message (after a severity label, if any) and a place in prose at the end
 * (Perl::Critic's `lib/A.pm: Code before strictures are enabled at line 3, column 1.`, Graphviz's
 * `Error: deps.dot: syntax error in line 10 near '->'`).
 */
const PROSE = new RegExp(`(?<=^(?:(?:Error|ERROR|error|Warning|WARNING|warning):\\s+)?)(${PATH}): \\S.*?\\b(?:at|in|on) line (\\d+)(?:, column (\\d+))?`, "g");
const WORDED = new RegExp(`${BEFORE}(${PATH})[,:]?(?: on)? line (\\d+)(?:, col(?:umn)? (\\d+))?`, "g");
/** A host and port, a time or a ratio are no locations. */
const NOT_A_FILE = /^(?:localhost|[\d.]+|(?:[\w-]+\.)+(?:com|org|net|io|dev|local|internal|svc|cluster|lan))$/i;
/** What a location's line may start with before it: indentation, `at`, `-->`, `#3`, `in`, `from`, `File`, a severity word and colon. */
const LEADER = /^(?:[a-z][\w.+-]*:(?=$))?(?:\s*(?:at |-->|==>|->|from |in |In |on |File |#\d+ |\d+[:.)] |[-*•›>|]\s|\[\w+\]\s|(?:error|warning|note|info|E|W|C|R|F)\s*[:-]\s*)?)*\s*['"]?$/;

/** The quick test: can this line hold a location at all? */
function mayHold(line: string): boolean {
  for (let i = line.indexOf(":"); i !== -1; i = line.indexOf(":", i + 1)) {
    const c = line.charCodeAt(i + 1);
    if ((c >= 48 && c <= 57) || c === 91) return true;
  }
  // `path(12,5)`: a parenthesis right before a digit.
  for (let i = line.indexOf("("); i !== -1; i = line.indexOf("(", i + 1)) {
    const c = line.charCodeAt(i + 1);
    if (c >= 48 && c <= 57) return true;
  }
  return line.includes(" line ") || line.includes(":line ") || SHELL_PLACE_START.test(line);
}

function plausible(file: string): boolean {
  return file.length <= 300 && !NOT_A_FILE.test(file) && !/^\d/.test(file.replace(/^\.\//, ""));
}

/** A type's name and `@` before a path (`core.exception.AssertError@`). */
const THROWN_AT = /^(?:[\w$]+\.)*[A-Z][\w$]*@(?=[^@]*[\\/.])/;

/** The first location in the line, or null. */
export function findLocation(line: string): Location | null {
  if (line.length > 2000 || !mayHold(line)) return null;
  let best: Location | null = null;
  const consider = (re: RegExp, fileAt = 1, place?: (m: RegExpExecArray) => boolean) => {
    re.lastIndex = 0;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const file = m[fileAt]!;
      if (!plausible(file) || (place && !place(m))) continue;
      if (best && best.start <= m.index) return;
      // D's `core.exception.AssertError@source/a.d(53)`: the type thrown, then the place
      const thrown = THROWN_AT.exec(file)?.[0].length ?? 0;
      best = {
        file: file.slice(thrown),
        line: Number(m[fileAt + 1]),
        column: m[fileAt + 2] !== undefined ? Number(m[fileAt + 2]) : null,
        start: m.index + thrown,
        end: m.index + m[0].length,
        leading: LEADER.test(line.slice(0, m.index)),
      };
      return;
    }
  };
  if (line.includes(":")) {
    consider(COLON);
    if (/:\d+\.\d/.test(line)) consider(GNU_RANGE);
  }
  if (line.includes(":line ")) consider(DOTNET_LINE);
  if (/ \(\d+:\d/.test(line)) consider(SPACED_PAREN);
  if (!best && /\(\d+:\d+\)\s*$/.test(line)) consider(TRAILING_PLACE);
  if (/ \d+:\d+-\d/.test(line)) consider(MODULE_RANGE);
  if (/ \d+:\d+(?:\s{2}|\s*$)/.test(line)) consider(SPACED_PLACE);
  if (/\(\d/.test(line)) consider(PAREN, 1, (m) => /[\\/]/.test(m[1]!) || m[3] !== undefined || line[m.index + m[0].length] === ":");
  if (line.includes(":[")) consider(BRACKET);
  if (SHELL_PLACE_START.test(line)) consider(SHELL_PLACE);
  if (line.includes(" line ")) {
    consider(PYTHON);
    consider(YAML_MARK);
    consider(WORDED);
    if (!best && / (?:at|in|on) line /.test(line)) consider(PROSE);
  }
  return best;
}

/** A run's step after a place, no finding: `: Entering test case "x"`, `: Leaving test suite "s"; testing time: 9us` (Boost.Test). */
const PLACED_PROGRESS = /^:\s+(?:Entering|Leaving) test (?:case|suite|module)\b/;
export const isPlacedProgress = (afterPlace: string): boolean => PLACED_PROGRESS.test(afterPlace);
