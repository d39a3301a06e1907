import type { SqliteDatabase as Database, SqliteStatement as Statement } from "../platform/index.ts";
import type { BusMessage } from "./message.ts";
import { AddQueue } from "./add-queue.ts";
import { StoreThread, type Committed } from "./store-thread.ts";
import { applyBatch, DELETE_CHUNK, prepareBatch, ROWS_PER_INSERT, type WriteBatch } from "../work/bus-writes.ts";

/** What the store asks of the inboxes when it writes: is the entry still there, where do they start. */
export interface InboxView {
  /** The message with this seq while it still waits in the agent's inbox. */
  held(agent: string, seq: number): BusMessage | undefined;
  /** Every seq of the agent's inbox below this one is gone. */
  floor(agent: string): number;
}

/** What the database holds of one agent's inbox: rows with seq in [deletedBelow, maxWritten] may exist. */
interface Written {
  maxWritten: number;
  deletedBelow: number;
}

export interface StoreOptions {
  /** An inbox entry is written once it has waited this long unacknowledged (most are acknowledged sooner). */
  inboxDelayMs: number;
  /** Rows written per transaction at most; the rest go in the next tick's (so no write holds the loop long). */
  rowsPerTransaction: number;
  /** Milliseconds of inserts per transaction at most (checked between multi-row inserts); the rest go in the next. */
  transactionMs: number;
  /** Least time between two transactions (a burst's writes gather into one). */
  minGapMs: number;
  /**
   * Write on a thread of its own with its own connection (where the database is a file and threads
   * run): the event loop only gathers rows. Off (the default), every write runs on the loop.
   */
  thread?: boolean;
}


/**
 * Write-behind persistence for the bus. Publishing only appends to a queue; what a tick queued is
 * written in one transaction at the end of that tick, in multi-row inserts, and at most one
 * transaction every `minGapMs` (a burst spread over many ticks is written in few, large ones).
 * Inbox entries are written only once they have waited `inboxDelayMs` unacknowledged: a live agent
 * acknowledges most messages before that, so its inbox costs no row at all. Acknowledgements and
 * evictions become one range delete per agent ("everything below the oldest still waiting").
 * `backlog` says how much waits; the connection pump stops reading publishers while it is high.
 * A crash loses at most the last few milliseconds of messages and the last `inboxDelayMs` of inbox
 * entries (their messages stay in the history); a clean stop writes everything.
 */
/** How the server's store writes (the writer thread only when asked: see busWriterThread in limits.ts). */
export const DEFAULT_STORE_OPTIONS: StoreOptions = { inboxDelayMs: 1_000, rowsPerTransaction: 5_000, transactionMs: 3, minGapMs: 10, thread: false };

export class BusStore {
  private messages: BusMessage[] = [];
  private payloads: string[] = [];
  /** Inbox entries to write once they have waited inboxDelayMs (the message id is taken from the inbox then). */
  private adds = new AddQueue();
  private rows = new Map<string, Written>();
  /** Agents whose inbox lost entries from its start (acks up to, evictions): one range delete each. */
  private floorDirty = new Set<string>();
  /** Entries removed from the middle of an inbox after they were written. */
  private removals: Array<{ agent: string; seq: number }> = [];
  private tickQueued = false;
  private lastFlush = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private view: InboxView = { held: () => undefined, floor: () => 0 };
  private insertMessage: Statement;
  private insertMessages: Statement;
  private insertInbox: Statement;
  private insertInboxes: Statement;
  private deleteInbox: Statement;
  private deleteBelow: Statement;
  private thread: StoreThread | null = null;
  /** Highest seq of a message committed to the database (every lower persisted one is too). */
  private durableSeq = 0;
  /** Highest seq handed to the database (posted or written). */
  private queuedSeq = 0;
  /** Waiters for a message to be on disk, in seq order. */
  private durableWaiters: Array<{ seq: number; fn: () => void }> = [];
  written = 0;
  inboxRowsWritten = 0;
  transactions = 0;
  /** The longest transaction so far, in ms. */
  longestMs = 0;

