import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { DashboardAsset } from "../../dashboard/asset.ts";
import { dashboardAssets } from "../../dashboard/assets.gen.ts";
import { assetsOnDisk } from "../../dashboard/disk-assets.ts";
import type { AppEnv } from "./env.ts";
import { sessionVisibility } from "../access/sessions.ts";
import { allow } from "./access.ts";

/**
 * The files embedded in the binary; run from source (Deno, or Bun without compiling), the ones
 * `npm run build` left in dashboard/dist. In the binary that directory does not exist.
 */
function builtDashboard(): DashboardAsset[] {
  if (dashboardAssets.length > 0) return dashboardAssets;
  return assetsOnDisk(fileURLToPath(new URL("../../dashboard/dist", import.meta.url)));
}

/**
 * Serves the dashboard's embedded files at /: each file with its content type, gzip when the
 * browser takes it, hashed assets cached for good, and index.html for any other page path (the app
 * routes in the browser). When the binary was built without the dashboard, a plain page says so.
 * Mount it after the API routes: /api and /mcp paths are never answered here.
 */
export function dashboardRoutes(assets: DashboardAsset[] = builtDashboard()): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const byPath = new Map(assets.map((a) => [a.path, a]));
  const index = byPath.get("/index.html");
  const gzipped = new Map<string, Uint8Array<ArrayBuffer>>();

  async function body(asset: DashboardAsset, gzip: boolean): Promise<Uint8Array<ArrayBuffer>> {
    const raw = new Uint8Array(await readFile(asset.file));
    if (!gzip) return raw;
    let z = gzipped.get(asset.path);
    if (!z) gzipped.set(asset.path, (z = await gzipBytes(raw)));
    return z;
  }

  // Who the page's token is, so it can offer typing and killing only to a token with the exec scope.
  // (Another module may define this route earlier; then that one answers.)
  app.get("/api/whoami", allow({ scope: "read" }), (c) => {
    const caller = c.get("caller");
    return c.json({ kind: caller.kind, name: caller.name, scopes: [...caller.scopes].sort(), agent: caller.agent ?? null });
  });

  // Live changes for the page (Server-Sent Events), so views refresh when something happens instead
  // of at their next poll. Only what the history already shows: names, ids, exit codes; never output.
  // Coordination changes (agents, tasks, statuses, decisions) come from the bus service's activity;
  // bus messages themselves are left out (the traffic view streams them from /api/bus/stream).
  // An agent gets the events of the sessions it may see (and those of no session).
  app.get("/api/events", allow({ scope: "read", across: "feed" }), (c) => {
    const rt = c.get("rt");
    const { sessions, bus } = rt;
    const caller = c.get("caller");
    return streamSSE(c, async (stream) => {
      const nameOf = (id: string) => sessions.byId(id)?.name ?? null;
      const send = (data: Record<string, unknown>) => {
        // asked at each event: a session shared, or a name reused, since the feed opened
        if (typeof data.session === "string" && !sessionVisibility(rt, caller)(data.session)) return;
        void stream.writeSSE({ data: JSON.stringify(data) }).catch(() => {});
      };
      const created = (info: { name: string }) => send({ type: "session:created", session: info.name });
      const ended = (info: { name: string; status: string }) => send({ type: "session:ended", session: info.name, status: info.status });
      const started = (id: string, r: { id: number; command: string; agent?: string }) =>
        send({ type: "command:start", session: nameOf(id), command_id: r.id, command: r.command, agent: r.agent ?? null });
      const finished = (id: string, r: { id: number }, o: { status: string; exitCode: number | null; durationMs: number }) =>
        send({ type: "command:end", session: nameOf(id), command_id: r.id, status: o.status, exit_code: o.exitCode, duration_ms: o.durationMs });
      sessions.events.on("session:created", created);
      sessions.events.on("session:ended", ended);
      sessions.events.on("command:start", started);
      sessions.events.on("command:end", finished);
      const activity = (e: { type?: string }) => e.type !== "bus:message" && send(e as Record<string, unknown>);
      bus?.activity.on("event", activity);
      send({ type: "hello" });
      const ping = setInterval(() => send({ type: "ping" }), 15_000);
      await new Promise<void>((done) => stream.onAbort(done));
      clearInterval(ping);
      sessions.events.off("session:created", created);
      sessions.events.off("session:ended", ended);
      sessions.events.off("command:start", started);
      sessions.events.off("command:end", finished);
      bus?.activity.off("event", activity);
    });
  });

  app.get("*", allow({ scope: "public" }), async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path === "/api" || path.startsWith("/api/") || path === "/mcp" || path.startsWith("/mcp/")) return next();
    if (!index) return c.html(NOT_BUILT_PAGE, 200, SECURITY_HEADERS);

    const file = byPath.get(path === "/" ? "/index.html" : path);
    const looksLikeFile = /\.[a-z0-9]+$/i.test(path);
    if (!file && looksLikeFile) return next();
    const asset = file ?? index;

    const compressible = /^(text\/|application\/(json|javascript)|image\/svg)/.test(asset.type);
    const gzip = compressible && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      "content-type": asset.type,
      "cache-control": asset.path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      vary: "accept-encoding",
    };
    if (gzip) headers["content-encoding"] = "gzip";
    return c.body(await body(asset, gzip), 200, headers);
  });

  return app;
}

/** The token travels in the first URL: never send it on as a referrer, never frame the page. */
const SECURITY_HEADERS: Record<string, string> = {
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="dark light">
<title>ai-session</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>ai-session</h1>
<p>The server is running, but this build has no dashboard in it.</p>
<p>Build it with <code>npm run build</code> (vite build, then <code>bun dashboard/embed.ts</code>, then the binary),
or use the CLI: <code>ai-session list</code>.</p>
</body></html>
`;

/** Gzip through the web CompressionStream (both runtimes have it); done once per asset. */
async function gzipBytes(raw: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
