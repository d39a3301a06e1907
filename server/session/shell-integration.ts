import { chmodSync, closeSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ensureMemoryStateDir, memoryStateDir, stateFileName } from "./memory-state.ts";

/**
 * Shell integration: a generated rc file makes the shell announce, with private OSC 133 marks that
 * carry a per-session nonce, where each prompt starts (A), where a command's output starts (C) and
 * that it finished with its exit status (D). The marks are removed from the stream by
 * MarkerFilter before anything is stored or shown, so no marker text ever reaches the output.
 * Nothing is typed into the pane and nothing extra lands in the shell's history: the hooks live
 * in PROMPT_COMMAND/PS0 (bash), precmd/preexec (zsh) and PS1 (plain sh, which reports the exit
 * status through `$?` in its prompt but has no start mark).
 * At every prompt, before the D mark, the shell also writes its exported environment to a state
 * file (a builtin, no fork), so it is current when a command's result is returned.
 * Every file here is the owner's alone (0600, in a 0700 directory) whatever the umask: the rc files
 * are written so, and the state file exists (0600) before the shell first truncates it.
 */
export const SHELL_KINDS = ["bash", "zsh", "sh", "other"] as const;
export type ShellKind = (typeof SHELL_KINDS)[number];

export function shellKindOf(shellPath: string): ShellKind {
  const name = basename(shellPath);
  if (name === "bash") return "bash";
  if (name === "zsh") return "zsh";
  if (name === "sh" || name === "dash" || name === "ash" || name === "ksh" || name === "mksh") return "sh";
  return "other";
}

export interface ShellLaunch {
  argv: string[];
  env: Record<string, string>;
  kind: ShellKind;
  /** File the shell rewrites at every prompt with `export -p`. */
  stateFile: string;
}

/** Writes a file only its owner can read, whatever the umask and whatever was there before. */
function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * The file a session's shell writes its exported environment to. A sandboxed shell keeps its own in
 * the session's directory (`inMemory` false): the shared one in /dev/shm is out of its reach.
 */
export function stateFileOf(sessionId: string, sessionDir: string, inMemory = true): string {
  const dir = inMemory ? memoryStateDir(dirname(sessionDir)) : null;
  return dir ? join(dir, stateFileName(sessionId)) : join(sessionDir, "env");
}

/** Removes a session's state file (when it lives outside the session's directory). */
export function removeStateFile(sessionId: string, sessionDir: string): void {
  rmSync(stateFileOf(sessionId, sessionDir), { force: true });
}

/** Writes the rc files for one session and returns how to start its shell. */
export function prepareShell(shell: string, sessionDir: string, nonce: string, sessionId: string, inMemory = true): ShellLaunch {
  mkdirSync(sessionDir, { recursive: true, mode: 0o700 });
  chmodSync(sessionDir, 0o700);
  const kind = shellKindOf(shell);
  const stateFile = stateFileOf(sessionId, sessionDir, inMemory);
  if (stateFile !== join(sessionDir, "env")) ensureMemoryStateDir(dirname(stateFile));
  if (kind === "bash" || kind === "zsh") {
    // the shells that write it: its mode is kept by every `export -p > file` that follows
    closeSync(openSync(stateFile, "w", 0o600));
    chmodSync(stateFile, 0o600);
  }
  const mark = (kind: string) => `\\033]133;${kind};aid=${nonce}\\007`;
  if (kind === "bash") {
    const rc = join(sessionDir, "bashrc");
    writePrivate(
      rc,
      `# ai-session shell integration (generated)
[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc
[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"
__ais_state=${shq(stateFile)}
__ais_prompt() {
  local s=$?
  builtin export -p >| "$__ais_state" 2>/dev/null
  builtin printf '${mark("D;%s")}' "$s"
  return $s
}
if [[ "$(declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  PROMPT_COMMAND=(__ais_prompt "\${PROMPT_COMMAND[@]}")
else
  PROMPT_COMMAND="__ais_prompt\${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
PS0="$(builtin printf '${mark("C")}')\${PS0:-}"
PS1="\\[$(builtin printf '${mark("A")}')\\]\${PS1:-\\\\w\\\\$ }"
unset AI_SESSION_NONCE
`,
    );
    return { argv: [shell, "--rcfile", rc, "-i"], env: {}, kind, stateFile };
  }
  if (kind === "zsh") {
    const zdot = join(sessionDir, "zdotdir");
    mkdirSync(zdot, { recursive: true, mode: 0o700 });
    writePrivate(
      join(zdot, ".zshrc"),
      `# ai-session shell integration (generated)
ZDOTDIR="\${AI_SESSION_USER_ZDOTDIR:-$HOME}"
[ -f "$ZDOTDIR/.zshrc" ] && . "$ZDOTDIR/.zshrc"
__ais_state=${shq(stateFile)}
__ais_precmd() {
  local s=$?
  builtin export -p >| "$__ais_state" 2>/dev/null
  builtin printf '${mark("D;%s")}' "$s"
  return $s
}
__ais_preexec() { builtin printf '${mark("C")}'; }
autoload -Uz add-zsh-hook
add-zsh-hook precmd __ais_precmd
add-zsh-hook preexec __ais_preexec
# zsh's partial-line mark (PROMPT_SP) would land in every command's output: behave like bash.
unsetopt PROMPT_SP
PS1="%{$(builtin printf '${mark("A")}')%}\${PS1:-%~%# }"
unset AI_SESSION_NONCE
`,
    );
    return { argv: [shell, "-i"], env: { ZDOTDIR: zdot }, kind, stateFile };
  }
  if (kind === "sh") {
    const rc = join(sessionDir, "shrc");
    // POSIX sh expands parameters in PS1 at every prompt: `$?` there is the last exit status.
    writePrivate(
      rc,
      `# ai-session shell integration for plain sh (generated)
__ais_esc=$(printf '\\033'); __ais_bel=$(printf '\\007')
PS1="\${__ais_esc}]133;D;\\$?;aid=${nonce}\${__ais_bel}\${__ais_esc}]133;A;aid=${nonce}\${__ais_bel}\\$ "
unset AI_SESSION_NONCE
`,
    );
    return { argv: [shell, "-i"], env: { ENV: rc }, kind, stateFile };
  }
  return { argv: [shell], env: {}, kind, stateFile };
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
