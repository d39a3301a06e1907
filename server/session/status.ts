import { z } from "zod";

/**
 * The states of sessions and commands, and how a command's end was decided: defined once here, read
 * by the answers (exec results, history, session lists) and by the columns that store them
 * (db/schema/core.ts), so a value the database holds is one the answers know.
 */

/** What a session is doing: starting its shell, running, ended on its own (exited) or by a kill. */
export const SessionStatusSchema = z.enum(["starting", "running", "exited", "killed"]);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/**
 * What `sessions.status` holds: a row is written once the shell runs (never `starting`), and a
 * session the server lost by dying while it ran is marked `lost` at the next start.
 */
export const StoredSessionStatusSchema = z.enum([...SessionStatusSchema.exclude(["starting"]).options, "lost"]);
export type StoredSessionStatus = z.infer<typeof StoredSessionStatusSchema>;

/**
 * `unknown`: the command ended but its exit status was not reported (a shell without integration,
 * judged finished by the quiet-and-prompt heuristic): never claimed as a success.
 * `interrupted`: the session was killed, or the server died, while it ran.
 */
export const COMMAND_STATUSES = ["running", "ok", "failed", "unknown", "timeout", "waiting_for_input", "interrupted"] as const;
export const CommandStatusSchema = z.enum(COMMAND_STATUSES);
export type CommandStatus = z.infer<typeof CommandStatusSchema>;

/**
 * How the end of a command was decided. `unknown` is never decided live: it is what a stored command
 * reads as when its row says nothing this version can read (still running, cut off by a crash,
 * restored from a snapshot that did not carry it).
 */
export const COMPLETION_METHODS = [
  "shell_integration", "prompt_marker", "process_exit", "quiet_heuristic", "timeout", "input_prompt", "pattern_match", "unknown",
] as const;
export const COMPLETION_CONFIDENCES = ["high", "medium", "low"] as const;

/** How the end of a command was decided, and how sure that is. */
export const CompletionSchema = z.strictObject({ method: z.enum(COMPLETION_METHODS), confidence: z.enum(COMPLETION_CONFIDENCES) });
export type Completion = z.infer<typeof CompletionSchema>;

/**
 * A stored command's completion, read from its two columns: a method the schema does not know (or
 * none) reads as `unknown`, and then, like a confidence it cannot read, with `low` confidence: a
 * row never claims more certainty than it holds.
 */
export function storedCompletion(method: unknown, confidence: unknown): Completion {
  const m = CompletionSchema.shape.method.safeParse(method);
  const c = CompletionSchema.shape.confidence.safeParse(confidence);
  if (!m.success || m.data === "unknown") return { method: "unknown", confidence: "low" };
  return { method: m.data, confidence: c.success ? c.data : "low" };
}
