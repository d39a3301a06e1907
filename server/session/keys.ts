import { AppError } from "../errors.ts";

/** tmux-style key names (`Enter`, `C-c`, `M-x`, `Up`, `F5`...) to the bytes a terminal sends. */
const NAMED: Record<string, string> = {
  Enter: "\r",
  Tab: "\t",
  BTab: "\x1b[Z",
  Escape: "\x1b",
  Esc: "\x1b",
  Space: " ",
  BSpace: "\x7f",
  Backspace: "\x7f",
  Up: "\x1b[A",
  Down: "\x1b[B",
  Right: "\x1b[C",
  Left: "\x1b[D",
  Home: "\x1b[H",
  End: "\x1b[F",
  PageUp: "\x1b[5~",
  PPage: "\x1b[5~",
  PageDown: "\x1b[6~",
  NPage: "\x1b[6~",
  Insert: "\x1b[2~",
  IC: "\x1b[2~",
  Delete: "\x1b[3~",
  DC: "\x1b[3~",
  F1: "\x1bOP",
  F2: "\x1bOQ",
  F3: "\x1bOR",
  F4: "\x1bOS",
  F5: "\x1b[15~",
  F6: "\x1b[17~",
  F7: "\x1b[18~",
  F8: "\x1b[19~",
  F9: "\x1b[20~",
  F10: "\x1b[21~",
  F11: "\x1b[23~",
  F12: "\x1b[24~",
};

export function keyBytes(name: string): string {
  const key = name.trim();
  const named = NAMED[key];
  if (named) return named;
  const ctrl = /^C-(.)$/i.exec(key) ?? /^\^(.)$/.exec(key);
  if (ctrl) {
    const ch = ctrl[1]!;
    if (ch === "?") return "\x7f";
    const code = ch.toUpperCase().charCodeAt(0);
    if (code >= 64 && code <= 95) return String.fromCharCode(code - 64);
    if (ch === " " || ch === "@") return "\0";
  }
  const meta = /^M-(.+)$/.exec(key);
  if (meta) return "\x1b" + (meta[1]!.length === 1 ? meta[1]! : keyBytes(meta[1]!));
  if ([...key].length === 1) return key;
  throw new AppError("invalid", `unknown key "${name}" (use names like Enter, Tab, Escape, Up, C-c, M-x, F5)`);
}
