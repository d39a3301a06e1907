import { AppError } from "../../server/errors.ts";
import { print, defineCommand, agentOf, globalArgs, printJson, runCommand } from "./_shared.ts";

export default defineCommand({
  meta: { name: "read", description: "Print new output since the last read (or since OFFSET), or the visible screen" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "session name" },
    since: { type: "string", description: "absolute offset to read from (the JSON offset of an earlier read)" },
    screen: { type: "boolean", description: "the visible screen as text (tmux capture-pane)" },
    lines: { type: "string", description: "only the last N lines; with --command, a range FROM-TO" },
    command: { type: "string", description: "read a command's stored output (with --lines FROM-TO from a compaction marker)" },
    raw: { type: "boolean", description: "exact bytes as text, escape sequences included" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const name = String(args.name);
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: agentOf(args) });
      if (args.screen) {
        const s = await c.screen(name);
        if (args.json) return printJson(s);
        return void print(`${s.text}\n`);
      }
      if (args.command !== undefined) {
        const id = Number(args.command);
        if (!Number.isInteger(id)) throw new AppError("invalid", `--command takes a command id, not "${args.command}"`);
        const range = args.lines ? /^(\d+)-(\d+)$/.exec(String(args.lines)) : null;
        if (args.lines && !range) throw new AppError("invalid", `with --command, --lines takes FROM-TO (e.g. 120-400), not "${args.lines}"`);
        const r = await c.commandLines(name, id, range ? Number(range[1]) : 1, range ? Number(range[2]) : 1e9, Boolean(args.raw));
        if (args.json) return printJson(r);
        return void print(r.output ? `${r.output}\n` : "");
      }
      let since: number | undefined;
      if (args.since !== undefined) {
        since = Number(args.since);
        if (!Number.isInteger(since) || since < 0) throw new AppError("invalid", `--since takes an offset (a whole number), not "${args.since}"`);
      }
      let lines: number | undefined;
      if (args.lines !== undefined) {
        lines = Number(args.lines);
        if (!Number.isInteger(lines) || lines < 0) throw new AppError("invalid", `--lines takes a number of lines, not "${args.lines}"`);
      }
      const r = await c.read(name, { since, lines, raw: Boolean(args.raw) });
      if (args.json) return printJson(r);
      if (r.dropped > 0) process.stderr.write(`ai-session: ${r.dropped} older bytes fell off the scrollback\n`);
      if (r.output) print(r.output.endsWith("\n") ? r.output : `${r.output}\n`);
    }),
});
