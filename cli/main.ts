#!/usr/bin/env bun
import type { ArgDef, ArgsDef, CommandDef, ParsedArgs, SubCommandsDef } from "citty";
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
} satisfies SubCommandsDef;

/**
 * A command line made of the command's own positionals and `--flags` runs here directly; citty
 * (with node:util, a few milliseconds of every start) is loaded only for the rest: help, short,
 * negated or repeated flags, nested commands and mistakes, which it parses and explains.
 */
async function main(given: string[]): Promise<void> {
  // The sandbox launcher a role session's shell starts through (server/sandbox): not a command.
  if (given[0] === "__sandbox") return (await import("../server/sandbox/launcher.ts")).runLauncher(given.slice(1));
  const argv = globalFlagsLast(given);
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) return console.log(VERSION);
  const [name, ...rawArgs] = argv;
  if (name !== undefined && Object.hasOwn(subCommands, name)) {
    const cmd: CommandDef<any> = await subCommands[name as keyof typeof subCommands]();
    const args = plainArgs(cmd, rawArgs);
    if (args && cmd.run) {
      try {
        await cmd.run({ rawArgs, args: args as ParsedArgs<any>, cmd });
      } catch (err) {
        // what citty's runMain does with an error a command lets through
        console.error(err, "\n");
        process.exit(1);
      }
      return;
    }
  }
  const { defineCommand, runMain, showUsage, renderUsage } = await import("citty");
  const asked = argv.includes("--help") || argv.includes("-h");
  await runMain(
    defineCommand({
      meta: {
        name: "ai-session",
        version: VERSION,
        description: "Terminal sessions for AI agents and CI: shells that outlive clients, exact results, compact output",
      },
      subCommands,
    }),
    {
      rawArgs: argv,
      // Usage asked for goes to stdout; usage after a mistake goes to stderr, so that stdout holds
      // only what a command prints (one JSON document with --json).
      showUsage: asked ? showUsage : async (cmd, parent) => void process.stderr.write(`${await renderUsage(cmd, parent)}\n`),
    },
  );
}

/**
 * `ai-session --agent qa --json exec …`: the flags every command takes may come before the command;
 * they are moved after it, where the command reads them.
 */
function globalFlagsLast(argv: string[]): string[] {
  const lead: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--json" || /^--(home|agent)=/.test(word)) lead.push(word);
    else if ((word === "--home" || word === "--agent") && i + 1 < argv.length) lead.push(word, argv[++i]!);
    else break;
  }
  return lead.length && i < argv.length ? [...argv.slice(i), ...lead] : argv;
}

/**
 * The arguments citty would give a command without subcommands, when every word is a positional
 * or one of its long flags given once (`--flag`, `--flag value`, `--flag=value`; `--max-tokens`
 * also as `--maxTokens` and `args.maxTokens`, as in citty); undefined for anything else.
 */
function plainArgs(cmd: CommandDef<any>, rawArgs: string[]): { _: string[]; [name: string]: unknown } | undefined {
  if (cmd.subCommands || cmd.setup || cmd.cleanup || cmd.plugins || typeof cmd.args !== "object") return undefined;
  const defs = Object.entries(cmd.args as ArgsDef);
  const flags = new Map<string, { def: ArgDef; spellings: string[] }>();
  for (const [key, def] of defs) {
    if (def.type === "positional") continue;
    if ((def.type !== "boolean" && def.type !== "string") || def.alias || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(key)) return undefined;
    const flag = { def, spellings: [...new Set([key, key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())])] };
    for (const s of flag.spellings) flags.set(s, flag);
  }
  const positionals: string[] = [];
  const out: { _: string[]; [name: string]: unknown } = { _: positionals };
  for (let i = 0; i < rawArgs.length; i++) {
    const word = rawArgs[i]!;
    if (word === "-" || !word.startsWith("-")) {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const flag = word.startsWith("--") && !word.startsWith("--no-") ? flags.get(word.slice(2, eq < 0 ? undefined : eq)) : undefined;
    if (!flag || flag.spellings[0]! in out) return undefined;
    let value: string | boolean = true;
    if (flag.def.type === "string") {
      const next = eq < 0 ? rawArgs[++i] : word.slice(eq + 1);
      if (next === undefined || (eq < 0 && next.startsWith("-"))) return undefined;
      value = next;
    } else if (eq >= 0) return undefined;
    for (const s of flag.spellings) out[s] = value;
  }
  let p = 0;
  for (const [key, def] of defs) {
    const value = def.type === "positional" ? positionals[p++] : out[key];
    if (value !== undefined) out[key] = value;
    else if (def.default !== undefined) for (const s of flags.get(key)?.spellings ?? [key]) out[s] = def.default;
    else if (def.type === "positional" ? def.required !== false : def.required) return undefined;
  }
  return out;
}

void main(process.argv.slice(2));
