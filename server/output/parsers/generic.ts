/** The fallback for any other tool: error and warning lines, with a file:line when the line names one. */
import { issue, type OutputError, type Parser } from "../types.ts";

const ERROR_LINE = /(?:^|\s|\[)(?:error|ERROR|Error|FATAL|fatal|FAILED|panic)(?:\[[\w-]+\])?(?::|\]|!|\s-)\s*(.*)$/;
const WARNING_LINE = /(?:^|\s|\[)(?:warning|WARNING|Warning|WARN|warn)(?:\[[\w-]+\])?(?::|\])\s*(.*)$/;
const LOCATION = /((?:\.{0,2}\/)?[\w@.+-]+(?:\/[\w@.+-]+)*\.[A-Za-z][\w]{0,5}):(\d+)(?::(\d+))?/;

export function genericIssues(lines: string[], limit = 200): OutputError[] {
  const errors: OutputError[] = [];
  for (const line of lines) {
    if (errors.length >= limit) break;
    const severity = ERROR_LINE.test(line) ? "error" : WARNING_LINE.test(line) ? "warning" : null;
    if (!severity) continue;
    const at = LOCATION.exec(line);
    errors.push(issue(line, severity, at?.[1] ?? null, at?.[2] ?? null, at?.[3] ?? null));
  }
  return errors;
}

export const generic: Parser = {
  tool: "generic",
  matches: () => true,
  parse(lines) {
    const errors = genericIssues(lines);
    const warnings = errors.filter((e) => e.severity === "warning").length;
    return { tool: "generic", kind: "other", errors, tests_failed: [], counts: { errors: errors.length - warnings, warnings } };
  },
};
