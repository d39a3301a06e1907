/**
 * Line templates of an output, mined the way Drain does for logs: each line's words with the
 * variable parts (numbers, paths, hashes, durations, quoted text) masked, lines of the same
 * indentation and length compared position by position, and words that differ
 * between otherwise equal lines turned into wildcards (`Compiling <*> v<#>`). A template with many
 * instances is the output's routine; a line of a rare template is evidence that it matters.
 */

export interface TemplateMining {
  /** The template of each line (-1 for blank lines). */
  ids: Int32Array;
  /** How many lines each template has. */
  counts: number[];
  /** A template's words, wildcards as `<*>`. */
  words(id: number): string[];
  /** Each line's own words (masked as for mining), or null for blank lines. */
  lineWords: Array<string[] | null>;
  /**
   * How many lines begin with the same two words and end with a word of the same shape as line
   * `i` (whatever their length): lines alike but for names of any length in the middle.
   */
  loose(i: number): number;
  /** How many lines of the output each line stands for (runs.ts), or null when each is one. */
  weight: Uint32Array | null;
}

/**
 * Lines of a routine template that say something its other lines do not: where a wildcard word
 * takes a few values (a status: `ok`, `changed`, `skipping`), the lines with a value that is rare
 * among them (`skipping: [localhost]` among `changed: [localhost]`).
 */
export function oddInstances(mining: TemplateMining, minCount: number): Uint8Array {
  const odd = new Uint8Array(mining.ids.length);
  const w = (i: number) => mining.weight?.[i] ?? 1;
  const byTemplate = new Map<number, number[]>();
  for (let i = 0; i < mining.ids.length; i++) {
    const id = mining.ids[i]!;
    if (id < 0 || mining.counts[id]! < minCount) continue;
    const at = byTemplate.get(id);
    if (at) at.push(i);
    else byTemplate.set(id, [i]);
  }
  for (const [id, lines] of byTemplate) {
    const words = mining.words(id);
    let total = 0;
    for (const i of lines) total += w(i);
    for (let k = 0; k < words.length; k++) {
      if (words[k] !== WILD) continue;
      const freq = new Map<string, number>();
      for (const i of lines) {
        const word = mining.lineWords[i]![k]!;
        freq.set(word, (freq.get(word) ?? 0) + w(i));
      }
      if (freq.size < 2 || freq.size > 4) continue;
      const top = Math.max(...freq.values());
      if (top * 2 < total) continue;
      for (const i of lines) if (freq.get(mining.lineWords[i]![k]!)! * 5 <= total && freq.get(mining.lineWords[i]![k]!)! <= 2) odd[i] = 1;
    }
  }
  return odd;
}

const WILD = "<*>";
const NUM = "<#>";
/** Lines compared word by word agree on at least this share of their words to share a template. */
const SIMILARITY = 0.5;
/** Templates kept per (indentation, length): more are counted but not compared. */
const MAX_PER_GROUP = 32;
const MAX_WORDS = 40;

/** A word with both digits and slashes: a path if the slash comes first, else a number. */
function firstOf(line: string, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) return NUM;
    if (c === 47 || c === 92) return "<path>";
  }
  return NUM;
}

/**
 * The line's words from `from` on (at most MAX_WORDS, within its first 600 characters), masked:
 * numbers, hex ids and versions as `<#>`, paths as `<path>`, quoted text as `<q>`, giant words as
 * `<*>`. The shape is read from the line; only a word that stays as it is is cut out.
 */
function maskedWords(line: string, from: number): string[] {
  const words: string[] = [];
  const end = Math.min(line.length, from + 600);
  let i = from;
  while (i < end && words.length < MAX_WORDS) {
    while (i < end && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i >= end) break;
    const start = i;
    let digits = false;
    let path = false;
    while (i < end) {
      const c = line.charCodeAt(i);
      if (c === 32 || c === 9) break;
      if (c >= 48 && c <= 57) digits = true;
      else if (c === 47 || c === 92) path = true;
      i++;
    }
    const q = line.charCodeAt(start);
    if (path && !digits) words.push("<path>");
    else if (digits) words.push(path ? firstOf(line, start, i) : NUM);
    else if ((q === 39 || q === 34 || q === 96 || q === 0x2018) && i - start > 2) words.push("<q>");
    else words.push(i - start > 40 ? WILD : line.slice(start, i));
  }
  return words;
}

interface Template {
  id: number;
  words: string[];
}

/** A word with its runs of letters and digits each written `w`: `[L#12]` → `[w#w]`. */
function wordShape(word: string): string {
  let out = "";
  let inWord = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    const w = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (w && !inWord) out += "w";
    else if (!w) out += word[i];
    inWord = w;
  }
  return out;
}

/** `weight`: how many lines of the output each line stands for, when runs of identical lines were folded (runs.ts). */
export function mineTemplates(lines: string[], weight: Uint32Array | null = null): TemplateMining {
  const ids = new Int32Array(lines.length).fill(-1);
  const counts: number[] = [];
  const all: string[][] = [];
  const lineWords: Array<string[] | null> = new Array(lines.length).fill(null);
  const groups = new Map<string, Template[]>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let indent = 0;
    while (indent < line.length && (line.charCodeAt(indent) === 32 || line.charCodeAt(indent) === 9)) indent++;
    if (indent === line.length) continue;
    const words = maskedWords(line, indent);
    lineWords[i] = words;
    const key = `${Math.min(indent, 16)}\u0000${words.length}`;
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    let found: Template | null = null;
    // Differences allowed: a one-word line must match exactly.
    const allowed = words.length === 1 ? 0 : Math.floor(words.length * (1 - SIMILARITY));
    for (let g = 0; g < group.length; g++) {
      const t = group[g]!;
      let differ = 0;
      for (let k = 0; k < words.length && differ <= allowed; k++) if (t.words[k] !== words[k] || words[k] === WILD) differ++;
      if (differ <= allowed) {
        found = t;
        // The template matched last is tried first next time.
        if (g > 0) {
          group.splice(g, 1);
          group.unshift(t);
        }
        break;
      }
    }
    if (found) {
      for (let k = 0; k < words.length; k++) if (found.words[k] !== words[k]) found.words[k] = WILD;
      ids[i] = found.id;
      counts[found.id]! += weight?.[i] ?? 1;
      continue;
    }
    const id = counts.length;
    // a line stands for its repeats only where they would share its template (a giant word differs from every line, its own repeats too)
    let wild = 0;
    if (weight) for (const w of words) if (w === WILD) wild++;
    counts.push(wild > allowed ? 1 : (weight?.[i] ?? 1));
    const template = words.slice();
    all.push(template);
    if (group.length < MAX_PER_GROUP) group.push({ id, words: template });
    ids[i] = id;
  }
  const looseKey = (i: number) => {
    const w = lineWords[i];
    if (!w || w.length < 3) return null;
    return `${w[0]}\u0000${w[1]}\u0000${wordShape(w[w.length - 1]!)}`;
  };
  const looseCounts = new Map<string, number>();
  const looseKeys: Array<string | null> = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const k = looseKey(i);
    looseKeys[i] = k;
    if (k) looseCounts.set(k, (looseCounts.get(k) ?? 0) + (weight?.[i] ?? 1));
  }
  return { ids, counts, words: (id) => all[id] ?? [], lineWords, loose: (i) => (looseKeys[i] ? looseCounts.get(looseKeys[i]!)! : 0), weight };
}
