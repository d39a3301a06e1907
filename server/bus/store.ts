import type { Database, Statement } from "bun:sqlite";
import type { BusMessage } from "./message.ts";

type Op =
  | { k: 0; m: BusMessage; payload: string }
  | { k: 1; agent: string; seq: number; id: string }
  | { k: 2; agent: string; seq: number };

/**
 * Write-behind persistence for the bus: publishing only appends to a queue; the queue is written in
 * one transaction every `intervalMs`, or at once when it reaches `batch` entries. Past `maxPending`
 * the publisher itself writes (back-pressure), so memory stays bounded when SQLite cannot keep up.
 */
export class BusStore {
  private queue: Op[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private insertMessage: Statement;
  private insertInbox: Statement;
  private deleteInbox: Statement;
  written = 0;

  constructor(
    private sqlite: Database,
    private opts: { intervalMs: number; batch: number; maxPending: number } = { intervalMs: 20, batch: 100_000, maxPending: 200_000 },
  ) {
    this.insertMessage = sqlite.prepare(
      "INSERT OR IGNORE INTO bus_messages (seq, id, type, sender, to_agent, topic, broadcast, correlation_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertInbox = sqlite.prepare("INSERT OR IGNORE INTO bus_inbox (agent, seq, message_id) VALUES (?, ?, ?)");
    this.deleteInbox = sqlite.prepare("DELETE FROM bus_inbox WHERE agent = ? AND seq = ?");
  }

  get pending(): number {
    return this.queue.length;
  }

  message(m: BusMessage, payload: string): void {
    this.enqueue({ k: 0, m, payload });
  }

  inboxAdd(agent: string, m: BusMessage): void {
    this.enqueue({ k: 1, agent, seq: m.seq, id: m.id });
  }

  inboxRemove(agent: string, seq: number): void {
    this.enqueue({ k: 2, agent, seq });
  }

  private enqueue(op: Op): void {
    this.queue.push(op);
    const n = this.queue.length;
    if (n >= this.opts.maxPending || n >= this.opts.batch) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.opts.intervalMs);
  }

  /** Writes everything queued, in one transaction. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return;
    const ops = this.queue;
    this.queue = [];
    this.sqlite.transaction(() => {
      for (const op of ops) {
        if (op.k === 0) {
          const m = op.m;
          this.insertMessage.run(
            m.seq, m.id, m.type, m.sender, m.to ?? null, m.topic ?? null, m.broadcast ? 1 : 0, m.correlation_id ?? null, op.payload, m.time,
          );
          this.written++;
        } else if (op.k === 1) this.insertInbox.run(op.agent, op.seq, op.id);
        else this.deleteInbox.run(op.agent, op.seq);
      }
    })();
  }

  maxSeq(): number {
    const r = this.sqlite.query<{ s: number | null }, []>("SELECT MAX(seq) AS s FROM bus_messages").get();
    return r?.s ?? 0;
  }

  /** Unacknowledged inbox entries with their messages, oldest first, for restoring at start. */
  loadInboxes(): Array<{ agent: string; m: BusMessage }> {
    return this.sqlite
      .query<Row & { agent: string }, []>(
        "SELECT i.agent, m.* FROM bus_inbox i JOIN bus_messages m ON m.seq = i.seq ORDER BY i.seq",
      )
      .all()
      .map((r) => ({ agent: r.agent, m: rowToMessage(r) }));
  }

  history(q: { agent?: string; topic?: string; type?: string; afterSeq?: number; limit: number; viewer?: { name: string; topics: readonly string[] } }): BusMessage[] {
    this.flush();
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.viewer) {
      // what this viewer may see: its own messages, broadcasts, its topics (see visibleTo in bus.ts)
      const topics = [...q.viewer.topics];
      where.push(`(to_agent = ? OR sender = ? OR broadcast = 1${topics.length ? ` OR topic IN (${topics.map(() => "?").join(", ")})` : ""})`);
      args.push(q.viewer.name, q.viewer.name, ...topics);
    }
    if (q.agent) {
      where.push("(to_agent = ? OR sender = ? OR broadcast = 1)");
      args.push(q.agent, q.agent);
    }
    if (q.topic) where.push("topic = ?"), args.push(q.topic);
    if (q.type) where.push("type = ?"), args.push(q.type);
    if (q.afterSeq != null) where.push("seq > ?"), args.push(q.afterSeq);
    const sql = `SELECT * FROM (SELECT * FROM bus_messages ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?) ORDER BY seq`;
    return this.sqlite.query<Row, (string | number)[]>(sql).all(...args, q.limit).map(rowToMessage);
  }

  close(): void {
    this.flush();
  }
}

interface Row {
  seq: number;
  id: string;
  type: string;
  sender: string;
  to_agent: string | null;
  topic: string | null;
  broadcast: number;
  correlation_id: string | null;
  payload: string;
  created_at: number;
}

function rowToMessage(r: Row): BusMessage {
  const m: BusMessage = {
    id: r.id,
    seq: r.seq,
    type: r.type as BusMessage["type"],
    sender: r.sender,
    payload: JSON.parse(r.payload),
    time: r.created_at,
  };
  if (r.to_agent) m.to = r.to_agent;
  if (r.topic) m.topic = r.topic;
  if (r.broadcast) m.broadcast = true;
  if (r.correlation_id) m.correlation_id = r.correlation_id;
  return m;
}
