/**
 * Removes the shell integration's marks (OSC 133 sequences carrying this session's nonce) from the
 * PTY byte stream and reports where each stood. Marks split across reads are reassembled. Any
 * other escape sequence, including OSC 133 marks without our nonce, passes through untouched.
 */
export type MarkKind = "A" | "B" | "C" | "D";

export interface Mark {
  kind: MarkKind;
  /** Exit status carried by a D mark. */
  status?: number;
  /** Index in the filtered data of this push where the mark stood. */
  at: number;
}

const PREFIX = new TextEncoder().encode("\x1b]133;");
const ESC = 0x1b;
const BEL = 0x07;
const MAX_MARK = 160;

export class MarkerFilter {
  private pending: Uint8Array | null = null;
  private readonly tag: string;

  constructor(nonce: string) {
    this.tag = `aid=${nonce}`;
  }

  push(chunk: Uint8Array): { data: Uint8Array; marks: Mark[] } {
    let buf = chunk;
    if (this.pending) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
      this.pending = null;
    }
    const marks: Mark[] = [];
    const parts: Uint8Array[] = [];
    let outLen = 0;
    let copyFrom = 0;
    let i = buf.indexOf(ESC);
    while (i !== -1) {
      const found = this.matchMark(buf, i);
      if (found === "partial") {
        this.pending = buf.slice(i);
        parts.push(buf.subarray(copyFrom, i));
        outLen += i - copyFrom;
        copyFrom = buf.length;
        break;
      }
      if (found) {
        parts.push(buf.subarray(copyFrom, i));
        outLen += i - copyFrom;
        marks.push({ kind: found.kind, status: found.status, at: outLen });
        copyFrom = found.end;
        i = buf.indexOf(ESC, found.end);
      } else {
        i = buf.indexOf(ESC, i + 1);
      }
    }
    if (copyFrom < buf.length) {
      parts.push(buf.subarray(copyFrom));
      outLen += buf.length - copyFrom;
    }
    if (marks.length === 0 && parts.length === 1) return { data: parts[0]!, marks };
    const data = new Uint8Array(outLen);
    let o = 0;
    for (const p of parts) {
      data.set(p, o);
      o += p.length;
    }
    return { data, marks };
  }

  /** Bytes held back because they may begin a mark; flushed when the stream ends. */
  flush(): Uint8Array {
    const p = this.pending ?? new Uint8Array(0);
    this.pending = null;
    return p;
  }

  private matchMark(buf: Uint8Array, i: number): "partial" | null | { kind: MarkKind; status?: number; end: number } {
    for (let k = 0; k < PREFIX.length; k++) {
      if (i + k >= buf.length) return "partial";
      if (buf[i + k] !== PREFIX[k]) return null;
    }
    const bodyStart = i + PREFIX.length;
    const limit = Math.min(buf.length, bodyStart + MAX_MARK);
    let end = -1;
    let termLen = 1;
    for (let j = bodyStart; j < limit; j++) {
      if (buf[j] === BEL) {
        end = j;
        break;
      }
      if (buf[j] === ESC) {
        if (j + 1 >= buf.length) return "partial";
        if (buf[j + 1] === 0x5c) {
          end = j;
          termLen = 2;
          break;
        }
        return null;
      }
    }
    if (end === -1) return limit === buf.length && limit < bodyStart + MAX_MARK ? "partial" : null;
    const body = new TextDecoder().decode(buf.subarray(bodyStart, end));
    const fields = body.split(";");
    if (!fields.includes(this.tag)) return null;
    const kind = fields[0] as MarkKind;
    if (kind !== "A" && kind !== "B" && kind !== "C" && kind !== "D") return null;
    const status = kind === "D" && fields[1] !== undefined && /^\d+$/.test(fields[1]) ? Number(fields[1]) : undefined;
    return { kind, status, end: end + termLen };
  }
}
