/**
 * The built dashboard read from dashboard/dist on disk: what a server run from source serves
 * (on Deno, or under Bun without the compiled binary), where no manifest of embedded files exists.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { DashboardAsset } from "./asset.ts";
import { contentTypeOf } from "./content-type.ts";

/** Every file under dir, sorted, depth first. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? filesUnder(full) : [full];
    });
}

/** The URL path a file of the dist directory is served at: "/" and its path inside dist. */
export const urlPathOf = (dist: string, file: string) => "/" + relative(dist, file).split(sep).join("/");

/** The dashboard's files in a dist directory, or none when it holds no index.html (not built). */
export function assetsOnDisk(dist: string): DashboardAsset[] {
  if (!existsSync(join(dist, "index.html"))) return [];
  return filesUnder(dist).map((file) => {
    const path = urlPathOf(dist, file);
    return { path, file, type: contentTypeOf(path) };
  });
}
