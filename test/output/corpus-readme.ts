/**
 * Writes the table of captures in test/fixtures/output/README.md (between its `<!-- captures -->`
 * marks) from the facts files and commands.tsv:  bun test/output/corpus-readme.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, loadCorpus } from "./corpus.ts";

const corpus = loadCorpus();
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const rows = corpus.map((f) => `| ${f.name} | ${f.facts.family} | ${f.facts.exit_code} | \`${cell(f.facts.cwd)}\` | \`${cell(f.facts.command)}\` |`);
const families = new Set(corpus.map((f) => f.facts.family));
const table = [
  `${corpus.length} captures of ${families.size} tool families.`,
  "",
  "| capture | family | exit | directory | command |",
  "|---|---|---:|---|---|",
  ...rows,
].join("\n");
const file = join(FIXTURES, "README.md");
const text = readFileSync(file, "utf8");
const marks = /<!-- captures -->[\s\S]*<!-- \/captures -->/;
if (!marks.test(text)) throw new Error("README.md has no <!-- captures --> … <!-- /captures --> marks");
writeFileSync(file, text.replace(marks, `<!-- captures -->\n${table}\n<!-- /captures -->`));
console.log(`wrote ${corpus.length} rows`);
