/**
 * Tables: a header of column names (`NAME  READY  STATUS  RESTARTS  AGE`, `UNIT LOAD ACTIVE SUB`)
 * over aligned rows. A column with few distinct values (a status) says which rows are routine:
 * those with its most common value fold, the others (`CrashLoopBackOff`, `failed`) stay.
 */

export interface StatusRows {
  header: Uint8Array;
  /** Rows whose status is the common one. */
  common: Uint8Array;
  /** Rows whose status differs. */
  odd: Uint8Array;
}

const MIN_ROWS = 6;
/** A table between bars says it is one: fewer rows do. */
const MIN_BAR_ROWS = 4;
const STATUS_NAME = /STATUS|STATE|ACTIVE|SUB|READY|RESULT|HEALTH|PHASE|CONDITION|OUTCOME|VERDICT|LOAD/i;
const MIN_COLUMNS = 3;
const MAX_STATUS_VALUES = 4;
/** A column header word: capitals, digits, `%`, `-`, `_`, `/`, `#` (or a capitalised word). */
const HEADER_WORD = /^(?:[A-Z][A-Z0-9%_#/().-]*|[A-Z][a-z]+%?)$/;

/** Starts of the columns of a header line, or null when it is no table header. */
function columnsOf(line: string): number[] | null {
  if (line.length < 10 || line.length > 300) return null;
  // Quick test: the first word starts with a capital, and the line has at least two gaps.
  let p = 0;
  while (p < 12 && line.charCodeAt(p) === 32) p++;
  const c = line.charCodeAt(p);
  if (c < 65 || c > 90) return null;
  const gap = line.indexOf(" ", p);
  if (gap === -1 || line.indexOf(" ", gap + 1) === -1) return null;
  const starts: number[] = [];
  const re = /\S+/g;
  let upper = 0;
  let header = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (HEADER_WORD.test(m[0])) header++;
    if (/^[A-Z][A-Z0-9%_#/().-]+$/.test(m[0])) upper++;
    starts.push(m.index);
  }
  if (starts.length < MIN_COLUMNS || (upper < 2 && header < starts.length) || header * 3 < starts.length * 2) return null;
  return starts;
}

const SEGMENTED_RULE = /^\s*-{2,}(?: +-{2,}){2,}\s*$/;

function segmentsOf(rule: string): number[] {
  const starts: number[] = [];
  const re = /-+/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) starts.push(m.index);
  return starts;
}

function cell(row: string, from: number, to: number | undefined): string {
  // A value may start a little before its header (right-aligned numbers): take whole words.
  let a = from;
  while (a > 0 && row[a - 1] !== " ") a--;
  let b = to === undefined ? row.length : to;
  while (b < row.length && row[b - 1] !== " " && row[b] !== " ") b++;
  return row.slice(a, b).trim();
}

/** `----+------+----` (psql) or `|---|:--:|` (markdown): the rule under a table's header of bar-separated cells. */
const BAR_RULE = /^\s*\|?[\s:-]*-[\s:-]*(?:[+|][\s:-]*-[\s:-]*)+\|?\s*$/;

function barCells(row: string): string[] {
  return row.replace(/^\s*\|/, "").replace(/\|\s*$/, "").split("|").map((c) => c.trim());
}

/** The first rows of a table stay. */
const FIRST_ROWS = 3;
/** A table this small is read whole: every row says something. */
const SMALL_TABLE = 12;
/** A report of files (the first column a path, a row per file) is read whole up to this many rows. */
const FILE_REPORT = 40;

/** The common and the odd rows of one table, from the values of its columns. */
function classify(result: StatusRows, h: number, first: number, values: string[][], names: string[]): boolean {
  const rows = values.length;
  // Small tables and per-file reports (coverage, lint summaries) keep every row.
  const perFile = values.filter((v) => /[\w-]\.[A-Za-z]\w{0,7}$|\//.test(v[0] ?? "")).length * 10 >= rows * 8;
  if (rows <= SMALL_TABLE || (perFile && rows <= FILE_REPORT)) {
    result.header[h] = 1;
    for (let r = 0; r < rows; r++) result.odd[first + r] = 1;
    return true;
  }
  const statusCols: Array<{ col: number; odd: (value: string) => boolean }> = [];
  for (let c = 0; c < names.length; c++) {
    const column = values.map((v) => v[c] ?? "");
    // A status is named so, or its values are a few words; a number most rows share (`0` restarts,
    // `100%` covered) is one too.
    const words = STATUS_NAME.test(names[c]!) || column.every((v) => /^(?:[A-Za-z][\w -]*)?$/.test(v));
    const freq = new Map<string, number>();
    for (const v of column) freq.set(v, (freq.get(v) ?? 0) + 1);
    if (freq.size < 2) continue;
    // A cell left empty in a column that is filled almost everywhere (a customer with no last order).
    const empty = freq.get("") ?? 0;
    if (empty > 0 && empty * 10 <= rows) {
      statusCols.push({ col: c, odd: (v) => v === "" });
      continue;
    }
    const [common, count] = [...freq].sort((a, b) => b[1] - a[1])[0]!;
    if (words ? freq.size > MAX_STATUS_VALUES || count / rows < 0.6 : !/^(?:0|100%?|0\.0+|)$/.test(common) || count * 5 < rows * 2) continue;
    statusCols.push({ col: c, odd: (v) => v !== common });
  }
  if (statusCols.length === 0) return false;
  result.header[h] = 1;
  for (let r = 0; r < rows; r++) {
    // The first rows stay too: a table is often sorted by what matters (time, size, count); and
    // the last, which shows where it ends.
    const odd = r < FIRST_ROWS || r === rows - 1 || statusCols.some((s) => s.odd(values[r]![s.col] ?? ""));
    (odd ? result.odd : result.common)[first + r] = 1;
  }
  return true;
}

export function statusRows(lines: string[]): StatusRows | null {
  const result: StatusRows = { header: new Uint8Array(lines.length), common: new Uint8Array(lines.length), odd: new Uint8Array(lines.length) };
  let any = false;
  for (let h = 0; h < lines.length - MIN_BAR_ROWS; h++) {
    // A table of cells between bars, under a rule.
    if (lines[h]!.includes("|") && BAR_RULE.test(lines[h + 1]!)) {
      const names = barCells(lines[h]!);
      let end = h + 2;
      while (end < lines.length && lines[end]!.includes("|") && lines[end]!.trim() !== "") end++;
      if (end - h - 2 >= MIN_BAR_ROWS && names.length >= 2) {
        any = classify(result, h, h + 2, lines.slice(h + 2, end).map(barCells), names) || any;
        // The first row stays with the header: it shows what a row holds.
        if (result.header[h]) {
          result.common[h + 2] = 0;
          result.odd[h + 2] = 1;
        }
      }
      h = end - 1;
      continue;
    }
    // A header over a rule of dashes in segments (`% time  seconds` over `------ -------`) gives
    // its columns by the segments, whatever its words.
    const segmented = SEGMENTED_RULE.test(lines[h + 1] ?? "") ? segmentsOf(lines[h + 1]!) : null;
    const cols = segmented && lines[h]!.trim() !== "" ? segmented : columnsOf(lines[h]!);
    if (!cols) continue;
    // A rule may stand between the header and the rows (`Name  Stmts  Miss  Cover` then `-----`).
    const ruled = segmented !== null || /^\s*[-=─━]{10,}\s*$/.test(lines[h + 1] ?? "");
    let end = h + (ruled ? 2 : 1);
    while (end < lines.length && lines[end]!.trim() !== "" && !/^\s*[-=─━]{10,}\s*$/.test(lines[end]!) && lines[end]!.length >= cols[Math.max(0, cols.length - 2)]!) end++;
    const first = h + (ruled ? 2 : 1);
    const rows = end - first;
    if (rows < MIN_ROWS) continue;
    // A process table (a PID column) has no status of this kind: see idleProcessRows.
    if (/\bPID\b/.test(lines[h]!)) {
      h = end - 1;
      continue;
    }
    const names = cols.map((c, k) => lines[h]!.slice(c, cols[k + 1]).trim());
    const values = lines.slice(first, end).map((row) => cols.map((c, k) => cell(row, c, cols[k + 1])));
    any = classify(result, h, first, values, names) || any;
    h = end - 1;
  }
  return any ? result : null;
}
