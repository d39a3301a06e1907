import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { chromiumMissing, cliCommand, openBrowser, screenshot, startServer, terminalText, type Browser, type Server } from "./harness.ts";

const skip = chromiumMissing();
/** Each step drives a real browser against a real server: give it room. */
const STEP = 30_000;
let server: Server;
let browser: Browser;
let page: Page;

async function cli(...args: string[]) {
  const r = await server.cli(args);
  return r;
}

describe.skipIf(skip)("the dashboard in a real browser", () => {
  beforeAll(async () => {
    console.log(`dashboard tests run: ${cliCommand().join(" ")}`);
    server = await startServer();
    browser = await openBrowser();
    page = await browser.page();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the printed URL logs in, keeps the token for the tab and takes it out of the address bar", async () => {
    await page.goto(server.url);
    await page.getByRole("heading", { name: "Sessions", level: 1 }).waitFor();
    expect(page.url()).toBe(`${server.origin}/`);
    expect(await page.evaluate(() => sessionStorage.getItem("ai-session.token"))).toBe(server.token);
    await page.getByText("No sessions yet.").waitFor();
    await page.getByText("live (sse)").waitFor(); // changes arrive as server-sent events
    await screenshot(page, "sessions-empty");
  }, STEP);

  test("a session created from the page appears in the list", async () => {
    await page.getByTestId("control-switch").check();
    await page.getByLabel("Name").fill("web1");
    await page.getByRole("button", { name: "Create" }).click();
    await page.locator('[data-session="web1"]').waitFor();
    const listed = JSON.parse((await cli("list", "--json")).stdout) as Array<{ name: string }>;
    expect(listed.map((s) => s.name)).toContain("web1");
  }, STEP);

  test("typing `echo hello` in the live terminal runs it in the session's shell", async () => {
    await page.getByRole("link", { name: "web1" }).click();
    await page.getByRole("heading", { name: "web1", level: 1 }).waitFor();
    await page.locator('[data-testid="terminal-status"][data-link="live"]').waitFor();
    await page.getByTestId("terminal").click();
    await page.keyboard.type("echo hello\n");
    // The output line is `hello` on its own; the typed line has the prompt and `echo` before it.
    await page.waitForFunction(() => /^hello\s*$/m.test((document.querySelector(".xterm-rows") as HTMLElement | null)?.innerText ?? ""), null, {
      timeout: 10_000,
    });
    expect(await terminalText(page)).toMatch(/^hello\s*$/m);
    await screenshot(page, "session-terminal");
  }, STEP);

  test("a failing command run through the CLI shows in the history with its exit code and analysis", async () => {
    const r = await cli("exec", "web1", "ls /definitely/not/here", "--json");
    expect(r.code).not.toBe(0);
    const result = JSON.parse(r.stdout) as { command_id: string | number; exit_code: number };
    const row = page.locator(`tr[data-command-id="${result.command_id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator("td").first().innerText()).toBe(String(result.exit_code));
    await row.getByRole("button").click();
    await page.getByTestId("analysis").getByText("No such file or directory").first().waitFor();
    expect(await page.getByTestId("compacted-output").innerText()).toContain("No such file or directory");
    expect(await page.getByTestId("raw-output").innerText()).toContain("No such file or directory");
    // A failed `ls` is a listing that failed, not a passed test.
    const counts = await page.getByTestId("analysis").getByRole("list", { name: "Counts" }).innerText();
    expect(counts).toMatch(/errors:\s*1/);
    expect(counts).toMatch(/passed:\s*0/);
    await screenshot(page, "session-command");
  }, STEP);

  test("the token chart grows when a command runs", async () => {
    await page.getByRole("link", { name: "Tokens" }).click();
    await page.getByTestId("token-chart").waitFor();
    const before = Number((await page.getByTestId("token-commands").innerText()).replace(/\D/g, ""));
    expect((await cli("exec", "web1", "seq 1 200")).code).toBe(0);
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="token-commands"]')?.textContent?.replace(/\D/g, "")) > n,
      before,
      { timeout: 10_000 },
    );
    expect(await page.locator(".chart canvas").count()).toBeGreaterThan(0);
    await screenshot(page, "tokens");
  }, STEP);

  test("a bus message shows in the traffic view", async () => {
    await cli("agent", "register", "planner", "--role", "backend");
    await cli("agent", "register", "tester", "--role", "qa");
    const sent = await cli("bus", "send", "--agent", "planner", "--to", "tester", "--type", "help_request", "please run the e2e suite");
    expect(sent.code).toBe(0);
    expect((await cli("task", "add", "Run the e2e suite", "--role", "qa")).code).toBe(0);
    await page.getByRole("link", { name: "Agents" }).click();
    await page.getByTestId("bus-message").filter({ hasText: "please run the e2e suite" }).waitFor({ timeout: 10_000 });
    await page.getByTestId("task-board").getByText("Run the e2e suite").waitFor({ timeout: 10_000 });
    await page.getByTestId("agents").getByText("tester").waitFor();
    // While the view is open, a new message streams in.
    await page.getByText(/messages · live/).waitFor({ timeout: 10_000 });
    expect((await cli("bus", "send", "--agent", "tester", "--topic", "builds", "--type", "progress", "e2e suite 40% done")).code).toBe(0);
    await page.getByTestId("bus-message").filter({ hasText: "e2e suite 40% done" }).waitFor({ timeout: 10_000 });
    await page.getByTestId("talk-graph").waitFor();
    // The streamed message re-lays the graph out (a fourth node): every edge must follow its circles.
    await page.locator('[data-testid="talk-graph"] path.edge').nth(2).waitFor({ timeout: 10_000 });
    const graph = await page.getByTestId("talk-graph").evaluate((svg) => {
      const num = (el: Element, name: string) => Number(el.getAttribute(name));
      const nodes = Object.fromEntries(
        [...svg.querySelectorAll("g[data-node]")].map((g) => {
          const c = g.querySelector("circle")!;
          return [g.getAttribute("data-node")!, { x: num(c, "cx"), y: num(c, "cy"), r: num(c, "r") }];
        }),
      );
      const marker = svg.querySelector("marker#arrow")!;
      const edges = [...svg.querySelectorAll("path.edge")].map((p) => ({
        from: p.getAttribute("data-from")!,
        to: p.getAttribute("data-to")!,
        d: p.getAttribute("d")!,
        marker: p.getAttribute("marker-end"),
      }));
      return { nodes, edges, arrow: { refX: num(marker, "refX"), refY: num(marker, "refY"), width: num(marker, "markerWidth"), units: marker.getAttribute("markerUnits") } };
    });
    expect(Object.keys(graph.nodes).sort()).toEqual(["#builds", "planner", "tasks", "tester"]);
    expect(graph.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(["planner>tester", "tasks>tester", "tester>#builds"]);
    // The marker's base sits on the path's end and its tip is `width` further along the last tangent.
    expect(graph.arrow).toEqual({ refX: 0, refY: 5, width: 10, units: "userSpaceOnUse" });
    const dist = (p: { x: number; y: number }, q: { x: number; y: number }) => Math.hypot(p.x - q.x, p.y - q.y);
    for (const e of graph.edges) {
      expect(e.marker).toBe("url(#arrow)");
      const n = e.d.match(/^M (\S+) (\S+) Q (\S+) (\S+) (\S+) (\S+)$/)?.slice(1).map(Number);
      expect(n, `edge ${e.from} → ${e.to}: ${e.d}`).toHaveLength(6);
      const [sx, sy, cx, cy, ex, ey] = n!;
      const start = { x: sx!, y: sy! };
      const end = { x: ex!, y: ey! };
      const control = { x: cx!, y: cy! };
      const along = dist(end, control);
      const tip = { x: end.x + ((end.x - control.x) / along) * graph.arrow.width, y: end.y + ((end.y - control.y) / along) * graph.arrow.width };
      const from = graph.nodes[e.from]!;
      const to = graph.nodes[e.to]!;
      // Starts on the source circle's rim (radius + a 2px gap), heading away from its centre...
      expect(Math.abs(dist(start, from) - (from.r + 2)), `${e.from} → ${e.to} starts at its source`).toBeLessThan(0.5);
      expect(dist(control, from)).toBeGreaterThan(dist(start, from));
      // ...and the arrowhead's tip touches the target circle's rim, pointing at its centre.
      expect(Math.abs(dist(tip, to) - (to.r + 2)), `${e.from} → ${e.to} ends at its target`).toBeLessThan(0.5);
      expect(dist(end, to)).toBeGreaterThan(dist(tip, to));
    }
    await screenshot(page, "agents");
  }, STEP);

  test("a session is snapshotted, ended and restored from the page", async () => {
    await page.getByRole("link", { name: "Sessions" }).click();
    await page.getByLabel("Name").fill("web2");
    await page.getByRole("button", { name: "Create" }).click();
    await page.locator('[data-session="web2"]').waitFor();
    await page.getByRole("button", { name: "Snapshot web2" }).click();
    await page.getByText("Saved a snapshot of web2.").waitFor();
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "End web2" }).click();
    await page.getByText("Ended session web2.").waitFor();
    await page.getByRole("button", { name: "Restore web2" }).click();
    await page.getByText("Restored session web2.").waitFor();
    const listed = JSON.parse((await cli("list", "--json")).stdout) as Array<{ name: string; status: string }>;
    expect(listed.find((s) => s.name === "web2")?.status).not.toBe("ended");
    await screenshot(page, "sessions");
  }, STEP);

  test("the traces view shows recorded decisions and latency per operation", async () => {
    const decided = await cli("decide", "--agent", "planner", "Which test runner for the e2e suite", "--choice", "bun test", "--options", "jest,vitest,bun test", "--reasoning", "already installed and fastest here");
    expect(decided.code).toBe(0);
    await page.getByRole("link", { name: "Traces" }).click();
    await page.getByRole("heading", { name: "Traces", level: 1 }).waitFor();
    await page.getByTestId("decisions").getByText("Which test runner for the e2e suite").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("decisions").getByText("✓ bun test").count()).toBe(1);
    await page.getByTestId("latency").getByText(/exec/).first().waitFor({ timeout: 10_000 });
    await screenshot(page, "traces");
  }, STEP);

  test("without a token the page shows only the login message", async () => {
    const fresh = await browser.context.browser()?.newContext() ?? null;
    const p = fresh ? await fresh.newPage() : await browser.page();
    if (!fresh) await p.evaluate(() => sessionStorage.clear());
    const apiAnswers: number[] = [];
    p.on("response", (r) => r.url().includes("/api/") && apiAnswers.push(r.status()));
    await p.goto(`${server.origin}/`);
    await p.getByRole("heading", { name: "Log in with the link from the server" }).waitFor();
    expect(await p.locator("body").innerText()).not.toContain("web1");
    expect(apiAnswers.every((s) => s === 401)).toBe(true);
    await screenshot(p, "login");
    await p.close();
  }, STEP);

  test("a token without the exec scope gets a read-only terminal", async () => {
    const made = await cli("token", "create", "--name", "viewer", "--scopes", "read", "--json");
    expect(made.code).toBe(0);
    const viewer = (JSON.parse(made.stdout) as { token: string }).token;
    const p = await browser.page();
    await p.goto(`${server.origin}/sessions/web1?token=${viewer}`);
    await p.getByRole("heading", { name: "web1", level: 1 }).waitFor();
    expect(await p.getByTestId("control-switch").isDisabled()).toBe(true);
    await p.getByText("Read-only (no exec scope)").waitFor();
    expect(await p.getByTestId("terminal").getAttribute("data-writable")).toBe("false");
    await p.getByTestId("terminal").click();
    await p.keyboard.type("echo from-the-viewer\n");
    await Bun.sleep(800);
    const screen = JSON.parse((await cli("read", "web1", "--screen", "--json")).stdout) as { text?: string; data?: string };
    expect(JSON.stringify(screen)).not.toContain("from-the-viewer");
    await screenshot(p, "session-read-only");
    await p.close();

    // Not only the page: the server itself refuses keys from this token on the terminal stream.
    const ws = new WebSocket(`${server.origin.replace("http", "ws")}/api/sessions/web1/stream?token=${viewer}`);
    const refused = await new Promise<string>((ok, fail) => {
      ws.onopen = () => ws.send(JSON.stringify({ type: "input", data: "echo sneaked-in\r" }));
      ws.onmessage = (m) => typeof m.data === "string" && JSON.parse(m.data).type === "error" && ok(JSON.parse(m.data).message);
      setTimeout(() => fail(new Error("the stream did not refuse the input")), 5000);
    });
    ws.close();
    expect(refused).toContain("read-only");
  }, STEP);
});
