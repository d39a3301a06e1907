import { AppError } from "../errors.ts";
import { platform } from "../platform/index.ts";

/**
 * Reading a real tmux server: its panes (session, window, pane, cwd, running command, size) and
 * their scrollback. Which server: a socket name (`tmux -L NAME`), a socket path (`tmux -S PATH`),
 * else tmux's own default (TMUX_TMPDIR honoured), so tests can use a private server and never
 * touch a user's tmux.
 */
export interface TmuxServer {
  socketName?: string;
  socketPath?: string;
  /** TMUX_TMPDIR to use for the default or named socket */
  tmpdir?: string;
}

export interface TmuxPane {
  session: string;
  window: number;
  windowName: string;
  pane: number;
  paneId: string;
  cwd: string;
  command: string;
  cols: number;
  rows: number;
}

const SEP = "\x1f";
const FORMAT = [
  "#{session_name}",
  "#{window_index}",
  "#{window_name}",
  "#{pane_index}",
  "#{pane_id}",
  "#{pane_current_path}",
  "#{pane_current_command}",
  "#{pane_width}",
  "#{pane_height}",
].join(SEP);

function describeServer(s: TmuxServer): string {
  if (s.socketPath) return `socket ${s.socketPath}`;
  if (s.socketName) return `socket name "${s.socketName}"`;
  return "the default socket";
}

function tmuxBinary(): string {
  const found = platform.which("tmux", process.env.PATH ?? "");
  if (!found) throw new AppError("unavailable", "tmux is not installed here, so there is nothing to import (install tmux or check PATH)");
  return found;
}

/**
 * Runs one tmux command against the chosen server, asynchronously (a long scrollback capture never
 * holds up the server); a missing server becomes a clear error.
 */
export async function runTmux(server: TmuxServer, args: string[]): Promise<string> {
  const sock = server.socketPath ? ["-S", server.socketPath] : server.socketName ? ["-L", server.socketName] : [];
  const env = { ...process.env };
  if (server.tmpdir) env.TMUX_TMPDIR = server.tmpdir;
  delete env.TMUX; // never let an enclosing tmux pick the server for us
  const { code: exitCode, stdout: out, stderr: errText } = await platform.capture([tmuxBinary(), ...sock, ...args], env);
  if (exitCode !== 0) {
    const err = errText.trim();
    if (/no server running|error connecting|No such file or directory|server exited/i.test(err)) {
      throw new AppError("unavailable", `no tmux server is running on ${describeServer(server)} (start tmux, or pass --socket NAME / --socket-path PATH)`);
    }
    throw new AppError("internal", `tmux ${args[0]} failed: ${err || `exit code ${exitCode}`}`);
  }
  return out;
}

/** Every pane of every session, in tmux's order. */
export async function listPanes(server: TmuxServer): Promise<TmuxPane[]> {
  const out = await runTmux(server, ["list-panes", "-a", "-F", FORMAT]);
  return out
    .split("\n")
    .filter((l) => l.includes(SEP))
    .map((line) => {
      const [session, window, windowName, pane, paneId, cwd, command, cols, rows] = line.split(SEP);
      return {
        session: session!,
        window: Number(window),
        windowName: windowName ?? "",
        pane: Number(pane),
        paneId: paneId!,
        cwd: cwd ?? "",
        command: command ?? "",
        cols: Number(cols) || 80,
        rows: Number(rows) || 24,
      };
    });
}

/**
 * The pane's whole history and visible screen with colours (`capture-pane -p -e -J -S - -E -`),
 * trailing blank lines dropped, lines ended with CRLF so a terminal shows them as they were.
 */
export async function captureScrollback(server: TmuxServer, paneId: string): Promise<string> {
  const text = await runTmux(server, ["capture-pane", "-p", "-e", "-J", "-S", "-", "-E", "-", "-t", paneId]);
  const lines = text.split("\n");
  while (lines.length && lines[lines.length - 1]!.replace(/\x1b\[[0-9;]*m/g, "").trim() === "") lines.pop();
  return lines.length ? lines.join("\r\n") + "\r\n" : "";
}

/** Where the CLI's tmux is: an explicit socket, else the one of the tmux the CLI runs inside ($TMUX). */
export function tmuxServerFromEnv(
  opts: { socket?: string; socketPath?: string },
  env: NodeJS.ProcessEnv = process.env,
): TmuxServer {
  if (opts.socketPath) return { socketPath: opts.socketPath };
  if (opts.socket) return { socketName: opts.socket, tmpdir: env.TMUX_TMPDIR };
  const inside = env.TMUX?.split(",")[0];
  if (inside) return { socketPath: inside };
  return { tmpdir: env.TMUX_TMPDIR };
}
