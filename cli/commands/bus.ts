import { defineCommand } from "citty";
import { globalArgs, runCommand } from "./_shared.ts";
import { AppError } from "../../server/errors.ts";
import type { BusMessage, MessageType } from "../../server/bus/message.ts";

async function connectTo(args: { home?: string; agent?: string }) {
  const [{ connect }, { busClient }] = await Promise.all([import("../client/index.ts"), import("../client/bus.ts")]);
  const client = await connect({ home: args.home, agent: args.agent, autostart: true });
  return { client, api: busClient(client) };
}

/** TEXT_OR_JSON: a JSON object, array, number or quoted string is sent as JSON; anything else as text. */
export function payloadOf(text: string): unknown {
  const t = text.trim();
  if (/^[[{"]/.test(t) || /^-?\d/.test(t) || t === "true" || t === "false" || t === "null") {
    try {
      return JSON.parse(t);
    } catch {
      if (/^[[{]/.test(t)) throw new AppError("invalid", "the message looks like JSON but does not parse (quote it as text, or fix the JSON)");
    }
  }
  return text;
}

function show(m: BusMessage): string {
  const where = m.to ? `→ ${m.to}` : m.topic ? `# ${m.topic}` : "→ all";
  const body = typeof m.payload === "string" ? m.payload : JSON.stringify(m.payload);
  return `${new Date(m.time).toISOString()} [${m.seq}] ${m.type} ${m.sender} ${where}${m.correlation_id ? ` (re ${m.correlation_id})` : ""}: ${body}`;
}

const send = defineCommand({
  meta: { name: "send", description: "Send a message to an agent (--to), a topic (--topic) or everyone (--broadcast)" },
  args: {
    ...globalArgs,
    message: { type: "positional", required: true, description: "text, or JSON" },
    to: { type: "string", description: "the agent it is for" },
    topic: { type: "string", description: "the topic it is published on" },
    broadcast: { type: "boolean", description: "to every registered agent" },
    type: { type: "string", default: "custom", description: "task_assignment, progress, completion, status_update, help_request, knowledge_share, custom" },
    correlation: { type: "string", description: "correlation id (the id of the message this answers)" },
    wait: { type: "string", description: "wait up to SECONDS for a reply and print it (request/reply)" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const dest = { to: args.to ? String(args.to) : undefined, topic: args.topic ? String(args.topic) : undefined, broadcast: args.broadcast ? true : undefined };
      if ([dest.to, dest.topic, dest.broadcast].filter(Boolean).length !== 1) {
        throw new AppError("invalid", "say where the message goes: exactly one of --to AGENT, --topic TOPIC or --broadcast");
      }
      const { api } = await connectTo(args as never);
      const m = { ...dest, type: String(args.type) as MessageType, payload: payloadOf(String(args.message)), correlation_id: args.correlation ? String(args.correlation) : undefined };
      if (args.wait) {
        const reply = await api.request(m, Math.round(Number(args.wait) * 1000));
        process.stdout.write(`${args.json ? JSON.stringify(reply) : show(reply)}\n`);
        return;
      }
      const sent = await api.send(m);
      process.stdout.write(`${args.json ? JSON.stringify(sent) : sent.id}\n`);
    }),
});

const inbox = defineCommand({
  meta: { name: "inbox", description: "Deliver what waits in an agent's inbox, and acknowledge it" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "the agent" },
    "no-ack": { type: "boolean", description: "show without acknowledging (the messages stay)" },
    limit: { type: "string", description: "at most N messages" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const { api } = await connectTo(args as never);
      const r = await api.inbox(String(args.name), { ack: !args["no-ack"], limit: args.limit ? Number(args.limit) : undefined });
      if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        if (r.dropped) process.stderr.write(`${r.dropped} older message(s) were dropped: the inbox holds ${r.capacity}\n`);
        process.stdout.write(r.messages.length ? `${r.messages.map(show).join("\n")}\n` : "");
      }
    }),
});

const history = defineCommand({
  meta: { name: "history", description: "Messages sent on the bus, oldest first" },
  args: {
    ...globalArgs,
    for: { type: "string", description: "only messages to or from this agent (and broadcasts)" },
    topic: { type: "string", description: "only this topic" },
    type: { type: "string", description: "only this message type" },
    limit: { type: "string", default: "100", description: "the newest N" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const { api } = await connectTo(args as never);
      const ms = await api.history({ agent: args.for ? String(args.for) : undefined, topic: args.topic ? String(args.topic) : undefined, type: args.type ? String(args.type) : undefined, limit: Number(args.limit) });
      process.stdout.write(args.json ? `${JSON.stringify(ms)}\n` : ms.length ? `${ms.map(show).join("\n")}\n` : "");
    }),
});

const subscribe = defineCommand({
  meta: { name: "subscribe", description: "Print messages as they arrive (an agent's inbox with --agent, topics, or --all); one JSON line each with --json" },
  args: {
    ...globalArgs,
    topic: { type: "string", description: "comma-separated topics" },
    all: { type: "boolean", description: "every message on the bus" },
    count: { type: "string", description: "exit after N messages" },
    timeout: { type: "string", description: "exit after SECONDS" },
    "no-ack": { type: "boolean", description: "leave inbox messages unacknowledged" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      await connectTo(args as never); // starts the server when none runs
      const { busStreamUrl } = await import("../client/bus.ts");
      const agent = args.agent ? String(args.agent) : undefined;
      const topics = args.topic ? String(args.topic).split(",").map((t) => t.trim()).filter(Boolean) : undefined;
      if (!agent && !topics?.length && !args.all) throw new AppError("invalid", "say what to follow: --agent NAME, --topic TOPIC or --all");
      const { dataHome, pathsFor } = await import("../../server/paths.ts");
      const paths = pathsFor(dataHome(args.home ? String(args.home) : undefined));
      const socket = paths.socket;
      const token = await (await import("../client/index.ts")).ownerTokenOf(paths);
      const max = args.count ? Number(args.count) : Infinity;
      let seen = 0;
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(busStreamUrl(socket, { agent, topics, all: !!args.all }), { headers: token ? { authorization: `Bearer ${token}` } : {} } as never);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const done = () => {
          clearTimeout(timer);
          ws.close();
          resolve();
        };
        if (args.timeout) timer = setTimeout(done, Number(args.timeout) * 1000);
        ws.onmessage = (ev) => {
          const frame = JSON.parse(String(ev.data));
          if (frame.kind === "error") return reject(new AppError(frame.code, frame.message));
          if (frame.kind === "dropped") process.stderr.write(`${frame.count} message(s) were dropped (this reader was too slow)\n`);
          if (frame.kind !== "message") return;
          const m = frame.message as BusMessage;
          process.stdout.write(`${args.json ? JSON.stringify(m) : show(m)}\n`);
          if (agent && !args["no-ack"] && (m.to === agent || m.broadcast || m.topic)) ws.send(JSON.stringify({ op: "ack", seqs: [m.seq] }));
          if (++seen >= max) setTimeout(done, 20);
        };
        ws.onclose = () => done();
        ws.onerror = () => reject(new AppError("unavailable", "the bus connection failed"));
      });
    }),
});

export default defineCommand({
  meta: { name: "bus", description: "The message bus: send, inbox, history, subscribe" },
  subCommands: { send, inbox, history, subscribe },
});
