import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";
import type { AgentView } from "../client/bus.ts";

async function api(args: { home?: string; agent?: string }) {
  const [{ connect }, { busClient }] = await Promise.all([import("../client/index.ts"), import("../client/bus.ts")]);
  return busClient(await connect({ home: args.home, agent: args.agent, autostart: true }));
}

const list = (s: unknown) => (s ? String(s).split(",").map((x) => x.trim()).filter(Boolean) : undefined);
const out = (json: unknown, text: string) => write(`${json !== undefined ? JSON.stringify(json) : text}\n`);

function line(a: AgentView): string {
  const status = a.status ? `${a.status.status} (${a.status.source})` : "-";
  return [a.name, a.role, a.capabilities.join(",") || "-", a.session ?? "-", status, `inbox ${a.inbox}`, `tasks ${a.tasks}`].join("\t");
}

const register = defineCommand({
  meta: { name: "register", description: "Register an agent with a role (frontend, backend, devops, qa, or one from roles.json)" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "the agent's name" },
    role: { type: "string", required: true, description: "its role: the policy it works under" },
    capabilities: { type: "string", description: "comma-separated capabilities (react,sql,...)" },
    topics: { type: "string", description: "comma-separated topics whose messages go to its inbox" },
    workspace: { type: "string", description: "directory $WORKSPACE stands for in its role (default: this directory)" },
    session: { type: "string", description: "session the agent runs in: its inbox is typed into it when idle" },
    delivery: { type: "string", description: "idle (default), eager or none: when inbox messages are typed into its session" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const c = await api(args as never);
      const a = await c.registerAgent({
        name: String(args.name),
        role: String(args.role),
        capabilities: list(args.capabilities),
        topics: list(args.topics),
        workspace: args.workspace ? String(args.workspace) : process.cwd(),
        session: args.session ? String(args.session) : undefined,
        delivery: args.delivery as "idle" | undefined,
      });
      out(args.json ? a : undefined, `registered ${a.name} (${a.role})`);
    }),
});

const ls = defineCommand({
  meta: { name: "list", description: "List registered agents: role, capabilities, session status, inbox and load" },
  args: { ...globalArgs },
  run: ({ args }) =>
    runCommand(async () => {
      const agents = await (await api(args as never)).listAgents();
      out(args.json ? agents : undefined, agents.length ? agents.map(line).join("\n") : "no agents (ai-session agent register NAME --role ROLE)");
    }),
});

const status = defineCommand({
  meta: { name: "status", description: "What each session's occupant is doing: idle, working, blocked, done, error (and how we know)" },
  args: { ...globalArgs },
  run: ({ args }) =>
    runCommand(async () => {
      const rows = await (await api(args as never)).agentStatus();
      const text = rows.map((s) => [s.session, s.status, s.source, s.kind ?? "", s.message ?? ""].join("\t").trimEnd()).join("\n");
      out(args.json ? rows : undefined, text || "no session output seen yet");
    }),
});

const roles = defineCommand({
  meta: { name: "roles", description: "The roles and their policies (allow/deny rules, directories, session access); --check FILE validates a roles file" },
  args: {
    ...globalArgs,
    check: { type: "string", description: "validate this roles file (no server needed) and say which line is wrong" },
    reload: { type: "boolean", description: "make the server read its roles file again (after an edit)" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      if (args.check) {
        const { readFileSync } = await import("node:fs");
        const { parseRolesFile } = await import("../../server/roles/roles.ts");
        const { AppError } = await import("../../server/errors.ts");
        let text: string;
        try {
          text = readFileSync(String(args.check), "utf8");
        } catch {
          throw new AppError("not_found", `cannot read the roles file ${args.check} (check the path)`);
        }
        const parsed = parseRolesFile(text, String(args.check));
        out(args.json ? Object.values(parsed) : undefined, `${args.check}: ${Object.keys(parsed).length} role(s), no errors (${Object.keys(parsed).join(", ")})`);
        return;
      }
      const c = await api(args as never);
      const r = args.reload ? await c.reloadRoles() : await c.roles();
      if (r.error) process.stderr.write(`roles.json was not loaded: ${r.error}\n`);
      const text = r.roles
        .map((x) => `${x.name}${x.builtin ? "" : " (custom)"}: ${x.description}\n  deny: ${x.deny.join(" | ")}\n  allow: ${x.allow.join(" | ") || "anything not denied"}\n  dirs: ${x.dirs.join(", ")}\n  sessions: ${x.sessions}`)
        .join("\n");
      out(args.json ? r : undefined, text);
    }),
});

const remove = defineCommand({
  meta: { name: "remove", description: "Remove an agent's registration (its inbox goes with it)" },
  args: { ...globalArgs, name: { type: "positional", required: true, description: "the agent's name" } },
  run: ({ args }) =>
    runCommand(async () => {
      const r = await (await api(args as never)).removeAgent(String(args.name));
      out(args.json ? r : undefined, `removed ${r.removed}`);
    }),
});

const heartbeat = defineCommand({
  meta: { name: "heartbeat", description: "Tell the server the agent is alive; renews its task leases" },
  args: { ...globalArgs, name: { type: "positional", required: true, description: "the agent's name" } },
  run: ({ args }) =>
    runCommand(async () => {
      const r = await (await api(args as never)).heartbeat(String(args.name));
      out(args.json ? r : undefined, `${r.agent}: ${r.leases_renewed} lease(s) renewed`);
    }),
});

export default defineCommand({
  meta: { name: "agent", description: "Agents and roles: register, list, status, roles, remove, heartbeat" },
  subCommands: { register, list: ls, status, roles, remove, heartbeat },
});
