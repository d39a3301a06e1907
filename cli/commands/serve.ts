import { defineCommand } from "citty";
import { AppError } from "../../server/errors.ts";
import { globalArgs, printJson, runCommand } from "./_shared.ts";

export default defineCommand({
  meta: { name: "serve", description: "Run the server in the foreground and print the dashboard URL" },
  args: {
    ...globalArgs,
    port: { type: "string", description: "TCP port for the dashboard and HTTP clients (0 picks a free one)", default: "7447" },
    host: { type: "string", description: "address to listen on", default: "127.0.0.1" },
    token: { type: "boolean", description: "require the token on TCP (--no-token turns it off)", default: true },
    restore: { type: "boolean", description: "bring back every session that was live when the server last stopped" },
    cluster: { type: "string", description: "join a cluster: NATS URL nats://[user:pass@|token@]HOST:PORT, tls:// for TLS (or AI_SESSION_CLUSTER; a .creds file in AI_SESSION_CLUSTER_CREDS)", valueHint: "URL" },
    node: { type: "string", description: "this server's node name in the cluster (or AI_SESSION_NODE; default: the host name)" },
    "cluster-name": { type: "string", description: "namespaces the cluster's subjects, stream and buckets (or AI_SESSION_CLUSTER_NAME; default ai-session)" },
    background: { type: "boolean", description: "started by a client: fall back to a free port when the port is taken" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const port = Number(args.background && process.env.AI_SESSION_PORT ? process.env.AI_SESSION_PORT : args.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new AppError("invalid", `--port takes a port number, not "${args.port}"`);
      const { startServer } = await import("../../server/main.ts");
      const { dataHome } = await import("../../server/paths.ts");
      const { clusterConfig } = await import("../../server/cluster/config.ts");
      const home = dataHome(args.home);
      const cluster = clusterConfig({ cluster: args.cluster, node: args.node, clusterName: args["cluster-name"] });
      const base = { home, host: String(args.host), noToken: args.token === false, restore: Boolean(args.restore), cluster };
      let server;
      try {
        server = await startServer({ ...base, port });
      } catch (err) {
        if (!(args.background && err instanceof AppError && err.code === "unavailable")) throw err;
        server = await startServer({ ...base, port: 0 });
      }
      if (args.json) printJson({ url: server.url, port: server.rt.port, pid: process.pid, socket: server.rt.paths.socket, cluster: server.rt.cluster?.status() ?? null });
      else {
        process.stdout.write(`ai-session ${server.rt.version} serving ${home}\n`);
        process.stdout.write(`dashboard: ${server.url}\n`);
        process.stdout.write(`port: ${server.rt.port}\n`);
        const c = server.rt.cluster?.status();
        if (c) process.stdout.write(`cluster: ${c.name} at ${c.url}, node ${c.node}\n`);
      }
      const stop = (sig: string) => {
        void server.stop(sig).then(() => process.exit(0));
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
      process.on("SIGHUP", () => stop("SIGHUP"));
      // kill-server arrives as a request: exit once the server has stopped.
      const original = server.rt.shutdown;
      server.rt.shutdown = (reason) => original(reason).then(() => process.exit(0));
      await new Promise(() => {});
    }),
});
