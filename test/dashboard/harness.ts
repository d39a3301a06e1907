/**
 * What the browser tests share: a real ai-session server (the compiled binary when built, else the
 * sources) in a fresh data directory, the CLI against it, and Debian's Chromium through playwright-core.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const ROOT = resolve(import.meta.dir, "../..");
export const CHROMIUM = process.env.AI_SESSION_CHROMIUM ?? "/usr/bin/chromium";
export const BINARY = join(ROOT, "dist/ai-session");
export const ARTIFACTS = join(ROOT, "test/artifacts");

/** The compiled binary when `npm run build` made one, else `bun cli/main.ts` (said in the test output). */
export function cliCommand(): string[] {
  if (existsSync(BINARY) && process.env.AI_SESSION_TEST_FROM_SOURCE !== "1") return [BINARY];
  return [process.execPath, join(ROOT, "cli/main.ts")];
}

export function chromiumMissing(): boolean {
  if (existsSync(CHROMIUM)) return false;
  console.warn(
    `\n${"!".repeat(78)}\n!! SKIPPING the dashboard browser tests: no Chromium at ${CHROMIUM}.\n` +
      `!! Install it with: apt-get install -y chromium   (CI does this in .ci/run)\n${"!".repeat(78)}\n`,
  );
  return true;
}

export interface Server {
  home: string;
  url: string;
  origin: string;
  token: string;
  cli(args: string[], opts?: { input?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** Starts `ai-session serve --port 0` in a fresh AI_SESSION_HOME and waits for the URL it prints. */
export async function startServer(): Promise<Server> {
  const home = mkdtempSync(join(tmpdir(), "ai-session-dashboard-"));
  const env = { ...process.env, AI_SESSION_HOME: home, NO_COLOR: "1", AI_SESSION_AGENT: "" };
  const proc = Bun.spawn([...cliCommand(), "serve", "--port", "0"], { env, stdout: "pipe", stderr: "pipe" });
  const stderrText = new Response(proc.stderr).text(); // drained all along, shown if serve fails
  const url = await new Promise<string>((ok, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`serve printed no URL within 20 s:\n${seen}`)), 20_000);
    void (async () => {
      const dec = new TextDecoder();
      const reader = proc.stdout.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        seen += dec.decode(r.value);
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w.~-]+)/.exec(seen);
        if (m) {
          clearTimeout(timer);
          reader.releaseLock();
          void proc.stdout.pipeTo(new WritableStream()); // keep draining what serve prints later
          ok(m[1]!);
          return;
        }
      }
      clearTimeout(timer);
      fail(new Error(`serve ended before printing a URL:\n${seen}\n${await stderrText}`));
    })();
  });
  const parsed = new URL(url);
  return {
    home,
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get("token")!,
    async cli(args, opts) {
      const p = Bun.spawn([...cliCommand(), ...args], { env, stdin: opts?.input ? new TextEncoder().encode(opts.input) : "ignore", stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      return { code, stdout, stderr };
    },
    async stop() {
      proc.kill("SIGTERM");
      const done = await Promise.race([proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
      if (!done) proc.kill("SIGKILL");
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page(): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile and nothing that talks to the internet. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "ai-session-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    colorScheme: "dark",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
  return {
    context,
    page: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** The text xterm.js shows on screen (its DOM renderer's rows). */
export async function terminalText(page: Page): Promise<string> {
  return page.locator(".xterm-rows").innerText();
}
