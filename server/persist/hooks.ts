import type { PersistServices } from "./services.ts";
import type { Session } from "../session/session.ts";
import { retentionTracker } from "./history.ts";
import { envSettled, screenOf } from "./session-state.ts";
import { captureSession, forgetScreen, retireSnapshots, saveDocument, type SnapshotReason } from "./snapshot.ts";

/**
 * Automatic persistence, wired to the session events:
 * - a snapshot when a session starts, after every command (at most one a second per session),
 *   and every AI_SESSION_SNAPSHOT_INTERVAL seconds (default 30, 0 = off) while output flows;
 * - automatic snapshots of all sessions together take at most ~2.5% of a core: they are taken one
 *   at a time, each followed by a pause that grows with its cost, so a hundred busy sessions get
 *   theirs less often instead of starving the commands they record;
 * - a snapshot of every live session when the server shuts down;
 * - a session that ends by choice (kill, exit) is not brought back by `serve --restore`; a shell that
 *   ended before its session was announced (a start or restore that failed) ended no session, so
 *   its id's snapshots stay restorable (a restore reuses the snapshot's id);
 * - the history retention cap after every command (a running total per session, not a re-sum).
 */
export interface Persistence {
  /** Snapshots every live session now (used at shutdown). */
  snapshotAll(reason: SnapshotReason): number;
  stop(): void;
}

const MIN_GAP_MS = 1000;
/** A session's automatic snapshots use at most ~1% of a core: the gap grows with their cost. */
const COST_FACTOR = 100;
/** All sessions' automatic snapshots together use at most ~2.5% of a core (1 / GLOBAL_FACTOR). */
const GLOBAL_FACTOR = 40;

export function intervalSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.AI_SESSION_SNAPSHOT_INTERVAL ?? "30");
  return Number.isFinite(n) && n >= 0 ? n : 30;
}

