import { SECRET_HINTS, redactText } from "./redact.ts";

/**
 * Redaction of a live byte stream (the terminal a viewer watches). A PTY read can end in the middle
 * of a secret (`…ghp_abc` now, `def…` in the next read), so the tail of a chunk that could be the
 * start of a known secret shape is held back and joined to what follows; it goes out when the next
 * read comes, or after `holdMs` of quiet, whichever is first. Everything else goes out at once, so
 * typing stays immediate except for the few characters that begin a secret shape.
 */
export class StreamRedactor {
  private held = "";
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (bytes: Uint8Array<ArrayBuffer>) => void,
    private readonly opts: { holdMs?: number; keyHoldMs?: number } = {},
  ) {}

  /** Takes the next chunk; emits what is safe to show now. */
  push(bytes: Uint8Array): void {
    this.clearTimer();
    const text = this.held + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    const cut = safeLength(text);
    this.held = text.slice(cut);
    if (cut > 0) this.send(text.slice(0, cut));
    if (this.held) {
      const keyOpen = this.held.startsWith(KEY_START);
      this.timer = setTimeout(() => this.flush(), keyOpen ? (this.opts.keyHoldMs ?? 250) : (this.opts.holdMs ?? 25));
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Emits whatever is held (the stream paused, or is ending). */
  flush(): void {
    this.clearTimer();
    const rest = this.held;
    this.held = "";
    if (rest) this.send(rest);
  }

  /** Drops what is held without sending it (the viewer went away). */
  close(): void {
    this.clearTimer();
    this.held = "";
  }

  private send(text: string): void {
    this.emit(new Uint8Array(Buffer.from(redactText(text).text, "latin1")));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const KEY_START = "-----BEGIN ";
/** A private key block is held whole up to this size; past it the stream is let through. */
const MAX_KEY_HOLD = 16 * 1024;
/** The longest run of secret characters held back; longer runs are not completed secrets of a known shape. */
const MAX_WORD_HOLD = 1024;

/** Characters that can occur inside a secret of a known shape (tokens, keys, URLs with passwords). */
function secretChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
    c === 95 /* _ */ || c === 45 /* - */ || c === 46 /* . */ || c === 47 /* / */ || c === 43 /* + */ ||
    c === 61 /* = */ || c === 58 /* : */ || c === 64 /* @ */ || c === 37 /* % */
  );
}

/** True when `word` contains a hint, or ends with the beginning of one. */
function mayBeginSecret(word: string): boolean {
  for (const h of SECRET_HINTS) {
    if (word.includes(h)) return true;
    for (let k = Math.min(h.length - 1, word.length); k > 0; k--) {
      if (word.endsWith(h.slice(0, k))) return true;
    }
  }
  return false;
}

/** How much of `text` can be shown now: all of it but a tail that may be an unfinished secret. */
function safeLength(text: string): number {
  // an open private key block: hold from its first line until its END line (bounded)
  const begin = text.lastIndexOf(KEY_START);
  if (begin !== -1 && text.length - begin <= MAX_KEY_HOLD && !text.includes("-----END ", begin + KEY_START.length)) {
    const header = text.slice(begin, begin + 80);
    if (/^-----BEGIN [A-Z0-9 ]*$/.test(header) || /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY/.test(header)) return begin;
  }
  let start = text.length;
  while (start > 0 && secretChar(text.charCodeAt(start - 1))) start--;
  const word = text.slice(start);
  if (word.length === 0 || word.length > MAX_WORD_HOLD) return text.length;
  return mayBeginSecret(word) ? start : text.length;
}
