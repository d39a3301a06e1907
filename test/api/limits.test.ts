import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { ensureHome, pathsFor } from "../../server/paths.ts";
import { limitSupport, limitsWrapper, parseLimitSpec, releaseLimits, wrapWithLimits } from "../../server/security/limits.ts";
import { SessionManager } from "../../server/session/manager.ts";

const support = limitSupport();

/** A session manager over a fresh data directory. */
function managerIn(prefix: string): SessionManager {
  const home = mkdtempSync(join(tmpdir(), prefix));
  ensureHome(home);
  const paths = pathsFor(home);
  return new SessionManager(openDatabase(paths.db), paths);
}

/** Processes on this machine carrying `BOMB_MARK=<mark>` in their environment, read from /proc. */
function pidsMarked(mark: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`BOMB_MARK=${mark}`)) out.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
const processesMarked = (mark: string) => pidsMarked(mark).length;
function killMarked(mark: string): void {
  for (let round = 0; round < 50 && processesMarked(mark) > 0; round++) {
    for (const pid of pidsMarked(mark)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}
const python = Bun.which("python3");

async function runLimited(script: string, limits: Parameters<typeof wrapWithLimits>[1], id: string, timeoutMs = 20_000) {
  const argv = wrapWithLimits(["/bin/bash", "-c", script], limits, id);
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const out = new Response(proc.stdout).text();
  const err = new Response(proc.stderr).text();
  await proc.exited;
  clearTimeout(timer);
  // whatever the shell left behind (a fork bomb's children) holds the pipes open until released
  await releaseLimits(id);
  return { out: await out, err: await err, code: proc.exitCode };
}

describe("per-session resource limits", () => {
  test("this machine's limits are stated in one sentence", () => {
    expect(support.statement).toMatch(/rlimit|prlimit/);
    expect(support.statement.endsWith(".")).toBe(true);
  });

  test.skipIf(!support.prlimit || !python)("a shell limited to 100 MB cannot allocate 1 GB", async () => {
    const r = await runLimited(`${python} -c 'x = bytearray(1 << 30); print("allocated", len(x))'; echo "exit=$?"; ulimit -v`, { memoryMb: 100 }, `mem-${process.pid}`);
    expect(r.out).not.toContain("allocated");
    expect(r.err).toContain("MemoryError");
    expect(r.out).toContain("exit=1");
    expect(r.out).toContain("102400"); // ulimit -v in KiB
  });

  test.skipIf(!support.prlimit)("open files and CPU seconds reach the shell", async () => {
    const r = await runLimited("ulimit -n; ulimit -t", { openFiles: 64, cpuSeconds: 30 }, `nofile-${process.pid}`);
    expect(r.out.trim().split("\n")).toEqual(["64", "30"]);
  });

  test.skipIf(!support.cgroup && process.getuid?.() === 0)(
    "a fork bomb under a process limit stays bounded and the machine keeps answering",
    async () => {
      const id = `bomb-${process.pid}`;
      // the shell starts the bomb with one fork, made before any bomb process exists, and answers at once
      // with a builtin: any later fork of its own would wait in bash's fork retry for a free slot (the limit
      // working, not the shell failing), and on a loaded machine the bomb's children can take every slot first
      const argv = wrapWithLimits(["/bin/bash", "-c", "bomb(){ bomb | bomb & }; bomb & echo survived"], { processes: 30 }, id);
      const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", env: { ...process.env, BOMB_MARK: id } });
      const out = new Response(proc.stdout).text();
      const err = new Response(proc.stderr).text();
      let most = 0;
      let spawnMs = 0;
      try {
        for (let i = 0; i < 20; i++) {
          await Bun.sleep(50);
          most = Math.max(most, processesMarked(id));
        }
        const t0 = Date.now();
        expect(Bun.spawnSync(["true"]).exitCode).toBe(0); // the host still starts processes
        spawnMs = Date.now() - t0;
      } finally {
        await releaseLimits(id);
        if (!support.cgroup) killMarked(id); // an rlimit alone leaves nothing to release
      }
      expect(await out).toContain("survived");
      expect(await err).toMatch(/fork|Resource temporarily unavailable/);
      expect(most).toBeGreaterThan(5); // the bomb did run
      expect(most).toBeLessThanOrEqual(30);
      expect(spawnMs).toBeLessThan(2_000);
      if (support.cgroup) expect(processesMarked(id)).toBe(0); // releasing the cgroup ended all of it
    },
    30_000,
  );

  test.skipIf(!support.cgroup)("releasing a session's limits ends what is left in its cgroup", async () => {
    const id = `left-${process.pid}`;
    const argv = wrapWithLimits(["/bin/bash", "-c", "sleep 300 & sleep 300 & wait"], { processes: 10 }, id);
    const proc = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
    await Bun.sleep(300);
    const released = releaseLimits(id);
    expect(released).toBeInstanceOf(Promise); // polls without blocking the event loop
    await released;
    await proc.exited;
    expect(proc.signalCode ?? proc.exitCode).toBeTruthy();
  });

  test("a limit spec reads like the CLI flag", () => {
    expect(parseLimitSpec("cpu=60,mem=512M,procs=100,files=1024")).toEqual({ cpuSeconds: 60, memoryMb: 512, processes: 100, openFiles: 1024 });
    expect(parseLimitSpec("mem=2G")).toEqual({ memoryMb: 2048 });
    expect(() => parseLimitSpec("disk=1")).toThrow(/unknown limit "disk"/);
    expect(() => parseLimitSpec("mem=lots")).toThrow(/needs a size/);
    expect(() => wrapWithLimits(["bash"], { processes: -1 })).toThrow(/whole number above 0/);
  });

  test("no limits leaves the command as it is", () => {
    expect(wrapWithLimits(["/bin/bash", "-l"], undefined)).toEqual(["/bin/bash", "-l"]);
    expect(wrapWithLimits(["/bin/bash", "-l"], {})).toEqual(["/bin/bash", "-l"]);
    expect(existsSync("/bin/bash")).toBe(true);
  });
});

describe("limits on a real session", () => {
  test.skipIf(!support.prlimit || !python)(
    "a session limited to 100 MB cannot allocate 1 GB, keeps working, and its cgroup goes when it ends",
    async () => {
      const manager = managerIn("ais-limits-");
      const s = await manager.create({ name: "capped", shell: "/bin/bash", wrapArgv: limitsWrapper({ memoryMb: 100, processes: 64 }, manager.events) });
      try {
        const big = await s.commands.exec(`${python} -c 'x = bytearray(1 << 30); print("allocated")'`, { timeoutMs: 20_000 });
        const text = new TextDecoder().decode(big.raw);
        expect(big.exitCode).not.toBe(0);
        expect(text).toContain("MemoryError");
        expect(text).not.toContain("allocated\r\n");
        const small = await s.commands.exec(`${python} -c 'x = bytearray(10 << 20); print("small ok")'`, { timeoutMs: 20_000 });
        expect(small.exitCode).toBe(0);
        const limit = await s.commands.exec("ulimit -v", { timeoutMs: 5_000 });
        expect(new TextDecoder().decode(limit.raw)).toContain("102400");
      } finally {
        await manager.kill("capped");
      }
      if (support.cgroup === "v1" && existsSync("/sys/fs/cgroup/pids/ai-session")) {
        await Bun.sleep(200);
        const left = readdirSync("/sys/fs/cgroup/pids/ai-session").filter((d) => d === s.id || d.startsWith("s-"));
        expect(left).toEqual([]);
      }
      manager.events.emit("shutdown");
    },
    60_000,
  );

  test.skipIf(!support.cgroup)(
    "a fork bomb in a session with a process limit stays bounded, and killing the session ends all of it",
    async () => {
      const manager = managerIn("ais-bomb-");
      const s = await manager.create({ name: "bomb", shell: "/bin/bash", wrapArgv: limitsWrapper({ processes: 40 }, manager.events) });
      await s.send({ text: "bomb(){ bomb | bomb & }; bomb", enter: true });
      await Bun.sleep(1500);
      const before = Date.now();
      expect(Bun.spawnSync(["true"]).exitCode).toBe(0); // the machine still starts processes
      expect(Date.now() - before).toBeLessThan(2_000);
      await manager.kill("bomb");
      await Bun.sleep(300);
      if (support.cgroup === "v1" && existsSync("/sys/fs/cgroup/pids/ai-session")) {
        // the session's cgroup is gone, which the kernel allows only once no process is left in it
        // (a fork bomb's last children may take a moment to be reaped on a loaded machine)
        const left = () => readdirSync("/sys/fs/cgroup/pids/ai-session").filter((d) => d === s.id || d.startsWith("s-"));
        for (let i = 0; i < 50 && left().length > 0; i++) await Bun.sleep(100);
        expect(left()).toEqual([]);
      }
      manager.events.emit("shutdown");
    },
    60_000,
  );
});

describe("a creation that fails leaves nothing listening", () => {
  const listening = (m: { events: { listenerCount(e: string): number } }) =>
    m.events.listenerCount("session:created") + m.events.listenerCount("session:ended");

  test.skipIf(!support.cgroup)(
    "a taken name or a bad cwd after the wrapper was made: no listener stays behind",
    async () => {
      const manager = managerIn("ais-limits-fail-");
      await manager.create({ name: "dup", shell: "/bin/bash" });
      try {
        const before = listening(manager);
        for (const attempt of [{ name: "dup" }, { name: "nowhere", cwd: "/no/such/directory" }]) {
          const wrapArgv = limitsWrapper({ processes: 50 }, manager.events, attempt.name);
          await expect(manager.create({ ...attempt, shell: "/bin/bash", wrapArgv })).rejects.toThrow();
          expect(listening(manager)).toBe(before);
        }
      } finally {
        await manager.kill("dup");
        manager.events.emit("shutdown");
      }
    },
    30_000,
  );

  test.skipIf(!support.cgroup)(
    "a shell wrapped but never announced as created: its listeners and cgroup go after the deadline",
    async () => {
      const manager = managerIn("ais-limits-lost-");
      const before = listening(manager);
      const wrap = limitsWrapper({ processes: 50 }, manager.events, undefined, { createdWithinMs: 100 });
      const argv = wrap(["/bin/bash"]); // as at spawn; then the spawn fails and nothing is created
      const dirs = argv.filter((a) => a.endsWith("cgroup.procs")).map((f) => dirname(f));
      expect(dirs.length).toBeGreaterThan(0);
      expect(dirs.every((d) => existsSync(d))).toBe(true);
      expect(listening(manager)).toBeGreaterThan(before);
      for (let i = 0; i < 50 && (listening(manager) > before || dirs.some((d) => existsSync(d))); i++) await Bun.sleep(20);
      expect(listening(manager)).toBe(before);
      expect(dirs.some((d) => existsSync(d))).toBe(false);
    },
    30_000,
  );

  test.skipIf(!support.cgroup)(
    "a session created with limits is still released when it ends",
    async () => {
      const manager = managerIn("ais-limits-ok-");
      const before = listening(manager);
      const inner = limitsWrapper({ processes: 50 }, manager.events, "ok", { createdWithinMs: 100 });
      let dirs: string[] = [];
      const wrapArgv = (argv: string[]) => {
        const out = inner(argv);
        dirs = out.filter((a) => a.endsWith("cgroup.procs")).map((f) => dirname(f));
        return out;
      };
      await manager.create({ name: "ok", shell: "/bin/bash", wrapArgv });
      await Bun.sleep(300); // past the deadline: the session was recognised, so nothing is released
      expect(dirs.every((d) => existsSync(d))).toBe(true);
      await manager.kill("ok");
      for (let i = 0; i < 50 && dirs.some((d) => existsSync(d)); i++) await Bun.sleep(20);
      expect(dirs.some((d) => existsSync(d))).toBe(false);
      expect(listening(manager)).toBe(before);
      manager.events.emit("shutdown");
    },
    30_000,
  );
});
