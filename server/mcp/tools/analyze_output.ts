import { z } from "zod";
import { commandIdArg, defineTool, oneLine, sessionArg, sessionOf } from "../tool.ts";
import { ErrorRow, errorRow } from "../result.ts";
import description from "./analyze_output.txt" with { type: "text" };

const CAP = 50;

export default defineTool({
  name: "analyze_output",
  description,
  tier: "safe",
  input: z.object({
    command_id: commandIdArg.optional(),
    offset: z.number().int().min(0).optional(),
    session: sessionArg,
  }),
  output: z.strictObject({
    session: z.string(),
    command_id: z.number(),
    exit_code: z.number().nullable(),
    tool: z.string(),
    status: z.string(),
    errors: z.array(ErrorRow),
    errors_total: z.number(),
    cap: z.number(),
  }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    const a = await env.backend.analysis(session, args.command_id);
    const offset = args.offset ?? 0;
    const page = a.errors.slice(offset, offset + CAP);
    const rows = page.map((e) => errorRow(e));
    const counts = Object.fromEntries(Object.entries(a.counts).filter(([, n]) => n > 0));
    const where = (e: (typeof page)[number]) => `${e.file ?? ""}${e.line ? `:${e.line}` : ""}${e.column ? `:${e.column}` : ""}`;
    const more = a.errors.length > offset + CAP ? `… ${a.errors.length - offset - CAP} more: analyze_output {command_id: ${a.command_id}, offset: ${offset + CAP}}` : "";
    const text = [
      `#${a.command_id} ${oneLine(a.command, 80)} → exit ${a.exit_code ?? "?"}: ${a.tool} ${a.kind} ${a.status} ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(", ")}`.trimEnd(),
      ...page.map((e) => `${e.severity} ${where(e)}${e.code ? ` ${e.code}` : ""} ${e.message}`.replace(/ +/g, " ")),
      ...a.tests_failed.slice(0, 20).map((t) => `failed test ${t}`),
      ...a.suggestions.slice(0, 3).map((s) => `next: ${s}`),
      more,
    ].filter(Boolean);
    return {
      data: {
        session, command_id: a.command_id, exit_code: a.exit_code, tool: a.tool, status: a.status, errors: rows, errors_total: a.errors.length,
        cap: CAP,
      },
      text: text.join("\n"),
    };
  },
});
