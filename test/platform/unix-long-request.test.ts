// The CLI talks to its server over a Unix socket. A request whose answer takes more than Bun's
// default idle time (10 s) to make, such as the first context of a large output on a loaded
// machine, is answered, not reset.
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platform } from "../../server/platform/index.ts";

test("a request on the Unix socket whose answer takes 15 s is answered", async () => {
  const socket = join(mkdtempSync(join(tmpdir(), "ais-unix-")), "s.sock");
  const listener = platform.serve({ unix: socket }, async () => {
    await platform.sleep(15_000);
    return new Response("late but here");
  });
  try {
    const r = await platform.fetchUnix(socket, "http://localhost/slow");
    expect(await r.text()).toBe("late but here");
  } finally {
    await listener.stop();
  }
}, 30_000);
