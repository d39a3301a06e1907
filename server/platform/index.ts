/**
 * The runtime seam: the one place that names Bun or Deno. Loads the implementation for the runtime
 * running this process; nothing else in server/, cli/ or db/ may reach `Bun` or `Deno` directly
 * (test/platform/seam.test.ts checks).
 *
 * Loaded with require, not `await import`: a top-level await here would make every module above it
 * asynchronous, and a worker thread whose entry awaits misses the messages sent before it is ready.
 * Bun bundles the literal require("./bun.ts") into the binary; Deno's side is never bundled.
 */
import { createRequire } from "node:module";
import type { Platform } from "./types.ts";

export type * from "./types.ts";

// In the Deno bundle (bundle.ts) the condition is a constant: Bun's side, with its bun: imports,
// is left out of it, and Deno's is bundled. Written out here, not as inDenoBundle(), so it folds.
export const platform: Platform =
  typeof AI_SESSION_BUNDLE_FOR !== "undefined" && AI_SESSION_BUNDLE_FOR === "deno"
    ? (require("./deno.ts") as typeof import("./deno.ts")).denoPlatform
    : typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
      ? (require("./bun.ts") as typeof import("./bun.ts")).bunPlatform
      : (createRequire(import.meta.url)("./deno.ts") as typeof import("./deno.ts")).denoPlatform;

/** Hono's upgrade helper, looked up when a route is built (Deno's side loads its adapter only then). */
export const upgradeWebSocket: Platform["upgradeWebSocket"] = ((...args: Parameters<Platform["upgradeWebSocket"]>) =>
  platform.upgradeWebSocket(...args)) as Platform["upgradeWebSocket"];
export const sleep = platform.sleep;
export const upgradeNative = platform.upgradeNative.bind(platform);
