/**
 * The routes that change the server itself: tokens, configuration, policies, shutdown. This is
 * not authorisation (each route's own declaration decides who may call it, server/routes/access.ts);
 * it is what MCP tools keep away from even for an admin caller. The path is decoded and its dot
 * segments resolved first, as the router does, so no spelling of one of them slips by.
 */
const AREAS = new Set(["tokens", "config", "policies", "policy", "server"]);

export function changesServerSettings(method: string, path: string): boolean {
  let segments: string[];
  try {
    segments = new URL(path.split("?")[0] ?? path, "http://localhost").pathname.split("/").filter(Boolean).map((s) => decodeURIComponent(s).toLowerCase());
  } catch {
    return true; // a path that cannot be read is not sent
  }
  if (segments[0] !== "api" || !AREAS.has(segments[1] ?? "")) return false;
  // counting tokens of a text is a computation, not a change
  return !(segments[1] === "tokens" && segments[2] === "count" && method.toUpperCase() === "POST");
}
