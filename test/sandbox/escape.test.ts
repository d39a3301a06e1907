// The escape attempts, and more, against the real kernel: a qa agent registered with a
// workspace works in a session there and tries to delete or change a canary outside it in every way
// we know. The canary survives each one; the same command aimed inside the workspace does its job.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AppError } from "../../server/errors.ts";
import type { ExecResult } from "../../server/session/exec-result.ts";
import { sandboxHarness, until } from "./harness.ts";

const h = sandboxHarness();
const ws = h.dir("ws");
const outside = h.dir("outside");
afterAll(() => h.close());

beforeAll(async () => {
  h.bus.agents.register({ name: "qa1", role: "qa", workspace: ws });
  await h.create("qa", { agent: "qa1", cwd: ws });
});

interface Attempt {
  name: string;
  /** What it aims at: a file holding "canary", or a directory holding such a file. */
  target: "file" | "dir";
  command: (target: string, n: number) => string;
  /** Refused by the command-line policy (exit 126) before anything runs. */
  policy?: true;
  /** Runs in the background: the attempt is over once it touched `done-N` in the workspace. */
  background?: true;
  /** Its error output names the refused path inside the target ("path"), or another one ("any"): the analysis says sandbox_denied. */
  reports?: "path" | "any";
}

// The policy reads command lines: the kernel cases hide the path from it (a variable, a script,
// another program), as an agent trying to get around it would.
const attempts: Attempt[] = [
  { name: "rm -rf /abs/path", target: "dir", policy: true, command: (t) => `rm -rf ${t}` },
  { name: "cd /abs && rm", target: "file", policy: true, command: (t) => `cd ${dirname(t)} && rm ${basename(t)}` },
  { name: "cp /dev/null /abs/file", target: "file", policy: true, command: (t) => `cp /dev/null ${t}` },
  { name: "X=/abs/path; rm -rf $X", target: "file", reports: "path", command: (t) => `X=${t}; rm -rf $X` },
  { name: "bash -c with the path split in quotes", target: "file", reports: "path", command: (t) => `bash -c "rm -f '${t.slice(0, 6)}''${t.slice(6)}'"` },
  { name: "python3 -c shutil.rmtree", target: "dir", command: (t) => `python3 -c 'import shutil, sys; shutil.rmtree(sys.argv[1])' ${t}` },
  { name: "a Python script given the path", target: "file", reports: "path", command: (t, n) => `printf 'import os, sys\\nos.remove(sys.argv[1])\\n' > rm${n}.py && python3 rm${n}.py ${t}` },
  { name: 'eval "rm -rf $(echo /abs)"', target: "file", reports: "path", command: (t) => `eval "rm -rf $(echo ${t})"` },
  { name: "a shell script written, then run", target: "file", reports: "path", command: (t, n) => `printf '#!/bin/sh\\nrm -rf "$1"\\n' > del${n}.sh && chmod +x del${n}.sh && ./del${n}.sh ${t}` },
  { name: "find /abs -delete", target: "dir", reports: "path", command: (t) => `find ${t} -delete` },
  { name: "a symlink inside the workspace, then rm -rf link/", target: "dir", reports: "path", command: (t, n) => `ln -sfn ${t} link${n} && rm -rf link${n}/` },
  { name: "a hard link into the workspace, then a write through it", target: "file", command: (t, n) => `ln ${t} hard${n} && echo pwned > hard${n}` },
  { name: "mv the file into the workspace", target: "file", reports: "path", command: (t, n) => `T=${t}; mv $T moved${n}` },
  { name: "mv a workspace file out over it", target: "file", command: (t, n) => `T=${t}; echo pwned > local${n} && mv -f local${n} $T` },
  { name: "truncate -s 0", target: "file", reports: "path", command: (t) => `T=${t}; truncate -s 0 $T` },
  { name: "a write through /proc/self/fd", target: "file", reports: "any", command: (t) => `F=/proc/self/fd/3; ( exec 3<${t}; echo pwned > $F )` },
  { name: "perl -e unlink", target: "file", command: (t) => `perl -e 'unlink($ARGV[0]) or die "unlink: $!\\n"' ${t}` },
  { name: "sed -i (a new file renamed over it)", target: "file", reports: "any", command: (t) => `sed -i s/canary/pwned/ ${t}` },
  { name: "a redirection to $(echo path)", target: "file", reports: "path", command: (t) => `echo pwned > $(echo ${t})` },
  { name: "a background job", target: "file", background: true, command: (t, n) => `T=${t}; (sleep 0.2; rm -f $T; touch done${n}) &` },
  { name: "nohup", target: "file", background: true, command: (t, n) => `nohup sh -c 'rm -f ${t}; touch done${n}' >/dev/null 2>&1 &` },
  { name: "setsid", target: "file", background: true, command: (t, n) => `setsid sh -c 'rm -f ${t}; touch done${n}' >/dev/null 2>&1 < /dev/null &` },
];

