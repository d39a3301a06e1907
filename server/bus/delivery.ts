import type { AgentRegistry } from "./agents.ts";
import type { StatusBoard, SessionStatus } from "./agent-status.ts";
import type { Bus } from "./bus.ts";
import type { BusMessage } from "./message.ts";

/** How messages are typed into a session: a bracketed paste, then Enter once the paste shows. */
export interface PastePort {
  sessionId(name: string): string | undefined;
  /** `bracketed`: wrap in ESC[200~ … ESC[201~ (the program asked for bracketed paste). */
  paste(name: string, text: string, bracketed: boolean): Promise<void>;
  enter(name: string): Promise<void>;
}

export function formatForSession(m: BusMessage): string {
  const body = typeof m.payload === "string" ? m.payload : JSON.stringify(m.payload);
  return `[ai-session bus] ${m.type} from ${m.sender}${m.correlation_id ? ` (re ${m.correlation_id})` : ""}: ${body.replace(/[\r\n]+/g, " ")}`;
}

/**
 * Delivers an agent's inbox into the session it runs in (agent.session). With delivery "idle" a
 * message waits until the occupant is idle or done; "eager" types it at once; "none" never types.
 * Each message is pasted (bracketed when the program asked for it), confirmed by its text showing
 * in the session's output, then Enter is pressed and the message acknowledged. Without that echo
 * the message stays in the inbox and is tried again at the next idle.
 */
export class InboxDelivery {
  private busy = new Set<string>();

  constructor(
    private bus: Bus,
    private agents: AgentRegistry,
    private board: StatusBoard,
    private port: PastePort,
    private confirmMs = 1500,
  ) {
    bus.onInbox((agent) => queueMicrotask(() => void this.deliver(agent)));
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
    if (a.delivery === "eager") return a.session;
    const s = this.board.get(id).status;
    return s === "idle" || s === "done" ? a.session : undefined;
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
    try {
      for (;;) {
        const session = this.ready(agentName);
        if (!session) break;
        const [m] = this.bus.readInbox(agentName, { limit: 1 }).messages;
        if (!m) break;
        const id = this.port.sessionId(session)!;
        const text = formatForSession(m);
        const echo = this.echoed(id, text);
        await this.port.paste(session, text, this.board.pasteMode(id));
        if (!(await echo)) break;
        await this.port.enter(session);
        this.bus.ack(agentName, { seqs: [m.seq] });
        n++;
      }
    } catch {
      // the session went away or refused input: the message stays in the inbox
    } finally {
      this.busy.delete(agentName);
    }
    return n;
  }
}
