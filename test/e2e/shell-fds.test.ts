// A session's shell holds its terminal on 0, 1 and 2 and nothing else: none of the server's files,
// sockets or pipes, and none of the descriptors the client that started the server was given. On
// each runtime (the Bun binary, the Deno bundle), with a server started by a CLI that has an extra
// descriptor open, as a client started by a build tool or an editor often has.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliHome, RUNTIMES, cliCommand, denoSourceCommand, requireBinary } from "./cli.ts";

requireBinary();

/** `ls -l /proc/self/fd` as fd → target, without the directory ls reads it through. */
function descriptors(listing: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of listing.matchAll(/ (\d+) -> (.+)$/gm)) {
    if (!/^\/proc\/\d+\/fd$/.test(m[2]!)) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The shell's descriptors are its terminal on 0, 1 and 2, and nothing else. */
function expectOnlyTerminal(listing: string): void {
  const fds = descriptors(listing);
  const tty = fds["0"];
  expect(tty).toMatch(/^\/dev\/pts\/\d+$/);
  expect(fds).toEqual({ "0": tty!, "1": tty!, "2": tty! });
}

for (const runtime of RUNTIMES) {
  describe(`a shell on ${runtime}`, () => {
    const h = new CliHome({ AI_SESSION_PORT: "0", AI_SESSION_BIN: "" }, runtime);
    afterAll(() => h.close());

    test("a shell holds only its terminal on 0, 1 and 2, none of the server's descriptors", async () => {
      const extra = openSync(join(mkdtempSync(join(tmpdir(), "ais-fd-")), "held-by-the-client"), "w");
      try {
        // the first command starts the server; it runs with a descriptor 3 its caller left open
        const p = Bun.spawn([...cliCommand(runtime), "create", "--name", "fd"], { env: h.env(), stdio: ["ignore", "pipe", "pipe", extra] });
        expect(await p.exited).toBe(0);
      } finally {
        closeSync(extra);
      }
      const r = await h.run(["exec", "fd", "ls -l /proc/self/fd"]);
      expect(r.code).toBe(0);
      expectOnlyTerminal(r.stdout);
    }, 60_000);
  });
}

// `npm run deno -- serve` runs the server in the foreground under the CLI's named permissions, which
// do not let Deno read /proc/self/fd: the descriptors are marked all the same.
describe("a shell of a foreground Deno server under npm run deno's permissions", () => {
  const h = new CliHome({ AI_SESSION_PORT: "0", AI_SESSION_BIN: "" }, "bun");
  let server: ReturnType<typeof Bun.spawn> | null = null;
  afterAll(() => {
    server?.kill();
    h.close();
  });

  test("holds only its terminal on 0, 1 and 2", async () => {
    // a free port: the foreground server does not read AI_SESSION_PORT, and 7447 may be taken on a shared machine
    server = Bun.spawn([...denoSourceCommand(), "serve", "--port", "0"], { env: h.env(), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    // serve says where it listens once it does
    const reader = (server.stdout as ReadableStream<Uint8Array>).getReader();
    let said = "";
    while (!/https?:\/\//.test(said)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve ended before it listened: ${said}`);
      said += new TextDecoder().decode(value);
    }
    const status = await h.json<{ runtime: { name: string } }>(["status"]);
    expect(status.runtime.name).toBe("deno");
    expect((await h.run(["create", "--name", "fg"])).code).toBe(0);
    const r = await h.run(["exec", "fg", "ls -l /proc/self/fd"]);
    expect(r.code).toBe(0);
    expectOnlyTerminal(r.stdout);
  }, 60_000);
});
