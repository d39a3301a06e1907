import { defineCommand } from "citty";
import { renameSync, unlinkSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { AppError } from "../../server/errors.ts";
import { globalArgs, runCommand } from "./_shared.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

interface SnapshotSummary {
  id: number;
  name: string;
  created_at: string;
  reason: string;
  bytes: number;
  cwd?: string;
  commands?: number;
  scrollback_bytes?: number;
  file_text?: string;
  file?: string;
}

/** Writes next to the target then renames, so a failed write never leaves half a snapshot. */
function writeWhole(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new AppError("invalid", `cannot write the snapshot file ${path} (${why}); choose a writable path`);
  }
}

export default defineCommand({
  meta: { name: "snapshot", description: "Save a session's state (cwd, env, history, scrollback, screen); -o FILE also writes it as JSON" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: false, description: "the session to snapshot" },
    output: { type: "string", alias: ["o"], description: "also write the snapshot to this file (JSON)" },
    list: { type: "boolean", description: "list stored snapshots (of NAME, or all)" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: args.agent, autostart: true });
      if (args.list) {
        const q = args.name ? `?name=${encodeURIComponent(String(args.name))}` : "";
        const rows = await c.request<SnapshotSummary[]>("GET", `/api/snapshots${q}`);
        if (args.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
        else if (!rows.length) process.stdout.write("no snapshots yet (ai-session snapshot NAME)\n");
        else for (const r of rows) process.stdout.write(`${r.id}\t${r.name}\t${r.created_at}\t${r.reason}\t${r.bytes} bytes\n`);
        return;
      }
      if (!args.name) throw new AppError("invalid", "name the session to snapshot (ai-session list shows them)");
      const file = args.output ? resolve(String(args.output)) : undefined;
      const s = await c.request<SnapshotSummary>("POST", `/api/sessions/${encodeURIComponent(String(args.name))}/snapshot`, {
        document: !!file,
      });
      if (file && s.file_text != null) writeWhole(file, s.file_text);
      const out = { ...s, file_text: undefined, file };
      if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
      else
        process.stdout.write(
          `snapshot ${s.id} of ${s.name}: ${plural(s.commands ?? 0, "command")}, ${s.scrollback_bytes ?? 0} bytes of scrollback, cwd ${s.cwd}${file ? `, written to ${file}` : ""}\n`,
        );
    }),
});
