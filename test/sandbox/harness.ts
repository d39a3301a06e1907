// A real server core for sandbox tests: SessionManager and the bus (policy guard, sandbox
// standings) over a real SQLite file, real bash in real PTYs, the real kernel's Landlock.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { createBusService } from "../../server/bus/index.ts";
import { pathsFor } from "../../server/paths.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { SessionManager } from "../../server/session/manager.ts";
import { execCommand } from "../../server/session/operations.ts";

/** The system's programs only (no per-user shims such as pyenv's, which want a HOME of their own). */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function sandboxHarness(opts: { rolesFile?: string } = {}) {
  const root = mkdtempSync(join(tmpdir(), "ais-sandbox-"));
  const home = join(root, "data");
  mkdirSync(home, { mode: 0o700 });
  const paths = pathsFor(home);
  const db = openDatabase(paths.db);
  writeFileSync(paths.token, "owner-token-of-this-test\n", { mode: 0o600 });
  const sessions = new SessionManager(db, paths);
  const bus = createBusService({ db, home, sessions, rolesFile: opts.rolesFile });
  // an empty HOME: the shells start without this machine's ~/.bashrc
  const userHome = join(root, "home");
  mkdirSync(userHome);
  return {
    root,
    home,
    paths,
    db,
    sessions,
    bus,
    ops: { db, sessions },
    userHome,
    /** A directory under the test's root (outside any workspace unless made one). */
    dir(name: string): string {
      const d = join(root, name);
      mkdirSync(d, { recursive: true });
      return d;
    },
    create(name: string, o: { agent?: string; role?: string; cwd: string; shell?: string }) {
      return sessions.create({ name, cwd: o.cwd, agent: o.agent, role: o.role, shell: o.shell ?? "/bin/bash", env: { HOME: userHome, PATH: SYSTEM_PATH } });
    },
    exec(session: string, command: string, agent?: string) {
      return execCommand({ db, sessions }, ownerCaller(agent), session, { command, timeout_ms: 30_000, mode: "raw" });
    },
    async close() {
      bus.close();
      await sessions.killAll();
      db.$client.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function until<T>(what: string, fn: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}
