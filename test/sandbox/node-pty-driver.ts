// Run by node (see node-pty.test.ts): plans a qa sandbox for a workspace and starts bash in it
// through the launcher with the node-pty backend, then prints what the shell said as JSON.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BUILTIN_ROLES } from "../../server/roles/roles.ts";
import { spawnNodePty } from "../../server/pty/node-pty.ts";
import { launcherStart } from "../../server/sandbox/launch.ts";
import { planSandbox } from "../../server/sandbox/plan.ts";

const { ws, data, session, canary } = JSON.parse(process.argv[2]!) as { ws: string; data: string; session: string; canary: string };
const abi = Number(spawnSync(process.env.AI_SESSION_BIN!, ["__sandbox", "--abi"], { encoding: "utf8" }).stdout.trim());
const tmpdir = join(session, "tmp");
mkdirSync(tmpdir);
const plan = planSandbox({
  abi,
  standings: [{ role: BUILTIN_ROLES.qa!, workspace: ws }],
  sessionDir: session,
  tmpdir,
  home: "/nonexistent",
  hidden: [data],
  shell: "/bin/bash",
});
const script = `X=${canary}; rm -f $X; cat ${join(data, "token")}; touch inside && echo in:ok; grep NoNewPrivs /proc/self/status`;
const start = launcherStart(join(session, "sandbox.json"), { abi, layers: plan.layers!, cwd: ws, env: { PATH: "/usr/bin:/bin", TMPDIR: tmpdir } }, [
  "/bin/bash", "--norc", "--noprofile", "-c", script,
]);

(async () => {
  let out = "";
  const pty = await spawnNodePty({ argv: start.argv, cwd: session, env: start.env, cols: 120, rows: 30, onData: (b) => (out += Buffer.from(b).toString()) });
  const code = await pty.exited;
  await new Promise((r) => setTimeout(r, 100));
  console.log(JSON.stringify({ backend: pty.backend, code, out }));
})();
