import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeOutput } from "../../server/output/codec.ts";
import { cli, freshHome, ok, serverPid, stopServer } from "./cli-harness.ts";

const home = freshHome("ais-crash-");
afterAll(() => stopServer(home), 30_000);

const api = (path: string, body: unknown) => apiIn(home, path, body);

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

      // The next command starts a new server, and restore --all brings back both sessions, each
      // started (a restore that failed is listed with a note saying so).
      const restored: { name: string; notes: string[] }[] = JSON.parse(await ok(home, ["restore", "--all", "--json"]));
      expect(restored.map((r) => r.name).sort()).toEqual(["flood", "work"]);
      expect(restored.flatMap((r) => r.notes)).toEqual([]);
      expect(await ok(home, ["exec", "work", "echo back"])).toContain("back");
      // The command cut off by the kill is marked interrupted, not left running.
      const history = JSON.parse(await ok(home, ["history", "work", "--json"]));
      const entries: { status: string }[] = Array.isArray(history) ? history : history.commands;
      expect(entries.filter((e) => e.status === "running")).toEqual([]);
    }
    const list = await cli(home, ["list", "--json"]);
    expect(JSON.parse(list.stdout).map((s: { name: string }) => s.name).sort()).toEqual(["flood", "work"]);
  }, 180_000);

  test("with a command running and processes that left the shell: the command is interrupted and the processes are gone after restart", async () => {
    const crashHome = freshHome("ais-crash-orphans-");
    const tag = 60000 + Math.floor(Math.random() * 9000);
    try {
      await ok(crashHome, ["create", "--name", "s", "--shell", "/bin/bash"]);
      // a disowned job, one in a new session (setsid) and a double fork: none is the shell's child any more
      const started = await apiIn(crashHome, "/api/sessions/s/exec", {
        command: `sleep ${tag}.1 & disown; setsid sleep ${tag}.2 & (sleep ${tag}.3 &); echo started`,
      });
      expect(started.json.output).toContain("started");
      const running = await apiIn(crashHome, "/api/sessions/s/exec", { command: `sleep ${tag}.4`, timeout_ms: 300 });
      expect(running.json.status).toBe("timeout");
      for (let i = 0; i < 50 && sleepers(tag).length < 4; i++) await Bun.sleep(50);
      expect(sleepers(tag).length).toBe(4);

      const pid = serverPid(crashHome)!;
      process.kill(pid, "SIGKILL");
      while (alive(pid)) await Bun.sleep(20);
      await Bun.sleep(200);
      expect(sleepers(tag).length).toBeGreaterThan(0); // the crash alone leaves them running

      // The next command starts a server, which finds and ends them and marks the command interrupted.
      await ok(crashHome, ["list"]);
      for (let i = 0; i < 100 && sleepers(tag).length > 0; i++) await Bun.sleep(50);
      expect(sleepers(tag)).toEqual([]);
      const history = JSON.parse(await ok(crashHome, ["history", "s", "--json"])) as { command_id: number; status: string; exit_code: number | null }[];
      const cut = history.find((h) => h.command_id === running.json.command_id);
      expect(cut?.status).toBe("interrupted");
      expect(cut?.exit_code).toBeNull();
    } finally {
      for (const p of sleepers(tag)) process.kill(p, "SIGKILL"); // nothing is left behind, whatever failed
      await stopServer(crashHome);
    }
  }, 120_000);
});

async function apiIn(h: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`http://localhost${path}`, {
    unix: join(h, "server.sock"),
    method: "POST",
    // the socket wants the owner token, as the CLI sends it
    headers: { "content-type": "application/json", authorization: `Bearer ${readFileSync(join(h, "token"), "utf8").trim()}` },
    body: JSON.stringify(body),
  } as RequestInit);
  return { status: r.status, json: await r.json() };
}

/** Pids of live `sleep TAG.N` processes. */
function sleepers(tag: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, "latin1").split("\0");
      const state = readFileSync(`/proc/${e}/stat`, "latin1").split(") ")[1]?.[0];
      if (cmd[0]?.endsWith("sleep") && cmd[1]?.startsWith(`${tag}.`) && state !== "Z") out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}
