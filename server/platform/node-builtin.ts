// Node's built-in modules loaded when first used, synchronously, without a static `import … from
// "node:…"`: on Deno the first node: module (or the first touch of `process`) sets up its Node
// layer, tens of milliseconds that a CLI command talking to its server does without.
type Require = (id: string) => unknown;

interface NodeProcess {
  getBuiltinModule(id: string): unknown;
}

/** A node: module, loaded now (process.getBuiltinModule: Node ≥ 22.3, Bun, Deno 2). */
export function nodeBuiltin<T>(id: string): T {
  return (globalThis as unknown as { process: NodeProcess }).process.getBuiltinModule(id) as T;
}

const requires = new Map<string, Require>();

/** require() resolving from `from` (a module's URL), made on first use. */
export function nodeRequire(from: string): Require {
  let r = requires.get(from);
  if (!r) requires.set(from, (r = nodeBuiltin<typeof import("node:module")>("node:module").createRequire(from)));
  return r;
}
