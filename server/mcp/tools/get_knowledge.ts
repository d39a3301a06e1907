import { z } from "zod";
import { defineTool } from "../tool.ts";
import { EntryRow, entryRow, shown } from "../team-rows.ts";
import { keyArg } from "./share_knowledge.ts";
import description from "./get_knowledge.txt" with { type: "text" };

const CAP = 20;

export default defineTool({
  name: "get_knowledge",
  description,
  tier: "safe",
  input: z.object({ key: keyArg.optional().describe("one key; leave out to list"), prefix: z.string().max(200).optional(), offset: z.number().int().min(0).optional() }),
  output: z.strictObject({ entries: z.array(EntryRow), total: z.number(), offset: z.number(), cap: z.number() }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const all = args.key ? [await env.backend.knowledgeGet(args.key)] : await env.backend.knowledgeList(args.prefix);
    const offset = args.offset ?? 0;
    const entries = all.slice(offset, offset + CAP).map(entryRow);
    const more = all.length > offset + CAP ? `\n… more: get_knowledge {offset: ${offset + CAP}}` : "";
    const text = entries.map((e) => `${e.key} (v${e.version}, ${e.updated_by ?? "?"}): ${shown(e.value)}`).join("\n");
    return { data: { entries, total: all.length, offset, cap: CAP }, text: (text || "nothing shared yet") + more };
  },
});