/** A fresh target: a file holding "canary", or a directory holding one. Returns its path and how to tell it is untouched. */
function makeTarget(where: string, kind: Attempt["target"], n: number) {
  const path = join(where, `${kind}${n}`);
  const file = kind === "file" ? path : join(path, "inner");
  if (kind === "dir") mkdirSync(path);
  writeFileSync(file, "canary\n");
  return { path, untouched: () => existsSync(file) && readFileSync(file, "utf8") === "canary\n" };
}

async function attempt(a: Attempt, target: string, n: number): Promise<ExecResult | AppError> {
  try {
    const r = await h.exec("qa", a.command(target, n), "qa1");
    if (a.background) await until(`the background attempt ${n}`, () => existsSync(join(ws, `done${n}`)));
    return r;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

describe("a qa agent sandboxed to its workspace", () => {
  test("the session states its sandbox: Landlock, the workspace and a private TMPDIR writable, the data directory hidden", () => {
    const sb = h.sessions.get("qa").info().sandbox;
    expect(sb.kind).toBe("landlock");
    if (sb.kind !== "landlock") return;
    expect(sb.abi).toBeGreaterThanOrEqual(1);
    expect(sb.roles).toEqual(["qa"]);
    expect(sb.write).toEqual([ws, sb.tmpdir]);
    expect(sb.tmpdir.startsWith(join(h.home, "shell"))).toBe(true);
    expect(sb.hidden).toContain(h.home);
  });

  attempts.forEach((a, i) => {
    test(`${a.name}: the canary outside survives; inside the workspace it works`, async () => {
      const out = makeTarget(outside, a.target, i);
      const r = await attempt(a, out.path, i);
      expect(out.untouched()).toBe(true);
      if (a.policy) {
        expect(r).toBeInstanceOf(AppError);
        expect((r as AppError).code).toBe("denied");
      } else {
        expect(r).not.toBeInstanceOf(AppError);
        const denied = (r as ExecResult).analysis.sandbox_denied;
        if (a.reports) expect(denied).toBeDefined();
        if (a.reports === "path") expect(denied!.path!.startsWith(out.path)).toBe(true);
      }

      const inside = makeTarget(ws, a.target, 100 + i);
      const again = await attempt(a, inside.path, 100 + i);
      expect(again).not.toBeInstanceOf(AppError);
      expect(inside.untouched()).toBe(false);
      expect((again as ExecResult).analysis.sandbox_denied).toBeUndefined();
    });
  });
});

describe("what else the sandbox keeps out of reach", () => {
  /** An unconfined session of the same user, outside the workspace: what a sandboxed shell must not reach. */
  const bystander = async () => {
    if (!h.sessions.has("bystander")) await h.create("bystander", { cwd: outside });
    return h.sessions.get("bystander");
  };

  test("the owner token, the database and the roles file in the data directory can be neither read nor written", async () => {
    // the paths are hidden from the command-line policy in variables: the kernel answers
    const r = await h.exec("qa", `T=${h.paths.token} D=${h.paths.db} R=${join(h.home, "roles.json")}; cat $T; cp $D ./copy.db; echo '{}' > $R`, "qa1");
    expect(r.output).not.toContain("owner-token-of-this-test");
    expect(r.output).toContain("Permission denied");
    expect(existsSync(join(ws, "copy.db"))).toBe(false);
    expect(existsSync(join(h.home, "roles.json"))).toBe(false);
    expect(r.analysis.sandbox_denied?.path).toBe(h.paths.token);
  });

  test("the server (any process outside the session) cannot be signalled; the session's own jobs can", async () => {
    const r = await h.exec("qa", `kill -0 ${process.pid}; echo server:$?; sleep 30 & kill $! && echo own:ok`, "qa1");
    expect(r.output).toContain("Operation not permitted");
    expect(r.output).toContain("server:1");
    expect(r.output).toContain("own:ok");
    expect(r.analysis.sandbox_denied).toEqual({ path: null, message: expect.stringContaining(`kill: (${process.pid})`) });
  });

  test("every process of the session has no_new_privs and no capabilities; a setuid copy regains nothing", async () => {
    const r = await h.exec(
      "qa",
      "cp /bin/cat ./suidcat && chmod u+s ./suidcat && ./suidcat /proc/self/status | grep -E '^(NoNewPrivs|CapEff|CapBnd)'; sh -c 'grep NoNewPrivs /proc/self/status'",
      "qa1",
    );
    expect(r.output).toMatch(/NoNewPrivs:\s+1[\s\S]*NoNewPrivs:\s+1/);
    expect(r.output).toMatch(/CapEff:\s+0+\s/);
    expect(r.output).toMatch(/CapBnd:\s+0+\s/);
  });

  test("the server's and an unconfined session's environment, memory and open files cannot be read through /proc", async () => {
    const victims = [process.pid, (await bystander()).pid];
    // opening another process's memory is a ptrace check: refused across the sandbox's edge
    const probe = victims
      .map((p) => `P=${p}; head -c 64 /proc/$P/environ; echo environ:$?; (exec 4</proc/$P/mem); echo mem:$?; readlink /proc/$P/fd/0; echo fd:$?; ls /proc/$P/cwd/ >/dev/null; echo cwd:$?`)
      .join("; ");
    const r = await h.exec("qa", probe, "qa1");
    for (const what of ["environ", "mem", "fd", "cwd"]) expect(r.output.match(new RegExp(`^${what}:[1-9]`, "gm"))).toHaveLength(2);
    expect(r.output).not.toContain("HOME=");
    expect(r.output).not.toContain(h.paths.db);
    // the same from the unconfined session: it reads the server's environment (same user)
    const free = await h.exec("bystander", `P=${process.pid}; tr '\\0' '\\n' < /proc/$P/environ | grep -c = >/dev/null; echo environ:$?`);
    expect(free.output).toContain("environ:0");
  });

  test("a user namespace brings no way out: the canary survives an unshare", async () => {
    const out = makeTarget(outside, "file", 950);
    const r = await h.exec("qa", `T=${out.path}; unshare -Ur sh -c 'rm -f $T'; echo unshare:$?; unshare -Urm sh -c 'mount -t tmpfs none /tmp'; echo mount:$?`, "qa1");
    expect(r.output).toMatch(/unshare:[1-9]/);
    expect(r.output).toMatch(/mount:[1-9]/);
    expect(out.untouched()).toBe(true);
  });

  test("no keystroke can be pushed into an unconfined session's terminal (TIOCSTI)", async () => {
    const pts = readlinkSync(`/proc/${(await bystander()).pid}/fd/0`);
    const mark = join(ws, "tiocsti-ran");
    writeFileSync(
      join(ws, "push.py"),
      `import fcntl, os, sys, termios\nfd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)\nfor c in sys.argv[2]:\n    fcntl.ioctl(fd, termios.TIOCSTI, c.encode())\nprint("pushed")\n`,
    );
    const r = await h.exec("qa", `T=${pts}; python3 push.py $T 'touch ${mark}\n' 2>&1 | tail -1`, "qa1");
    // EPERM for another terminal without CAP_SYS_ADMIN; EIO where the kernel turned TIOCSTI off (dev.tty.legacy_tiocsti=0)
    expect(r.output).toMatch(/Operation not permitted|Input\/output error/);
    expect(r.output).not.toContain("pushed");
    // had a keystroke gone in, the bystander's shell would have it: it runs a marked command next
    const next = await h.exec("bystander", "echo bystander-ok");
    expect(next.output).toContain("bystander-ok");
    expect(existsSync(mark)).toBe(false);
  });

  test("the private TMPDIR is writable and ends with the session; /tmp is not", async () => {
    await h.create("qa-tmp", { agent: "qa1", cwd: ws });
    const r = await h.exec("qa-tmp", 'echo $TMPDIR; f=$(mktemp) && echo made:$f; P=/tmp/ais-sandbox-probe-$$; touch $P || echo tmp:refused', "qa1");
    const tmp = r.output.split(/\r?\n/)[0]!;
    expect(tmp).toBe((h.sessions.get("qa-tmp").info().sandbox as { tmpdir: string }).tmpdir);
    expect(r.output).toContain(`made:${tmp}/`);
    expect(r.output).toContain("tmp:refused");
    await h.sessions.kill("qa-tmp");
    expect(existsSync(tmp)).toBe(false);
  });

  test("the shell inherits no descriptor of the server", async () => {
    const r = await h.exec("qa", "ls /proc/$$/fd | sort -n | tr '\\n' ' '", "qa1");
    expect(r.output.trim()).toBe("0 1 2 255");
  });

  test("a plain session (no role, no agent) is not sandboxed, and says so", async () => {
    await h.create("plain", { cwd: ws });
    const sb = h.sessions.get("plain").info().sandbox;
    expect(sb).toEqual({ kind: "none", why: expect.stringContaining("without a role or agent is not sandboxed") });
    const out = makeTarget(outside, "file", 900);
    await h.exec("plain", `X=${out.path}; rm -f $X`);
    expect(out.untouched()).toBe(false);
  });
});
