/** Rules that came from corpus group g48 (captured before them): the process and system state inspected with ps, du, top, lscpu, ss, vmstat, lsof and pstree. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

// a process table whose commands say warn, error and test
const ps = ["USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND", ...Array.from({ length: 70 }, (_, k) => `root     ${String(1000 + k).padStart(5)}  0.0  0.1  46656  9740 ?        S    03:43   0:0${k % 10} ${["[kworker/R-rcu_gp]", "node --test test/", "python3 scripts/warn_on_error.py", "npm run build"][k % 4]}`)].join("\n");
const lscpu = ["Architecture:                x86_64", "CPU(s):                      2", ...Array.from({ length: 30 }, (_, k) => `  Vulnerability ${k}:          ${k % 3 ? "Not affected" : "Vulnerable: No microcode"}`)].join("\n");

describe("the machine's state asked for", () => {
  test("a process table, CPUs, sockets and trees come back whole, with no findings in their words", () => {
    for (const [raw, command] of [
      [ps, "ps aux"],
      [ps, "ps -eo pid,ppid,stat,etime,args | grep -E 'PID|python3' | grep -v grep"],
      [ps, "top -bn1 | head -80"],
      [lscpu, "lscpu"],
      [ps, "pstree -a -p | head -80"],
      [lscpu, "lsof -i -P -n"],
    ] as const) {
      const r = compactOutput(raw, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(raw);
      expect(r.analysis).toMatchObject({ kind: "listing", status: "success", errors: [] });
    }
  });

  test("sizes sorted and cut come back whole", () => {
    const sizes = Array.from({ length: 60 }, (_, k) => `${k + 1}M    /usr/share/part-${k}`).join("\n");
    expect(compactOutput(sizes, { command: "du -sh /usr/share/* | sort -h | tail -60", exitCode: 0, expandHint: hint }).text).toBe(sizes);
  });

  test("past a few thousand tokens kernel threads fold as idle, a sleeping server holding memory stays", () => {
    const header = "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND";
    const kthreads = Array.from({ length: 300 }, (_, k) => `root     ${String(100 + k).padStart(5)}  0.0  0.0      0     0 ?        I<   03:43   0:00 [kworker/R-queue-${k}-${"x".repeat(20)}]`);
    const server = "root     15097  0.0  0.0  28600 22892 ?        S    05:30   0:00 /root/.pyenv/versions/3.11.7/bin/python3 scripts/api.py";
    const raw = [header, ...kthreads.slice(0, 150), server, ...kthreads.slice(150)].join("\n");
    const r = compactOutput(raw, { command: "ps aux", exitCode: 0, expandHint: hint });
    expect(r.text).toContain(server);
    expect(r.text).not.toContain("[kworker/R-queue-77-");
  });

  test("the program's own complaint is its error", () => {
    const a = analyzeOutput('ps: error: unknown user-defined format specifier "pcpuu"', { command: "ps -eo pid,pcpuu", exitCode: 1 });
    expect(a.counts.errors).toBe(1);
    expect(a.status).toBe("failure");
  });
});
