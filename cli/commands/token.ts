import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";
import type { TokenInfo } from "../../server/security/tokens.ts";

async function client(args: { home?: string; agent?: string }) {
  const { connect } = await import("../client/index.ts");
  return connect({ home: args.home, agent: args.agent, autostart: true });
}

function describe(t: TokenInfo): string {
  const limits = [t.sessions ? `sessions ${t.sessions.join(",")}` : "", t.role ? `role ${t.role}` : "", t.agent ? `agent ${t.agent}` : ""].filter(Boolean).join(", ");
  const used = t.last_used_at ? new Date(t.last_used_at).toISOString() : "never used";
  return `${t.name}\t${t.scopes.join(",")}\t${t.prefix}…\t${used}${limits ? `\t${limits}` : ""}`;
}

const create = defineCommand({
  meta: { name: "create", description: "Create a scoped API token (its secret is shown once)" },
  args: {
    ...globalArgs,
    name: { type: "string", required: true, description: "a name for the token (ci, dashboard...)" },
    scopes: { type: "string", default: "read", description: "comma-separated: read, exec, admin" },
    sessions: { type: "string", description: "comma-separated session names the token is limited to" },
    role: { type: "string", description: "role whose policy applies to the token's requests" },
    agent: { type: "string", description: "the one agent the token acts as (without it, a non-admin token acts as none)" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const c = await client(args as never);
      const sessions = args.sessions ? String(args.sessions).split(",").map((s) => s.trim()).filter(Boolean) : undefined;
      const t = await c.request<TokenInfo & { token: string }>("POST", "/api/tokens", {
        name: args.name,
        scopes: String(args.scopes),
        sessions,
        role: args.role,
        agent: args.agent,
      });
      if (args.json) write(`${JSON.stringify(t)}\n`);
      else {
        write(`${t.token}\n`);
        process.stderr.write(`token "${t.name}" (${t.scopes.join(",")}) created; it is shown only this once\n`);
      }
    }),
});

const list = defineCommand({
  meta: { name: "list", description: "List the live API tokens (names, scopes, never the secrets)" },
  args: { ...globalArgs },
  run: ({ args }) =>
    runCommand(async () => {
      const c = await client(args as never);
      const tokens = await c.request<TokenInfo[]>("GET", "/api/tokens");
      if (args.json) write(`${JSON.stringify(tokens)}\n`);
      else write(tokens.length ? `${tokens.map(describe).join("\n")}\n` : "no tokens (ai-session token create --name NAME --scopes read)\n");
    }),
});

const revoke = defineCommand({
  meta: { name: "revoke", description: "Revoke a token by name: it stops working at once" },
  args: { ...globalArgs, name: { type: "positional", required: true, description: "the token's name" } },
  run: ({ args }) =>
    runCommand(async () => {
      const c = await client(args as never);
      const t = await c.request<TokenInfo>("DELETE", `/api/tokens/${encodeURIComponent(String(args.name))}`);
      if (args.json) write(`${JSON.stringify(t)}\n`);
      else write(`revoked ${t.name}\n`);
    }),
});

export default defineCommand({
  meta: { name: "token", description: "Scoped API tokens for HTTP clients: create, list, revoke" },
  subCommands: { create, list, revoke },
});
