import { hostname } from "node:os";
import { AppError } from "../errors.ts";

/** How this server joins a cluster: read from `serve` flags or the environment. No NATS here. */
export interface ClusterConfig {
  /** nats://[user:pass@|token@]host:port (tls:// for TLS); credentials stay out of what is shown. */
  url: string;
  node: string;
  /** Namespaces every subject, stream and bucket (two clusters can share one NATS). */
  name: string;
  /** Copies JetStream keeps of the bus stream and the buckets (AI_SESSION_CLUSTER_REPLICAS; NATS servers clustered together). */
  replicas: number;
  /** A NATS .creds file (JWT and nkey seed), from AI_SESSION_CLUSTER_CREDS. */
  credsFile?: string;
  /** How long a finished cluster task stays in the bucket (AI_SESSION_CLUSTER_TASK_KEEP, seconds; default a week). */
  taskKeepMs: number;
}

const WEEK_S = 7 * 24 * 3600;

/** Node and cluster names become subject tokens and bucket names: letters, digits, _ and -. */
export const CLUSTER_WORD = /^[A-Za-z0-9_-]{1,64}$/;

function word(value: string, what: string, flag: string): string {
  if (!CLUSTER_WORD.test(value)) throw new AppError("invalid", `${what} "${value}" must be letters, digits, _ or - (at most 64); pick another with ${flag}`);
  return value;
}

/** The cluster settings, or null when none is asked for (the default: one machine, no NATS). */
export function clusterConfig(
  flags: { cluster?: string; node?: string; clusterName?: string },
  env: Record<string, string | undefined> = process.env,
): ClusterConfig | null {
  const url = flags.cluster || env.AI_SESSION_CLUSTER;
  if (!url) return null;
  for (const one of url.split(",")) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(one.trim());
    } catch {
      // told below
    }
    if (!parsed || !["nats:", "tls:"].includes(parsed.protocol) || !parsed.hostname) {
      throw new AppError("invalid", `--cluster takes a NATS URL such as nats://127.0.0.1:4222 (several: comma-separated), not "${parsed ? shownUrl(one) : one}"`);
    }
  }
  const node = word(flags.node || env.AI_SESSION_NODE || hostname().split(".")[0]!, "the node name", "--node");
  const name = word(flags.clusterName || env.AI_SESSION_CLUSTER_NAME || "ai-session", "the cluster name", "--cluster-name");
  const credsFile = env.AI_SESSION_CLUSTER_CREDS || undefined;
  const replicas = Number(env.AI_SESSION_CLUSTER_REPLICAS || 1);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) throw new AppError("invalid", `AI_SESSION_CLUSTER_REPLICAS must be 1 to 5 (copies of each stream and bucket), not "${env.AI_SESSION_CLUSTER_REPLICAS}"`);
  const keep = Number(env.AI_SESSION_CLUSTER_TASK_KEEP || WEEK_S);
  if (!Number.isFinite(keep) || keep <= 0) throw new AppError("invalid", `AI_SESSION_CLUSTER_TASK_KEEP must be a number of seconds above 0 (how long a finished task stays), not "${env.AI_SESSION_CLUSTER_TASK_KEEP}"`);
  return { url, node, name, replicas, taskKeepMs: keep * 1000, ...(credsFile ? { credsFile } : {}) };
}

/** The URL (or comma-separated URLs) without user, password or token: what status and logs may show. */
export function shownUrl(url: string): string {
  return url.split(",").map((one) => shownOne(one.trim())).join(",");
}

function shownOne(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(unreadable URL)";
  }
}
