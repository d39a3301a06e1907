import { AppError } from "../../server/errors.ts";
import { platform } from "../../server/platform/index.ts";
import { resolve } from "../../server/posix-path.ts";
import { print, defineCommand, agentOf, globalArgs, printJson, runCommand } from "./_shared.ts";

/** Every value of a repeatable flag (`--env A=1 --env B=2`): citty keeps only the last one. */
function repeated(flag: string): string[] {
  const argv = platform.proc.args;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag && i + 1 < argv.length) out.push(argv[++i]!);
    else if (argv[i]!.startsWith(`${flag}=`)) out.push(argv[i]!.slice(flag.length + 1));
  }
  return out;
}

export default defineCommand({
  meta: { name: "create", description: "Create a session: a shell that lives in the server" },
  args: {
    ...globalArgs,
    name: { type: "string", description: "session name (default: the next free number); NAME@NODE creates it on that node of the cluster" },
    cwd: { type: "string", description: "start directory (default: this directory)" },
    shell: { type: "string", description: "shell to run (default $SHELL, else bash)" },
    env: { type: "string", description: "K=V for the shell's environment (repeatable)" },
    cols: { type: "string", description: "columns (default 200)" },
    rows: { type: "string", description: "rows (default 50)" },
    role: { type: "string", description: "role whose policy applies in this session" },
    "ai-context": { type: "boolean", description: "print the session's AI context after creating it" },
    limits: { type: "string", description: "resource limits: cpu=SECONDS,mem=SIZE,procs=N,files=N (e.g. mem=512M,procs=100)" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const env: Record<string, string> = {};
      for (const kv of repeated("--env")) {
        const i = kv.indexOf("=");
        if (i <= 0) throw new AppError("invalid", `--env takes K=V, not "${kv}"`);
        env[kv.slice(0, i)] = kv.slice(i + 1);
      }
      const num = (v: unknown, flag: string) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n)) throw new AppError("invalid", `--${flag} takes a whole number, not "${v}"`);
        return n;
      };
      const onAnotherNode = typeof args.name === "string" && args.name.includes("@");
      const { connect } = await import("../client/index.ts");
      // only with --limits: the module brings zod, node:fs and node:path (tens of ms on Deno)
      const limits = args.limits ? await import("../../server/security/limits.ts").then((m) => m.limitsToBody(m.parseLimitSpec(String(args.limits)))) : undefined;
      const c = await connect({ home: args.home, agent: agentOf(args), createHome: true });
      const s = await c.createSession({
        name: args.name,
        // relative to where the user stands, not to where the server runs; on another node
        // (NAME@NODE) this directory may not exist: there it is the given one or that node's default
        cwd: args.cwd === undefined && onAnotherNode ? undefined : resolve(platform.proc.cwd(), args.cwd ?? "."),
        shell: args.shell,
        env,
        cols: num(args.cols, "cols"),
        rows: num(args.rows, "rows"),
        role: args.role,
        ...(limits ? { limits } : {}),
      } as Parameters<typeof c.createSession>[0]);
      const ctx = args["ai-context"] ? await c.request<{ text: string }>("GET", `/api/sessions/${encodeURIComponent(s.name)}/context`) : undefined;
      if (args.json) {
        printJson({ name: s.name, id: s.id, pid: s.pid, cwd: s.cwd, shell: s.shell, status: s.status, sandbox: s.sandbox, ...(ctx ? { context: ctx } : {}) });
      } else {
        print(`${s.name}\n`);
        if (ctx) print(`${ctx.text}\n`);
      }
    }),
});
