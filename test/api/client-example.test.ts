import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const home = mkdtempSync(join(tmpdir(), "ais-client-example-"));

afterAll(async () => {
  const { connect } = await import("ai-session/client");
  await (await connect({ home, autostart: false })).shutdown().catch(() => {});
  await Bun.sleep(300);
  rmSync(home, { recursive: true, force: true });
});

// The README's "Use it from a program" example, verbatim between the markers.
test("the README client example runs as written", async () => {
  // --- README example start ---
  const { connect, busClient } = await import("ai-session/client");

  // Connect to the server of a data directory (started in the background when none runs),
  // acting as an agent: register it once with a role, whose policy then applies to its commands.
  const client = await connect({ home, agent: "builder" });
  const bus = busClient(client);
  await bus.registerAgent({ name: "builder", role: "backend" });

  // Create a session with its config.
  const session = await client.createSession({ name: "build", cwd: tmpdir(), cols: 120, rows: 40, env: { CI: "1" } });

  // Type into it, and read what appeared.
  await client.send("build", { text: "echo ready-$CI", enter: true });
  const ready = await client.wait("build", { pattern: "ready-1", timeoutMs: 5_000 });
  const seen = await client.read("build", { since: 0 });

  // Run a command and get its exact result: exit code, compacted output, tokens, analysis.
  const result = await client.exec("build", "ls /no/such/dir", { timeoutMs: 10_000 });

  // The session's AI context within a token budget, and the analysis of its last command.
  const context = await client.request<{ text: string; tokens: number }>("GET", "/api/sessions/build/context?max_tokens=800");
  const analysis = await client.request<{ tool: string; status: string }>("GET", "/api/sessions/build/analysis");

  // Coordinate: publish on the bus, record a decision.
  const message = await bus.send({ topic: "builds", type: "status_update", payload: { session: "build", exit_code: result.exit_code } });
  const decision = await bus.decide({ what: "retry the build?", options: ["retry", "give up"], choice: "give up", reasoning: "the directory does not exist", session: "build" });

  await client.kill("build");
  // --- README example end ---

  expect(session.name).toBe("build");
  expect(ready.matched ?? ready.output).toContain("ready-1");
  expect(seen.output).toContain("ready-1");
  expect(result.exit_code).not.toBe(0);
  expect(result.status).toBe("failed");
  expect(result.tokens.raw).toBeGreaterThan(0);
  expect(context.text).toContain("ls /no/such/dir");
  expect(analysis.status).toBe("failure");
  expect(message.topic).toBe("builds");
  expect(message.sender).toBe("builder");
  expect(decision.choice).toBe("give up");
}, 60_000);