  constructor(
    private sqlite: Database,
    private opts: StoreOptions = DEFAULT_STORE_OPTIONS,
  ) {
    const st = prepareBatch(sqlite);
    this.insertMessage = st.insertMessage;
    this.insertMessages = st.insertMessages;
    this.insertInbox = st.insertInbox;
    this.insertInboxes = st.insertInboxes;
    this.deleteInbox = st.deleteInbox;
    this.deleteBelow = st.deleteBelow;
    this.durableSeq = this.maxSeq();
    if (opts.thread) {
      this.thread = StoreThread.start(
        sqlite.filename,
        (c) => this.onCommitted(c),
        (b) => applyBatch(sqlite, st, b),
      );
    }
  }

  /** Whether writes run on the writer thread (false: on the event loop). */
  get threaded(): boolean {
    return this.thread?.running ?? false;
  }

  /**
   * Calls fn once the message with this seq is committed to the database (at once if it is, or if
   * it was never to be written). A commit in WAL mode with synchronous=NORMAL survives the server's
   * crash (SIGKILL, OOM); a power loss may undo the last ones.
   */
  whenDurable(seq: number, fn: () => void): void {
    if (seq <= this.durableSeq || seq > this.queuedSeq) fn();
    else this.durableWaiters.push({ seq, fn });
  }

  private markDurable(seq: number): void {
    if (seq <= this.durableSeq) return;
    this.durableSeq = seq;
    const w = this.durableWaiters;
    let i = 0;
    while (i < w.length && w[i]!.seq <= seq) i++;
    if (i === 0) return;
    const due = i === w.length ? w : w.slice(0, i);
    this.durableWaiters = i === w.length ? [] : w.slice(i);
    for (const d of due) d.fn();
  }

  private onCommitted(c: Committed): void {
    this.transactions++;
    if (c.ms > this.longestMs) this.longestMs = c.ms;
    if (c.maxSeq) this.markDurable(c.maxSeq);
  }

  /** The inboxes the store writes for (set by the transport that owns them). */
  attach(view: InboxView): void {
    this.view = view;
  }

  /** Rows waiting to be written. */
  get pending(): number {
    return this.messages.length + this.adds.size + this.removals.length + this.floorDirty.size;
  }

  /** Whether the writer is behind: publishers should wait (see pump.ts). */
  get backlog(): number {
    return this.messages.length + this.removals.length + (this.thread ? this.thread.inFlightRows : 0);
  }

  message(m: BusMessage, payload: string): void {
    this.queuedSeq = m.seq;
    this.messages.push(m);
    this.payloads.push(payload);
    this.soon();
  }

  /** The message reached these agents' inboxes (an agent not holding it at write time is skipped). */
  inboxAdd(agents: string | readonly string[], m: BusMessage): void {
    if (agents.length === 0) return;
    this.adds.push(agents, m.seq, m.time);
    if (!this.timer) this.timer = setTimeout(() => this.onTimer(), this.opts.inboxDelayMs);
  }

  /** Rows found in the database at start. */
  restored(agent: string, seq: number): void {
    const w = this.writtenOf(agent);
    if (seq > w.maxWritten) w.maxWritten = seq;
  }

  private writtenOf(agent: string): Written {
    let w = this.rows.get(agent);
    if (!w) this.rows.set(agent, (w = { maxWritten: 0, deletedBelow: 0 }));
    return w;
  }

  /** Entries left the start of the agent's inbox (acknowledged up to a seq, or pushed out). */
  inboxShrunk(agent: string): void {
    this.floorDirty.add(agent);
    this.soon();
  }

  /** An entry left the middle of the agent's inbox (acknowledged on its own). */
  inboxRemove(agent: string, seq: number): void {
    const w = this.rows.get(agent);
    if (!w || seq > w.maxWritten || seq < w.deletedBelow) return; // never written (its add, if queued, will find it gone)
    this.removals.push({ agent, seq });
    this.soon();
  }

