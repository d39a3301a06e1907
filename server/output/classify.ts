/**
 * How compaction sees each rendered line: facts an agent needs (kept verbatim), the headers of
 * error blocks (kept with the lines that explain them), and noise that may be folded.
 */

/** Errors, warnings, failures, crashes and the words around them. */
const IMPORTANT =
  /\b(?:errors?|Errors?|ERRORS?|warnings?|Warnings?|WARNINGS?|WARN|warn|fail(?:ed|ing|ure|ures)?|Fail(?:ed|ure)?|FAIL(?:ED|URE)?|panic(?:ked)?|fatal|Fatal|FATAL|Traceback|[A-Z]\w*(?:Error|Exception)|assert(?:ion)?|Assert(?:ion)?|[Ee]xpected|[Rr]eceived|not found|undefined|denied|refused|CONFLICT|[Cc]onflict|[Aa]bort(?:ed)?|Killed|Segmentation fault|core dumped|UNMET(?! OPTIONAL)|extraneous|timed out|TIMEOUT|Caused by|BUILD|problems?|cannot|Cannot|unable|Unable|missing|Missing|invalid|Invalid)\b|[✖✗×❯●✕⚠]|^E {2,}|^>\s|^\s+(?:modified|deleted|new file|renamed|both modified|both added|typechange):\s/;

/** Summary and status lines: the counts and the verdict. */
const SUMMARY =
  /^(?:test result:|Tests?:|Test Suites:|\s*Test Files|\s*Tests\s|Ran \d+ tests?|OK\b|=+ .* in [\d.]+m?s|Found \d+|\s*\d+ (?:passing|failing|pending|pass|fail|skip|tests? completed)\b|ℹ (?:tests|pass|fail|skipped|cancelled|todo)|added \d+ packages?|Successfully|Done in|\s*Finished|\s*Running |running \d+ tests?|success |\d+ packages? installed|Packages: [+-]|\[100%\]|FAIL\b|ok\s+\S+\s|PASS$|Automatic merge|Your branch|On branch|nothing to commit|Already up to date|Fast-forward|Summary|Total|TOTAL|Collected|collected \d+|\d+ upgraded, \d+ newly installed|-- Build files have been written|-- Configuring (?:done|incomplete)|\d+ directories, \d+ files)/;

/** A line that starts a block whose next lines explain it (snippet, location, assertion). */
const BLOCK_HEADER =
  /^(?:error|warning)(?:\[\w+\])?:|: (?:fatal error|error):|^\s*● |^\s*FAIL\s|^(?:FAIL|ERROR): |^\s+\d+\) |^---- .* stdout ----$|^_{3,} .* _{3,}$|^Traceback |^(?:\w+\.)*\w*(?:Error|Exception)\b|^thread '.*' panicked|^\s*--- FAIL:|^\S+:\d+:\d+ - error|^\s+✖ |^✗ |^\(fail\) |^error: |^CMake (?:Error|Warning)|^The following (?:NEW |additional )?packages will be/;

/** Stack frames inside dependencies, the runtime or the standard library: never what to fix. */
const DEPENDENCY_FRAME =
  /^\s*(?:at (?:.*\()?(?:node:|[^()]*node_modules\/|<anonymous>\)|native\))|at \/rustc\/|\d+: (?:std|core|alloc|__rustc|test)::|\d+: <.* as core::|File ".*(?:site-packages|\/lib\/python\d)|at (?:java|jdk|sun|org\.junit|org\.apache|org\.opentest4j|org\.gradle|kotlin)\.|at \/usr\/(?:lib|local)\/go\/)/;

/** Lines that say a test passed or a step progressed: the bulk of a green run. */
const CHATTER =
  /^\s*(?:✓|✔|√|PASS\b|--- PASS|=== RUN|=== PAUSE|=== CONT|test \S+ \.\.\. ok$|\S+::\S+ PASSED|\[\s*\d+%\]|\[\d+\/\d+\] |Compiling |Downloading|Downloaded|Fetching|Resolving|Collecting|Requirement already|Using cached|Processing |Building |Checking |Installing |Unpacking |Setting up |Preparing |Get:\d+|Hit:\d+|Ign:\d+|Fetched \d|Reading package lists\.\.\.(?: Done)?$|Reading state information\.\.\.(?: Done)?$|Selecting previously unselected package |\(Reading database \.\.\. |remote: |Receiving objects|Resolving deltas|-- )|\.\.\. ok$|\bPASSED\b/;

/** Frames in the user's own code: where to look. */
const USER_FRAME = /^\s*(?:\S+\.\w+:\d+:?$|File "[^"]+", line \d+|at .*\(?(?:file:\/\/)?\/?[\w./-]+\.[cm]?[jt]sx?:\d+:\d+\)?$|at \.\/src\/|\d+: [\w:]+::tests::)/;

export type LineClass = "fact" | "header" | "frame" | "chatter" | "plain" | "blank";

export function classifyLine(line: string): LineClass {
  if (line.length === 0 || line.trim().length === 0) return "blank";
  if (DEPENDENCY_FRAME.test(line)) return "frame";
  if (BLOCK_HEADER.test(line)) return "header";
  if (SHELLCHECK_LOCATION.test(line) || SHELLCHECK_FINDING.test(line)) return "fact";
  if (USER_FRAME.test(line)) return "fact";
  if (SUMMARY.test(line)) return "fact";
  // A progress line's last state (`Receiving objects: 100% (159/159), done.`) is its result.
  if (CHATTER.test(line) && !/FAIL|ERROR|error|✗|✖|, done\.$/.test(line)) return "chatter";
  if (IMPORTANT.test(line)) return "fact";
  return "plain";
}

/**
 * shellcheck's tty format: `In FILE line N:` then the source line, then a caret line per finding
 * (`    ^--^ SC2086 (info): Double quote …`), whose caret stands under the column. Every finding,
 * style and info ones too, is what the run was asked to report.
 */
export const SHELLCHECK_LOCATION = /^In (.+) line (\d+):$/;
export const SHELLCHECK_FINDING = /^( *)\^-*\^ (SC\d{4}) \((error|warning|info|style)\): (.+)$/;

/** A line's shape with numbers and hex ids blurred: near-identical lines share one. */
export function shapeOf(line: string): string {
  return line.replace(/0x[0-9a-f]+|[0-9a-f]{7,}|\d+(?:\.\d+)?/gi, "#");
}
