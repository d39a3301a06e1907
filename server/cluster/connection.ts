import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { AppError } from "../errors.ts";
import { shownUrl, type ClusterConfig } from "./config.ts";

/** Every subject, stream and bucket name of one cluster, in one place. */
export function names(cluster: string, replicas = 1) {
  return {
    /** Copies of the stream and of each bucket (JetStream on clustered NATS servers). */
    replicas,
    stream: `AIS_${cluster}_BUS`,
    busAll: `ais.${cluster}.bus.>`,
    /** A message for one agent, addressed to the node it runs on. */
    busTo: (node: string) => `ais.${cluster}.bus.to.${node}`,
    /** A topic message or broadcast, from the node that sent it. */
    busFan: (origin: string) => `ais.${cluster}.bus.fan.${origin}`,
    busFanAll: `ais.${cluster}.bus.fan.>`,
    /** The durable consumer of what is addressed to a node's agents (bus.to.NODE). */
    durable: (node: string) => `node-${node}`,
    /** The durable consumer of every node's topic messages and broadcasts, for one node. */
    fanDurable: (node: string) => `fan-${node}`,
    nodesBucket: `ais-${cluster}-nodes`,
    tasksBucket: `ais-${cluster}-tasks`,
    knowledgeBucket: `ais-${cluster}-knowledge`,
    call: (node: string) => `ais.${cluster}.node.${node}.call`,
    /** One part of a request too large for one message: `…put.ID.INDEX.COUNT.BYTES` (parts.ts). */
    put: (node: string) => `ais.${cluster}.node.${node}.put`,
    /** A live terminal relayed to a viewer on another node: output (and events), and input. */
    termOut: (id: string) => `ais.${cluster}.term.${id}.out`,
    termIn: (id: string) => `ais.${cluster}.term.${id}.in`,
  };
}
export type Names = ReturnType<typeof names>;

/**
 * Connects to NATS with the credentials the configuration carries: user:password or a token in
 * the URL (the client reads them from it), or a .creds file (AI_SESSION_CLUSTER_CREDS).
 * Reconnects for ever once connected; the first connection fails fast with one sentence.
 */
export async function connectCluster(cfg: ClusterConfig): Promise<NatsConnection> {
  const urls = cfg.url.split(",").map((one) => new URL(one.trim()));
  const u = urls[0]!; // credentials and TLS: as the first URL says
  const servers = urls.map((x) => `${x.hostname}:${x.port || "4222"}`);
  const auth: Record<string, unknown> = {};
  if (u.username && u.password) Object.assign(auth, { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) });
  else if (u.username) auth.token = decodeURIComponent(u.username);
  if (cfg.credsFile) {
    let creds: Uint8Array;
    try {
      creds = readFileSync(cfg.credsFile);
    } catch (err) {
      throw new AppError("invalid", `cannot read the NATS credentials file ${cfg.credsFile} (${(err as Error).message})`);
    }
    auth.authenticator = credsAuthenticator(creds);
  }
  try {
    return await connect({
      servers,
      name: `ai-session ${cfg.name}/${cfg.node}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 5000,
      ...(u.protocol === "tls:" ? { tls: {} } : {}),
      ...auth,
    });
  } catch (err) {
    throw new AppError("unavailable", `cannot join the cluster at ${shownUrl(cfg.url)} (${(err as Error).message}); is nats-server running with -js?`);
  }
}

/** Whether the connection is up now: follows NATS's disconnect and reconnect events. */
export function connectedFlag(nc: NatsConnection): () => boolean {
  let up = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") up = false;
      else if (s.type === "reconnect") up = true;
    }
  })();
  return () => up && !nc.isClosed();
}

/** Whether a KV write lost its compare-and-set (another node wrote the key first). */
export function lostRace(err: unknown): boolean {
  return /wrong last sequence|key exists/i.test((err as Error).message ?? "");
}

/**
 * Makes a stream or bucket, trying again for a while: JetStream on clustered NATS servers refuses
 * for a moment while it places a new stream's copies, which is when several nodes start at once.
 */
export async function settled<T>(make: () => Promise<T>, tries = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await make();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 500));
    }
  }
}
