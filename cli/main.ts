#!/usr/bin/env bun
// biome-ignore-all lint/suspicious/noExplicitAny: citty types each command by its own args; the dispatcher handles any command
import type { ArgsDef, CommandDef, ParsedArgs, SubCommandsDef } from "citty";
import { VERSION } from "../server/version.ts";
import { parseCommandArgs, UsageError, usageLine } from "./args.ts";
import { print } from "./commands/_shared.ts";
import { platform } from "../server/platform/index.ts";

/** Every command of ai-session, one file each in cli/commands/, loaded only when it runs. */
const subCommands = {
  serve: () => import("./commands/serve.ts").then((m) => m.default),
  status: () => import("./commands/status.ts").then((m) => m.default),
  "kill-server": () => import("./commands/kill-server.ts").then((m) => m.default),
  create: () => import("./commands/create.ts").then((m) => m.default),
  list: () => import("./commands/list.ts").then((m) => m.default),
  nodes: () => import("./commands/nodes.ts").then((m) => m.default),
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

const ROOT_META = {
  name: "ai-session",
  version: VERSION,
  description: "Terminal sessions for AI agents and CI: shells that outlive clients, exact results, compact output",
};

/** Exit code of a command-line mistake (an unknown flag, a missing or extra argument). */
const EXIT_USAGE = 2;

/**
 * Finds the command a line names (descending into `bus send` and the like), parses its words with
 * cli/args.ts and runs it. Every mistake is one sentence and the usage line on stderr, exit 2; help
 * asked for goes to stdout. citty is loaded only to render help.
 */
async function main(given: string[]): Promise<void> {
  // The sandbox launcher a role session's shell starts through (server/sandbox): not a command.
  if (given[0] === "__sandbox") return (await import("../server/sandbox/launcher.ts")).runLauncher(given.slice(1));
  const argv = globalFlagsLast(given);
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) return console.log(VERSION);
  const asked = (words: string[]) => {
    const end = words.indexOf("--");
    return (end < 0 ? words : words.slice(0, end)).some((w) => w === "--help" || w === "-h");
  };
  const [name, ...rest] = argv;
  const root = { meta: ROOT_META, subCommands } as CommandDef<any>;
  if (name === undefined || name === "--help" || name === "-h") return help(root, undefined, name !== undefined);
  if (!Object.hasOwn(subCommands, name)) return mistake(`unknown command "${name}" (ai-session --help lists the commands)`);
  let cmd: CommandDef<any> = await subCommands[name as keyof typeof subCommands]();
  const path = [name];
  let words = rest;
  while (cmd.subCommands) {
    const sub = words[0];
    const subs = cmd.subCommands as SubCommandsDef;
    if (sub === undefined || sub === "--help" || sub === "-h") return help(cmd, path, sub !== undefined);
    if (!Object.hasOwn(subs, sub)) return mistake(`unknown command "${path.join(" ")} ${sub}" (ai-session ${path.join(" ")} --help lists them)`);
    const next = subs[sub]!;
    cmd = await (typeof next === "function" ? (next as () => Promise<CommandDef<any>>)() : next);
    path.push(sub);
    words = words.slice(1);
  }
  if (asked(words)) return help(cmd, path, true);
  const defs = (cmd.args ?? {}) as ArgsDef;
  let args;
  try {
    args = parseCommandArgs(defs, words);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const hint = err.hint ? (err.hint.startsWith("(") ? ` ${err.hint}` : `; ${err.hint}`) : "";
    return mistake(`${err.message} for ${path.join(" ")}${hint}`, usageLine(path, defs), `ai-session ${path.join(" ")} --help`);
  }
  try {
    await cmd.run?.({ rawArgs: words, args: args as ParsedArgs<any>, cmd });
  } catch (err) {
    // commands catch their own errors (runCommand); this is a bug, said in our words
    await print(`ai-session: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`, "stderr");
    if (process.env.AI_SESSION_DEBUG) console.error(err);
    process.exit(1);
  }
}

/** One sentence, the usage line, and where the full help is; exit 2. */
async function mistake(sentence: string, usage?: string, more?: string): Promise<void> {
  await print(`ai-session: ${sentence}\n${usage ? `${usage}${more ? ` (${more} says more)` : ""}\n` : ""}`, "stderr");
  process.exitCode = EXIT_USAGE;
}

/** A command's help: on stdout when asked for, else (nothing named) on stderr with exit 2. */
async function help(cmd: CommandDef<any>, path: string[] | undefined, wanted: boolean): Promise<void> {
  const { renderUsage } = await import("citty");
  const parent = path && path.length > 1 ? ({ meta: { name: `ai-session ${path.slice(0, -1).join(" ")}` } } as CommandDef<any>) : path ? ({ meta: ROOT_META } as CommandDef<any>) : undefined;
  const text = await renderUsage(cmd, parent);
  const to = wanted ? "stdout" : "stderr";
  await print(`${withoutColour(text, to)}\n`, to);
  if (!wanted) process.exitCode = EXIT_USAGE;
}

/** Colour only on a terminal, and never with NO_COLOR. */
function withoutColour(text: string, to: "stdout" | "stderr"): string {
  const tty = (to === "stdout" ? process.stdout : process.stderr).isTTY;
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  return tty && !noColor ? text : text.replace(/\x1b\[[0-9;]*m/g, "");
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

void main(platform.proc.args);
