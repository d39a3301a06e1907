import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { DENO_RUN_FLAGS } from "../../server/platform/deno-permissions.ts";
import { platform } from "../../server/platform/index.ts";

const root = resolve(import.meta.dir, "../..");
/**
 * The sandbox launcher is a small process of its own that runs before a role's shell and loads
 * bun:ffi (Landlock) and nothing else, for every session's start-up time: it stays Bun's, and role
 * sandboxes need Bun (README: Deno). Nothing else may join this list.
 */
const BUN_ONLY = new Set(["server/sandbox/launcher.ts", "server/sandbox/landlock.ts"]);
const seam = join(root, "server", "platform");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return p === seam || e === "migrations" ? [] : sources(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

describe("the runtime seam (server/platform)", () => {
  test("no code in server/, cli/ or db/ outside the seam names Bun or Deno, or imports their modules", () => {
    const files = ["server", "cli", "db"].flatMap((d) => sources(join(root, d))).filter((f) => !BUN_ONLY.has(relative(root, f)));
    expect(files.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const f of files) {
      readFileSync(f, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/\b(Bun|Deno)\.|(from\s+|import\()["'](bun(:[a-z]+)?|hono\/(bun|deno))["']/.test(line)) found.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  test("npm run deno passes the permissions the seam names, and no -A", () => {
    const script: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.deno;
    expect(script).toBe(`deno run ${DENO_RUN_FLAGS.join(" ")} server/platform/deno-main.ts`);
    expect(script).not.toMatch(/\s(-A|--allow-all)\b/);
  });

  test("cli/ai-session-deno runs the bundle with the same permissions", () => {
    const launcher = readFileSync(join(root, "cli", "ai-session-deno"), "utf8");
    expect(launcher).toContain(`" run --unstable-lazy-dynamic-imports ${DENO_RUN_FLAGS.join(" ")} "$entry" "$@"`);
  });

  test("under bun test the Bun side is loaded and names its version", () => {
    expect(platform.runtime).toEqual({ name: "bun", version: Bun.version });
  });
});
