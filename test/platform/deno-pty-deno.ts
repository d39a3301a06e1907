// Run by deno-pty.test.ts under Deno: a shell started through deno-pty.ts (no fork of this
// process), asked what it sees of its terminal, resized, and ended with a status; one JSON line out.
import { spawnWithoutFork } from "../../server/platform/deno-pty.ts";

const decoder = new TextDecoder();
let out = "";
const env = { PATH: "/usr/bin:/bin", HOME: "/", PS1: "READY$ " };
const pty = spawnWithoutFork({ argv: ["/bin/bash", "--norc", "--noprofile", "-i"], cwd: "/tmp", env: env as Record<string, string>, cols: 80, rows: 24, onData: (b) => (out += decoder.decode(b)) }, env.PATH);
if (!pty) throw new Error("spawnWithoutFork found no setsid, sh or libc here");
const until = async (re: RegExp) => {
  for (let i = 0; i < 500 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 10));
  return re.exec(out);
};
await until(/READY\$ /);
pty.write('echo "me=$$ sid=$(ps -o sid= -p $$ | tr -d " ") tty=$(tty) fds=$(ls -l /proc/$$/fd | grep -c -e ptmx -e "pts/[0-9]* *$" ) pwd=$PWD term=$TERM"\r');
const seen = await until(/me=(\d+) sid=(\d+) tty=(\S+) fds=(\d+) pwd=(\S+) term=(\S+)/);
pty.resize(100, 30);
pty.write("stty size; exit 7\r");
await until(/30 100/);
const code = await pty.exited;
console.log(JSON.stringify({
  pidIsShell: seen?.[1] === String(pty.pid),
  sessionLeader: seen?.[2] === String(pty.pid),
  tty: /^\/dev\/pts\/\d+$/.test(seen?.[3] ?? ""),
  ptmxOrOtherPts: Number(seen?.[4]) - 4, // 0, 1, 2 and bash's own 255 are the terminal; nothing else
  pwd: seen?.[5],
  term: seen?.[6],
  size: /30 100/.test(out),
  code,
}));
