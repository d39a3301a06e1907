import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { AnalysisAnswerSchema, ContextAnswerSchema, SessionContexts } from "../context/session-context.ts";
import { TokenCountSchema, TokenCountsSchema } from "../tokens/answers.ts";
import { ROLES } from "../context/conversation.ts";
import { AppError } from "../errors.ts";
import { countOrEstimate } from "../work/background-tokens.ts";
import { reportOf } from "../work/report.ts";
import { runJob } from "../work/pool.ts";
import type { Runtime } from "../runtime.ts";
import { documentRoute } from "./openapi.ts";
import { jsonBody, queryOf } from "./validate.ts";
import { allow } from "./access.ts";
import { analysisOf, contextOf, conversationOf, converse, summarizeConversation } from "../anywhere.ts";

const AnalysisQuery = z.object({ command: z.coerce.number().int().positive().optional() });
const ContextQuery = z.object({
  max_tokens: z.coerce.number().int().min(16).max(1_000_000).optional(),
  lines: z.coerce.number().int().min(0).max(100_000).optional(),
});
const MessageBody = z.strictObject({
  role: z.enum(ROLES),
  content: z.string().max(1_000_000, "a message over 1 MB: summarise it first"),
});
const Text = z.string().max(64 * 1024 * 1024, "text over 64 MB: compact it in parts");
const Encoding = z.enum(["o200k_base", "cl100k_base"]);
const CompactBody = z.strictObject({
  text: Text,
  mode: z.enum(["compact", "lossless"]).optional(),
  command: z.string().optional(),
  exit_code: z.number().int().nullable().optional(),
  cols: z.number().int().min(10).max(10_000).optional(),
  encoding: Encoding.optional(),
});
const AnalyzeBody = z.strictObject({ text: Text, command: z.string().optional(), exit_code: z.number().int().nullable().optional(), cols: z.number().int().min(10).max(10_000).optional() });
const CountBody = z.strictObject({
  text: Text.optional(),
  /** several texts counted in one call: the answer has `counts` */
  texts: z.array(Text).max(1000).optional(),
  encoding: Encoding.optional(),
  /** Count on the worker that has the tokenizer and, while it still loads, answer an estimate (estimated: true) instead of waiting. */
  background: z.boolean().optional(),
});
const SummarizeBody = z.strictObject({
  keep_recent: z.number().int().min(0).max(10_000).optional(),
  target_tokens: z.number().int().min(16).optional(),
});

/** Analysis of a session's commands, its AI context and its conversation history. */
export function outputRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const contexts = new SessionContexts(rt);
  // a session's content: the ownership check applies to live and ended sessions alike
  const reads = allow({ scope: "read", session: { param: "name" } });
  const writes = allow({ scope: "exec", session: { param: "name" } });
  const computes = allow({ scope: "read" });

  documentRoute({ method: "get", path: "/api/sessions/{name}/analysis", summary: "Analysis of the last (or ?command=ID) command: tool, status, counts, errors with file:line, failing tests, suggestions", scope: "read", query: AnalysisQuery, response: AnalysisAnswerSchema, tags: ["output"] });
  app.get("/sessions/:name/analysis", reads, async (c) => {
    const q = queryOf(c, AnalysisQuery);
    return c.json(await analysisOf(rt, c.get("caller"), contexts, c.req.param("name"), q.command));
  });

  documentRoute({ method: "get", path: "/api/sessions/{name}/context", summary: "The session's AI context within ?max_tokens (default 4000): facts, last command and output, open errors, next steps, recent commands", scope: "read", query: ContextQuery, response: ContextAnswerSchema, tags: ["output"] });
  app.get("/sessions/:name/context", reads, async (c) => {
    const q = queryOf(c, ContextQuery);
    return c.json(await contextOf(rt, c.get("caller"), contexts, c.req.param("name"), { maxTokens: q.max_tokens, lines: q.lines }));
  });

  documentRoute({ method: "get", path: "/api/sessions/{name}/conversation", summary: "The session's conversation history with token counts and approaching_limit", scope: "read", tags: ["output"] });
  app.get("/sessions/:name/conversation", reads, async (c) => c.json(await conversationOf(rt, c.get("caller"), contexts, c.req.param("name"))));

  documentRoute({ method: "post", path: "/api/sessions/{name}/conversation", summary: "Add a message to the session's conversation; the oldest turns are summarised when it approaches its limit", scope: "exec", body: MessageBody, status: 201, tags: ["output"] });
  app.post("/sessions/:name/conversation", writes, async (c) => {
    const body = await jsonBody(c, MessageBody);
    return c.json(await converse(rt, c.get("caller"), contexts, c.req.param("name"), body), 201);
  });

  documentRoute({ method: "post", path: "/api/sessions/{name}/conversation/summarize", summary: "Summarise the oldest turns extractively (no model), keeping the newest keep_recent messages", scope: "exec", body: SummarizeBody, tags: ["output"] });
  app.post("/sessions/:name/conversation/summarize", writes, async (c) => {
    const body = await jsonBody(c, SummarizeBody);
    return c.json(await summarizeConversation(rt, c.get("caller"), contexts, c.req.param("name"), { keepRecent: body.keep_recent, targetTokens: body.target_tokens }));
  });

  documentRoute({ method: "post", path: "/api/compact", summary: "Compact raw terminal output given as text: {text, tokens:{raw,compacted,saved_pct}, analysis, folds}", scope: "read", body: CompactBody, tags: ["output"] });
  app.post("/compact", computes, async (c) => {
    const b = await jsonBody(c, CompactBody);
    const done = await runJob("compact", { raw: b.text, mode: b.mode ?? "compact", command: b.command, exitCode: b.exit_code, cols: b.cols, encoding: b.encoding });
    return c.json(reportOf(done));
  });

  documentRoute({ method: "post", path: "/api/analyze", summary: "Analyse raw terminal output given as text", scope: "read", body: AnalyzeBody, tags: ["output"] });
  app.post("/analyze", computes, async (c) => {
    const b = await jsonBody(c, AnalyzeBody);
    return c.json(await runJob("analyze", { text: b.text, command: b.command, exitCode: b.exit_code, cols: b.cols }));
  });

  documentRoute({ method: "post", path: "/api/tokens/count", summary: "Count the tokens of a text with tiktoken (o200k_base unless told); texts answers counts", scope: "read", body: CountBody, response: z.union([TokenCountSchema, TokenCountsSchema]), tags: ["output"] });
  app.post("/tokens/count", computes, async (c) => {
    const b = await jsonBody(c, CountBody);
    const encoding = b.encoding ?? "o200k_base";
    if (b.text === undefined && b.texts === undefined) throw new AppError("invalid", "give text (or texts) to count");
    if (b.background && encoding === "o200k_base") {
      const counts = (await countOrEstimate(b.texts ?? [b.text!])).counts;
      const estimated = counts.some((n) => n.estimated) ? { estimated: true } : {};
      if (b.texts) return c.json({ counts: counts.map((n) => n.tokens), encoding, ...estimated });
      return c.json({ tokens: counts[0]!.tokens, encoding, ...estimated });
    }
    // counted off the event loop when large, linear in the length, estimated past the time budget
    const counts = await runJob("count", { texts: b.texts ?? [b.text!], encoding });
    const estimated = counts.some((n) => n.estimated) ? { estimated: true } : {};
    if (b.texts) return c.json({ counts: counts.map((n) => n.tokens), encoding, ...estimated });
    return c.json({ tokens: counts[0]!.tokens, encoding, ...estimated });
  });

  return app;
}
