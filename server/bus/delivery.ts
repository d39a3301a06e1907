import { AppError, type ErrorCode } from "../errors.ts";
import type { AgentRegistry } from "./agents.ts";
import type { StatusBoard, SessionStatus } from "./agent-status.ts";
import type { Bus } from "./bus.ts";
import type { BusMessage } from "./message.ts";

/** How messages are typed into a session: a bracketed paste, then Enter once the paste shows. */
export interface PastePort {
  sessionId(name: string): string | undefined;
  /**
   * Asks the session guard whether `sender` may type `text` into the session of `recipient`
   * (throws AppError("denied") when not): the sender's role judges the text.
   */
  check(name: string, sender: string, recipient: string, text: string): void;
  /** Whether the session's own shell is known to be at its prompt (no program in front of it). */
  shellAtPrompt?(name: string): boolean;
  /** `bracketed`: wrap in ESC[200~ … ESC[201~ (the program asked for bracketed paste). */
  paste(name: string, text: string, bracketed: boolean): Promise<void>;
  enter(name: string): Promise<void>;
}

/** What typing into a session that is gone or has ended throws (server/session). */
const SESSION_GONE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["not_found", "conflict"]);

/**
 * Every control character: C0 (newlines, ESC, which could end a bracketed paste early or start any
 * terminal sequence, Ctrl-C, Ctrl-D…), DEL and C1 (8-bit CSI and friends).
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * One line of plain text: the message's controls become spaces, so nothing but Enter ends it.
 * `dropped` (messages pushed out of a full inbox before they could be typed) is said first.
 */
export function formatForSession(m: BusMessage, dropped = 0, capacity = 0): string {
  const body = typeof m.payload === "string" ? m.payload : JSON.stringify(m.payload);
  const lost = dropped ? `(${dropped} earlier message(s) to you were dropped, the inbox keeps ${capacity}, bus history has them) ` : "";
  const line = `[ai-session bus] ${lost}${m.type} from ${m.sender}${m.correlation_id ? ` (re ${m.correlation_id})` : ""}: ${body}`;
  return line.replace(CONTROLS, " ");
}

/**
 * Delivers an agent's inbox into the session it runs in (agent.session), but only while the
 * session's occupant has declared itself an agent program (OSC 7501 status reports): at a plain
 * shell prompt the text would run as a command, so there messages stay in the inbox. With delivery
 * "idle" a message waits until the occupant is idle or done; "eager" types it at once; "none" never
 * types. Each message passes the session guard as typed by its sender.
 * Each message is pasted (bracketed when the program asked for it), confirmed by its text showing
 * in the session's output, then Enter is pressed and the message acknowledged. Without that echo
 * the message stays in the inbox and is tried again at the next idle.
 */
export class InboxDelivery {
  private busy = new Set<string>();
  /** Messages the session guard refused to type (by id): left in the inbox, not asked about again. */
  private refused = new Set<string>();

  constructor(
    private bus: Bus,
    private agents: AgentRegistry,
    private board: StatusBoard,
    private port: PastePort,
    private confirmMs = 1500,
  ) {
    // only agents that run in a session are typed to; one look per agent per turn, however many arrive
    const due = new Set<string>();
    bus.onInbox((agent) => {
      if (due.has(agent)) return;
      const a = agents.find(agent);
      if (!a?.session || a.delivery === "none") return;
      due.add(agent);
      queueMicrotask(() => {
        due.delete(agent);
        void this.deliver(agent);
      });
    });
    board.on("change", (s: SessionStatus) => {
      if (s.status !== "idle" && s.status !== "done") return;
      for (const a of agents.values()) if (a.session && port.sessionId(a.session) === s.session_id) void this.deliver(a.name);
    });
  }

  private ready(agentName: string): string | undefined {
    const a = this.agents.find(agentName);
    if (!a?.session || a.delivery === "none") return undefined;
    const id = this.port.sessionId(a.session);
    if (!id) return undefined;
    const st = this.board.get(id);
    if (st.source !== "osc7501") return undefined; // no agent program says it is there: maybe a shell
    if (this.port.shellAtPrompt?.(a.session)) return undefined; // its report is stale: the shell is back
    if (a.delivery === "eager") return a.session;
    return st.status === "idle" || st.status === "done" ? a.session : undefined;
  }

  /** Resolves true once the end of `text` shows in the session's output, false after confirmMs. */
  private echoed(sessionId: string, text: string): Promise<boolean> {
    const tail = text.slice(-24);
    return new Promise((resolve) => {
      const on = (id: string) => {
        if (id !== sessionId || !this.board.echoed(sessionId, tail)) return;
        clearTimeout(timer);
        this.board.off("output", on);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.board.off("output", on);
        resolve(false);
      }, this.confirmMs);
      this.board.on("output", on);
    });
  }

  async deliver(agentName: string): Promise<number> {
    if (this.busy.has(agentName)) return 0;
    this.busy.add(agentName);
    let n = 0;
    let after: number | undefined;
    try {
      for (;;) {
        const session = this.ready(agentName);
        if (!session) break;
        // the count of dropped messages stays until it is typed with the next message
        const read = this.bus.readInbox(agentName, { afterSeq: after, limit: 1, keepDrops: true });
        const [m] = read.messages;
        if (!m) break;
        if (this.refused.has(m.id)) {
          after = m.seq; // refused before: it waits in the inbox for read_inbox, behind nothing
          continue;
        }
        const id = this.port.sessionId(session)!;
        const text = formatForSession(m, read.dropped, read.capacity);
        try {
          // the sender's own words are judged, not the server's notice in front of them
          this.port.check(session, m.sender, agentName, read.dropped ? formatForSession(m) : text);
        } catch (err) {
          if (!(err instanceof AppError) || err.code !== "denied") throw err;
          // the sender may not type this there: never typed, kept in the inbox, asked once (audited once)
          if (this.refused.size >= 10_000) this.refused.clear();
          this.refused.add(m.id);
          after = m.seq;
          continue;
        }
        const echo = this.echoed(id, text);
        await this.port.paste(session, text, this.board.pasteMode(id));
        if (!(await echo)) break;
        await this.port.enter(session);
        this.bus.ack(agentName, { seqs: [m.seq] });
        if (read.dropped) this.bus.transport.takeDrops(agentName, read.dropped);
        n++;
      }
    } catch (err) {
      // the message stays in the inbox (read_inbox has it; typing is tried again at the next idle).
      // A session that went away or ended meanwhile is the usual reason and needs no word; any
      // other failure is told in the server's log, or the inbox would stall without a trace
      if (!(err instanceof AppError && SESSION_GONE.has(err.code))) {
        console.error(`bus: could not type agent "${agentName}"'s inbox into its session, the messages stay in the inbox: ${err instanceof Error ? err.message : String(err)}`);
      }
    } finally {
      this.busy.delete(agentName);
    }
    return n;
  }
}
