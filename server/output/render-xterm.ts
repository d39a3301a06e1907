/**
 * Rendering through @xterm/headless, the reference terminal: used where output addresses the
 * screen absolutely (full-screen programs, `clear`, scroll regions). Loaded lazily: most output
 * never needs it.
 */
import type { Terminal as TerminalType } from "@xterm/headless";

const MAX_SCROLLBACK = 200_000;

interface XtermCore {
  writeSync(data: string): void;
}

function makeTerminal(cols: number, rows: number, scrollback: number): TerminalType {
  const { Terminal } = require("@xterm/headless") as typeof import("@xterm/headless");
  return new Terminal({ cols, rows, scrollback, allowProposedApi: true, convertEol: true, logLevel: "off" });
}

function writeAll(term: TerminalType, text: string): void {
  const core = (term as unknown as { _core: XtermCore })._core;
  // writeSync is internal but synchronous, which keeps renderOutput synchronous for callers.
  const CHUNK = 1 << 20;
  for (let i = 0; i < text.length; i += CHUNK) core.writeSync(text.slice(i, i + CHUNK));
}

function bufferText(term: TerminalType, from: number, to: number): string {
  const buffer = term.buffer.active;
  const out: string[] = [];
  for (let y = from; y < to; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    // A row the next row continues is kept whole: blanks erased at its end sit inside the logical line.
    const continued = y + 1 < to && buffer.getLine(y + 1)?.isWrapped === true;
    const text = line.translateToString(!continued);
    if (line.isWrapped && out.length > 0) out[out.length - 1] += text;
    else out.push(text);
  }
  for (let k = 0; k < out.length; k++) out[k] = out[k]!.trimEnd();
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out.join("\n");
}

/** Everything a person could scroll back through after `text` was written to a terminal. */
export function renderWithXterm(text: string, cols: number, rows: number): string {
  let lineCount = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineCount++;
  // xterm keeps every cell of its scrollback: past this many lines the oldest are dropped (and said so).
  const scrollback = Math.min(lineCount + rows + 16, MAX_SCROLLBACK);
  const term = makeTerminal(cols, rows, scrollback);
  try {
    writeAll(term, text);
    const out = bufferText(term, 0, term.buffer.active.length);
    return scrollback === MAX_SCROLLBACK && lineCount > MAX_SCROLLBACK ? `… earlier lines of this full-screen output were not kept\n${out}` : out;
  } finally {
    term.dispose();
  }
}

/** The last screen a full-screen program showed (its alternate screen, before it left). */
export function renderLastScreen(text: string, cols: number, rows: number): string {
  const term = makeTerminal(cols, rows, 0);
  try {
    writeAll(term, text);
    const buffer = term.buffer.active;
    return bufferText(term, buffer.viewportY, buffer.viewportY + rows);
  } finally {
    term.dispose();
  }
}
