/**
 * Code frames: source lines a compiler or test runner echoes under a diagnostic, with their
 * line-number gutter (`  12 | code`, `> 3 │ code`, `     9| code`), the `^~~~` markers under them and
 * the source line above such markers, fix-it lines in a bare gutter, and suggested changes
 * (`17 - old`, `17 + new`) inside the gutter. The file itself shows them.
 */

const GUTTER = /^ *(?:> *)?\d+ ?[|│┃](?: |$)/;
const SEVERITY_CELL = /\|\s*(?:ERROR|WARNING|INFO|NOTICE|error|warning|info|Error|Warning)\s*\|/;
const CARETS = /^ *[~^][~^ ]*$/;
/** A caret that points under the line above and labels the place: sqlite3's `^--- error here`. */
const CARET_LABEL = /^ *\^-+ \S/;
const BARE_GUTTER = /^ *[|│┃](?: +[~^+-]*[^\s~^+-]{0,30})?$/;
/** A suggested change in a frame, as rustc shows it: `17 -     old line`, `17 +     new line`, `17 ~     changed`. */
const SUGGESTION = /^ *\d+ [-+~] /;

/** Cells between bars, three or more: a row of a table, not a gutter. */
function isTableRow(line: string): boolean {
  let bars = 0;
  for (let i = line.indexOf(" | "); i !== -1 && bars < 3; i = line.indexOf(" | ", i + 2)) bars++;
  return bars >= 3 || (bars >= 2 && line.trimEnd().endsWith("|"));
}

/** Erlang's compiler prints its frames as comments (`%   14|     Fee = fee(Amount),`): the frame without its `%`. */
function uncommented(line: string): string {
  let p = 0;
  while (line.charCodeAt(p) === 32) p++;
  return line.charCodeAt(p) === 37 && line.charCodeAt(p + 1) === 32 ? line.slice(p + 1) : line;
}

export function snippetLines(lines: string[]): Uint8Array {
  const snippet = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const framed = uncommented(line);
    let p = 0;
    while (framed.charCodeAt(p) === 32) p++;
    const c = framed.charCodeAt(p);
    if ((c >= 48 && c <= 57) || c === 62) {
      // `  12 | ERROR | message` is a row of a report (phpcs), `  34 | Quinn | FR | 6` a row of a table (psql).
      if (GUTTER.test(framed) && !SEVERITY_CELL.test(framed) && !isTableRow(framed)) snippet[i] = 1;
      // a suggestion's lines follow the frame's gutter
      else if (i > 0 && snippet[i - 1] && SUGGESTION.test(line)) snippet[i] = 1;
    } else if (c === 124 || c === 0x2502 || c === 0x2503) {
      if (BARE_GUTTER.test(framed)) snippet[i] = 1;
    } else if (c === 126 || c === 94) {
      if (CARETS.test(line) || CARET_LABEL.test(line)) {
        snippet[i] = 1;
        if (i > 0 && lines[i - 1]!.trim() !== "" && !lines[i - 1]!.startsWith(">")) snippet[i - 1] = 1;
      }
    }
  }
  return snippet;
}

const GUTTER_HEAD = /^ *(?:> *)?\d+ ?[|│┃] ?/;
/** A frame's line that shows source, not only markers: `  11 |   auto d = a - b;`, or the line a caret points under. */
export function isFrameSource(line: string): boolean {
  const framed = uncommented(line);
  if (CARETS.test(framed) || CARET_LABEL.test(framed) || BARE_GUTTER.test(framed) || SUGGESTION.test(framed)) return false;
  return /[^\s~^|│┃+-]/.test(framed.replace(GUTTER_HEAD, ""));
}
