import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";
import { AppError } from "../../server/errors.ts";
import { platform } from "../../server/platform/index.ts";
import type { BusMessage, MessageType } from "../../server/bus/message.ts";
import { DEFAULT_LIMITS } from "../../server/bus/limits.ts";

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

/** What a `dropped` frame says, in one line. */
export function droppedLine(f: { count: number; where?: string; first_seq?: number; last_seq?: number; in_inbox?: number; capacity?: number }): string {
  if (f.where === "inbox") return `${f.count} message(s) were dropped while you were away: the inbox keeps the newest ${f.capacity ?? "N"} (AI_SESSION_BUS_INBOX)`;
  const range = f.first_seq !== undefined ? ` (seq ${f.first_seq}–${f.last_seq})` : "";
  const kept = f.in_inbox ? `; ${f.in_inbox} of them still wait in the inbox (reconnect, or ai-session bus inbox)` : "";
  return `${f.count} message(s) were dropped${range}: this reader was slower than the traffic${kept}`;
}

const n = (x: number) => x.toLocaleString("en");
const INBOX_LIMIT = `The inbox keeps the newest ${n(DEFAULT_LIMITS.inbox)} unacknowledged messages (AI_SESSION_BUS_INBOX on the server); past that the oldest are dropped`;
const LIMITS =
  `An agent's inbox keeps its newest ${n(DEFAULT_LIMITS.inbox)} unacknowledged messages (AI_SESSION_BUS_INBOX on the server); past that the oldest are dropped, and the agent's next read, connect or typed delivery says how many. ` +
  `A live reader slower than the traffic has at most ${n(DEFAULT_LIMITS.queue)} messages or ${DEFAULT_LIMITS.queueBytes / 1024 / 1024} MB queued (AI_SESSION_BUS_QUEUE, AI_SESSION_BUS_QUEUE_BYTES); past that the oldest queued are dropped and it gets a dropped notice saying which.`;

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
        write(`${args.json ? JSON.stringify(reply) : show(reply)}\n`);
        return;
      }
      const sent = await api.send(m);
      write(`${args.json ? JSON.stringify(sent) : sent.id}\n`);
    }),
});

const inbox = defineCommand({
  meta: { name: "inbox", description: `Deliver what waits in an agent's inbox, and acknowledge it. ${INBOX_LIMIT} and this says how many.` },
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
      if (args.json) write(`${JSON.stringify(r)}\n`);
      else {
        if (r.dropped) process.stderr.write(`${r.dropped} older message(s) were dropped: the inbox keeps the newest ${r.capacity} (AI_SESSION_BUS_INBOX on the server raises it)\n`);
        write(r.messages.length ? `${r.messages.map(show).join("\n")}\n` : "");
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
      write(args.json ? `${JSON.stringify(ms)}\n` : ms.length ? `${ms.map(show).join("\n")}\n` : "");
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
      const { client } = await connectTo(args as never); // starts the server when none runs
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
      const where = platform.unixWebSocket ? { socket } : { port: (await client.status()).port, token: token ?? "" };
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(busStreamUrl(where, { agent, topics, all: !!args.all }), { headers: token ? { authorization: `Bearer ${token}` } : {} } as never);
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
          if (frame.kind === "dropped") process.stderr.write(`${droppedLine(frame)}\n`);
          if (frame.kind !== "message") return;
          const m = frame.message as BusMessage;
          write(`${args.json ? JSON.stringify(m) : show(m)}\n`);
          if (agent && !args["no-ack"] && (m.to === agent || m.broadcast || m.topic)) ws.send(JSON.stringify({ op: "ack", seqs: [m.seq] }));
          if (++seen >= max) setTimeout(done, 20);
        };
        ws.onclose = () => done();
        ws.onerror = () => reject(new AppError("unavailable", "the bus connection failed"));
      });
    }),
});

export default defineCommand({
  meta: { name: "bus", description: `The message bus: send, inbox, history, subscribe. ${LIMITS}` },
  subCommands: { send, inbox, history, subscribe },
});
