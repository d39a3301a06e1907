/**
 * Grouping of repeated findings: a linter or compiler that reports the same thing at many places
 * (`TS7006 Parameter 'x' implicitly has an 'any' type.` at 200 places, `E501 line too long` at 80)
 * prints the first few of each kind verbatim and the others on one line under them: the kind (its
 * code and message with the part that varies blurred), then every other location as the tool wrote
 * it, with the varying name beside it. Every location, code and varying word stays.
 */
import { findLocation, type Location } from "./shape/location.ts";
import { codeOf } from "./shape/words.ts";

/** Below this many of one kind, the lines stay as they are. */
const MIN_GROUP = 6;
/** The first findings of a group printed whole (one when the group is large). */
const SHOWN = 2;
const LARGE_GROUP = 20;
/** A group line's message shape is cut after the part that varies when it is this long. */
const LONG_SHAPE = 70;

/** Quoted names in a message: '…', ‘…’, "…", `…`. */
const QUOTED = /'[^'\n]*'|‘[^’\n]*’|"[^"\n]*"|`[^`\n]*`/g;
/** A row under a file heading (eslint's stylish format, stylelint, markdownlint): `  12:5  error  msg  rule`. */
const LINE_COL = /^(\s+(?:[✖✗×⚠!‼ℹ]\s+)?)\d+:\d+(?=\s)|^(\s*)\d+(?=\s*\|\s*(?:ERROR|WARNING|INFO|NOTICE|error|warning|info)\b)/;
const BARE = /^['‘"`][\w$.@/-]+['’"`]$/;

export interface Grouping {
  /** Lines told by a group line: they are not printed themselves. */
  hidden: Uint8Array;
  /** The last shown line of each group → the group line that lists the others. */
  lines: Map<number, string>;
}

interface Member {
  at: number;
  loc: string;
  values: string[];
  shape: string;
}

interface Group {
  shown: number[];
  /** What each shown finding would be as a member. */
  shownAs: Member[];
  members: Member[];
  parts: string[];
  firstValues: string[];
  firstShape: string;
  /** The message up to and with its code (`C: Lint/UnusedMethodArgument`), when it has one. */
  codePart: string;
  code: string;
}

interface Kind {
  key: string;
  loc: string;
  values: string[];
  parts: string[];
  shape: string;
  codePart: string;
  code: string;
}

/**
 * A finding's kind and what varies in it. A finding with a code is of its code's kind (the first
 * of them shows the message; the others may say it with other names). Without a code, the kind is
 * its message with the first quoted name blurred.
 */
function kindOf(line: string, scope: string, given: string | null, known?: Location | null): Kind | null {
  const found = given ? null : known !== undefined ? known : findLocation(line);
  const row = found || given ? null : LINE_COL.exec(line);
  if (!found && !row && !given) return null;
  const at = found ?? (row ? { file: scope, start: (row[1] ?? row[2])!.length, end: row[0].length } : { file: given!.replace(/:\d+(?::\d+)?$/, ""), start: 0, end: 0 });
  // A row's location is its heading's file with the row's line and column.
  // A location found in the line is listed as `file:line:col`, whatever form the tool wrote it in.
  const loc = given ?? (row && scope ? `${scope}:${line.slice(at.start, at.end)}` : found ? `${found.file}:${found.line}${found.column !== null ? `:${found.column}` : ""}` : line.slice(at.start, at.end));
  // What follows the location, without separators, the carets that point at a column and table bars.
  const message = line.slice(at.end).replace(/^[\s:,^~|-]+/, "").replace(/\s+\|\s+/g, " | ").replace(/\s{3,}/g, "  ");
  const before = line.slice(0, at.start).trim();
  const values: string[] = [];
  QUOTED.lastIndex = 0;
  for (let q = QUOTED.exec(message); q; q = QUOTED.exec(message)) values.push(q[0]);
  const parts = message.split(QUOTED);
  // Only the first quoted name varies within a kind (the subject); later ones (a type) are the kind's.
  const shape = values.length ? `${parts[0]}\u0001${message.slice(parts[0]!.length + values[0]!.length)}` : message;
  const code = codeOf(message);
  const codeAt = code ? message.lastIndexOf(code) : -1;
  // The code as the kind's name: with what precedes it when it opens the message (`error TS2339`,
  // `C: Style/Documentation`), alone when it ends the message (`… @stylistic/brace-style`).
  const trailing = codeAt > 0 && message.slice(codeAt + code.length).replace(/[)\]]/g, "").trim() === "";
  const codePart = codeAt < 0 ? "" : trailing ? code : codeAt < 80 ? message.slice(0, codeAt + code.length) : "";
  return {
    key: `${before.replace(/^[✖✗×⚠!‼ℹ]$/, "")}\u0000${codePart ? `\u0002${codePart}` : shape}`,
    loc,
    values: values.slice(0, 1),
    parts: values.length ? [parts[0]!, message.slice(parts[0]!.length + values[0]!.length)] : [message],
    shape,
    codePart,
    code: codePart ? code : "",
  };
}

