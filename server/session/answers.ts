import { z } from "zod";
import { CommandStatusSchema, CompletionSchema } from "./status.ts";

/** What typing into a session answers (send, send_secret). */
export const SendAnswerSchema = z.strictObject({ session: z.string(), bytes: z.number().describe("bytes written to the terminal") });
export type SendAnswer = z.infer<typeof SendAnswerSchema>;

/** New output of a session since an offset (`ai-session read`). */
export const ReadAnswerSchema = z.strictObject({
  session: z.string(),
  start: z.number().describe("offset the output starts at (later than asked when the scrollback dropped older bytes)"),
  offset: z.number().describe("offset to read from next time"),
  dropped: z.number().describe("bytes asked for that the scrollback no longer holds"),
  output: z.string(),
});
export type ReadAnswer = z.infer<typeof ReadAnswerSchema>;

/** The visible screen of a terminal, as text. */
export const ScreenCaptureSchema = z.strictObject({
  text: z.string(),
  cols: z.number(),
  rows: z.number(),
  cursor: z.strictObject({ x: z.number(), y: z.number() }),
  alternate: z.boolean().describe("a full-screen program (an editor, a pager) shows its own screen"),
});
export type ScreenCapture = z.infer<typeof ScreenCaptureSchema>;
export const ScreenAnswerSchema = ScreenCaptureSchema.extend({ session: z.string() });
export type ScreenAnswer = z.infer<typeof ScreenAnswerSchema>;

/** Lines FROM..TO (1-based) of one command's rendered (or raw) output: what a compaction marker points to. */
export const CommandLinesSchema = z.strictObject({
  session: z.string(),
  command_id: z.number(),
  from: z.number(),
  to: z.number(),
  total_lines: z.number(),
  output: z.string(),
});
export type CommandLines = z.infer<typeof CommandLinesSchema>;

/** One command of a session's history (`ai-session history`), newest last. */
export const HistoryRowSchema = z.strictObject({
  command_id: z.number(),
  command: z.string(),
  cwd: z.string(),
  agent: z.string().nullable(),
  status: CommandStatusSchema,
  exit_code: z.number().nullable(),
  started_at: z.string().describe("ISO 8601"),
  duration_ms: z.number().nullable(),
  raw_bytes: z.number(),
  tool: z.string().nullable().describe("the tool the analysis recognised"),
  tokens: z.strictObject({ raw: z.number().nullable(), compacted: z.number().nullable() }).describe("null until counted"),
  completion: z.strictObject({ method: CompletionSchema.shape.method.nullable(), confidence: CompletionSchema.shape.confidence.nullable() }).describe("as an exec result's completion; null for a command still running"),
});
export type HistoryRow = z.infer<typeof HistoryRowSchema>;
