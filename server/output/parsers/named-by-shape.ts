/**
 * The tool named by its output alone when no recogniser claims the text (`ai-session analyze` of
 * pasted output, a script that ran it): a program that prefixes its own diagnostics with its name,
 * as POSIX utilities and GNU programs do (`jq: error (at users.json:8): …`, `sed: -e expression #1,
 * char 3: …` is not one: only the words error, fatal and warning after the name count), and
 * documented formats that carry no name: an output that is all a unified diff (`--- a`, `+++ b`,
 * `@@ -1,3 +1,4 @@`, then its lines; a diff inside a formatter's or a test's report is theirs) and
 * pre-commit's hook report (`name....Failed` over `- hook id: x`), Perl's warn and die (`MESSAGE at
 * FILE line N.`), OpenSSL's error stack (`40C7…:error:1608010C:STORE routines:…`) and GNU wget's
 * report of each fetch (`--2026-12-03 14:55:22--  https://…`, then `Resolving …`).
 */
const SELF_NAMED = /^([a-z][\w+-]{1,30}): (?:(?:parse |fatal |internal )?error|fatal|warning)\b/m;
const UNIFIED_DIFF = /^--- \S.*\n\+\+\+ \S.*\n@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@/m;
const PRE_COMMIT = /^\S.*?\.{3,}(?:Passed|Failed|Skipped)\n- hook id: [\w.-]+$/m;
const PERL_DIAGNOSTIC = /^[^#\s].* at \S+ line \d+(?:, <[^>]+> (?:line|chunk) \d+)?\.$/m;
const WGET_FETCH = /^--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d-- {2}\S+\n(?:Resolving|Connecting to|Reusing) /m;
const OPENSSL_ERROR_STACK = /^[0-9A-F]{8,}:error:[0-9A-F]{8}:[^:\n]+:/m;
/** Words that open many programs' messages without naming a program (`error: …`, `note: …`). */
const NOT_A_PROGRAM = /^(?:error|warning|fatal|note|hint|info|debug|trace|help|usage|caused|reason|details?|message|exception)$/;

/** A line a diff program prints: its headers, a hunk's lines, its notes (`\ No newline at end of file`, `Only in a: x`). */
const DIFF_LINE = /^(?:[-+ ]|@@ |diff |index |\\ |Only in |Binary files |$)/;

export function toolByShape(text: string): string | undefined {
  if (UNIFIED_DIFF.test(text) && text.split("\n").every((l) => DIFF_LINE.test(l))) return "diff";
  if (PRE_COMMIT.test(text)) return "pre-commit";
  if (OPENSSL_ERROR_STACK.test(text)) return "openssl";
  if (WGET_FETCH.test(text)) return "wget";
  const named = SELF_NAMED.exec(text)?.[1];
  if (named && !NOT_A_PROGRAM.test(named)) return named;
  return PERL_DIAGNOSTIC.test(text) ? "perl" : undefined;
}
