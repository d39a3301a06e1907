import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";

export default defineCommand({
  meta: { name: "trace", description: "Who did what and why: recorded decisions and recent operations, by session or agent" },
  args: {
    ...globalArgs,
    session: { type: "string", description: "only this session" },
    for: { type: "string", description: "only this agent" },
    op: { type: "string", description: "only this operation" },
    limit: { type: "string", default: "200", description: "the newest N spans" },
    otel: { type: "boolean", description: "print the spans as OpenTelemetry OTLP/JSON" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const [{ connect }, { busClient }] = await Promise.all([import("../client/index.ts"), import("../client/bus.ts")]);
      const api = busClient(await connect({ home: args.home as string | undefined, agent: args.agent as string | undefined, autostart: true }));
      const q = { session: args.session ? String(args.session) : undefined, agent: args.for ? String(args.for) : undefined, op: args.op ? String(args.op) : undefined, limit: Number(args.limit) };
      if (args.otel) {
        write(`${JSON.stringify(await api.otel(q))}\n`);
        return;
      }
      const t = await api.trace(q);
      if (args.json) {
        write(`${JSON.stringify(t)}\n`);
        return;
      }
      const rows = [
        ...t.decisions.map((d) => ({
          time: d.time,
          text: `decision ${d.agent ?? "-"}: ${d.what} → ${d.choice}${d.options.length ? ` (of ${d.options.join(", ")})` : ""}${d.reasoning ? ` — ${d.reasoning}` : ""}`,
        })),
        ...t.spans.map((s) => ({
          time: s.start,
          text: `${s.op} ${s.duration_ms}ms${s.attrs?.agent ? ` agent=${s.attrs.agent}` : ""}${s.attrs?.session ? ` session=${s.attrs.session}` : ""}${s.ok ? "" : ` FAILED: ${s.error}`}`,
        })),
      ].sort((a, b) => a.time - b.time);
      write(rows.length ? `${rows.map((r) => `${new Date(r.time).toISOString()} ${r.text}`).join("\n")}\n` : "nothing traced yet\n");
    }),
});