export function installPersistence(rt: PersistServices): Persistence {
  const events = rt.sessions.events;
  const dirty = new Set<string>();
  const lastAt = new Map<string, number>();
  const costMs = new Map<string, number>();
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** Sessions announced by "session:created": only these can end by choice. */
  const announced = new Set<string>();
  const retention = retentionTracker(rt.db);
  let shuttingDown = false;
  // Sessions due for an automatic snapshot, oldest first, taken one at a time by `pump`.
  const due = new Map<string, SnapshotReason>();
  let snapping = false;
  let nextSlotAt = 0;
  let slotTimer: ReturnType<typeof setTimeout> | undefined;

  const byId = (id: string): Session | undefined => rt.sessions.byId(id);

  const report = (session: Session, err: unknown) =>
    console.error(`persist: could not snapshot ${session.name}: ${err instanceof Error ? err.message : err}`);

  /** Synchronous snapshot (shutdown: the shells end right after). */
  const snapNow = (session: Session, reason: SnapshotReason) => {
    if (!session.alive) return false;
    try {
      saveDocument(rt.db, captureSession(rt, session, reason));
      return true;
    } catch (err) {
      report(session, err);
      return false;
    }
  };

  /** Snapshot with a fresh screen capture (automatic snapshots); returns the milliseconds it cost. */
  const snap = async (id: string, reason: SnapshotReason): Promise<number> => {
    const session = byId(id);
    if (!session?.alive) return 0;
    lastAt.set(id, Date.now());
    dirty.delete(id);
    try {
      const [screen] = await Promise.all([screenOf(session), envSettled(session, rt.db)]);
      if (shuttingDown || !session.alive) return 0;
      const started = performance.now();
      saveDocument(rt.db, captureSession(rt, session, reason, screen));
      const cost = performance.now() - started;
      costMs.set(id, cost);
      return cost;
    } catch (err) {
      if (session.alive) report(session, err);
      return 0;
    }
  };

  /** Takes the next due snapshot when the global budget allows, one at a time. */
  const pump = () => {
    if (snapping || shuttingDown || due.size === 0 || slotTimer) return;
    const wait = nextSlotAt - Date.now();
    if (wait > 0) {
      slotTimer = setTimeout(() => {
        slotTimer = undefined;
        pump();
      }, wait);
      (slotTimer as { unref?: () => void }).unref?.();
      return;
    }
    const [id, reason] = due.entries().next().value!;
    due.delete(id);
    snapping = true;
    void snap(id, reason).then((cost) => {
      snapping = false;
      nextSlotAt = Date.now() + cost * (GLOBAL_FACTOR - 1);
      pump();
    });
  };
  const enqueue = (id: string, reason: SnapshotReason) => {
    if (shuttingDown || due.has(id)) return;
    due.set(id, reason);
    pump();
  };

  /**
   * At most one snapshot a second per session (longer when snapshots are costly: ~1% of a core at
   * most); a burst of commands ends with one trailing snapshot.
   */
  const soon = (id: string, reason: SnapshotReason) => {
    if (shuttingDown || pending.has(id) || due.has(id)) return;
    const gap = Math.max(MIN_GAP_MS, (costMs.get(id) ?? 0) * COST_FACTOR);
    const wait = Math.max(0, (lastAt.get(id) ?? 0) + gap - Date.now());
    const t = setTimeout(() => {
      pending.delete(id);
      enqueue(id, reason);
    }, wait);
    (t as { unref?: () => void }).unref?.();
    pending.set(id, t);
  };

  const onCreated = (info: { id: string }) => {
    announced.add(info.id);
    // restorable from the moment create returns: a crash before the first automatic snapshot (a
    // session flooding output at once may wait long for its turn) must not lose it
    const session = byId(info.id);
    if (session && snapNow(session, "command")) lastAt.set(info.id, Date.now());
    soon(info.id, "command");
  };
  const onOutput = (id: string) => dirty.add(id);
  const onCommandEnd = (id: string, record: { id: number }) => {
    try {
      retention.commandEnded(id, record.id);
    } catch (err) {
      console.error(`persist: retention failed: ${err instanceof Error ? err.message : err}`);
    }
    soon(id, "command");
  };
  const onEnded = (info: { id: string }) => {
    if (shuttingDown) return;
    const t = pending.get(info.id);
    if (t) clearTimeout(t);
    pending.delete(info.id);
    due.delete(info.id);
    dirty.delete(info.id);
    forgetScreen(info.id);
    costMs.delete(info.id);
    lastAt.delete(info.id);
    retention.forget(info.id);
    if (announced.delete(info.id)) retireSnapshots(rt.db, info.id);
  };
  const snapshotAll = (reason: SnapshotReason) => {
    let n = 0;
    for (const s of rt.sessions.list()) if (snapNow(s, reason)) n++;
    return n;
  };
  const onShutdown = () => {
    shuttingDown = true;
    for (const t of pending.values()) clearTimeout(t);
    pending.clear();
    due.clear();
    if (slotTimer) clearTimeout(slotTimer);
    snapshotAll("shutdown");
  };

  events.on("session:created", onCreated);
  events.on("output", onOutput);
  events.on("command:end", onCommandEnd);
  events.on("session:ended", onEnded);
  events.on("shutdown", onShutdown);

  const every = intervalSeconds();
  const timer = every > 0 ? setInterval(() => {
    for (const id of [...dirty]) if ((lastAt.get(id) ?? 0) + every * 1000 <= Date.now()) enqueue(id, "interval");
  }, Math.max(250, Math.min(every * 1000, 5000))) : undefined;
  (timer as { unref?: () => void } | undefined)?.unref?.();

  return {
    snapshotAll,
    stop() {
      if (timer) clearInterval(timer);
      if (slotTimer) clearTimeout(slotTimer);
      for (const t of pending.values()) clearTimeout(t);
      events.off("session:created", onCreated);
      events.off("output", onOutput);
      events.off("command:end", onCommandEnd);
      events.off("session:ended", onEnded);
      events.off("shutdown", onShutdown);
    },
  };
}
