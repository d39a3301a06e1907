/**
 * Whether this code runs from the bundle build.ts makes for Deno (dist/deno, started by
 * cli/ai-session-deno): build.ts defines AI_SESSION_BUNDLE_FOR there; from source and in the Bun
 * binary it is not defined. The bundle keeps every chunk beside its entry, deno-main.js.
 */
declare global {
  const AI_SESSION_BUNDLE_FOR: "deno" | undefined;
}

export const inDenoBundle = (): boolean => typeof AI_SESSION_BUNDLE_FOR !== "undefined" && AI_SESSION_BUNDLE_FOR === "deno";
