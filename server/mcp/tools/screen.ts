import { z } from "zod";
import { AppError } from "../../errors.ts";
import { defineTool, sessionArg, sessionOf } from "../tool.ts";
import description from "./screen.txt" with { type: "text" };

/** A page of the screen: at most this many characters (a 500×1000 screen would be ~125,000 tokens). */
export const SCREEN_CAP = 4_000;

const Rows = z.string().regex(/^\d+-\d+$/, 'a row range is "FROM-TO", e.g. "1-40"');

/**
 * The rows `from..to` (1-based, clamped to `lines`) that fit in `cap` characters: the last rows of
 * the range (prompts and status lines sit at the bottom), at least one row, cut to the cap.
 */
export function screenPage(lines: string[], from: number, to: number, cap = SCREEN_CAP): { from: number; to: number; text: string } {
  const end = Math.min(to, lines.length);
  let start = end;
  let size = (lines[end - 1] ?? "").length;
  while (start > from && size + 1 + lines[start - 2]!.length <= cap) {
    start--;
    size += 1 + lines[start - 1]!.length;
  }
  return { from: start, to: end, text: lines.slice(start - 1, end).join("\n").slice(-cap) };
}

/**
 * A screen as the caller sees it: blank rows at the bottom dropped (they cost tokens and say
 * nothing), the rows asked for (all by default) cut to the cap, and when cut, a first line saying
 * which rows are shown and the call that shows those above.
 */
export function screenText(screen: string, rows?: string): { text: string; next?: string } {
  const lines = screen.replace(/\s+$/, "").split("\n");
  const [a, b] = rows ? (rows.split("-").map(Number) as [number, number]) : [1, lines.length];
  if (b < a) throw new AppError("invalid", `the row range "${rows}" ends before it starts`);
  const top = Math.max(1, a);
  const page = screenPage(lines, top, b);
  const cut = page.from > top || page.text.length < lines.slice(page.from - 1, page.to).join("\n").length;
  const next = page.from > top ? `screen {rows: "${top}-${page.from - 1}"}` : undefined;
  const head = cut ? `rows ${page.from}-${page.to} of ${lines.length} (cap ${SCREEN_CAP} chars)${next ? ` — above: ${next}` : ""}\n` : "";
  return { text: head + (page.text || "(the screen is blank)"), ...(next ? { next } : {}) };
}

export default defineTool({
  name: "screen",
  description,
  tier: "safe",
  input: z.object({ rows: Rows.optional(), session: sessionArg }),
  output: z.strictObject({
    cols: z.number(),
    rows: z.number(),
    cursor: z.strictObject({ x: z.number(), y: z.number() }).optional(),
    cap: z.number(),
    next: z.string().optional(),
  }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    const r = await env.backend.screen(session);
    const shown = screenText(r.text, args.rows);
    const data = {
      cols: r.cols,
      rows: r.rows,
      ...(r.cursor ? { cursor: { x: r.cursor.x, y: r.cursor.y } } : {}),
      cap: SCREEN_CAP,
      ...(shown.next ? { next: shown.next } : {}),
    };
    return { data, text: shown.text };
  },
});
