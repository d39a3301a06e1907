import headless, { type Terminal } from "@xterm/headless"; // CommonJS: Deno sees no named exports in it
import type { ScreenCapture } from "./answers.ts";

/**
 * A headless terminal kept in step with the PTY, for `read --screen` (tmux capture-pane). Output
 * is handed to the emulator lazily: it is held until someone looks at the screen, so a command's
 * bytes cost nothing on their way back to the caller and a look parses what came since in one go.
 * Of a flood nobody looks at only the newest HELD_BYTES are kept (the screen shows the end; an
 * alternate-screen switch in what is let go is carried over), so emulating 100 MB of `yes` never
 * takes seconds of the event loop.
 */
/** Bytes queued in the emulator past which a flood is cut to its tail (the screen shows the end). */
const HIGH_WATER = 1024 * 1024;
const TAIL_BYTES = 256 * 1024;
const HELD_BYTES = 1024 * 1024;
const ALT_ON = new TextEncoder().encode("\x1b[?1049h");
const ALT_OFF = new TextEncoder().encode("\x1b[?1049l");

export class Screen {
  private term: Terminal;
  private pending = 0;
  private backlog: Uint8Array[] = [];
  private backlogBytes = 0;
  private held: Uint8Array[] = [];
  private heldBytes = 0;

  constructor(cols: number, rows: number, scrollback = 1000) {
    this.term = new headless.Terminal({ cols, rows, scrollback, allowProposedApi: true });
  }

  /**
   * Feeds output to the emulator with flow control: under a flood (100 MB of `yes`) only the tail
   * is kept while the emulator catches up, so memory stays bounded and the screen ends right.
   */
  write(bytes: Uint8Array): void {
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    while (this.held.length > 1 && this.heldBytes - this.held[0]!.length >= HELD_BYTES) {
      const gone = this.held.shift()!;
      this.heldBytes -= gone.length;
      const on = lastIndexOf(gone, ALT_ON);
      const off = lastIndexOf(gone, ALT_OFF);
      if (on !== off) this.altScreen = on > off;
    }
  }

  /** Whether the bytes let go of left the program on the alternate screen (undefined: no switch in them). */
  private altScreen: boolean | undefined;

  /** Hands what is held to the emulator. */
  private release(): void {
    if (this.altScreen !== undefined) {
      this.held.unshift(this.altScreen ? ALT_ON : ALT_OFF);
      this.heldBytes += ALT_ON.length;
      this.altScreen = undefined;
    }
    if (this.heldBytes === 0) return;
    const parts = this.held;
    const total = this.heldBytes;
    this.held = [];
    this.heldBytes = 0;
    if (parts.length === 1) {
      this.enqueue(parts[0]!);
      return;
    }
    const joined = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      joined.set(p, o);
      o += p.length;
    }
    this.enqueue(joined);
  }

  private enqueue(bytes: Uint8Array): void {
    if (this.pending > HIGH_WATER) {
      this.backlog.push(bytes.slice());
      this.backlogBytes += bytes.length;
      while (this.backlog.length > 1 && this.backlogBytes - this.backlog[0]!.length >= TAIL_BYTES) {
        this.backlogBytes -= this.backlog.shift()!.length;
      }
      return;
    }
    this.feed(bytes);
  }

  private feed(bytes: Uint8Array): void {
    this.pending += bytes.length;
    this.term.write(bytes, () => {
      this.pending -= bytes.length;
      if (this.pending === 0 && this.backlog.length) {
        const chunks = this.backlog;
        this.backlog = [];
        this.backlogBytes = 0;
        for (const c of chunks) this.feed(c);
      }
    });
  }

  resize(cols: number, rows: number): void {
    this.release();
    this.term.resize(cols, rows);
  }

  /** Resolves once every byte written so far has been applied. */
  async settle(): Promise<void> {
    this.release();
    do await new Promise<void>((resolve) => this.term.write("", resolve));
    while (this.pending > 0 || this.backlog.length > 0);
  }

  /** The visible screen as text, trailing blanks trimmed, plus the cursor position. */
  async capture(): Promise<ScreenCapture> {
    await this.settle();
    const buf = this.term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.term.rows; y++) {
      lines.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? "");
    }
    while (lines.length && lines[lines.length - 1] === "") lines.pop();
    return {
      text: lines.join("\n"),
      cols: this.term.cols,
      rows: this.term.rows,
      cursor: { x: buf.cursorX, y: buf.cursorY },
      alternate: buf.type === "alternate",
    };
  }

  dispose(): void {
    this.term.dispose();
  }
}

function lastIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).lastIndexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength));
}
