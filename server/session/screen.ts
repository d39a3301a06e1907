import { Terminal } from "@xterm/headless";

/** A headless terminal kept in step with the PTY, for `read --screen` (tmux capture-pane). */
export class Screen {
  private term: Terminal;

  constructor(cols: number, rows: number, scrollback = 1000) {
    this.term = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
  }

  write(bytes: Uint8Array): void {
    this.term.write(bytes);
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** Resolves once every byte written so far has been applied. */
  settle(): Promise<void> {
    return new Promise((resolve) => this.term.write("", resolve));
  }

  /** The visible screen as text, trailing blanks trimmed, plus the cursor position. */
  async capture(): Promise<{ text: string; cols: number; rows: number; cursor: { x: number; y: number }; alternate: boolean }> {
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
