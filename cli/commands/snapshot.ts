import { defineCommand } from "citty";
import { realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { AppError } from "../../server/errors.ts";
import { globalArgs, runCommand, write } from "./_shared.ts";

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

/**
 * Writes a regular file next to the target then renames it over, so a failed write never leaves
 * half a snapshot. A target that exists and is not a regular file (a device such as /dev/stdout or
 * /dev/full, a pipe) is written in place: renaming over it would replace the device itself.
 */
function writeWhole(path: string, text: string): void {
  let target = path;
  try {
    target = realpathSync(path); // a symlink's file is written, not the link replaced
    if (!statSync(target).isFile()) {
      try {
        writeFileSync(target, text);
        return;
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new AppError("invalid", `cannot write the snapshot to ${path} (${why}); choose a writable path`);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    // does not exist yet: written next to it, then renamed
  }
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, target);
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
        if (args.json) write(`${JSON.stringify(rows)}\n`);
        else if (!rows.length) write("no snapshots yet (ai-session snapshot NAME)\n");
        else for (const r of rows) write(`${r.id}\t${r.name}\t${r.created_at}\t${r.reason}\t${r.bytes} bytes\n`);
        return;
      }
      if (!args.name) throw new AppError("invalid", "name the session to snapshot (ai-session list shows them)");
      const file = args.output ? resolve(String(args.output)) : undefined;
      const s = await c.request<SnapshotSummary>("POST", `/api/sessions/${encodeURIComponent(String(args.name))}/snapshot`, {
        document: !!file,
      });
      if (file && s.file_text != null) writeWhole(file, s.file_text);
      const out = { ...s, file_text: undefined, file };
      if (args.json) write(`${JSON.stringify(out)}\n`);
      else
        write(
          `snapshot ${s.id} of ${s.name}: ${plural(s.commands ?? 0, "command")}, ${s.scrollback_bytes ?? 0} bytes of scrollback, cwd ${s.cwd}${file ? `, written to ${file}` : ""}\n`,
        );
    }),
});
