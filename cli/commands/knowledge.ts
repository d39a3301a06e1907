import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";
import type { Entry } from "../../server/bus/knowledge.ts";

async function api(args: { home?: string; agent?: string }) {
  const [{ connect }, { busClient }] = await Promise.all([import("../client/index.ts"), import("../client/bus.ts")]);
  return busClient(await connect({ home: args.home, agent: args.agent, autostart: true }));
}

const show = (e: Entry) => `${e.key}\tv${e.version}\t${typeof e.value === "string" ? e.value : JSON.stringify(e.value)}`;
const print = (json: boolean, value: unknown, text: string) => write(`${json ? JSON.stringify(value) : text}\n`);

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const get = defineCommand({
  meta: { name: "get", description: "Read a key's current value" },
  args: { ...globalArgs, key: { type: "positional", required: true, description: "the key" } },
  run: ({ args }) => runCommand(async () => {
    const e = await (await api(args as never)).knowledgeGet(String(args.key));
    print(!!args.json, e, typeof e.value === "string" ? e.value : JSON.stringify(e.value));
  }),
});

const set = defineCommand({
  meta: { name: "set", description: "Write a new version of a key (--expect N for compare-and-set; 0 = only if absent)" },
  args: {
    ...globalArgs,
    key: { type: "positional", required: true, description: "the key" },
    value: { type: "positional", required: true, description: "text or JSON" },
    expect: { type: "string", description: "the version you read: refused if it changed since" },
    scope: { type: "string", description: "all (default), role:NAME[,NAME] or agents:NAME[,NAME]" },
  },
  run: ({ args }) => runCommand(async () => {
    const e = await (await api(args as never)).knowledgeSet(String(args.key), parseValue(String(args.value)), {
      expected_version: args.expect !== undefined ? Number(args.expect) : undefined,
      scope: args.scope ? String(args.scope) : undefined,
    });
    print(!!args.json, e, `${e.key} is at version ${e.version}`);
  }),
});

const list = defineCommand({
  meta: { name: "list", description: "Keys visible to you with their current values" },
  args: { ...globalArgs, prefix: { type: "string", description: "only keys starting with this" } },
  run: ({ args }) => runCommand(async () => {
    const es = await (await api(args as never)).knowledgeList(args.prefix ? String(args.prefix) : undefined);
    print(!!args.json, es, es.map(show).join("\n") || "no knowledge shared yet");
  }),
});

const history = defineCommand({
  meta: { name: "history", description: "Every version of a key" },
  args: { ...globalArgs, key: { type: "positional", required: true, description: "the key" } },
  run: ({ args }) => runCommand(async () => {
    const es = await (await api(args as never)).knowledgeHistory(String(args.key));
    print(!!args.json, es, es.map((e) => `${show(e)}\t${e.updated_by ?? "-"}\t${new Date(e.updated_at).toISOString()}`).join("\n"));
  }),
});

const del = defineCommand({
  meta: { name: "delete", description: "Delete a key (a new version marks it deleted)" },
  args: { ...globalArgs, key: { type: "positional", required: true, description: "the key" }, expect: { type: "string", description: "the version you read" } },
  run: ({ args }) => runCommand(async () => {
    const e = await (await api(args as never)).knowledgeDelete(String(args.key), args.expect !== undefined ? Number(args.expect) : undefined);
    print(!!args.json, e, `${e.key} deleted (version ${e.version})`);
  }),
});

export default defineCommand({
  meta: { name: "knowledge", description: "Shared knowledge between agents: get, set (compare-and-set), list, history, delete" },
  subCommands: { get, set, list, history, delete: del },
});
