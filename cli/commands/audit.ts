import { defineCommand } from "citty";
import type { AuditRecord } from "../../server/audit/log.ts";
import { globalArgs, runCommand, write } from "./_shared.ts";

function line(e: AuditRecord): string {
  const who = e.agent ? `${e.actor_name}/${e.agent}` : e.actor_name;
  return [e.time, who, e.action, e.target ?? "-", e.outcome, e.detail ?? ""].join("\t").trimEnd();
}

export default defineCommand({
  meta: { name: "audit", description: "The append-only audit log: who changed what, when, and how it ended" },
  args: {
    ...globalArgs,
    since: { type: "string", description: "only entries since: 15m, 2h, 7d or an ISO date" },
    limit: { type: "string", description: "at most this many (the newest), default 1000" },
    action: { type: "string", description: "only this action (create, exec, send, kill, restore, migrate...)" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: args.agent, autostart: true });
      const q = new URLSearchParams();
      if (args.since) q.set("since", String(args.since));
      if (args.limit) q.set("limit", String(args.limit));
      if (args.action) q.set("action", String(args.action));
      const entries = await c.request<AuditRecord[]>("GET", `/api/audit${q.size ? `?${q}` : ""}`);
      if (args.json) write(`${JSON.stringify(entries)}\n`);
      else write(entries.length ? `${entries.map(line).join("\n")}\n` : "the audit log has no entries for that\n");
    }),
});
