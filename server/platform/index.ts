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

export const platform: Platform =
  typeof (globalThis as { Bun?: unknown }).Bun !== "undefined"
    ? (require("./bun.ts") as typeof import("./bun.ts")).bunPlatform
    : (createRequire(import.meta.url)("./deno.ts") as typeof import("./deno.ts")).denoPlatform;

export const upgradeWebSocket = platform.upgradeWebSocket;
export const sleep = platform.sleep;
export const upgradeNative = platform.upgradeNative.bind(platform);
