import { z } from "zod";
import { busClient } from "../../../cli/client/bus.ts";
import { AppError } from "../../errors.ts";
import { clip, defineTool, type ToolDef, type ToolEnv } from "../tool.ts";
import registerText from "./register_agent.txt" with { type: "text" };
import listAgentsText from "./list_agents.txt" with { type: "text" };
import sendText from "./send_message.txt" with { type: "text" };
import inboxText from "./read_inbox.txt" with { type: "text" };
import { taskTools } from "./tasks.ts";
import { knowledgeTools } from "./knowledge.ts";

const MESSAGE_TYPES = ["task_assignment", "progress", "completion", "status_update", "help_request", "knowledge_share", "custom"] as const;

const AgentShape = z.looseObject({ name: z.string(), role: z.string(), capabilities: z.array(z.string()).optional(), inbox: z.number().optional(), tasks: z.number().optional() });
const MessageShape = z.looseObject({ id: z.string(), seq: z.number(), type: z.string(), sender: z.string(), payload: z.unknown(), time: z.number() });

/** The agent a bus tool acts for: the one named in the call, else the connection's own. */
export function agentFor(env: ToolEnv, named?: string): string {
  const agent = named ?? env.agent;
  if (!agent) throw new AppError("invalid", "name the agent (or start the MCP server with --agent NAME / AI_SESSION_AGENT)");
  return agent;
}

const payloadText = (p: unknown) => (typeof p === "string" ? p : JSON.stringify(p));

export const registerAgent = defineTool({
  name: "register_agent",
  title: "Join the team as an agent",
  description: registerText,
  tier: "standard",
  input: z.object({
    name: z.string().min(1).max(64).optional().describe("agent name (default: the one this MCP server acts as)"),
    role: z.string().min(1).max(64).describe("role from the roles file (its policy applies to your commands)"),
    capabilities: z.array(z.string().max(64)).max(50).optional(),
    topics: z.array(z.string().max(128)).max(50).optional().describe("bus topics to receive"),
    session: z.string().max(200).optional().describe("the session you work in"),
  }),
  output: AgentShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(args, env) {
    const a = await busClient(env.api).registerAgent({ ...args, name: agentFor(env, args.name) });
    return { data: a, text: `registered "${a.name}" as ${a.role}` };
  },
});

export const listAgents = defineTool({
  name: "list_agents",
  title: "Who is on the team",
  description: listAgentsText,
  tier: "safe",
  input: z.object({}),
  output: z.object({ agents: z.array(AgentShape) }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, env) {
    const agents = (await busClient(env.api).listAgents()).slice(0, 200);
    const text = agents.map((a) => `${a.name}\t${a.role}\tinbox ${a.inbox ?? 0}\ttasks ${a.tasks ?? 0}`).join("\n");
    return { data: { agents }, text: text || "no agents registered" };
  },
});

export const sendMessage = defineTool({
  name: "send_message",
  title: "Send a message to agents",
  description: sendText,
  tier: "safe",
  input: z.object({
    to: z.string().max(64).optional().describe("one agent"),
    topic: z.string().max(128).optional().describe("every agent following this topic"),
    broadcast: z.boolean().optional().describe("every agent"),
    type: z.enum(MESSAGE_TYPES).optional().describe("default custom"),
    payload: z.unknown().describe("the message: text or JSON (at most 64 KB)"),
    correlation_id: z.string().max(128).optional().describe("id of the message this answers"),
  }),
  output: MessageShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const m = await busClient(env.api).send({ ...args, payload: args.payload ?? null });
    const where = m.to ? `to ${m.to}` : m.topic ? `on ${m.topic}` : "to everyone";
    return { data: m, text: `sent ${m.type} #${m.seq} ${where}` };
  },
});

export const readInbox = defineTool({
  name: "read_inbox",
  title: "Read your messages",
  description: inboxText,
  tier: "safe",
  input: z.object({
    agent: z.string().max(64).optional().describe("whose inbox (default: yours)"),
    limit: z.number().int().min(1).max(200).optional().describe("at most this many (default 20)"),
    keep: z.boolean().optional().describe("leave them in the inbox (default: they are acknowledged)"),
  }),
  output: z.looseObject({ agent: z.string(), messages: z.array(MessageShape), waiting: z.number() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const r = await busClient(env.api).inbox(agentFor(env, args.agent), { ack: !args.keep, limit: args.limit ?? 20 });
    const lines = r.messages.map((m) => `#${m.seq} ${m.type} from ${m.sender}: ${payloadText(m.payload)}`);
    const more = r.waiting > 0 ? `\n(${r.waiting} more waiting: call read_inbox again)` : "";
    return { data: r, text: clip(lines.join("\n") || "inbox empty").text + more };
  },
});

/** Agent, bus, task, shared-knowledge and decision tools. */
export const busTools: ToolDef[] = [registerAgent, listAgents, sendMessage, readInbox, ...taskTools, ...knowledgeTools];
