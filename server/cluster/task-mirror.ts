import type { NatsConnection } from "@nats-io/transport-node";
import type { KV, KvEntry } from "@nats-io/kv";
import type { ClusterTask } from "../cluster-port.ts";
import type { Row } from "./task-rules.ts";

/** How often the mirror is read whole again anyway: a watch can die quietly with its NATS server. */
const RESYNC_MS = 60_000;
/** Pause before a watch that ended is started again. */
const RETRY_MS = 1000;

/**
 * Every task of the bucket in memory, kept current by a KV watch instead of reading the bucket
 * whole at each use. A sync starts a watch from the bucket's next sequence, reads every key once,
 * and then applies what the watch delivered meanwhile and from then on; it runs at the start, at
 * every reconnect, when a watch ends, and every RESYNC_MS. A row is replaced only by a newer
 * revision, so the read, the watch and the board's own writes (put in at once by `put`, their
 * revision known from the answer) may arrive in any order. Reads here may trail another node's
 * write by the watch's delay; every write is still a compare-and-set on the revision read, and a
 * lost one refreshes its key (`refresh`).
 */
export class TaskMirror {
  private rows = new Map<string, Row>();
  private stopWatch: (() => void) | undefined;
  private syncing: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  private constructor(private kv: KV, private parse: (e: KvEntry) => ClusterTask) {}

  static async open(nc: NatsConnection, kv: KV, parse: (e: KvEntry) => ClusterTask): Promise<TaskMirror> {
    const m = new TaskMirror(kv, parse);
    await m.sync();
    m.timer = setInterval(() => void m.sync().catch(() => {}), RESYNC_MS);
    m.timer.unref?.();
    void (async () => {
      for await (const s of nc.status()) {
        if (m.closed) return;
        if (s.type === "reconnect") void m.sync().catch(() => {});
      }
    })();
    return m;
  }

  /** Every task, as last seen. */
  values(): Row[] {
    return [...this.rows.values()];
  }

  /** A write of this board: in at once (unless a newer revision is already here). */
  put(row: Row): void {
    apply(this.rows, row.task.id, row);
  }

  /** A key this board deleted at `revision`. */
  deleted(id: string, revision: number): void {
    apply(this.rows, id, null, revision);
  }

  /** Reads one key again (after a lost compare-and-set: someone else's newer write is here then). */
  async refresh(id: string): Promise<void> {
    const e = await this.kv.get(id);
    if (!e) {
      this.rows.delete(id); // nothing of the key is left in the bucket
      return;
    }
    if (e.operation === "PUT") this.put({ task: this.parse(e), revision: e.revision });
    else this.deleted(id, e.revision);
  }

  /** One sync at a time; a call during one shares it. */
  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.syncing ??= this.syncOnce().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const last = (await this.kv.status()).streamInfo.state.last_seq;
    const it = await this.kv.watch({ resumeFromRevision: last + 1 });
    const early: KvEntry[] = [];
    let fresh: Map<string, Row> | null = null;
    const stop = () => it.stop();
    void (async () => {
      try {
        for await (const e of it) {
          if (fresh) this.applyEntry(fresh, e); // the mirror itself, once the read is in
          else early.push(e);
        }
      } catch {
        // told below: a watch that ends is started again
      }
      if (this.stopWatch === stop && !this.closed) setTimeout(() => void this.sync().catch(() => {}), RETRY_MS).unref?.();
    })();
    try {
      const read = new Map<string, Row>();
      const keys: string[] = [];
      for await (const k of await this.kv.keys()) keys.push(k);
      await Promise.all(keys.map(async (k) => {
        const e = await this.kv.get(k);
        if (e?.operation === "PUT") apply(read, k, { task: this.parse(e), revision: e.revision });
      }));
      for (const e of early) this.applyEntry(read, e);
      early.length = 0;
      // what this board wrote meanwhile is newer than the read, or the watch has it too
      for (const [k, r] of this.rows) if (r.revision > last) apply(read, k, r);
      fresh = read;
      this.rows = read;
    } catch (err) {
      stop();
      throw err;
    }
    const old = this.stopWatch;
    this.stopWatch = stop;
    old?.();
  }

  private applyEntry(rows: Map<string, Row>, e: KvEntry): void {
    if (e.operation === "PUT") {
      try {
        apply(rows, e.key, { task: this.parse(e), revision: e.revision });
      } catch {
        // not a task of ours: skipped
      }
    } else apply(rows, e.key, null, e.revision);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.stopWatch?.();
    this.stopWatch = undefined;
  }
}

/** Puts a row (or removes the key, for a delete at `revision`) unless what is there is newer. */
function apply(rows: Map<string, Row>, key: string, row: Row | null, revision = row?.revision ?? 0): void {
  const cur = rows.get(key);
  if (cur && cur.revision >= revision) return;
  if (row) rows.set(key, row);
  else rows.delete(key);
}
