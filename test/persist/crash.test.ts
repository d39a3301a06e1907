import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeOutput } from "../../server/persist/codec.ts";
import { cli, freshHome, ok, serverPid, stopServer } from "./cli-harness.ts";

const home = freshHome("ais-crash-");
afterAll(() => stopServer(home), 30_000);

async function api(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`http://localhost${path}`, {
    unix: join(home, "server.sock"),
    method: "POST",
    // the socket wants the owner token, as the CLI sends it
    headers: { "content-type": "application/json", authorization: `Bearer ${readFileSync(join(home, "token"), "utf8").trim()}` },
    body: JSON.stringify(body),
  } as RequestInit);
  return { status: r.status, json: await r.json() };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a server killed with SIGKILL", () => {
  test("during a flood of output and a loop of commands: the database is intact and no finished command is missing", async () => {
    await ok(home, ["create", "--name", "work", "--shell", "/bin/bash"]);
    await ok(home, ["create", "--name", "flood", "--shell", "/bin/bash"]);
    for (let round = 1; round <= 4; round++) {
      const pid = serverPid(home)!;
      expect(alive(pid)).toBe(true);
      await api("/api/sessions/flood/send", { text: "yes 'a line of flood output, over and over' | head -c 300000000", enter: true });
      const finished: { id: number; marker: string }[] = [];
      let stop = false;
      const loop = (async () => {
        for (let i = 0; !stop; i++) {
          const marker = `done-${round}-${i}`;
          try {
            const r = await api("/api/sessions/work/exec", { command: `echo ${marker}; seq 1 200` });
            if (r.status === 200 && r.json.exit_code === 0) finished.push({ id: r.json.command_id, marker });
          } catch {
            return; // the server is gone
          }
        }
      })();
      // Once commands are flowing (the first exec of a server loads the tokenizer), kill at a random moment.
      for (let w = 0; w < 300 && finished.length === 0; w++) await Bun.sleep(50);
      await Bun.sleep(200 + Math.random() * 1500);
      process.kill(pid, "SIGKILL");
      stop = true;
      await loop;
      while (alive(pid)) await Bun.sleep(20);
      expect(finished.length).toBeGreaterThan(0);

      const db = new Database(join(home, "state.db"));
      try {
        expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
        for (const f of finished) {
          const row = db
            .query<{ status: string; exit_code: number; output_z: Uint8Array | null }, [number]>(
              "SELECT status, exit_code, output_z FROM commands WHERE id = ?",
            )
            .get(f.id);
          expect(row?.status).toBe("ok");
          expect(row?.exit_code).toBe(0);
          expect(new TextDecoder().decode(decodeOutput(new Uint8Array(row!.output_z!)))).toContain(f.marker);
        }
      } finally {
        db.close();
      }

      // The next command starts a new server; both sessions can be brought back.
      const restored = JSON.parse(await ok(home, ["restore", "--all", "--json"]));
      expect(restored.map((r: { name: string }) => r.name).sort()).toEqual(["flood", "work"]);
      expect(await ok(home, ["exec", "work", "echo back"])).toContain("back");
      // The command cut off by the kill is marked interrupted, not left running.
      const history = JSON.parse(await ok(home, ["history", "work", "--json"]));
      const entries: { status: string }[] = Array.isArray(history) ? history : history.commands;
      expect(entries.filter((e) => e.status === "running")).toEqual([]);
    }
    const list = await cli(home, ["list", "--json"]);
    expect(JSON.parse(list.stdout).map((s: { name: string }) => s.name).sort()).toEqual(["flood", "work"]);
  }, 180_000);
});
