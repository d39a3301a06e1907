import { z } from "zod";
import { defineTool } from "../tool.ts";
import { EntryRow, entryRow } from "../team-rows.ts";
import description from "./share_knowledge.txt" with { type: "text" };

export const keyArg = z.string().min(1).max(200).describe('e.g. "api/base-url"');

export default defineTool({
  name: "share_knowledge",
  description,
  tier: "safe",
  input: z.object({
    key: keyArg,
    value: z.unknown().describe("text or JSON"),
    expected_version: z.number().int().min(0).optional().describe("refuse if it changed since (0: only if new)"),
    scope: z.string().max(500).optional().describe('"all" (default), "role:qa,backend", "agents:ann,bob"'),
  }),
  output: EntryRow,
  annotations: { destructiveHint: false, idempotentHint: true },
  async run(args, env) {
    const e = await env.backend.knowledgeSet(args.key, args.value ?? null, { expected_version: args.expected_version, scope: args.scope });
    return { data: entryRow(e), text: `${e.key} is now version ${e.version}` };
  },
});
