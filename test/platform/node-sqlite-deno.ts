// Run by node-sqlite.test.ts under Deno: drives the node:sqlite side of the seam through the
// database the server opens (migrations, Drizzle) and prints what it saw as one JSON line.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, tickWrite } from "../../db/client.ts";
import { sessions } from "../../db/schema.ts";
import { platform } from "../../server/platform/index.ts";

const db = openDatabase(join(mkdtempSync(join(tmpdir(), "ais-node-sqlite-")), "state.db"));
const s = db.$client;
const row = { id: "s1", name: "web", shell: "/bin/sh", cwd: "/", cols: 80, rows: 24, status: "running", createdAt: 1 };
db.insert(sessions).values(row as never).run();
// a transaction begun by hand (tickWrite), then Drizzle's own inside it: a savepoint
tickWrite(db, () => db.transaction((tx) => tx.update(sessions).set({ name: "api" } as never).run()));
let rolledBack = "no";
try {
  db.transaction((tx) => {
    tx.update(sessions).set({ name: "lost" } as never).run();
    throw new Error("undo");
  });
} catch {
  rolledBack = s.query<{ name: string }, []>("SELECT name FROM sessions").get()!.name;
}
const values = s.prepare("SELECT 1 AS a, 2 AS a, ? AS b").values(true);
const missing = s.query("SELECT * FROM sessions WHERE id = ?").get("nope");
console.log(JSON.stringify({ runtime: platform.runtime.name, names: db.select().from(sessions).all().map((r) => r.name), rolledBack, values, missing }));
s.close();
