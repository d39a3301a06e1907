// POSIX path joins as node:path does them, without node:path: every CLI command builds its data
// directory's paths, and on Deno the first node: module costs tens of milliseconds (platform/node-builtin.ts).

/** Collapses `//`, `.` and `..` (node:path's posix.normalize; "" is "."). */
export function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else out.push(part);
  }
  const body = out.join("/");
  const trailing = path.endsWith("/") && (body !== "" || !absolute) ? "/" : "";
  if (absolute) return `/${body}${trailing}`;
  return body === "" ? (trailing ? "./" : ".") : body + trailing;
}

/** The parts joined with `/`, normalized (node:path's posix.join). */
export function join(...parts: string[]): string {
  const given = parts.filter((p) => p !== "");
  return given.length ? normalize(given.join("/")) : ".";
}

/** An absolute path: `path` resolved against `cwd` (node:path's posix.resolve of one path), no trailing slash. */
export function resolve(cwd: string, path: string): string {
  const abs = normalize(path.startsWith("/") ? path : `${cwd}/${path}`);
  return abs.length > 1 && abs.endsWith("/") ? abs.slice(0, -1) : abs;
}

/** The last part of a path (node:path's posix.basename, without an extension to strip). */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}
