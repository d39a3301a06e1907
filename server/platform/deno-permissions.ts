/**
 * What a Deno process of ai-session may do, named one by one rather than -A: files (its data
 * directory, the shells' working directories), the network (TCP port, Unix socket), running
 * programs (shells, tmux, prlimit), the environment, system facts (load, memory) and FFI, which loads
 * node-pty's native addon. package.json's `deno` script passes the same list (test/platform checks).
 */
export const DENO_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
  "--allow-ffi",
];

/** The flags before the script in `deno run`: no prompt (a missing permission fails), no deno.lock written. */
export const DENO_RUN_FLAGS = ["--no-prompt", "--no-lock", ...DENO_PERMISSIONS];

/**
 * The server needs more: Deno lets no permission short of --allow-all read /proc/PID/* (a shell's
 * cwd, its children, whether it waits for input, the environment marks of what it started), so the
 * server a Deno client starts runs with --allow-all. The client itself keeps the narrow list.
 */
export const DENO_SERVER_FLAGS = ["--no-prompt", "--no-lock", "--allow-all"];
