import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";

export default defineCommand({
  meta: { name: "metrics", description: "Latency per operation (p50, p95, p99) and tokens per session, agent and tool" },
  args: { ...globalArgs, session: { type: "string", description: "tokens of this session only" } },
  run: ({ args }) =>
    runCommand(async () => {
      const [{ connect }, { busClient }] = await Promise.all([import("../client/index.ts"), import("../client/bus.ts")]);
      const api = busClient(await connect({ home: args.home as string | undefined, agent: args.agent as string | undefined, autostart: true }));
      const m = await api.metrics(args.session ? String(args.session) : undefined);
      if (args.json) {
        write(`${JSON.stringify(m)}\n`);
        return;
      }
      const out: string[] = ["operation\tcount\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors"];
      for (const l of m.latency) out.push([l.op, l.count, l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms, l.errors].join("\t"));
      const tok = (label: string, rows: typeof m.tokens.by_agent) => {
        out.push("", `tokens by ${label}\tcommands\traw\tcompacted\tsaved %`);
        for (const r of rows) out.push([r.key, r.commands, r.raw, r.compacted, r.saved_pct].join("\t"));
      };
      out.push("", `tokens total: ${m.tokens.total.raw} raw, ${m.tokens.total.compacted} compacted, ${m.tokens.total.saved_pct}% saved over ${m.tokens.total.commands} commands`);
      tok("session", m.tokens.by_session);
      tok("agent", m.tokens.by_agent);
      tok("tool", m.tokens.by_tool);
      out.push("", `bus: ${m.bus.published} published, ${m.bus.waiting} waiting in ${m.bus.inboxes} inboxes, ${m.bus.dropped} dropped`);
      write(`${out.join("\n")}\n`);
    }),
});
