import { chmodSync, existsSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { openDatabase } from "../db/client.ts";
import { createApp } from "./app.ts";
import { platform, type Listener } from "./platform/index.ts";
import { AppError } from "./errors.ts";
import { ensureHome, pathsFor, type Paths } from "./paths.ts";
import type { Runtime } from "./runtime.ts";
import { SessionManager } from "./session/manager.ts";
import { interruptRunningCommands, lostSessionIds, runningSessionRows, updateSession } from "./session/store.ts";
import { sweepSessions } from "./session/containment.ts";
import { releaseMemoryState, sweepMemoryState } from "./session/memory-state.ts";
import { checkpointInWorker } from "./work/checkpoint.ts";
import { stopWorkers } from "./work/pool.ts";
import { VERSION } from "./version.ts";
import { startTokenizer } from "./work/background-tokens.ts";
import { createBusService } from "./bus/index.ts";
import { busLimits, busWriterThread } from "./bus/limits.ts";
import { installPersistence } from "./persist/hooks.ts";
import { restoreAll } from "./persist/restore.ts";
import { installTokenResolver } from "./security/tokens.ts";
import type { ClusterConfig } from "./cluster/config.ts";

export interface ServeOptions {
  home: string;
  port: number;
  host: string;
  noToken: boolean;
  /** Bring back every session that was live when the server last stopped. */
  restore: boolean;
  /** Join a cluster over NATS (server/cluster); null or absent: one machine, NATS never loaded. */
  cluster?: ClusterConfig | null;
  /** Print a line when listening (foreground `serve`). */
  onListening?(info: { url: string; port: number; socket: string }): void;
}

export interface RunningServer {
  rt: Runtime;
  url: string;
  stop(reason?: string): Promise<void>;
}

/** Reads the owner token, creating it (0600) on first start. */
export function ownerToken(paths: Paths): string {
  if (existsSync(paths.token)) {
    const t = readFileSync(paths.token, "utf8").trim();
    if (t) return t;
  }
  const t = randomBytes(24).toString("base64url");
  writeFileSync(paths.token, `${t}\n`, { mode: 0o600 });
  chmodSync(paths.token, 0o600);
  return t;
}

async function socketAnswers(socket: string): Promise<boolean> {
  try {
    const r = await platform.fetchUnix(socket, "http://localhost/api/status", { signal: AbortSignal.timeout(1000) });
    return r.ok || r.status === 401; // a server is there (it asks for the token)
  } catch {
    return false;
  }
}

/**
 * Starts the server: database, sessions, coordination, persistence, then HTTP on the Unix socket
 * (owner only, 0600) and on host:port (token required). One server per data directory.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  ensureHome(opts.home);
  const busBounds = busLimits(); // a bad AI_SESSION_BUS_* setting stops the start before anything listens
  busWriterThread();
  const paths = pathsFor(opts.home);
  if (existsSync(paths.socket)) {
    if (await socketAnswers(paths.socket)) {
      throw new AppError("conflict", `a server is already running for ${opts.home} (ai-session status; ai-session kill-server stops it)`);
    }
    unlinkSync(paths.socket);
  }
  // Listen on TCP first: a taken port fails before any state is opened. Requests wait for the app.
  let handler: ((req: Request, server: unknown) => Response | Promise<Response>) | undefined;
  const notReady = () => new Response(JSON.stringify({ error: { code: "unavailable", message: "the server is starting" } }), { status: 503 });
  let tcpServer: Listener;
  try {
    tcpServer = platform.serve({ hostname: opts.host, port: opts.port }, (req, server) =>
      handler ? handler(req, { transport: "tcp", server }) : notReady(),
    );
  } catch (err) {
    throw new AppError("unavailable", `cannot listen on ${opts.host}:${opts.port} (${(err as Error).message}); pick another with --port`);
  }
  // Joined before any state is opened: an unreachable NATS stops the start with one sentence.
  let joining: import("./cluster/index.ts").ClusterJoin | undefined;
  if (opts.cluster) {
    try {
      joining = await (await import("./cluster/index.ts")).joinCluster(opts.cluster);
    } catch (err) {
      await tcpServer.stop();
      throw err;
    }
  }
  const db = openDatabase(paths.db);
  const checkpoints = checkpointInWorker(db.$client, paths.db);
  const sessions = new SessionManager(db, paths);
  let stopping: Promise<void> | null = null;
  const bus = createBusService({ db, home: paths.home, sessions, inboxCapacity: busBounds.inbox, wrapTransport: joining?.wrapTransport });
  const rt: Runtime = {
    paths,
    db,
    sessions,
    bus,
    version: VERSION,
    startedAt: Date.now(),
    port: 0,
    ownerToken: ownerToken(paths),
    noToken: opts.noToken,
    shutdown: (reason) => (stopping ??= stop(reason)),
  };
  installTokenResolver();
  // Sessions the database still believes are running belong to a server that died: mark them lost.
  const orphaned = runningSessionRows(db);
  const persistence = installPersistence(rt);
  for (const row of orphaned) updateSession(db, row.id, { status: "lost", endedAt: Date.now() });
  sessions.removeLeftovers(); // their shells' rc and environment files (exported secrets) go too
  // ...with the commands they were running, and every process they left (a disowned job, a daemon).
  const interrupted = interruptRunningCommands(db);
  const lost = lostSessionIds(db);
  const swept = await sweepSessions(lost);
  // the state files in memory of this data directory's last server, and of any server that died
  // (its data directory may be gone), go too
  sweepMemoryState(paths.shellDir, lost);
  if (orphaned.length) console.error(`recovered from a stop without shutdown: ${orphaned.length} session(s) lost, ${interrupted} command(s) interrupted, ${swept} process(es) they left ended`);

  if (joining) rt.cluster = await joining.start(rt);
  const app = createApp(rt);
  handler = (req, env) => app.fetch(req, env as never);
  const unixServer = platform.serve({ unix: paths.socket }, (req, server) => app.fetch(req, { transport: "unix", server }));
  chmodSync(paths.socket, 0o600);
  rt.port = tcpServer.port;
  writeFileSync(paths.pidFile, JSON.stringify({ pid: process.pid, port: rt.port, host: opts.host, version: VERSION }), { mode: 0o600 });
  const url = `http://${opts.host === "0.0.0.0" ? "127.0.0.1" : opts.host}:${rt.port}/${opts.noToken ? "" : `?token=${rt.ownerToken}`}`;

  async function stop(reason: string): Promise<void> {
    try {
      persistence.snapshotAll("shutdown");
    } catch (err) {
      console.error(`could not save sessions before stopping: ${(err as Error).message}`);
    }
    persistence.stop();
    await sessions.killAll();
    releaseMemoryState(paths.shellDir);
    checkpoints.stop();
    stopWorkers();
    await rt.cluster?.close().catch(() => {});
    rt.bus.close();
    // The socket's name goes first: once it stops answering a client may start the next server, which
    // binds a new socket at that path; unlinking it afterwards would take the new server's away.
    try {
      unlinkSync(paths.socket);
    } catch {}
    await unixServer.stop();
    await tcpServer.stop();
    removeOwnPidFile(paths.pidFile);
    db.$client.close();
    if (reason) console.error(`ai-session server stopped (${reason})`);
  }

  if (opts.restore) {
    const restored = await restoreAll(rt);
    for (const r of restored) console.error(`restored ${JSON.stringify(r)}`);
  }
  opts.onListening?.({ url, port: rt.port, socket: paths.socket });
  // Load the tokenizer now, on a worker thread: no command waits for it (counts meanwhile are estimates).
  startTokenizer();
  return { rt, url, stop: (reason = "") => rt.shutdown(reason) };
}

export { pathsFor };

/** Removes the pid file when it still names this process (a next server may have written its own). */
function removeOwnPidFile(file: string): void {
  try {
    if ((JSON.parse(readFileSync(file, "utf8")) as { pid?: number }).pid === process.pid) unlinkSync(file);
  } catch {}
}