/**
 * Finds the findings (lines where `isFinding(i)`) that repeat one kind at least MIN_GROUP times.
 * `locations` gives the location of findings whose line does not hold it (a tool's heading does);
 * `isHeading(i)` marks the headings (a file named alone) that rows of `line:col` belong to.
 * `keepWhole(i)` marks lines that stay as they are (the last lines of the output).
 */
export function groupFindings(
  lines: string[],
  isFinding: (i: number) => boolean,
  keepWhole: (i: number) => boolean,
  locations: Array<string | null> | null = null,
  isHeading: (i: number) => boolean = () => false,
  known?: Array<Location | null>,
): Grouping | null {
  const groups = new Map<string, Group>();
  let found = 0;
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    if (isHeading(i)) heading = headingFile(lines[i]!);
    if (!isFinding(i)) continue;
    const k = kindOf(lines[i]!, heading, locations?.[i] ?? null, known?.[i]);
    if (!k) continue;
    found++;
    const g = groups.get(k.key);
    const member = { at: i, loc: k.loc, values: k.values, shape: k.shape };
    if (!g) groups.set(k.key, { shown: [i], shownAs: [member], members: [], parts: k.parts, firstValues: k.values, firstShape: k.shape, codePart: k.codePart, code: k.code });
    else if (g.shown.length < SHOWN || keepWhole(i)) {
      g.shown.push(i);
      g.shownAs.push(member);
    } else g.members.push(member);
  }
  if (found < MIN_GROUP) return null;
  const hidden = new Uint8Array(lines.length);
  const out = new Map<number, string>();
  for (const g of groups.values()) {
    if (g.members.length + g.shown.length < MIN_GROUP || g.members.length === 0) continue;
    // A large group shows its first finding only; its second joins the others.
    if (g.members.length + g.shown.length >= LARGE_GROUP && g.shown.length >= SHOWN && g.shown[1]! < g.members[0]!.at && !keepWhole(g.shown[1]!)) {
      g.shown.splice(1, 1);
      g.members.unshift(g.shownAs.splice(1, 1)[0]!);
    }
    for (const m of g.members) hidden[m.at] = 1;
    const lastShown = g.shown.filter((i) => i < g.members[0]!.at).pop() ?? g.shown[0]!;
    out.set(lastShown, groupLine(g));
  }
  return out.size ? { hidden, lines: out } : null;
}

/**
 * `  └ 207 more (TS2339 Property '…' does not exist on type '{}'.) at: semver.js:89:34 A · semver.js:90:32 B`
 * The varying name (when there is one) follows each location; locations of one name share it.
 */
function groupLine(g: Group): string {
  // Messages of one code that differ past their first quoted name: the code stands for them.
  const mixed = g.members.some((m) => m.shape !== g.firstShape);
  const varies = g.members.some((m) => m.values[0] !== g.firstValues[0]);
  let shape = mixed ? (g.codePart === g.code && g.code ? `… ${g.code}` : `${g.codePart} …`) : varies ? `${g.parts[0]}'…'${g.parts[1]}` : `${g.parts.join(g.firstValues[0] ?? "")}`;
  const cut = varies ? g.parts[0]!.length + 3 : 0;
  // A long shape is cut after the part that varies; its code stays at its end.
  if (!mixed && shape.length > LONG_SHAPE && shape.length - cut > 20) shape = `${shape.slice(0, Math.max(cut, LONG_SHAPE - 10))} …${g.code && !shape.slice(0, Math.max(cut, LONG_SHAPE - 10)).includes(g.code) ? ` ${g.code}` : ""}`;
  const count = `  └ ${g.members.length} more (${shape.trim()})`;
  if (!varies || (mixed && g.members.every((m) => m.values[0] === undefined))) return `${count} at: ${joinLocations(g.members.map((m) => m.loc))}`;
  const byValue = new Map<string, string[]>();
  const nameOf = (m: Member) => {
    const v = m.values[0] ?? "";
    return BARE.test(v) ? v.slice(1, -1) : v;
  };
  for (const m of g.members) {
    const at = byValue.get(nameOf(m));
    if (at) at.push(m.loc);
    else byValue.set(nameOf(m), [m.loc]);
  }
  // Locations of one name together, or each location followed by its name: whichever is shorter.
  const byName = joinParts([...byValue].map(([word, locs]) => ({ locs, word })), " · ");
  const inOrder = joinLocations(g.members.map((m) => m.loc), g.members.map(nameOf));
  return `${count} at: ${inOrder.length < byName.length ? inOrder : byName}`;
}

const FILE_LINE_COL = /^(.+?):(\d+)(?::(\d+))?$/;

