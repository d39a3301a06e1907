import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { AppError } from "../../server/errors.ts";
import { agentOf, globalArgs, runCommand } from "./_shared.ts";

/** Ctrl-] detaches (like telnet); the session keeps running. */
const DETACH = 0x1d;

export default defineCommand({
  meta: { name: "attach", description: "Attach this terminal to a session; Ctrl-] detaches and leaves it running" },
  args: { ...globalArgs, name: { type: "positional", required: true, description: "session name" } },
  run: ({ args }) =>
    runCommand(async () => {
      if (!process.stdin.isTTY) throw new AppError("invalid", "attach needs a terminal (use read and send from scripts)");
      const name = String(args.name);
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: agentOf(args) });
      const info = await c.status();
      await c.getSession(name);
      const token = readFileSync(c.paths!.token, "utf8").trim();
      const url = `ws://127.0.0.1:${info.port}/api/sessions/${encodeURIComponent(name)}/stream?token=${encodeURIComponent(token)}`;
      const ws = new WebSocket(url, { headers: agentOf(args) ? { "x-ai-session-agent": agentOf(args)! } : {} } as never);
      ws.binaryType = "arraybuffer";
      const stdin = process.stdin;
      const resize = () => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: "resize", cols: process.stdout.columns, rows: process.stdout.rows }));
      return await new Promise<number>((resolve) => {
        let detached = false;
        const finish = (code: number, message: string) => {
          stdin.setRawMode(false);
          stdin.pause();
          process.stdout.off("resize", resize);
          process.stderr.write(`\r\n[${message}]\r\n`);
          resolve(code);
        };
        ws.onopen = () => {
          stdin.setRawMode(true);
          stdin.resume();
          resize();
          process.stdout.on("resize", resize);
          stdin.on("data", (buf: Buffer) => {
            const i = buf.indexOf(DETACH);
            if (i !== -1) {
              if (i > 0) ws.send(JSON.stringify({ type: "input", data: buf.subarray(0, i).toString("utf8") }));
              detached = true;
              ws.close(1000, "detach");
              return;
            }
            ws.send(JSON.stringify({ type: "input", data: buf.toString("utf8") }));
          });
        };
        ws.onmessage = (ev) => {
          if (typeof ev.data === "string") {
            const m = JSON.parse(ev.data) as { type: string; message?: string; exit_code?: number };
            if (m.type === "error") process.stderr.write(`\r\n[ai-session: ${m.message}]\r\n`);
            return;
          }
          process.stdout.write(new Uint8Array(ev.data as ArrayBuffer));
        };
        ws.onclose = (ev) => finish(0, detached ? `detached from ${name}; it keeps running` : `${name}: ${ev.reason || "connection closed"}`);
      });
    }),
});
