/**
 * Finds OSC 7501 (Program Status Protocol, rev 0.4) and OSC 133 (shell marks) sequences in a PTY
 * byte stream, across chunk boundaries. Everything else is passed on as visible text (with the
 * escape sequences removed) for the prompt heuristics.
 *
 * OSC 7501 report: ESC ] 7501 ; state=S[:kind=K][:app=A][:id=I][:progress=N][:msg=BASE64][:title=BASE64] ST
 * where S is idle|working|blocked|done|error|clear and K is permission|question|auth. A query is
 * `ESC ] 7501 ; ? ST`; a terminal that supports the protocol answers with the same bytes.
 */
export type ProgramState = "idle" | "working" | "blocked" | "done" | "error" | "clear";

export interface StatusReport {
  state: ProgramState;
  kind?: "permission" | "question" | "auth";
  app?: string;
  id?: string;
  progress?: number;
  msg?: string;
  title?: string;
}

export type ScanEvent =
  | { type: "7501"; report: StatusReport }
  | { type: "7501-query"; terminator: "st" | "bel" }
  | { type: "133"; mark: "A" | "B" | "C" | "D"; exitCode?: number }
  | { type: "paste-mode"; on: boolean }
  | { type: "text"; text: string };

const STATES = new Set(["idle", "working", "blocked", "done", "error", "clear"]);
const KINDS = new Set(["permission", "question", "auth"]);
const MAX_OSC = 4096;

function b64(s: string): string | undefined {
  try {
    return Buffer.from(s, "base64").toString("utf8").replace(/[\x00-\x1f\x7f]/g, " ").slice(0, 512);
  } catch {
    return undefined;
  }
}

/** Parses the body after `7501;`; undefined when it is not a valid report. */
export function parse7501(body: string): StatusReport | undefined {
  const fields = new Map<string, string>();
  for (const part of body.split(":")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return undefined;
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const state = fields.get("state");
  if (!state || !STATES.has(state)) return undefined;
  const r: StatusReport = { state: state as ProgramState };
  const kind = fields.get("kind");
  if (kind && KINDS.has(kind)) r.kind = kind as StatusReport["kind"];
  const app = fields.get("app");
  if (app) r.app = app.slice(0, 64);
  const id = fields.get("id");
  if (id) r.id = id.slice(0, 64);
  const progress = Number(fields.get("progress"));
  if (fields.has("progress") && Number.isFinite(progress)) r.progress = Math.max(0, Math.min(100, progress));
  const msg = fields.get("msg");
  if (msg) r.msg = b64(msg);
  const title = fields.get("title");
  if (title) r.title = b64(title);
  return r;
}

export class OscScanner {
  private pending = "";
  private decoder = new TextDecoder();

  feed(bytes: Uint8Array): ScanEvent[] {
    const events: ScanEvent[] = [];
    const s = this.pending + this.decoder.decode(bytes, { stream: true });
    this.pending = "";
    let text = "";
    let i = 0;
    while (i < s.length) {
      const esc = s.indexOf("\x1b", i);
      if (esc < 0) {
        text += s.slice(i);
        break;
      }
      text += s.slice(i, esc);
      if (esc + 1 >= s.length) {
        this.pending = s.slice(esc);
        break;
      }
      const next = s[esc + 1];
      if (next === "]") {
        const bel = s.indexOf("\x07", esc + 2);
        const st = s.indexOf("\x1b\\", esc + 2);
        const end = bel < 0 ? st : st < 0 ? bel : Math.min(bel, st);
        if (end < 0) {
          if (s.length - esc < MAX_OSC) this.pending = s.slice(esc);
          break;
        }
        const body = s.slice(esc + 2, end);
        const terminator = end === bel ? "bel" : "st";
        i = end + (terminator === "bel" ? 1 : 2);
        const ev = this.osc(body, terminator);
        if (ev) {
          if (text) events.push({ type: "text", text }), (text = "");
          events.push(ev);
        }
        continue;
      }
      if (next === "[") {
        // CSI: skip to the final byte
        let j = esc + 2;
        while (j < s.length && !/[@-~]/.test(s[j]!)) j++;
        if (j >= s.length) {
          if (s.length - esc < 64) this.pending = s.slice(esc);
          break;
        }
        if (s[j] === "h" || s[j] === "l") {
          if (s.slice(esc + 2, j) === "?2004") events.push({ type: "paste-mode", on: s[j] === "h" });
        }
        i = j + 1;
        continue;
      }
      i = esc + 2;
    }
    if (text) events.push({ type: "text", text });
    return events;
  }

  private osc(body: string, terminator: "st" | "bel"): ScanEvent | undefined {
    if (body.startsWith("7501;")) {
      const rest = body.slice(5);
      if (rest === "?") return { type: "7501-query", terminator };
      const report = parse7501(rest);
      return report ? { type: "7501", report } : undefined;
    }
    if (body.startsWith("133;")) {
      const [mark, ...params] = body.slice(4).split(";");
      if (mark === "A" || mark === "B" || mark === "C" || mark === "D") {
        const code = mark === "D" && params[0] !== undefined && /^-?\d+$/.test(params[0]) ? Number(params[0]) : undefined;
        return code === undefined ? { type: "133", mark } : { type: "133", mark, exitCode: code };
      }
    }
    return undefined;
  }
}

/** The terminal's answer to the 7501 feature query: every rev 0.4 state and kind (the default reply). */
export function queryReply(terminator: "st" | "bel"): string {
  return `\x1b]7501;?${terminator === "bel" ? "\x07" : "\x1b\\"}`;
}
