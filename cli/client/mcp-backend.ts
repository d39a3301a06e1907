// The MCP backend of `ai-session mcp` (stdio): the typed client over the Unix socket, so every
// tool call is a REST request authorised, policed and audited by the server like any other.
import type { McpBackend } from "../../server/mcp/backend.ts";
import type { AiSessionClient } from "./index.ts";
import { busClient } from "./bus.ts";

export function clientBackend(client: AiSessionClient): McpBackend {
  const bus = busClient(client);
  return {
    createSession: (o) => client.createSession(o),
    listSessions: () => client.listSessions(),
    getSession: (name) => client.getSession(name),
    killSession: (name) => client.kill(name),
    exec: (name, command, o) => client.exec(name, command, o),
    wait: (name, o) => client.wait(name, o),
    send: (name, input) => client.send(name, input),
    read: (name, o) => client.read(name, o),
    screen: (name) => client.screen(name),
    commandLines: (name, id, from, to, raw) => client.commandLines(name, id, from, to, raw),
    analysis: (name, id) => client.analysis(name, id),
    history: (name) => client.history(name),
    context: (name, o) => client.context(name, o),
    snapshot: (name) => client.snapshot(name),
    restore: (name, newName) => client.restore(name, { newName }),
    countTokens: (texts) => client.countTokensMany(texts),
    registerAgent: (a) => bus.registerAgent(a),
    listAgents: () => bus.listAgents(),
    getAgent: (name) => bus.getAgent(name),
    publish: (m) => bus.send(m),
    inbox: (agent, o) => bus.inbox(agent, { limit: o.limit }),
    ack: (agent, seqs) => bus.ack(agent, { seqs }),
    addTask: (t) => bus.addTask(t),
    listTasks: (q) => bus.listTasks(q),
    claimTask: (agent) => bus.claimTask(agent),
    taskProgress: (id, p) => bus.taskProgress(id, p),
    finishTask: (id, r) => bus.finishTask(id, r),
    knowledgeSet: (key, value, o) => bus.knowledgeSet(key, value, o),
    knowledgeGet: (key) => bus.knowledgeGet(key),
    knowledgeList: (prefix) => bus.knowledgeList(prefix),
    decide: (d) => bus.decide(d),
  };
}
