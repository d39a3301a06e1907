import { EventEmitter } from "node:events";
import { z } from "zod";
import { OscScanner, queryReply, type StatusReport } from "./osc-scan.ts";

export const OccupantStatusSchema = z.enum(["unknown", "idle", "working", "blocked", "done", "error"]);
export type OccupantStatus = z.infer<typeof OccupantStatusSchema>;
export const StatusSourceSchema = z.enum(["osc7501", "osc133", "heuristic", "none"]);
export type StatusSource = z.infer<typeof StatusSourceSchema>;

/** What the program in a session (an agent, usually) is doing: the `agent_status` of a session. */
export const AgentStatusSchema = z.strictObject({
  session_id: z.string(),
  status: OccupantStatusSchema,
  source: StatusSourceSchema.describe("where it was read: the program's OSC 7501 reports, the shell's OSC 133 marks, or the screen"),
  kind: z.enum(["permission", "question", "auth"]).optional().describe("what a blocked program waits for"),
  app: z.string().optional(),
  message: z.string().optional(),
  progress: z.number().optional(),
  since: z.number().describe("milliseconds since the epoch"),
});
export type SessionStatus = z.infer<typeof AgentStatusSchema>;

/** Last line shapes that mean "waiting for the user": permission, question, password. */
const BLOCKED: Array<[RegExp, "permission" | "question" | "auth"]> = [
  [/(password|passphrase|token)[^:\n]*:\s*$/i, "auth"],
  [/\b(allow|approve|permit|proceed|continue)\b.*\?\s*(\[[^\]]*\]|\([^)]*\))?\s*$/i, "permission"],
  [/(\[y\/n\]|\[Y\/n\]|\[y\/N\]|\(y\/n\)|\(yes\/no\))\s*:?\s*$/i, "question"],
];
/** Last line shapes of an interactive prompt waiting for the next command or message. */
const PROMPT = /([$#%>❯›»]|\$\s*\w*)\s*$/;

export interface StatusOptions {
  /** Quiet time before a sample is taken (ms). Idle needs two agreeing samples. */
  quietMs: number;
}

/**
 * What occupies one session is doing, from its output alone (one reader per PTY, no polling
 * process). Best source first: OSC 7501 reports (the terminal answers the program's feature query
 * so it starts reporting), then OSC 133 shell marks, then heuristics: output means working; a
 * quiet screen whose last line looks like a prompt is idle only after two samples agree.
 */
export class SessionStatusTracker {
  private scanner = new OscScanner();
  private tail = "";
  private report7501: StatusReport | null = null;
  private mark133: SessionStatus | null = null;
  private heuristic: SessionStatus;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private samples = 0;
  /** Whether the program asked for bracketed paste (CSI ?2004h), so typed messages go as a paste. */
  bracketedPaste = false;
  current: SessionStatus;

  constructor(
    readonly sessionId: string,
    private opts: StatusOptions,
    private reply: (text: string) => void,
    private changed: (s: SessionStatus) => void,
  ) {
    this.heuristic = { session_id: sessionId, status: "unknown", source: "none", since: Date.now() };
    this.current = this.heuristic;
  }

  feed(bytes: Uint8Array): void {
    let sawText = false;
    for (const ev of this.scanner.feed(bytes)) {
      if (ev.type === "7501-query") this.reply(queryReply(ev.terminator));
      else if (ev.type === "paste-mode") this.bracketedPaste = ev.on;
      else if (ev.type === "7501") {
        if (ev.report.id) continue; // child records (build/test steps) do not change the occupant's state
        this.report7501 = ev.report.state === "clear" ? null : ev.report;
      } else if (ev.type === "133") {
        const now = Date.now();
        const status: OccupantStatus =
          ev.mark === "C" ? "working" : ev.mark === "D" ? ((ev.exitCode ?? 0) === 0 ? "done" : "error") : "idle";
        if (ev.mark !== "B") this.mark133 = { session_id: this.sessionId, status, source: "osc133", since: now };
        // the shell marks a command's end or its prompt: the program that reported (if any) is gone,
        // even when it did not clear its report, and the shell holds the terminal again
        if (ev.mark === "A" || ev.mark === "D") this.report7501 = null;
      } else {
        sawText = true;
        this.tail = (this.tail + ev.text).slice(-400);
      }
    }
    if (sawText) this.onText();
    this.settle();
  }

  private onText(): void {
    if (this.heuristic.status !== "working") this.heuristic = { session_id: this.sessionId, status: "working", source: "heuristic", since: Date.now() };
    this.samples = 0;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.sample(), this.opts.quietMs);
  }

  /** A quiet-screen sample. Two agreeing samples in a row are needed to call it idle or blocked. */
  private sample(): void {
    this.quietTimer = null;
    const line = lastLine(this.tail);
    const blocked = BLOCKED.find(([re]) => re.test(line));
    const guess: OccupantStatus = blocked ? "blocked" : PROMPT.test(line) ? "idle" : "working";
    if (guess === "working") return; // quiet but not at a prompt: a long step, keep "working"
    this.samples++;
    if (this.samples < 2) {
      this.quietTimer = setTimeout(() => this.sample(), this.opts.quietMs);
      return;
    }
    this.heuristic = { session_id: this.sessionId, status: guess, source: "heuristic", since: Date.now(), ...(blocked ? { kind: blocked[1] } : {}) };
    this.settle();
  }

  private settle(): void {
    let next: SessionStatus;
    if (this.report7501) {
      const r = this.report7501;
      const same = this.current.source === "osc7501" && this.current.status === r.state;
      next = {
        session_id: this.sessionId,
        status: r.state as OccupantStatus,
        source: "osc7501",
        since: same ? this.current.since : Date.now(),
        ...(r.kind ? { kind: r.kind } : {}),
        ...(r.app ? { app: r.app } : {}),
        ...(r.msg ? { message: r.msg } : {}),
        ...(r.progress !== undefined ? { progress: r.progress } : {}),
      };
    } else if (this.mark133 && (this.heuristic.source === "none" || this.mark133.since >= this.heuristic.since - 50 || this.heuristic.status === "working")) {
      next = this.mark133;
    } else next = this.heuristic;
    const c = this.current;
    if (next.status !== c.status || next.source !== c.source || next.kind !== c.kind || next.message !== c.message || next.progress !== c.progress) {
      this.current = next;
      this.changed(next);
    }
  }

  /**
   * The shell reports that its foreground command ended: the program that reported (if any) is
   * gone, even when it did not clear its report, and the shell holds the terminal again.
   */
  programEnded(): void {
    if (!this.report7501) return;
    this.report7501 = null;
    this.settle();
  }

  /** Whether `text` shows in the recent visible output (an echo of what was typed). */
  echoed(text: string): boolean {
    return this.tail.includes(text);
  }

  stop(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
  }
}

function lastLine(text: string): string {
  const lines = text.replace(/\r\n/g, "\n").split(/[\n\r]/).filter((l) => l.trim() !== "");
  return lines[lines.length - 1] ?? "";
}

/** Port to the session layer, so this module stays free of the SessionManager's internals. */
export interface SessionPort {
  onOutput(fn: (sessionId: string, bytes: Uint8Array) => void): void;
  onEnded(fn: (sessionId: string) => void): void;
  /** The shell's foreground command ended (shell integration); optional. */
  onCommandEnd?(fn: (sessionId: string) => void): void;
  /** Types bytes into the session as if from the terminal (replies to queries). */
  reply(sessionId: string, text: string): void;
}

/** One tracker per live session; emits "change" with each new SessionStatus. */
export class StatusBoard extends EventEmitter {
  private trackers = new Map<string, SessionStatusTracker>();

  constructor(
    private port: SessionPort,
    private opts: StatusOptions = { quietMs: 700 },
  ) {
    super();
    port.onOutput((id, bytes) => {
      this.tracker(id).feed(bytes);
      if (this.listenerCount("output")) this.emit("output", id);
    });
    port.onCommandEnd?.((id) => this.trackers.get(id)?.programEnded());
    port.onEnded((id) => {
      this.trackers.get(id)?.stop();
      this.trackers.delete(id);
    });
  }

  private tracker(id: string): SessionStatusTracker {
    let t = this.trackers.get(id);
    if (!t) {
      t = new SessionStatusTracker(id, this.opts, (text) => this.port.reply(id, text), (s) => this.emit("change", s));
      this.trackers.set(id, t);
    }
    return t;
  }

  get(sessionId: string): SessionStatus {
    return this.trackers.get(sessionId)?.current ?? { session_id: sessionId, status: "unknown", source: "none", since: Date.now() };
  }

  /** Whether the session's program has bracketed paste on. */
  pasteMode(sessionId: string): boolean {
    return this.trackers.get(sessionId)?.bracketedPaste ?? false;
  }

  /** Whether `text` shows in the session's recent output. */
  echoed(sessionId: string, text: string): boolean {
    return this.trackers.get(sessionId)?.echoed(text) ?? false;
  }

  all(): SessionStatus[] {
    return [...this.trackers.values()].map((t) => t.current);
  }

  stop(): void {
    for (const t of this.trackers.values()) t.stop();
  }
}
