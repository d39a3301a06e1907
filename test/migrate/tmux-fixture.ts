import { mkdirSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A private tmux server (its own socket name, never the user's) with two sessions:
 *   alpha: window 0 with panes 0 and 1, window 1 with pane 0
 *   beta:  window 0 with pane 0
 * each pane in its own directory and with known lines in its scrollback ("<pane>-line-N").
 */
export interface TmuxFixture {
  socket: string;
  panes: { target: string; name: string; cwd: string; marker: string }[];
  tmux(...args: string[]): string;
  stop(): void;
}

export async function startTmuxFixture(lines = 40): Promise<TmuxFixture> {
  const socket = `ais-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const root = realpathSync(mkdtempSync(join(tmpdir(), "ais-tmux-")));
  const tmux = (...args: string[]) => {
    const r = Bun.spawnSync(["tmux", "-L", socket, "-f", "/dev/null", ...args], { env: { ...process.env, TMUX: "" } });
    if (r.exitCode !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  const dir = (n: string) => {
    const d = join(root, n);
    mkdirSync(d);
    return d;
  };
  const shell = "env PS1='$ ' bash --norc --noprofile";
  const panes = [
    { target: "alpha:0.0", name: "alpha.0.0", cwd: dir("alpha-left") },
    { target: "alpha:0.1", name: "alpha.0.1", cwd: dir("alpha right") },
    { target: "alpha:1.0", name: "alpha.1.0", cwd: dir("alpha-second-window") },
    { target: "beta:0.0", name: "beta.0.0", cwd: dir("beta") },
  ].map((p) => ({ ...p, marker: `${p.name}-line` }));
  tmux("new-session", "-d", "-s", "alpha", "-x", "100", "-y", "30", "-c", panes[0]!.cwd, shell);
  tmux("set-option", "-g", "base-index", "0");
  tmux("split-window", "-t", "alpha:0", "-c", panes[1]!.cwd, shell);
  tmux("new-window", "-t", "alpha:1", "-c", panes[2]!.cwd, shell);
  tmux("new-session", "-d", "-s", "beta", "-x", "90", "-y", "25", "-c", panes[3]!.cwd, shell);
  for (const p of panes) {
    tmux("send-keys", "-t", p.target, `for i in $(seq 1 ${lines}); do echo ${p.marker}-$i; done`, "Enter");
  }
  const deadline = Date.now() + 10_000;
  for (const p of panes) {
    while (!tmux("capture-pane", "-p", "-S", "-", "-t", p.target).includes(`${p.marker}-${lines}\n`)) {
      if (Date.now() > deadline) throw new Error(`pane ${p.target} never printed its lines`);
      await Bun.sleep(50);
    }
  }
  return {
    socket,
    panes,
    tmux,
    stop: () => {
      try {
        tmux("kill-server");
      } catch {
        // already gone
      }
    },
  };
}
