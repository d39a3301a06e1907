import { readdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { isInside } from "../roles/policy.ts";
import { FILE_RIGHTS, FS } from "./rights.ts";

/** Rights to grant beneath (or on) a path. `own`: the session's own files, granted even inside a hidden path. */
export interface Grant {
  path: string;
  rights: number;
  own?: boolean;
}

/** The real path of a directory or file, or undefined when it does not exist. */
export function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Turns grants into Landlock rules that leave `hidden` paths (the data directory: the owner token,
 * the database, other sessions' files) out of reach. Landlock only adds rights, so a grant on a
 * directory that holds a hidden path is split: its other entries get the rights, the directory
 * itself only READ_DIR (its names can be listed, nothing in it made or removed), and so on down to
 * the hidden path, which gets nothing. Symbolic links are not followed (their targets are covered
 * where they really are). Entries made later directly in such a split directory are not covered.
 */
export function expandGrants(grants: Grant[], hidden: string[], handled: number): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const g of grants) {
    const rights = g.rights & handled;
    if (!rights) continue;
    if (!g.own && hidden.some((h) => isInside(g.path, [h]))) continue;
    const inner = g.own ? [] : hidden.filter((h) => h !== g.path && isInside(h, [g.path]));
    if (inner.length) split(g.path, rights, inner, out);
    else out.push([g.path, rights]);
  }
  return out;
}

function split(dir: string, rights: number, inner: string[], out: Array<[string, number]>): void {
  if (rights & FS.READ_DIR) out.push([dir, FS.READ_DIR]);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // not ours to list: nothing granted beneath
  }
  for (const e of entries) {
    if (e.isSymbolicLink()) continue;
    const full = join(dir, e.name);
    if (inner.includes(full)) continue;
    const deeper = inner.filter((h) => isInside(h, [full]));
    if (e.isDirectory()) {
      if (deeper.length) split(full, rights, deeper, out);
      else out.push([full, rights]);
    } else if (rights & FILE_RIGHTS) {
      out.push([full, rights & FILE_RIGHTS]);
    }
  }
}
