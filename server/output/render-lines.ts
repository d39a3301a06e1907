/**
 * A fast, line-based terminal model for the output most commands produce: text, colours, `\r`
 * progress bars, erase-in-line, relative cursor moves (multi-line progress displays), tabs and
 * backspaces, absolute cursor positions and clearing the screen. It gives the same text
 * @xterm/headless gives for such output at a fraction of the cost and memory. Scroll regions,
 * inserted or deleted lines and reverse index make it give up by throwing `NeedsTerminal`, and the
 * caller renders with xterm.
 */

export class NeedsTerminal extends Error {
  constructor(readonly sequence: string) {
    super(`needs a full terminal for ${JSON.stringify(sequence)}`);
  }
}

export interface LineRenderOptions {
  /** Terminal width: text wraps at this column (rows continue the same logical line). */
  cols?: number;
  /**
   * Terminal height: absolute cursor positions are rows of the last `rows` rows, and the cursor
   * cannot move above them. Unknown (undefined): positions assume 24 rows, cursor-up is unbounded.
   */
  rows?: number;
  /** Ignore what this model cannot do (scroll regions...) instead of throwing NeedsTerminal. */
  lenient?: boolean;
}

export function renderLines(text: string, options: LineRenderOptions = {}): string {
  const cols = options.cols && options.cols > 0 ? options.cols : Number.POSITIVE_INFINITY;
  const rows = options.rows && options.rows > 0 ? options.rows : 24;
  const rowsKnown = Boolean(options.rows && options.rows > 0);
  const lines: string[] = [""];
  const wrapped: boolean[] = [false];
  let row = 0;
  let col = 0;
  let savedRow = 0;
  let savedCol = 0;
  let bottom = 0; // the lowest row the cursor has reached: the screen ends there
  /** First buffer row of the visible screen. */
  const screenTop = () => Math.max(0, bottom - (rows - 1));

  const ensureRow = (r: number) => {
    while (lines.length <= r) {
      lines.push("");
      wrapped.push(false);
    }
  };
  const newline = () => {
    row++;
    if (row > bottom) bottom = row;
    ensureRow(row);
    wrapped[row] = false; // like xterm: a line feed ends the logical line
    col = 0;
  };
  const put = (chunk: string) => {
    const line = lines[row]!;
    if (col === line.length) lines[row] = line + chunk;
    else if (col > line.length) lines[row] = line + " ".repeat(col - line.length) + chunk;
    else lines[row] = line.slice(0, col) + chunk + line.slice(col + chunk.length);
    col += chunk.length;
  };
  const writeText = (s: string) => {
    if (cols === Number.POSITIVE_INFINITY) return put(s);
    let rest = s;
    while (rest.length > 0) {
      if (col >= cols) {
        newline();
        wrapped[row] = true;
      }
      const room = cols - col;
      put(rest.length <= room ? rest : rest.slice(0, room));
      rest = rest.length <= room ? "" : rest.slice(room);
    }
  };

  // Like xterm: the saved row is a row of the buffer; restoring never goes above the screen.
  const saveCursor = () => {
    savedRow = row;
    savedCol = col;
  };
  const restoreCursor = () => {
    row = Math.max(savedRow, screenTop());
    ensureRow(row);
    col = savedCol;
  };

  const csi = (params: string, final: string, raw: string) => {
    const priv = params.startsWith("?") || params.startsWith(">") || params.startsWith("=") || params.startsWith("<");
    const nums = priv ? [] : params.split(";").map((p) => (p === "" ? 0 : Number.parseInt(p, 10) || 0));
    const n = Math.max(1, nums[0] ?? 0);
    const line = lines[row]!;
    // Like xterm, a cursor move first takes the cursor off a pending wrap at the right margin.
    if (col >= cols && "ABCDEFGHadef`".includes(final)) col = cols - 1;
    switch (final) {
      case "m": // colours and attributes
      case "n": // status reports
      case "c": // device attributes
      case "t": // window operations
      case "q": // cursor style
        return;
      case "h":
      case "l":
        if (!priv && /(^|;)4(;|$)/.test(params) && !options.lenient) throw new NeedsTerminal(raw); // insert mode
        return; // private modes (cursor visibility, bracketed paste, ...) change no text
      case "K": {
        const mode = nums[0] ?? 0;
        if (mode === 0) lines[row] = line.slice(0, col);
        else if (mode === 1) lines[row] = " ".repeat(Math.min(col, cols - 1) + 1) + line.slice(col + 1);
        else lines[row] = "";
        // Like xterm: a row erased whole, or from its first column, no longer continues the row above.
        if (mode === 2 || (mode === 0 && col === 0)) wrapped[row] = false;
        return;
      }
      case "J": {
        const mode = nums[0] ?? 0;
        const top = screenTop();
        if (mode === 0) {
          lines[row] = line.slice(0, col);
          if (col === 0) wrapped[row] = false;
          for (let r = row + 1; r < lines.length; r++) {
            lines[r] = "";
            wrapped[r] = false;
          }
        } else if (mode === 1) {
          for (let r = top; r < row; r++) {
            lines[r] = "";
            wrapped[r] = false;
          }
          lines[row] = " ".repeat(Math.min(col, cols - 1) + 1) + line.slice(col + 1);
          wrapped[row] = false;
          if (col + 1 >= cols && row + 1 < wrapped.length) wrapped[row + 1] = false;
        } else if (mode === 2) {
          for (let r = top; r < lines.length; r++) {
            lines[r] = "";
            wrapped[r] = false;
          }
        } else if (mode === 3 && top > 0) {
          // clear the scrollback: rows above the screen are gone
          lines.splice(0, top);
          wrapped.splice(0, top);
          row -= top;
          bottom -= top;
          savedRow = Math.max(0, savedRow - top);
        }
        return;
      }
      case "H":
      case "f": {
        const top = screenTop();
        row = top + Math.min(Math.max(1, nums[0] || 1), rows) - 1;
        col = Math.min(Math.max(1, nums[1] || 1), cols) - 1;
        ensureRow(row);
        if (row > bottom) bottom = row;
        return;
      }
      case "d": {
        row = screenTop() + Math.min(n, rows) - 1;
        ensureRow(row);
        if (row > bottom) bottom = row;
        return;
      }
      case "G":
      case "`":
        col = Math.min(n - 1, cols - 1);
        return;
      case "C":
      case "a":
        col = Math.min(col + n, cols - 1);
        return;
      case "D":
        col = Math.max(0, Math.min(col, cols - 1) - n);
        return;
      case "A":
        row = Math.max(rowsKnown ? screenTop() : 0, row - n);
        return;
      case "B":
      case "e":
        row = rowsKnown ? Math.min(row + n, screenTop() + rows - 1) : row + n;
        ensureRow(row);
        if (row > bottom) bottom = row;
        return;
      case "E":
        row = rowsKnown ? Math.min(row + n, screenTop() + rows - 1) : row + n;
        ensureRow(row);
        if (row > bottom) bottom = row;
        col = 0;
        return;
      case "F":
        row = Math.max(rowsKnown ? screenTop() : 0, row - n);
        col = 0;
        return;
      case "P": // delete characters
        lines[row] = line.slice(0, col) + line.slice(col + n);
        return;
      case "@": // insert blanks
        if (col < line.length) lines[row] = line.slice(0, col) + " ".repeat(n) + line.slice(col);
        return;
      case "X": // erase characters
        if (col < line.length) lines[row] = line.slice(0, col) + " ".repeat(Math.min(n, line.length - col)) + line.slice(col + n);
        return;
      case "s":
        saveCursor();
        return;
      case "u":
        restoreCursor();
        return;
      default:
        if (options.lenient) return;
        throw new NeedsTerminal(raw); // scroll regions (r), insert/delete lines (L M), scrolling (S T)
    }
  };

  let i = 0;
  const len = text.length;
  while (i < len) {
    let stop = i;
    while (stop < len) {
      const c = text.charCodeAt(stop);
      if (c < 0x20 || c === 0x7f) break;
      stop++;
    }
    if (stop > i) writeText(text.slice(i, stop));
    if (stop >= len) break;
    const ch = text.charCodeAt(stop);
    i = stop + 1;
    switch (ch) {
      case 0x0a: // LF (treated as CR LF, as output from a PTY always is)
      case 0x0b:
      case 0x0c:
        newline();
        continue;
      case 0x0d:
        col = 0;
        continue;
      case 0x08:
        col = Math.max(0, Math.min(col, cols - 1) - 1);
        continue;
      case 0x09: {
        if (col >= cols) continue; // at the right margin (wrap pending) a tab does nothing
        const next = Math.min((Math.floor(col / 8) + 1) * 8, cols - 1);
        const line = lines[row]!;
        if (line.length < next) lines[row] = line + " ".repeat(next - line.length);
        col = next;
        continue;
      }
      case 0x1b:
        i = readEscape(text, i, csi, saveCursor, restoreCursor, newline, options.lenient);
        continue;
      default:
        continue; // BEL, NUL, SO/SI and other controls print nothing
    }
  }

  return joinLogicalLines(lines, wrapped, cols);
}

