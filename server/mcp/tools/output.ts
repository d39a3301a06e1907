import { z } from "zod";
import { renderOutput } from "../../output/render.ts";
import { defineTool, enc, MAX_TEXT_CHARS } from "../tool.ts";
import { sessionArg } from "./shapes.ts";
import readText from "./read_output.txt" with { type: "text" };
import screenText from "./screen.txt" with { type: "text" };

interface ReadAnswer {
  session: string;
  start: number;
  offset: number;
  dropped: number;
  output: string;
}

const utf8 = new TextEncoder();

/** The longest prefix of `text` within `max` characters that ends at a line break (or `max` if none). */
function pageOf(text: string, max: number): string {
  const cut = text.slice(0, max);
  const nl = cut.lastIndexOf("\n");
  return nl > max / 2 ? cut.slice(0, nl + 1) : cut;
}

export const readOutput = defineTool({
  name: "read_output",
  title: "Read a session's output",
  description: readText,
  tier: "safe",
  input: z.object({
    session: sessionArg,
    since: z.number().int().min(0).optional().describe("byte offset to read from: the `offset` of the previous answer (default: what is new since the last read)"),
    lines: z.number().int().min(1).max(10_000).optional().describe("only the last N lines"),
    raw: z.boolean().optional().describe("the exact text with escape sequences (default: rendered as a terminal shows it)"),
    max_chars: z.number().int().min(100).max(MAX_TEXT_CHARS * 2).optional().describe(`page size (default ${MAX_TEXT_CHARS})`),
  }),
  output: z.object({
    session: z.string(),
    start: z.number().describe("offset of the first byte returned"),
    offset: z.number().describe("pass as `since` to read on"),
    dropped: z.number().describe("bytes lost before `start` because the scrollback is bounded"),
    has_more: z.boolean().describe("more output waits after `offset`: call again with since=offset"),
    data: z.string(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, env) {
    const path = `/api/sessions/${enc(args.session)}/read`;
    const query = (o: Record<string, string | number | undefined>) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(o)) if (v !== undefined) q.set(k, String(v));
      return q.size ? `${path}?${q}` : path;
    };
    const max = args.max_chars ?? MAX_TEXT_CHARS;
    const r = await env.api.request<ReadAnswer>("GET", query({ since: args.since, lines: args.lines, raw: args.raw ? 1 : undefined }));
    let data = r.output ?? "";
    let offset = r.offset;
    let hasMore = false;
    if (data.length > max && args.lines !== undefined) {
      data = data.slice(data.length - max); // the last lines were asked for: keep the end
    } else if (data.length > max) {
      // page by bytes: take a line-aligned slice of the raw text, then render just that slice
      const raw = (await env.api.request<ReadAnswer>("GET", query({ since: r.start, raw: 1 }))).output;
      const page = pageOf(raw, max);
      offset = r.start + utf8.encode(page).length;
      hasMore = offset < r.offset;
      data = args.raw ? page : renderOutput(page);
      if (data.length > max) data = data.slice(0, max);
    }
    const note = hasMore ? `\n… more after offset ${offset}: call read_output with since=${offset}` : "";
    return {
      data: { session: r.session ?? args.session, start: r.start, offset, dropped: Number(r.dropped) || 0, has_more: hasMore, data },
      text: (data || "(no new output)") + note,
    };
  },
});

export const screen = defineTool({
  name: "screen",
  title: "See a session's screen",
  description: screenText,
  tier: "safe",
  input: z.object({ session: sessionArg }),
  output: z.looseObject({
    session: z.string(),
    text: z.string(),
    cols: z.number(),
    rows: z.number(),
    cursor: z.looseObject({ x: z.number(), y: z.number() }).optional(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run({ session }, env) {
    const r = await env.api.request<{ text: string; cols: number; rows: number; cursor?: { x: number; y: number } }>("GET", `/api/sessions/${enc(session)}/screen`);
    return { data: { ...r, session }, text: r.text };
  },
});

export const outputTools = [readOutput, screen];
