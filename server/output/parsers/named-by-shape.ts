/**
 * The tool named by its output alone when no recogniser claims the text (`ai-session analyze` of
 * pasted output, a script that ran it): a program that prefixes its own diagnostics with its name,
 * as POSIX utilities and GNU programs do (`jq: error (at users.json:8): …`, then any sentence after a
 * lower-case name that is no common label: `cp: cannot stat 'a': No such file or directory`), a
 * summary that names its checker (`svelte-check found 2 errors and 1 warning`), and
 * documented formats that carry no name: an output that is all a unified diff (`--- a`, `+++ b`,
 * `@@ -1,3 +1,4 @@`, then its lines; a diff inside a formatter's or a test's report is theirs) and
 * pre-commit's hook report (`name....Failed` over `- hook id: x`), Perl's warn and die (`MESSAGE at
 * FILE line N.`), OpenSSL's error stack (`40C7…:error:1608010C:STORE routines:…`), GNU wget's
 * report of each fetch (`--2026-12-03 14:55:22--  https://…`, then `Resolving …`), npm's log prefix
 * and git's words about itself (git apply's `Checking patch a.c...` among them), GNU patch's report of
 * each file and hunk, gcov's summary of each source file.
 */
const SELF_NAMED = /^([a-z][\w+-]{1,30}): (?:(?:parse |fatal |internal )?error|fatal|warning)\b/m;
const UNIFIED_DIFF = /^--- \S.*\n\+\+\+ \S.*\n@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/m;
const PRE_COMMIT = /^\S.*?\.{3,}(?:Passed|Failed|Skipped)\n- hook id: [\w.-]+$/m;
const PERL_DIAGNOSTIC = /^[^#\s].* at \S+ line \d+(?:, <[^>]+> (?:line|chunk) \d+)?\.$/m;
const WGET_FETCH = /^--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d-- {2}\S+\n(?:Resolving|Connecting to|Reusing) /m;
/** npm's prefix on its log lines (`npm error Missing script: "lint"`, `npm warn deprecated …`, `npm ERR!`). */
const NPM_LOG = /^npm (?:error|warn|notice|ERR!|WARN) /m;
/** git's own words about itself (`error: pathspec 'x' did not match any file(s) known to git`, `fatal: not a git repository`). */
const GIT_SAYS = /\bknown to git\b|^fatal: not a git repository\b|^Checking patch \S+\.\.\.$|^error: patch failed: \S+:\d+$/m;
/** gcov's summary of a source file (`File 'src/a.c'` over `Lines executed:88.89% of 18`). */
const GCOV_SUMMARY = /^File '[^'\n]+'\nLines executed:\d+(?:\.\d+)?% of \d+$/m;
/** GNU patch's report of each file and hunk (`patching file src/a.c`, `Hunk #2 FAILED at 13.`, `Hunk #1 succeeded at 4 (offset 2 lines).`). */
const GNU_PATCH = /^(?:patching file \S|Hunk #\d+ (?:FAILED|succeeded|ignored|already applied) at \d+)/m;
const OPENSSL_ERROR_STACK = /^[0-9A-F]{8,}:error:[0-9A-F]{8}:[^:\n]+:/m;
/** A sentence after a lower-case name (`tar: Exiting with failure status due to previous errors`). */
const NAMED_SENTENCE = /^([a-z][a-z0-9+-]{1,30}): (\S[^\n]*? [^\n]*)$/gm;
const NAMES_ITSELF = /^([a-z][\w-]{1,30}) found \d+ (?:errors?|warnings?|problems?|issues?)\b/m;
/** Words that open many programs' messages, labels of a report's fields and of key-value output: never a program (`error: …`, `expected: 3`, `description: The app`). */
const LABEL =
  /^(?:error|errors|warning|warnings|warn|err|fatal|note|notes|hint|info|debug|trace|help|usage|caused|cause|reason|details?|message|exception|expected|actual|received|got|found|at|in|from|see|try|example|remote|location|required|context|source|stack|file|line|column|path|url|status|code|type|value|name|version|id|key|total|time|date|user|host|port|summary|result|results|output|input|description|default|options?|commands?|arguments?|tip|todo|fixme|ok|pass|fail|failed|passed|skipped|subject|author|commit|merge|branch|tag|origin|title|comment|suggestion|solution|fix|problem|issue|severity|rule|category|module|package|function|method|class|test|suite|step|task|job|stage|target|env|config|reminder|changed|unreachable|skipping|included|assertions?|expressions?|panic|goroutine|thread|signal|runtime|warning-[\w-]+)$/;

/** A line a diff program prints: its headers, a hunk's lines, its notes (`\ No newline at end of file`, `Only in a: x`). */
const DIFF_LINE = /^(?:[-+ ]|@@ |diff |index |\\ |Only in |Binary files |$)/;

export function toolByShape(text: string): string | undefined {
  if (UNIFIED_DIFF.test(text) && text.split("\n").every((l) => DIFF_LINE.test(l))) return "diff";
  if (PRE_COMMIT.test(text)) return "pre-commit";
  if (OPENSSL_ERROR_STACK.test(text)) return "openssl";
  if (WGET_FETCH.test(text)) return "wget";
  if (NPM_LOG.test(text)) return "npm";
  if (GIT_SAYS.test(text)) return "git";
  if (GNU_PATCH.test(text)) return "patch";
  if (GCOV_SUMMARY.test(text)) return "gcov";
  const named = SELF_NAMED.exec(text)?.[1];
  if (named && !LABEL.test(named)) return named;
  if (PERL_DIAGNOSTIC.test(text)) return "perl";
  const summarised = NAMES_ITSELF.exec(text)?.[1];
  if (summarised && !LABEL.test(summarised)) return summarised;
  for (const m of text.matchAll(NAMED_SENTENCE)) if (!LABEL.test(m[1]!)) return m[1]!;
  return undefined;
}