/** Parses one escape sequence starting after ESC at `i`; returns the index after it. */
function readEscape(
  text: string,
  i: number,
  csi: (params: string, final: string, raw: string) => void,
  save: () => void,
  restore: () => void,
  newline: () => void,
  lenient = false,
): number {
  const next = text[i];
  if (next === undefined) return i;
  if (next === "[") {
    let j = i + 1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c >= 0x40 && c <= 0x7e) break;
      if (c < 0x20) return j; // malformed: let the control character be handled normally
      j++;
    }
    if (j >= text.length) return j;
    const final = text.charCodeAt(j);
    if (final === 0x6d) return j + 1; // SGR (colours): by far the most common, changes no text
    const last = text.charCodeAt(j - 1);
    if (j > i + 1 && last >= 0x20 && last <= 0x2f) return j + 1; // sequences with intermediates change no text here
    csi(text.slice(i + 1, j), text[j]!, text.slice(i - 1, j + 1));
    return j + 1;
  }
  if (next === "]" || next === "P" || next === "X" || next === "^" || next === "_") {
    // OSC / DCS / SOS / PM / APC: skip to BEL or ST
    for (let j = i + 1; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x07) return j + 1;
      if (c === 0x1b && text[j + 1] === "\\") return j + 2;
    }
    return text.length;
  }
  if (next === "7") {
    save();
    return i + 1;
  }
  if (next === "8") {
    restore();
    return i + 1;
  }
  if (next === "E") {
    newline();
    return i + 1;
  }
  if (next === "M" || next === "c" || next === "D") {
    if (lenient) return i + 1;
    throw new NeedsTerminal(`\x1b${next}`);
  }
  const code = next.charCodeAt(0);
  if (code >= 0x20 && code <= 0x2f) return Math.min(text.length, i + 2); // charset designation: ESC ( B
  return i + 1; // ESC = , ESC > and other two-byte sequences
}

export function joinLogicalLines(lines: string[], wrapped: boolean[], cols = Number.POSITIVE_INFINITY): string {
  const out: string[] = [];
  for (let r = 0; r < lines.length; r++) {
    const line = lines[r]!;
    if (wrapped[r] && out.length > 0) {
      // the row above is a full row of the terminal: blanks erased at its end are still cells
      const prev = lines[r - 1]!;
      const pad = Number.isFinite(cols) && prev.length < cols ? " ".repeat(cols - prev.length) : "";
      out[out.length - 1] += pad + line;
    } else out.push(line);
  }
  for (let k = 0; k < out.length; k++) {
    const line = out[k]!;
    const end = line.charCodeAt(line.length - 1);
    if (end === 0x20 || end === 0x09 || end === 0xa0) out[k] = line.trimEnd();
  }
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}
