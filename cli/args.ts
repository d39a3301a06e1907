import type { ArgDef, ArgsDef } from "citty";

/**
 * The one parser of command lines: every word is a positional, a flag the command declares, or a
 * mistake, and a mistake is an error (not silently ignored, as citty does). Rules:
 * - `--flag`, `--flag value`, `--flag=value`, `--no-flag` (booleans), a declared alias (`-o FILE`);
 *   `--max-tokens` also as `--maxTokens`, and both spellings land in the parsed args, as in citty;
 * - `--` ends the flags: every word after it is a positional, whatever it starts with;
 * - only words shaped like a flag (a dash, a letter, then letters, digits and dashes) are flags,
 *   so `send S "-f x"` sends the text `-f x`, and `-5` or `-` are positionals;
 * - a positional whose `valueHint` is "..." takes the words left over (they are also in `_`),
 *   and once it has begun an unknown flag is one of those words (`exec S echo -n hi` reaches the
 *   command, which says to quote it); any other extra word is an error.
 */
export interface ParsedArgs {
  _: string[];
  [name: string]: unknown;
}

export class UsageError extends Error {
  constructor(
    message: string,
    /** What to do instead, said after the sentence: "(did you mean …?)" or a clause. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

const FLAG_SHAPE = /^--?[A-Za-z][A-Za-z0-9-]*(?:=[\s\S]*)?$/;

const camel = (key: string) => key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

interface Flag {
  key: string;
  def: ArgDef;
  negated: boolean;
}

function flagTable(defs: ArgsDef): Map<string, Flag> {
  const table = new Map<string, Flag>();
  for (const [key, def] of Object.entries(defs)) {
    if (def.type === "positional") continue;
    for (const spelling of new Set([key, camel(key)])) table.set(`--${spelling}`, { key, def, negated: false });
    if (def.type === "boolean") table.set(`--no-${key}`, { key, def, negated: true });
    const aliases = "alias" in def && def.alias ? (Array.isArray(def.alias) ? def.alias : [def.alias]) : [];
    for (const a of aliases) table.set(a.length === 1 ? `-${a}` : `--${a}`, { key, def, negated: false });
  }
  return table;
}

/** The closest declared spelling to a mistyped flag, for "did you mean". */
function closest(word: string, table: Map<string, Flag>): string | undefined {
  let best: string | undefined;
  let bestCost = 3;
  for (const spelling of table.keys()) {
    const cost = distance(word, spelling);
    if (cost < bestCost) (best = spelling), (bestCost = cost);
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** Parses `words` against a command's declared args; throws UsageError for any mistake. */
export function parseCommandArgs(defs: ArgsDef, words: string[]): ParsedArgs {
  const table = flagTable(defs);
  const entries = Object.entries(defs);
  const positionalDefs = entries.filter(([, d]) => d.type === "positional");
  const restAt = positionalDefs.findIndex(([, d]) => d.valueHint === "...");
  const positionals: string[] = [];
  const out: ParsedArgs = { _: positionals };
  const set = (key: string, value: unknown) => {
    out[key] = value;
    out[camel(key)] = value;
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--") {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (!FLAG_SHAPE.test(word)) {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const name = eq < 0 ? word : word.slice(0, eq);
    const flag = table.get(name);
    if (!flag && restAt >= 0 && positionals.length > restAt) {
      positionals.push(word);
      continue;
    }
    if (!flag) {
      const near = closest(name, table);
      throw new UsageError(`unknown flag ${name}`, near ? `(did you mean ${near}?)` : 'an argument that starts with "-" goes after --');
    }
    if (flag.def.type === "boolean") {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      set(flag.key, !flag.negated);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = word.slice(eq + 1);
    else {
      const next = words[i + 1];
      if (next === undefined || next === "--" || table.has(next.split("=")[0]!)) throw new UsageError(`${name} needs a value`);
      value = next;
      i++;
    }
    const options = "options" in flag.def ? flag.def.options : undefined;
    if (options && !options.includes(value)) throw new UsageError(`${name} takes one of ${options.join(", ")}, not "${value}"`);
    set(flag.key, value);
  }
  let p = 0;
  for (const [key, def] of entries) {
    if (def.type === "positional") {
      const value = positionals[p++];
      if (value !== undefined) set(key, value);
      else if (def.default !== undefined) set(key, def.default);
      else if (def.required !== false) throw new UsageError(`missing ${key.toUpperCase()}`);
      if (def.valueHint === "...") p = positionals.length;
    } else if (!(key in out) && def.default !== undefined) set(key, def.default);
  }
  if (p < positionals.length) {
    const extra = positionals.slice(p);
    throw new UsageError(`unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((w) => JSON.stringify(w)).join(" ")}`);
  }
  return out;
}

/** `usage: ai-session exec [OPTIONS] NAME COMMAND`: the line shown with a mistake. */
export function usageLine(path: string[], defs: ArgsDef): string {
  const words = Object.entries(defs).map(([key, def]) => {
    if (def.type !== "positional") return "";
    const n = key.toUpperCase() + (def.valueHint === "..." ? "..." : "");
    return def.required === false ? `[${n}]` : n;
  });
  const hasFlags = Object.values(defs).some((d) => d.type !== "positional");
  return `usage: ${["ai-session", ...path, ...(hasFlags ? ["[OPTIONS]"] : []), ...words.filter(Boolean)].join(" ")}`;
}
