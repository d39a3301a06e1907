/**
 * Raw PTY bytes → the text a person saw: colours and other escape sequences gone, `\r` progress
 * bars and spinners collapsed to their final state, cursor moves applied, and each full-screen
 * (alternate-screen) program reduced to the last screen it showed. Synchronous.
 *
 * Lines of the result are what `ai-session read NAME --command ID --lines A-B` numbers (1-based),
 * so every caller must render the same bytes with the same `cols` to get the same numbering.
 */
import { NeedsTerminal, renderLines } from "./render-lines.ts";
import { renderLastScreen, renderWithXterm } from "./render-xterm.ts";

export interface RenderOptions {
  /** Width of the terminal the output was produced in; lines longer than this wrapped there. */
  cols?: number;
  /** Height of that terminal (for full-screen programs). Default 24. */
  rows?: number;
}

const decoder = new TextDecoder("utf-8", { fatal: false });
/** A carriage return not before a newline, or a control character other than tab, newline and CR. */
const CR_ALONE_OR_CONTROL = /\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const ALT_SCREEN = /\x1b\[\?(?:1049|1047|47)([hl])/g;

/** Decodes bytes as UTF-8, replacing invalid sequences with U+FFFD. */
export function decodeBytes(raw: Uint8Array | string): string {
  return typeof raw === "string" ? raw : decoder.decode(raw);
}

export function renderOutput(raw: Uint8Array | string, options: RenderOptions = {}): string {
  const text = reduceAlternateScreens(decodeBytes(raw), options);
  if (text.indexOf("\x1b") === -1 && text.indexOf("\b") === -1) {
    if (text.indexOf("\r") === -1) return plainText(text);
    // Lines ended by CR LF (how a terminal ends each line) with nothing else to apply: the text the line model gives
    if (text.indexOf("\t") === -1 && !CR_ALONE_OR_CONTROL.test(text)) return plainText(text.replaceAll("\r\n", "\n"));
  }
  try {
    return renderLines(text, { cols: options.cols, rows: options.rows });
  } catch (err) {
    if (!(err instanceof NeedsTerminal)) throw err;
  }
  try {
    return renderWithXterm(text, options.cols ?? 200, options.rows ?? 24);
  } catch {
    // xterm itself can fail on odd sequences: the line model, ignoring what it cannot do, still gives the text
    return renderLines(text, { cols: options.cols, rows: options.rows, lenient: true });
  }
}

/** Text without escapes or carriage returns: only tabs and trailing blanks to settle. */
function plainText(text: string): string {
  // Nothing to settle in any line (no tab, no control character, no trailing blank): only the blank lines at the end go.
  if (!SETTLES.test(text)) {
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
    return text.slice(0, end);
  }
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    let line = lines[k]!;
    if (line.indexOf("\t") !== -1) line = expandTabs(line);
    // control characters other than tab print nothing
    lines[k] = line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "").trimEnd();
  }
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.join("\n");
}

/** A tab, a control character other than a newline, or a blank at the end of a line (what trimEnd takes). */
const SETTLES = /[\x00-\x09\x0b-\x1f\x7f]|[^\S\n](?:\n|$)/;

function expandTabs(line: string): string {
  let out = "";
  for (const ch of line) {
    if (ch === "\t") out += " ".repeat(8 - (out.length % 8));
    else out += ch;
  }
  return out;
}

/**
 * Replaces each alternate-screen episode (a full-screen program such as less, vim, top) with the
 * last screen it showed, as plain lines at the point where the program started.
 */
function reduceAlternateScreens(text: string, options: RenderOptions): string {
  if (text.indexOf("\x1b[?") === -1) return text;
  ALT_SCREEN.lastIndex = 0;
  let out = "";
  let last = 0;
  let enteredAt = -1;
  for (let m = ALT_SCREEN.exec(text); m; m = ALT_SCREEN.exec(text)) {
    if (m[1] === "h" && enteredAt === -1) {
      out += text.slice(last, m.index);
      enteredAt = m.index + m[0].length;
    } else if (m[1] === "l" && enteredAt !== -1) {
      out += screenAsLines(text.slice(enteredAt, m.index), options);
      enteredAt = -1;
      last = m.index + m[0].length;
    }
  }
  if (enteredAt !== -1) return out + screenAsLines(text.slice(enteredAt), options);
  return out + text.slice(last);
}

function screenAsLines(episode: string, options: RenderOptions): string {
  let screen: string;
  try {
    screen = renderLastScreen(episode, options.cols ?? 80, options.rows ?? 24);
  } catch {
    screen = renderLines(episode, { cols: options.cols ?? 80, rows: options.rows ?? 24, lenient: true }).split("\n").slice(-(options.rows ?? 24)).join("\n");
  }
  return screen === "" ? "" : `${screen.replace(/\n/g, "\r\n")}\r\n`;
}
