/** tsc: `file:line:col - error TS1234: message` (pretty) and `file(line,col): error TS1234:` (plain). */
import { commandStarts, issue, numberOf, type OutputError, type Parser } from "../types.ts";

const PRETTY = /^(.+?):(\d+):(\d+) - (error|warning) (TS\d+): (.+)$/;
const PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.+)$/;

export const tsc: Parser = {
  tool: "tsc",
  matches: (text, command) => commandStarts(command, "tsc", "vue-tsc") || /(?: - |: )error TS\d+: /.test(text),
  parse(lines, text) {
    const errors: OutputError[] = [];
    for (const line of lines) {
      const m = PRETTY.exec(line) ?? PLAIN.exec(line);
      if (m) errors.push(issue(m[6]!, m[4] as "error", m[1]!, m[2]!, m[3]!, m[5]!));
    }
    const found = numberOf(text, /Found (\d+) errors?/);
    return {
      tool: "tsc",
      kind: "build",
      errors,
      tests_failed: [],
      counts: { errors: Math.max(found ?? 0, errors.length) },
      verdict: errors.length > 0 || (found ?? 0) > 0 ? "failed" : undefined,
    };
  },
};
