import { defineCommand } from "citty";
import type { MigrationReport } from "../../server/migrate/import.ts";
import { tmuxServerFromEnv } from "../../server/migrate/tmux.ts";
import { globalArgs, runCommand, write } from "./_shared.ts";

function describe(r: MigrationReport): string {
  const lines = r.panes.map((p) => {
    const what = p.status === "planned" ? "would create" : p.status;
    return `${p.tmux}\t→ ${p.name}\t${what}\t${p.cwd}${p.note ? `\t(${p.note})` : ""}`;
  });
  const created = r.panes.filter((p) => p.status === "created").length;
  const tail = r.dry_run
    ? `dry run: ${r.panes.filter((p) => p.status === "planned").length} of ${r.panes.length} panes would be imported`
    : `${created} of ${r.panes.length} panes imported`;
  return [...lines, tail].join("\n");
}

export default defineCommand({
  meta: { name: "migrate", description: "Import tmux sessions: one ai-session session per pane, with its cwd and scrollback" },
  args: {
    ...globalArgs,
    sessions: { type: "positional", required: false, valueHint: "...", description: "the tmux sessions to import (any number)" },
    all: { type: "boolean", description: "import every tmux session" },
    "dry-run": { type: "boolean", description: "print the plan, change nothing" },
    socket: { type: "string", description: "tmux socket name (tmux -L NAME)" },
    "socket-path": { type: "string", description: "tmux socket path (tmux -S PATH)" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const sessions = args._.map(String);
      const opt = (v: unknown) => (typeof v === "string" && v ? v : undefined);
      const server = tmuxServerFromEnv({ socket: opt(args.socket), socketPath: opt(args["socket-path"]) });
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: args.agent, autostart: true, createHome: true });
      const report = await c.request<MigrationReport>("POST", "/api/migrate", {
        all: !!args.all,
        sessions,
        dry_run: !!args["dry-run"],
        socket_name: server.socketName,
        socket_path: server.socketPath,
        tmpdir: server.tmpdir,
      });
      if (args.json) write(`${JSON.stringify(report)}\n`);
      else write(`${describe(report)}\n`);
      if (report.panes.some((p) => p.status === "failed")) process.exitCode = 1;
    }),
});
