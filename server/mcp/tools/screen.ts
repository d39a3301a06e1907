import { z } from "zod";
import { defineTool, sessionArg, sessionOf } from "../tool.ts";
import description from "./screen.txt" with { type: "text" };

export default defineTool({
  name: "screen",
  description,
  tier: "safe",
  input: z.object({ session: sessionArg }),
  output: z.strictObject({ cols: z.number(), rows: z.number(), cursor: z.strictObject({ x: z.number(), y: z.number() }).optional() }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const session = await sessionOf(env, args.session);
    const r = await env.backend.screen(session);
    // the screen is the text block; blank rows at the bottom cost tokens and say nothing
    const text = r.text.replace(/\s+$/, "");
    const data = { cols: r.cols, rows: r.rows, ...(r.cursor ? { cursor: { x: r.cursor.x, y: r.cursor.y } } : {}) };
    return { data, text: text || "(the screen is blank)" };
  },
});
