import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawnPty } from "../../server/platform/pty.ts";
import { bundleForNode } from "./node-bundle.ts";

// Both PTY backends behind one interface: Bun.Terminal (the binary, Bun) and node-pty, which is
// for runtimes without Bun.Terminal. node-pty does not work under Bun itself (no data, the child
// sees SIGHUP), so its backend is tested where it is used: compiled for Node and run by node.
for (const backend of ["bun-terminal"] as const) {
  describe(`pty backend ${backend}`, () => {
    const start = async (script: string) => {
      let out = "";
      const pty = await spawnPty(
        {
          argv: ["/bin/bash", "--norc", "--noprofile", "-c", script],
          cwd: "/tmp",
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm-256color" },
          cols: 90,
          rows: 20,
          onData: (b) => (out += new TextDecoder().decode(b)),
        },
        backend,
      );
      return { pty, output: () => out };
    };

    test("runs in a terminal of the given size, in the given directory, and reports the exit status", async () => {
      const { pty, output } = await start("tty; pwd; stty size; exit 3");
      expect(pty.backend).toBe(backend);
      expect(await pty.exited).toBe(3);
      await Bun.sleep(50);
      expect(output()).toMatch(/\/dev\/pts\/\d+/);
      expect(output()).toContain("/tmp");
      expect(output()).toContain("20 90");
    });

    test("input reaches the program, resize reaches it too", async () => {
      const { pty, output } = await start("read line; echo got:$line; trap 'stty size; exit 0' WINCH; sleep 10 & wait");
      pty.write("hello\r");
      for (let i = 0; i < 40 && !output().includes("got:hello"); i++) await Bun.sleep(25);
      pty.resize(120, 33);
      expect(await pty.exited).toBe(0);
      await Bun.sleep(50);
      expect(output()).toContain("got:hello");
      expect(output()).toContain("33 120");
    });

    test("a signal to the group ends the program with 128+n", async () => {
      const { pty } = await start("sleep 30");
      await Bun.sleep(100);
      pty.kill("SIGTERM");
      expect(await pty.exited).toBe(128 + 15);
    });
  });
}

describe("pty backend node-pty, under Node", () => {
  test("output, input, resize, exit status and a signal to the group", async () => {
    const { dir } = await bundleForNode(resolve(import.meta.dir, "../../server/pty/node-pty.ts"), "backend.cjs", "ais-nodepty-");
    writeFileSync(
      join(dir, "drive.cjs"),
      `const { spawnNodePty } = require("./backend.cjs");
const run = async (script, act) => {
  let out = "";
  const pty = await spawnNodePty({ argv: ["/bin/bash", "--norc", "--noprofile", "-c", script], cwd: "/tmp",
    env: { PATH: process.env.PATH, TERM: "xterm-256color" }, cols: 90, rows: 20, onData: (b) => (out += Buffer.from(b).toString()) });
  if (act) await act(pty, () => out);
  const code = await pty.exited;
  await new Promise((r) => setTimeout(r, 50));
  return { code, out, backend: pty.backend };
};
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const a = await run("tty; pwd; stty size; exit 3");
  const b = await run("read line; echo got:$line; trap 'stty size; exit 0' WINCH; sleep 10 & wait", async (pty, out) => {
    pty.write("hello\\r");
    for (let i = 0; i < 40 && !out().includes("got:hello"); i++) await wait(25);
    pty.resize(120, 33);
  });
  const c = await run("sleep 30", async (pty) => { await wait(100); pty.kill("SIGTERM"); });
  console.log(JSON.stringify({ a, b, c }));
})();
`,
    );
    const p = Bun.spawnSync(["node", join(dir, "drive.cjs")]);
    if (p.exitCode !== 0) console.error(p.stderr.toString());
    expect(p.exitCode).toBe(0);
    const r = JSON.parse(p.stdout.toString());
    expect(r.a.backend).toBe("node-pty");
    expect(r.a.code).toBe(3);
    expect(r.a.out).toMatch(/\/dev\/pts\/\d+/);
    expect(r.a.out).toContain("20 90");
    expect(r.b.out).toContain("got:hello");
    expect(r.b.out).toContain("33 120");
    expect(r.b.code).toBe(0);
    expect(r.c.code).toBe(128 + 15);
  });
});
