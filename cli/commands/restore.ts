import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { AppError } from "../../server/errors.ts";
import type { RestoreResult } from "../../server/persist/restore.ts";
import { globalArgs, runCommand, write } from "./_shared.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

type Restored = RestoreResult;

function readSnapshotFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(code === "ENOENT" ? "not_found" : "invalid", `cannot read the snapshot file ${path} (${code ?? "unreadable"})`);
  }
}

function describe(r: Restored): string {
  const notes = r.notes.length ? ` (${r.notes.join("; ")})` : "";
  return `restored ${r.name} from ${r.from}: cwd ${r.cwd}, ${plural(r.commands, "command")}, ${r.scrollback_bytes} bytes of scrollback${notes}`;
}

export default defineCommand({
  meta: { name: "restore", description: "Bring a session back from its last snapshot, or from a snapshot file" },
  args: {
    ...globalArgs,
    session: { type: "positional", required: false, description: "the session to restore from its last snapshot" },
    file: { type: "string", description: "restore from this snapshot file (ai-session snapshot NAME -o FILE)" },
    name: { type: "string", description: "the restored session's name (default: the snapshot's)" },
    all: { type: "boolean", description: "restore every session that was live when the server stopped" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const newName = args.name ? String(args.name) : undefined;
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: args.agent, autostart: true, createHome: true });
      let results: Restored[];
      if (args.all) results = await c.request<Restored[]>("POST", "/api/restore", { all: true });
      else if (args.file) {
        const path = resolve(String(args.file));
        results = [await c.request<Restored>("POST", "/api/restore", { file_text: readSnapshotFile(path), file: path, new_name: newName })];
      } else {
        const name = args.session;
        if (!name) throw new AppError("invalid", "name the session to restore, or pass --file FILE (ai-session snapshot --list shows snapshots)");
        results = [await c.request<Restored>("POST", "/api/restore", { name, new_name: newName })];
      }
      if (args.json) write(`${JSON.stringify(args.all ? results : results[0])}\n`);
      else if (!results.length) write("nothing to restore: no session was live when the server stopped\n");
      else for (const r of results) write(`${describe(r)}\n`);
    }),
});
