import { z } from "zod";
import { busClient } from "../../../cli/client/bus.ts";
import { clip, defineTool } from "../tool.ts";
import shareText from "./share_knowledge.txt" with { type: "text" };
import getText from "./get_knowledge.txt" with { type: "text" };
import decisionText from "./record_decision.txt" with { type: "text" };

const EntryShape = z.looseObject({ key: z.string(), version: z.number(), value: z.unknown(), updated_by: z.string().nullable().optional(), updated_at: z.number().optional() });
const keyArg = z.string().min(1).max(200).describe('a key like "api/base-url" or "build/known-flaky-tests"');
const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v, null, 1));

export const shareKnowledge = defineTool({
  name: "share_knowledge",
  title: "Share a fact with the team",
  description: shareText,
  tier: "safe",
  input: z.object({
    key: keyArg,
    value: z.unknown().describe("text or JSON"),
    expected_version: z.number().int().min(0).optional().describe("refuse if someone changed it since this version"),
    scope: z.string().max(500).optional().describe('who may read it: "all" (default), "role:qa,backend", "agents:ann,bob"'),
  }),
  output: EntryShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, env) {
    const e = await busClient(env.api).knowledgeSet(args.key, args.value ?? null, { expected_version: args.expected_version, scope: args.scope });
    return { data: e, text: `${e.key} is now version ${e.version}` };
  },
});

export const getKnowledge = defineTool({
  name: "get_knowledge",
  title: "Look up shared facts",
  description: getText,
  tier: "safe",
  input: z.object({
    key: keyArg.optional().describe("one key; leave out to list keys"),
    prefix: z.string().max(200).optional().describe("list only keys starting with this"),
  }),
  output: z.object({ entries: z.array(EntryShape) }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, env) {
    const bus = busClient(env.api);
    const entries = args.key ? [await bus.knowledgeGet(args.key)] : (await bus.knowledgeList(args.prefix)).slice(0, 200);
    const text = entries.map((e) => `${e.key} (v${e.version}, ${e.updated_by ?? "?"}): ${show(e.value)}`).join("\n");
    return { data: { entries }, text: clip(text || "nothing shared yet").text };
  },
});

export const recordDecision = defineTool({
  name: "record_decision",
  title: "Record a decision",
  description: decisionText,
  tier: "safe",
  input: z.object({
    what: z.string().min(1).max(2_000).describe("the question decided"),
    options: z.array(z.string().max(2_000)).max(50).optional(),
    choice: z.string().min(1).max(2_000),
    reasoning: z.string().max(20_000).optional(),
    session: z.string().max(200).optional().describe("the session it concerns"),
  }),
  output: z.looseObject({ id: z.number(), what: z.string(), choice: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const d = await busClient(env.api).decide(args);
    return { data: d, text: `recorded decision #${d.id}: ${d.choice}` };
  },
});

export const knowledgeTools = [shareKnowledge, getKnowledge, recordDecision];
