#!/usr/bin/env bun
import { defineCommand, runMain } from "citty";
import { VERSION } from "../server/version.ts";

/** Every command of ai-session, one file each in cli/commands/, loaded only when it runs. */
const subCommands = {
  serve: () => import("./commands/serve.ts").then((m) => m.default),
  status: () => import("./commands/status.ts").then((m) => m.default),
  "kill-server": () => import("./commands/kill-server.ts").then((m) => m.default),
  create: () => import("./commands/create.ts").then((m) => m.default),
  list: () => import("./commands/list.ts").then((m) => m.default),
  exec: () => import("./commands/exec.ts").then((m) => m.default),
  wait: () => import("./commands/wait.ts").then((m) => m.default),
  send: () => import("./commands/send.ts").then((m) => m.default),
  read: () => import("./commands/read.ts").then((m) => m.default),
  attach: () => import("./commands/attach.ts").then((m) => m.default),
  kill: () => import("./commands/kill.ts").then((m) => m.default),
  history: () => import("./commands/history.ts").then((m) => m.default),
  analyze: () => import("./commands/analyze.ts").then((m) => m.default),
  compact: () => import("./commands/compact.ts").then((m) => m.default),
  context: () => import("./commands/context.ts").then((m) => m.default),
  snapshot: () => import("./commands/snapshot.ts").then((m) => m.default),
  restore: () => import("./commands/restore.ts").then((m) => m.default),
  migrate: () => import("./commands/migrate.ts").then((m) => m.default),
  audit: () => import("./commands/audit.ts").then((m) => m.default),
  mcp: () => import("./commands/mcp.ts").then((m) => m.default),
  token: () => import("./commands/token.ts").then((m) => m.default),
  agent: () => import("./commands/agent.ts").then((m) => m.default),
  bus: () => import("./commands/bus.ts").then((m) => m.default),
  task: () => import("./commands/task.ts").then((m) => m.default),
  knowledge: () => import("./commands/knowledge.ts").then((m) => m.default),
  decide: () => import("./commands/decide.ts").then((m) => m.default),
  trace: () => import("./commands/trace.ts").then((m) => m.default),
  metrics: () => import("./commands/metrics.ts").then((m) => m.default),
};

const main = defineCommand({
  meta: {
    name: "ai-session",
    version: VERSION,
    description: "Terminal sessions for AI agents and CI: shells that outlive clients, exact results, compact output",
  },
  subCommands,
});

runMain(main);
