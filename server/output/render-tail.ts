import { decodeBytes, renderOutput, type RenderOptions } from "./render.ts";

/**
 * The last `lines` lines of rendered output, rendering only the end of it: a `read --lines 50`
 * after a flood renders a few hundred lines, not the megabytes kept. The cut is made at a line
 * start far enough back that what is cut off cannot reach the lines shown: a screen's height of
 * lines more than asked for (a cursor moves at most that far up; further back when redraws fold
 * the tail into fewer lines), and never inside a full-screen program's episode, which renders as
 * a whole (its last screen).
 */
export function renderLastLines(raw: Uint8Array | string, lines: number, options: RenderOptions = {}): string {
  const text = decodeBytes(raw);
  const context = options.rows ?? 24;
  for (let keep = lines + 2 * context + 64; ; keep *= 4) {
    const cut = tailStart(text, keep);
    const rendered = renderOutput(cut > 0 ? text.slice(cut) : text, options).split("\n");
    // redraws (\r, cursor-up) fold many raw lines into few: then cut further back
    if (cut === 0 || rendered.length >= lines + context) return rendered.slice(-lines).join("\n");
  }
}

/** The raw text's last `lines` lines, as their text (no rendering). */
export function lastRawLines(raw: Uint8Array | string, lines: number): string {
  const text = decodeBytes(raw);
  return text.slice(tailStart(text, lines)).split("\n").slice(-lines).join("\n");
}

/** Index where the last `keep` lines start (0 when there are no more), moved back to the start of an alternate-screen episode it falls in. */
function tailStart(text: string, keep: number): number {
  let at = text.length;
  for (let k = 0; k <= keep; k++) {
    at = text.lastIndexOf("\n", at - 1);
    if (at <= 0) return 0;
  }
  return outsideAltScreen(text, at + 1);
}

const ALT = /^\x1b\[\?(?:1049|1047|47)([hl])/;

/** `cut`, or the start of the alternate-screen episode that `cut` falls inside. */
function outsideAltScreen(text: string, cut: number): number {
  for (let i = text.lastIndexOf("\x1b[?", cut - 1); i !== -1; i = i === 0 ? -1 : text.lastIndexOf("\x1b[?", i - 1)) {
    const m = ALT.exec(text.slice(i, i + 8));
    if (!m) continue;
    // the last switch before the cut: an enter means the cut is inside an episode
    return m[1] === "h" ? i : cut;
  }
  return cut;
}
