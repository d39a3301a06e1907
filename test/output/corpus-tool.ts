/**
 * For whoever adds a capture to test/fixtures/output:
 *   bun test/output/corpus-tool.ts render NAME    the text a person saw (what facts are read from), numbered
 *   bun test/output/corpus-tool.ts check [NAME…]  every fact of each capture is in that text, and its facts file is well formed
 * Neither shows what compaction makes of a capture: facts are written from the output alone.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { renderOutput } from "../../server/output/render.ts";
import { CORPUS_COLS, FIXTURES, type Facts, loadCorpus } from "./corpus.ts";

const [verb, ...names] = process.argv.slice(2);

function rendered(name: string): string {
  const file = join(FIXTURES, `${name}.txt`);
  if (!existsSync(file)) throw new Error(`no capture named ${name} in ${FIXTURES}`);
  return renderOutput(new Uint8Array(readFileSync(file)), { cols: CORPUS_COLS });
}

/** What is wrong with one capture's facts file, as sentences. */
function problems(name: string): string[] {
  const out: string[] = [];
  const factsFile = join(FIXTURES, `${name}.facts.json`);
  if (!existsSync(factsFile)) return [`${name}: no ${name}.facts.json`];
  let facts: Facts & { family?: string; project?: string };
  try {
    facts = JSON.parse(readFileSync(factsFile, "utf8"));
  } catch (err) {
    return [`${name}: facts file is not JSON (${(err as Error).message})`];
  }
  for (const key of ["command", "cwd", "family", "project"] as const) if (typeof facts[key] !== "string" || !facts[key]) out.push(`${name}: "${key}" missing`);
  if (typeof facts.exit_code !== "number") out.push(`${name}: "exit_code" missing`);
  if (!Array.isArray(facts.must_keep)) out.push(`${name}: "must_keep" must be an array`);
  const text = rendered(name);
  for (const fact of facts.must_keep ?? []) {
    if (fact.includes("\n")) out.push(`${name}: a fact spans lines (one line per fact): ${JSON.stringify(fact)}`);
    if (!text.includes(fact)) out.push(`${name}: fact not in the rendered text: ${JSON.stringify(fact)}`);
  }
  return out;
}

if (verb === "render" && names.length === 1) {
  const lines = rendered(names[0]!).split("\n");
  const width = String(lines.length).length;
  console.log(lines.map((l, i) => `${String(i + 1).padStart(width)}│${l}`).join("\n"));
} else if (verb === "check") {
  const all = names.length ? names : loadCorpus().map((f) => f.name);
  const found = all.flatMap(problems);
  for (const p of found) console.log(p);
  console.log(`${all.length} captures checked, ${found.length} problems`);
  process.exit(found.length ? 1 : 0);
} else {
  console.error("usage: bun test/output/corpus-tool.ts render NAME | check [NAME...]");
  process.exit(2);
}
