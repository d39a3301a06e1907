/**
 * The dashboard of one node of a cluster, in Debian's Chromium: it lists the sessions of both
 * nodes with a node column and filter, and a session of the other node opens with its live
 * terminal (typing runs there), its history and a command's analysis.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { pathsFor } from "../../server/paths.ts";
import { chromiumMissing, openBrowser, screenshot, terminalText, type Browser } from "../dashboard/harness.ts";
import { cli, eventually, json, startCluster, stopAll, type Node } from "./harness.ts";

const LONG = 60_000;
const skip = chromiumMissing();
let alpha: Node;
let beta: Node;
let browser: Browser;
let page: Page;

describe.skipIf(skip)("the dashboard of a cluster", () => {
  beforeAll(async () => {
    [alpha, beta] = (await startCluster("alpha", "beta")).nodes as [Node, Node];
    for (const [node, name] of [[alpha, "here"], [beta, "dev"]] as const) expect((await cli(node, "create", "--name", name)).code).toBe(0);
    browser = await openBrowser();
    page = await browser.page();
  }, LONG);
  afterAll(async () => {
    await browser?.close();
    await stopAll();
  }, LONG);

  test("alpha's dashboard lists the sessions of alpha and beta, each with its node, and filters by node", async () => {
    const token = readFileSync(pathsFor(alpha.home).token, "utf8").trim();
    await page.goto(`http://127.0.0.1:${alpha.port}/?token=${token}`);
    await page.locator('[data-session="dev@beta"]').waitFor();
    expect(await page.locator('[data-session="here"] [role="cell"]').nth(2).innerText()).toBe("alpha");
    expect(await page.locator('[data-session="dev@beta"] [role="cell"]').nth(2).innerText()).toBe("beta");
    await page.getByTestId("node-filter").selectOption("beta");
    await page.locator('[data-session="here"]').waitFor({ state: "detached" });
    expect(await page.locator("[data-session]").count()).toBe(1);
    await screenshot(page, "cluster-sessions");
  }, LONG);

  test("beta's session opens from alpha: typing in its live terminal runs on beta; its history and a command's analysis come from beta", async () => {
    await page.getByTestId("control-switch").check();
    await page.getByRole("link", { name: "dev", exact: true }).click();
    await page.getByRole("heading", { name: "dev@beta", level: 1 }).waitFor();
    await page.locator('[data-testid="terminal-status"][data-link="live"]').waitFor();
    await page.getByTestId("terminal").click();
    await page.keyboard.type("echo hello-from-$((1+1))-beta\n");
    await page.waitForFunction(() => /^hello-from-2-beta\s*$/m.test((document.querySelector(".xterm-rows") as HTMLElement | null)?.innerText ?? ""), null, { timeout: 10_000 });
    expect(await terminalText(page)).toMatch(/^hello-from-2-beta\s*$/m);
    expect((await json<{ output: string }>(beta, "read", "dev")).output).toContain("hello-from-2-beta");
    const r = await cli(beta, "exec", "dev", "ls /definitely/not/here", "--json");
    const id = (JSON.parse(r.stdout) as { command_id: number }).command_id;
    const row = page.locator(`tr[data-command-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole("button").click();
    await page.getByTestId("analysis").getByText("No such file or directory").first().waitFor();
    await screenshot(page, "cluster-remote-session");
  }, LONG);

  test("alpha's Agents view lists the agents and the bus messages of the whole cluster, each message once, with the node that keeps it", async () => {
    for (const [node, name] of [[alpha, "fe"], [beta, "qa"], [beta, "ops"]] as const) expect((await cli(node, "agent", "register", name, "--role", "backend")).code).toBe(0);
    await eventually("qa and ops in alpha's view of the heartbeats", async () => {
      const names = (await json<Array<{ agent_names: string[] }>>(alpha, "nodes")).flatMap((n) => n.agent_names);
      return names.includes("qa") && names.includes("ops");
    });
    const send = async (node: Node, ...args: string[]) => expect((await cli(node, "bus", "send", ...args)).code).toBe(0);
    await send(beta, "--to", "ops", "qa-to-ops-on-beta", "--agent", "qa"); // kept on beta only
    await send(alpha, "--to", "qa", "fe-to-qa-across", "--agent", "fe"); // kept on beta, the recipient's node
    await send(beta, "--broadcast", "standup-from-beta", "--agent", "qa"); // a copy on alpha too
    await page.getByRole("link", { name: "Agents" }).click();
    // the registered agents of both nodes, each with its node
    const agent = (name: string) => page.getByTestId("agents").locator("tr", { has: page.getByRole("rowheader", { name, exact: true }) });
    await agent("ops").waitFor({ timeout: 10_000 });
    expect([await agent("fe").getByTestId("agent-node").innerText(), await agent("qa").getByTestId("agent-node").innerText()]).toEqual(["alpha", "beta"]);
    const row = (text: string) => page.getByTestId("bus-message").filter({ hasText: text });
    for (const text of ["qa-to-ops-on-beta", "fe-to-qa-across", "standup-from-beta"]) await row(text).waitFor({ timeout: 10_000 });
    expect(await row("qa-to-ops-on-beta").getByTestId("message-node").innerText()).toContain("beta");
    expect(await row("fe-to-qa-across").getByTestId("message-node").innerText()).toContain("beta");
    // the polled view has read every node at least twice by now: a copy would show
    await Bun.sleep(2500);
    expect(await row("standup-from-beta").count()).toBe(1);
    // what is sent now appears without reloading
    await send(alpha, "--topic", "deploys", "v3-from-alpha", "--agent", "fe");
    await row("v3-from-alpha").waitFor({ timeout: 10_000 });
    expect(await row("v3-from-alpha").getByTestId("message-node").innerText()).toContain("alpha");
    await screenshot(page, "cluster-traffic");
  }, LONG);
});