/**
 * `a.rb:3:5 a.rb:3:9 a.rb:7:1 b.rb:2:2` → `a.rb:3:5,9 7:1 b.rb:2:2`: a location in the file named
 * before it gives its line and column only; another column on the same line follows a comma.
 * `parts` are lists of locations each followed by a word (the name they share), joined by ` · `;
 * the file carries on from one part to the next.
 */
export function joinLocations(locs: string[], names?: string[]): string {
  return joinParts(names ? locs.map((loc, k) => ({ locs: [loc], word: names[k] ?? "" })) : [{ locs, word: "" }], " ");
}

function joinParts(parts: Array<{ locs: string[]; word: string }>, between: string): string {
  let out = "";
  let file: string | null = null;
  let line = "";
  for (const part of parts) {
    if (out) out += between;
    let first = true;
    for (const loc of part.locs) {
      const gap = first ? "" : " ";
      const m = FILE_LINE_COL.exec(loc);
      if (!m || m[1] === "" || m[1]!.includes(" ") || /^\d+$/.test(m[1]!)) {
        // `12:5` under a heading, or a form such as `a.cs(3,4)`: as written, lines joined the same way.
        const lc = /^(\d+):(\d+)$/.exec(loc);
        if (lc && !first && file === "" && lc[1] === line) out += `,${lc[2]}`;
        else out += `${gap}${loc}`;
        file = lc ? "" : null;
        line = lc ? lc[1]! : "";
      } else {
        const [, f, l, c] = m;
        if (f === file && l === line && c !== undefined && !first) out += `,${c}`;
        else if (f === file) out += `${gap}${l}${c !== undefined ? `:${c}` : ""}`;
        else out += `${gap}${loc}`;
        file = f!;
        line = l!;
      }
      first = false;
    }
    if (part.word) out += ` ${part.word}`;
  }
  return out;
}

/** The file a heading names (`FILE: /src/a.php`, `  src/a.js:1:1`, `src/b.css`). */
function headingFile(line: string): string {
  return line.trim().replace(/^(?:FILE|File|In|Checking|Linting|Scanning):?\s+/, "").replace(/(?::\d+)+:?$/, "").replace(/:$/, "");
}

/** Two groupings as one. */
export function mergeGroupings(a: Grouping | null, b: Grouping | null): Grouping | null {
  if (!a || !b) return a ?? b;
  for (let i = 0; i < a.hidden.length; i++) if (b.hidden[i]) a.hidden[i] = 1;
  for (const [at, text] of b.lines) a.lines.set(at, a.lines.has(at) ? `${a.lines.get(at)}\n${text}` : text);
  return a;
}

const PATH_WORD = /(?:^|\s)((?:\.{0,2}\/)?[\w@.+~-]+(?:\/[\w@.+~-]+)*\.\w+|(?:\.{0,2}\/)?[\w@.+~-]+(?:\/[\w@.+~-]+)+)(?=$|\s)/;

/**
 * Lines that each name one file the same way (`[warn] src/a.js`, `would reformat /src/b.py`): the
 * first stays, a group line lists the other files, each after the one before it in the same
 * directory by its name alone (`  └ 40 more ([warn] …): src/a.js b.js lib/c.js`).
 */
export function groupFileLines(lines: string[], isFile: (i: number) => boolean, keepWhole: (i: number) => boolean): Grouping | null {
  const groups = new Map<string, { first: number; members: Array<{ at: number; path: string }> }>();
  for (let i = 0; i < lines.length; i++) {
    if (!isFile(i)) continue;
    const m = PATH_WORD.exec(lines[i]!);
    if (!m) continue;
    const start = m.index + m[0].length - m[1]!.length;
    const key = `${lines[i]!.slice(0, start)}\u0000${lines[i]!.slice(start + m[1]!.length)}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { first: i, members: [] });
    else if (!keepWhole(i)) g.members.push({ at: i, path: m[1]! });
  }
  const hidden = new Uint8Array(lines.length);
  const out = new Map<number, string>();
  for (const [key, g] of groups) {
    if (g.members.length + 1 < MIN_GROUP) continue;
    for (const m of g.members) hidden[m.at] = 1;
    const [before, after] = key.split("\u0000");
    out.set(g.first, `  └ ${g.members.length} more (${`${before!.trim()} … ${after!.trim()}`.trim()}): ${joinPaths(g.members.map((m) => m.path))}`);
  }
  return out.size ? { hidden, lines: out } : null;
}

/** `src/a.js src/b.js lib/c.js` → `src/a.js b.js lib/c.js`: a file in the directory of the one before it by its name alone. */
export function joinPaths(paths: string[]): string {
  let dir: string | null = null;
  return paths
    .map((p) => {
      const slash = p.lastIndexOf("/");
      const d = slash >= 0 ? p.slice(0, slash + 1) : "";
      const word = d === dir && d !== "" ? p.slice(slash + 1) : p;
      dir = d;
      return word;
    })
    .join(" ");
}
