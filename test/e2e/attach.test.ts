import { afterAll, expect, test } from "bun:test";
import { BIN, CliHome, requireBinary } from "./cli.ts";

requireBinary();
const h = new CliHome();
afterAll(() => h.close());

test("attach shows the live session, typing reaches it, Ctrl-] detaches and it keeps running", async () => {
  await h.run(["create", "--name", "att"]);
  await h.run(["exec", "att", "echo before-attach"]);
  let screen = "";
  const p = Bun.spawn([BIN, "attach", "att"], {
    env: h.env(),
    terminal: { cols: 100, rows: 30, data: (_t, d) => (screen += new TextDecoder().decode(d)) },
  });
  const until = async (text: string) => {
    for (let i = 0; i < 100 && !screen.includes(text); i++) await Bun.sleep(50);
    expect(screen).toContain(text);
  };
  await until("before-attach"); // the recent scrollback is replayed
  p.terminal!.write("echo typed-$((40+2))\r");
  await until("typed-42");
  p.terminal!.write("\x1d"); // Ctrl-]
  expect(await p.exited).toBe(0);
  expect(screen).toContain("detached from att");
  const r = await h.json<{ output: string }>(["exec", "att", "echo still-here"]);
  expect(r.output).toBe("still-here");
  const hist = await h.json<{ command: string }[]>(["history", "att"]);
  expect(hist.map((c) => c.command)).toContain("echo before-attach");
});
