import { z } from "zod";
import { defineTool, enc, MAX_TEXT_CHARS } from "../tool.ts";
import { sessionArg } from "./shapes.ts";
import readText from "./read_output.txt" with { type: "text" };
import screenText from "./screen.txt" with { type: "text" };

interface ReadAnswer {
  offset: number;
  start: number;
  dropped: number | boolean;
  data: string;
}

const utf8 = new TextEncoder();

export const readOutput = defineTool({
  name: "read_output",
  title: "Read a session's output",
  description: readText,
  tier: "safe",
  input: z.object({
    session: sessionArg,
    since: z.number().int().min(0).optional().describe("byte offset to read from: the `offset` of the previous answer (default: what is new since the last read)"),
    lines: z.number().int().min(1).max(10_000).optional().describe("only the last N lines"),
    max_chars: z.number().int().min(100).max(MAX_TEXT_CHARS * 2).optional().describe(`page size (default ${MAX_TEXT_CHARS})`),
  }),
  output: z.object({
    session: z.string(),
    start: z.number().describe("offset of the first byte returned"),
    offset: z.number().describe("pass as `since` to read on"),
    dropped: z.number().describe("bytes lost before `start` because the scrollback is bounded"),
    has_more: z.boolean().describe("more output waits after `offset`: call again"),
    data: z.string(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, env) {
    const q = new URLSearchParams();
    if (args.since !== undefined) q.set("since", String(args.since));
    if (args.lines !== undefined) q.set("lines", String(args.lines));
    const r = await env.api.request<ReadAnswer>("GET", `/api/sessions/${enc(args.session)}/read${q.size ? `?${q}` : ""}`);
    const max = args.max_chars ?? MAX_TEXT_CHARS;
    let data = r.data ?? "";
    let offset = r.offset;
    let hasMore = false;
    if (data.length > max) {
      data = data.slice(0, max);
      offset = r.start + utf8.encode(data).length;
      hasMore = true;
    }
    const dropped = typeof r.dropped === "number" ? r.dropped : r.dropped ? 1 : 0;
    const note = hasMore ? `\n… more after offset ${offset}: call read_output with since=${offset}` : "";
    return {
      data: { session: args.session, start: r.start, offset, dropped, has_more: hasMore, data },
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
    return { data: { session, ...r }, text: r.text };
  },
});

export const outputTools = [readOutput, screen];
