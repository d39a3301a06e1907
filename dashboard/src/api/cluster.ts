import { get } from "./client.ts";

/** The node this server is in a cluster (GET /api/status, asked once), or null on one machine. */
let asked: Promise<string | null> | undefined;
export const clusterNode = (): Promise<string | null> =>
  (asked ??= get<{ cluster?: { node: string } | null }>("/api/status").then((st) => st.cluster?.node ?? null, () => ((asked = undefined), null)));