  /** At the end of this tick, or when the last transaction is minGapMs old: a burst fills fewer, larger ones. */
  private soon(behind = false): void {
    if (this.tickQueued) return;
    this.tickQueued = true;
    const run = () => {
      this.tickQueued = false;
      this.flush();
    };
    // a transaction that stopped at its time limit with a full one still waiting: the next one
    // comes at the next turn of the loop (after whatever else waits), not minGapMs later
    const wait = behind ? 0 : this.lastFlush + this.opts.minGapMs - performance.now();
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  /**
   * Inbox entries came due: written with the next transaction, which keeps to minGapMs like any
   * other (under steady traffic one comes due every few microseconds; a transaction for each, as a
   * timer of its own would make, costs a commit apiece).
   */
  private onTimer(): void {
    this.timer = null;
    this.soon();
  }

  /**
   * Writes what is due in one transaction: queued messages, inbox entries that have waited
   * inboxDelayMs (every one with `all`), range deletes and removals. At most rowsPerTransaction
   * rows; what is left goes next tick.
   */
  flush(all = false): void {
    if (this.pending === 0) return;
    if (this.thread?.running) {
      this.post(all);
      return;
    }
    this.lastFlush = performance.now();
    const due = all ? Infinity : Date.now() - this.opts.inboxDelayMs;
    let budget = all ? Infinity : this.opts.rowsPerTransaction;
    const deadline = all ? Infinity : this.lastFlush + this.opts.transactionMs;
    this.sqlite.transaction(() => {
      budget -= this.writeMessages(budget, deadline);
      budget -= this.writeAdds(due, budget, deadline);
      this.writeFloors(deadline);
      const removals = this.removals;
      this.removals = [];
      for (const r of removals) if (r.seq >= (this.rows.get(r.agent)?.deletedBelow ?? 0)) this.deleteInbox.run(r.agent, r.seq);
    })();
    this.transactions++;
    const took = performance.now() - this.lastFlush;
    if (took > this.longestMs) this.longestMs = took;
    this.markDurable(this.writtenSeq);
    this.reschedule(due);
  }

  /** Highest seq the inline writer has written (committed once its transaction ends). */
  private writtenSeq = 0;

  /** What is left after a transaction: the next one soon, or the timer of the next inbox entries due. */
  private reschedule(due: number): void {
    if (this.messages.length || this.removals.length || this.floorDirty.size) this.soon(this.messages.length >= ROWS_PER_INSERT * 8 || this.floorDirty.size > 0);
    // inbox entries already due wait for the next transaction, not for the timer
    else if (this.adds.size && this.adds.firstAt() <= due) this.soon();
    if (this.adds.size && !this.timer) {
      const wait = Math.max(this.opts.minGapMs, this.adds.firstAt() + this.opts.inboxDelayMs - Date.now());
      this.timer = setTimeout(() => this.onTimer(), wait);
    }
  }

  /**
   * Range deletes of inbox starts (acknowledged up to, pushed out), at most DELETE_CHUNK rows a
   * statement and no new statement past `deadline`: a hundred readers acknowledging a flood they
   * read late move their floors past tens of thousands of written rows, which in one go held a
   * transaction, and the event loop, for most of a second. What is left waits for the next one.
   */
  private writeFloors(deadline: number): void {
    let statements = 0;
    for (const agent of this.floorDirty) {
      const w = this.rows.get(agent);
      const floor = this.view.floor(agent);
      // rows exist only between deletedBelow and maxWritten: no statement when none can be below the floor
      let more = !!w && floor > w.deletedBelow && w.maxWritten >= w.deletedBelow;
      while (more && (statements === 0 || performance.now() < deadline)) {
        statements++;
        more = this.deleteBelow.run(agent, floor, DELETE_CHUNK).changes >= DELETE_CHUNK;
      }
      if (more) return; // out of time: this agent and the rest go in the next transaction
      if (w && floor > w.deletedBelow) w.deletedBelow = floor;
      this.floorDirty.delete(agent);
    }
  }

  /** Writes the oldest queued messages, up to `budget` rows or past `deadline`; returns how many. */
  private writeMessages(budget: number, deadline: number): number {
    let n = Math.min(budget, this.messages.length);
    if (n === 0) return 0;
    const ms = this.messages;
    const ps = this.payloads;
    const args: unknown[] = new Array(ROWS_PER_INSERT * 10);
    let i = 0;
    for (; i + ROWS_PER_INSERT <= n; i += ROWS_PER_INSERT) {
      for (let j = 0; j < ROWS_PER_INSERT; j++) fillMessage(args, j * 10, ms[i + j]!, ps[i + j]!);
      this.insertMessages.run(...(args as never[]));
      if (performance.now() >= deadline) n = i + ROWS_PER_INSERT;
    }
    for (; i < n; i++) {
      fillMessage(args, 0, ms[i]!, ps[i]!);
      this.insertMessage.run(...(args.slice(0, 10) as never[]));
    }
    if (n) this.writtenSeq = ms[n - 1]!.seq;
    if (ms.length === n) (this.messages = []), (this.payloads = []);
    else (this.messages = ms.slice(n)), (this.payloads = ps.slice(n));
    this.written += n;
    return n;
  }

  /**
   * The threaded flush: gathers what is due (as the inline one chooses it) into flat rows and posts
   * them to the writer thread as one transaction; the loop never waits for SQLite.
   */
  private post(all: boolean): void {
    this.lastFlush = performance.now();
    const due = all ? Infinity : Date.now() - this.opts.inboxDelayMs;
    let budget = all ? Infinity : this.opts.rowsPerTransaction;
    const b: WriteBatch = { id: this.thread!.nextId(), messages: [], inbox: [], floors: [], removals: [], maxSeq: 0 };
    // messages
    const n = Math.min(budget, this.messages.length);
    for (let i = 0; i < n; i++) {
      const o = b.messages.length;
      b.messages.length = o + 10;
      fillMessage(b.messages, o, this.messages[i]!, this.payloads[i]!);
    }
    if (n) b.maxSeq = this.messages[n - 1]!.seq;
    if (this.messages.length === n) (this.messages = []), (this.payloads = []);
    else (this.messages = this.messages.slice(n)), (this.payloads = this.payloads.slice(n));
    this.written += n;
    budget -= n;
    // inbox entries that waited long enough
    const rows: Array<[string, number, string]> = [];
    let k = 0;
    for (const n = this.adds.size; k < n && rows.length < budget; ) {
      if (this.adds.atOf(k) > due) break;
      this.addRows(rows, k++);
    }
    this.adds.drop(k);
    for (const r of rows) b.inbox.push(r[0], r[1], r[2]);
    this.inboxRowsWritten += rows.length;
    // range deletes: whole, on the thread
    for (const agent of this.floorDirty) {
      const w = this.rows.get(agent);
      const floor = this.view.floor(agent);
      if (w && floor > w.deletedBelow && w.maxWritten >= w.deletedBelow) b.floors.push(agent, floor);
      if (w && floor > w.deletedBelow) w.deletedBelow = floor;
    }
    this.floorDirty.clear();
    for (const r of this.removals) if (r.seq >= (this.rows.get(r.agent)?.deletedBelow ?? 0)) b.removals.push(r.agent, r.seq);
    this.removals = [];
    if (b.messages.length || b.inbox.length || b.floors.length || b.removals.length) this.thread!.post(b);
    this.reschedule(due);
  }

  /** The rows of the k-th oldest entry: each agent it reached that still holds it. */
  private addRows(rows: Array<[string, number, string]>, k: number): void {
    const agents = this.adds.agentsOf(k);
    const seq = this.adds.seqOf(k);
    if (typeof agents === "string") this.addRow(rows, agents, seq);
    else for (const agent of agents) this.addRow(rows, agent, seq);
  }

  private addRow(rows: Array<[string, number, string]>, agent: string, seq: number): void {
    const m = this.view.held(agent, seq);
    if (!m) return;
    rows.push([agent, seq, m.id]);
    const w = this.writtenOf(agent);
    if (seq > w.maxWritten) w.maxWritten = seq;
  }

  /** Writes the inbox entries that are due, up to about `budget` rows or past `deadline`; returns how many. */
  private writeAdds(due: number, budget: number, deadline: number): number {
    const rows: Array<[string, number, string]> = [];
    const args: unknown[] = new Array(ROWS_PER_INSERT * 3);
    let inserted = 0;
    let k = 0;
    // rows go in as soon as a multi-row insert is full; the clock is read after each insert and
    // every 64 entries (one entry is a message to as many agents as its topic has; most entries
    // of a reader that keeps up are acknowledged already and make no row)
    for (const n = this.adds.size; k < n && rows.length < budget; ) {
      if (this.adds.atOf(k) > due) break;
      this.addRows(rows, k++);
      const full = inserted + ROWS_PER_INSERT <= rows.length;
      for (; inserted + ROWS_PER_INSERT <= rows.length; inserted += ROWS_PER_INSERT) {
        for (let j = 0; j < ROWS_PER_INSERT; j++) {
          const r = rows[inserted + j]!;
          (args[j * 3] = r[0]), (args[j * 3 + 1] = r[1]), (args[j * 3 + 2] = r[2]);
        }
        this.insertInboxes.run(...(args as never[]));
      }
      if ((full || (k & 63) === 0) && performance.now() >= deadline) break;
    }
    this.adds.drop(k);
    for (; inserted < rows.length; inserted++) this.insertInbox.run(...rows[inserted]!);
    this.inboxRowsWritten += rows.length;
    return rows.length;
  }


  maxSeq(): number {
    const r = this.sqlite.query<{ s: number | null }, []>("SELECT MAX(seq) AS s FROM bus_messages").get();
    return r?.s ?? 0;
  }

  /** Unacknowledged inbox entries with their messages, oldest first, for restoring at start. */
  loadInboxes(): Array<{ agent: string; m: BusMessage }> {
    return this.sqlite
      .query<Row & { agent: string }, []>("SELECT i.agent, m.* FROM bus_inbox i JOIN bus_messages m ON m.seq = i.seq ORDER BY i.seq")
      .all()
      .map((r) => ({ agent: r.agent, m: rowToMessage(r) }));
  }

  history(q: { agent?: string; topic?: string; type?: string; afterSeq?: number; limit: number; viewer?: { name: string; topics: readonly string[] } }): BusMessage[] {
    while (this.messages.length) this.flush();
    this.thread?.sync();
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
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    // after a seq: the next `limit` (a poller that fell behind pages forward); else the newest `limit`
    const sql = q.afterSeq != null
      ? `SELECT * FROM bus_messages ${filter} ORDER BY seq LIMIT ?`
      : `SELECT * FROM (SELECT * FROM bus_messages ${filter} ORDER BY seq DESC LIMIT ?) ORDER BY seq`;
    return this.sqlite.query<Row, (string | number)[]>(sql).all(...args, q.limit).map(rowToMessage);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.pending) this.flush(true);
    this.thread?.close();
    this.thread = null;
    this.markDurable(this.queuedSeq);
  }
}

function fillMessage(args: unknown[], o: number, m: BusMessage, payload: string): void {
  args[o] = m.seq;
  args[o + 1] = m.id;
  args[o + 2] = m.type;
  args[o + 3] = m.sender;
  args[o + 4] = m.to ?? null;
  args[o + 5] = m.topic ?? null;
  args[o + 6] = m.broadcast ? 1 : 0;
  args[o + 7] = m.correlation_id ?? null;
  args[o + 8] = payload;
  args[o + 9] = m.time;
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
