/**
 * The import graph of server/, read from the sources: every `import … from`, `export … from`,
 * side-effect `import "…"`, `import("…")` call and `import("…")` type, as TypeScript itself finds
 * them (ts.preProcessFile, so imports inside comments and strings do not count).
 * A package is a folder directly under server/ (server/session/**); a file directly in server/
 * (app.ts, runtime.ts, errors.ts, …) is a package of its own.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

export const root = resolve(import.meta.dir, "../..");

export interface Import {
  /** The importing file, relative to the repository (server/session/store.ts). */
  file: string;
  /** The specifier as written (../persist/codec.ts, hono). */
  spec: string;
  /** For a relative specifier, the file it names, relative to the repository; undefined for a package. */
  target?: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** Every import of every .ts file under `dir` (relative to the repository). */
export function importsUnder(dir: string, base = root): Import[] {
  return sources(join(base, dir)).flatMap((path) => {
    const file = relative(base, path);
    return ts.preProcessFile(readFileSync(path, "utf8"), true, true).importedFiles.map(({ fileName: spec }) => ({
      file,
      spec,
      target: spec.startsWith(".") ? relative(base, resolve(dirname(path), spec)) : undefined,
    }));
  });
}

/** The package of a file under server/: its first folder, or the file itself when it sits in server/. */
export function packageOf(file: string): string | undefined {
  const parts = file.split("/");
  if (parts[0] !== "server" || parts.length < 2) return undefined;
  return parts[1];
}

/** Package → package → the imports that make that edge. */
export type PackageGraph = Map<string, Map<string, Import[]>>;

export function packageGraph(imports: Import[]): PackageGraph {
  const graph: PackageGraph = new Map();
  for (const i of imports) {
    const from = packageOf(i.file);
    const to = i.target && packageOf(i.target);
    if (!from) continue;
    if (!graph.has(from)) graph.set(from, new Map());
    if (!to || to === from) continue;
    const edges = graph.get(from) as Map<string, Import[]>;
    edges.set(to, [...(edges.get(to) ?? []), i]);
  }
  return graph;
}

/** The strongly connected groups of more than one package (Tarjan), each as a list of packages. */
function tangles(graph: PackageGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) out.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** A shortest way back from `start` to itself inside `group` (breadth first). */
function loopThrough(graph: PackageGraph, group: Set<string>, start: string): string[] {
  const came = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!group.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(came.get(path[0] as string) as string);
        return [...path, start];
      }
      if (!came.has(w)) {
        came.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

/**
 * Each package cycle, said in one line: the packages in order and, for each step, one import that
 * makes it (`session → persist → session (server/session/store.ts imports ../persist/codec.ts; …)`).
 */
export function describeCycles(graph: PackageGraph): string[] {
  return tangles(graph).map((group) => {
    const loop = loopThrough(graph, new Set(group), group[0] as string);
    const steps = loop.slice(1).map((to, k) => {
      const first = (graph.get(loop[k] as string) as Map<string, Import[]>).get(to)?.[0] as Import;
      return `${first.file} imports ${first.spec}`;
    });
    const others = group.length > loop.length - 1 ? ` [tangled together: ${group.join(", ")}]` : "";
    return `${loop.join(" → ")} (${steps.join("; ")})${others}`;
  });
}
