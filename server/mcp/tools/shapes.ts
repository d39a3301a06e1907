import { z } from "zod";

/** Shapes shared by several tools' structured results. Loose: the server may add fields. */
export const SessionShape = z.looseObject({
  name: z.string(),
  id: z.string(),
  status: z.string(),
  cwd: z.string().optional(),
  pid: z.number().nullable().optional(),
  shell: z.string().optional(),
  created_at: z.union([z.string(), z.number()]).optional(),
  commands: z.number().optional(),
  role: z.string().nullable().optional(),
  owner_agent: z.string().nullable().optional(),
});
export type SessionShape = z.infer<typeof SessionShape>;

export const ErrorItem = z.looseObject({
  file: z.string().nullable().optional(),
  line: z.number().nullable().optional(),
  column: z.number().nullable().optional(),
  code: z.string().nullable().optional(),
  message: z.string().optional(),
  severity: z.string().optional(),
});

export const Analysis = z.looseObject({
  tool: z.string().nullable().optional(),
  kind: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
  counts: z.record(z.string(), z.number()).optional(),
  errors: z.array(ErrorItem).optional(),
  tests_failed: z.array(z.string()).optional(),
  suggestions: z.array(z.unknown()).optional(),
});

export const ExecShape = z.looseObject({
  session: z.string(),
  command_id: z.union([z.number(), z.string()]).nullable(),
  command: z.string().optional(),
  exit_code: z.number().nullable(),
  status: z.string().describe("ok | failed | running | timeout | waiting_for_input | interrupted"),
  duration_ms: z.number().nullable().optional(),
  output: z.string(),
  output_truncated: z.boolean().optional(),
  raw_bytes: z.number().optional(),
  tokens: z.looseObject({ raw: z.number(), compacted: z.number(), saved_pct: z.number() }).optional(),
  analysis: Analysis.nullable().optional(),
  completion: z.looseObject({ method: z.string(), confidence: z.union([z.string(), z.number()]) }).nullable().optional(),
  waited_s: z.number().optional().describe("how long this call waited before answering"),
  timeout_s: z.number().optional().describe("the effective bound of this call (at most ~25 s)"),
  next: z.string().optional().describe("what to do next when the command is still running"),
});
export type ExecShape = z.infer<typeof ExecShape>;

export const sessionArg = z.string().min(1).max(200).describe("session name (list_sessions shows them)");
