import { z } from "zod";
import { AppError } from "../../errors.ts";
import { renderOutput } from "../../output/render.ts";
import { commandIdArg, defineTool, sessionArg, sessionOf } from "../tool.ts";
import description from "./read_output.txt" with { type: "text" };

/** A page: at most this many characters, and by lines at most this many lines. */
const PAGE_CHARS = 8_000;
const PAGE_LINES = 200;
const utf8 = new TextEncoder();

/** The longest prefix of `text` within `max` characters that ends at a line break (or `max` if none). */
function pageOf(text: string, max: number): string {
  const cut = text.slice(0, max);
  const nl = cut.lastIndexOf("\n");
  return nl > max / 2 ? cut.slice(0, nl + 1) : cut;
}

const Range = z.string().regex(/^\d+-\d+$/, 'a line range is "FROM-TO", e.g. "120-400"');

export default defineTool({
  name: "read_output",
  description,
  tier: "safe",
  input: z.object({
    command_id: commandIdArg.optional(),
    lines: z.union([Range, z.number().int().min(1).max(10_000)]).optional(),
    since: z.number().int().min(0).optional(),
    raw: z.boolean().optional(),
    session: sessionArg,
  }),
  output: z.strictObject({
    session: z.string(),
    command_id: z.number().optional(),
    from: z.number().optional(),
    to: z.number().optional(),
    total_lines: z.number().optional(),
    start: z.number().optional(),
    offset: z.number().optional(),
    dropped: z.number().optional(),
    has_more: z.boolean(),
    next: z.string().optional(),
  }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    const max = PAGE_CHARS;
    if (args.command_id !== undefined) {
      const [a, b] = typeof args.lines === "string" ? (args.lines.split("-").map(Number) as [number, number]) : [1, PAGE_LINES];
      if (b < a) throw new AppError("invalid", `the range "${args.lines}" ends before it starts`);
      const r = await env.backend.commandLines(session, args.command_id, a, Math.min(b, a + PAGE_LINES - 1), args.raw);
      let text = r.output;
      let to = r.to;
      if (text.length > max) {
        text = pageOf(text, max);
        to = r.from + text.split("\n").length - 2;
      }
      const hasMore = to < Math.min(b, r.total_lines);
      const next = hasMore ? `read_output {command_id: ${r.command_id}, lines: "${to + 1}-${Math.min(b, r.total_lines)}"}` : undefined;
      return {
        data: { session, command_id: r.command_id, from: r.from, to, total_lines: r.total_lines, has_more: hasMore, ...(next ? { next } : {}) },
        text: `lines ${r.from}-${to} of ${r.total_lines}${next ? ` — more: ${next}` : ""}\n${text}`,
      };
    }
    if (typeof args.lines === "string") throw new AppError("invalid", "a line range needs the command_id whose output it numbers");
    if (typeof args.lines === "number") {
      const r = await env.backend.read(session, { since: args.since, lines: args.lines, raw: args.raw });
      const text = r.output.length > max ? r.output.slice(r.output.length - max) : r.output;
      return { data: { session, start: r.start, offset: r.offset, dropped: Number(r.dropped) || 0, has_more: false }, text: text || "(no output)" };
    }
    // page by bytes: only as much raw text as one page needs, rendered after it is cut at a line
    const r = await env.backend.read(session, { since: args.since, raw: true, maxBytes: max });
    const page = pageOf(r.output, max);
    let offset = r.offset;
    if (page.length < r.output.length) {
      // give back what did not fit, so the next read (and the default "since the last read") starts there
      offset = r.start + utf8.encode(page).length;
      await env.backend.read(session, { since: r.start, raw: true, maxBytes: offset - r.start });
    }
    const hasMore = utf8.encode(r.output).length >= max;
    const text = args.raw ? page : renderOutput(page);
    const next = hasMore ? `read_output {since: ${offset}}` : undefined;
    return {
      data: { session, start: r.start, offset, dropped: Number(r.dropped) || 0, has_more: hasMore, ...(next ? { next } : {}) },
      text: (text || "(no new output)") + (next ? `\n… more: ${next}` : ""),
    };
  },
});
