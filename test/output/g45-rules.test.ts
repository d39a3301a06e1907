/** Rules that came from corpus group g45 (captured before them): help screens asked of tools, and pages fetched with curl. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

// a help screen whose options look alike and whose words say error, warning and failed
const help = [
  "Usage: shipit deploy [OPTIONS] <TARGET>",
  "",
  "Options:",
  ...Array.from({ length: 60 }, (_, k) => `      --option-${k} <VALUE>   set option ${k}; on error the deploy failed and a warning is printed`),
  "  -h, --help              Print help",
].join("\n");
const metrics = ["# HELP jobs_total Jobs run, by queue and outcome.", "# TYPE jobs_total counter", ...Array.from({ length: 40 }, (_, k) => `jobs_total{queue="q${k % 5}",outcome="${["ok", "error", "timeout"][k % 3]}"} ${100 + k * 13}`)].join("\n");

describe("a help screen asked for", () => {
  test("comes back whole, with no findings, whatever its options say", () => {
    for (const [command, code] of [["shipit deploy --help", 0], ["shipit help deploy", 0], ["shipit deploy -h", 129], ["shipit --help | head -80", 0], ["make help", 0]] as const) {
      const r = compactOutput(help, { command, exitCode: code, expandHint: hint });
      expect(r.text).toBe(help);
      expect(r.analysis).toMatchObject({ kind: "listing", errors: [], status: code === 0 ? "success" : "failure" });
    }
  });

  test("a package manager's run with no script lists the scripts, whole", () => {
    const scripts = ["Lifecycle scripts included in shop@1.0.0:", "  test", "    node --test", "available via `npm run`:", ...Array.from({ length: 14 }, (_, k) => `  task:${k}\n    node scripts/task-${k}.js --fail-on-error`)].join("\n");
    const r = compactOutput(scripts, { command: "npm run", exitCode: 0, expandHint: hint });
    expect(r.text).toBe(scripts);
    expect(r.analysis.kind).toBe("listing");
  });

  test("a long one keeps its first 400 lines and its last 40", () => {
    const long = Array.from({ length: 900 }, (_, k) => `  --flag-${k}   does thing ${k}`).join("\n");
    const r = compactOutput(long, { command: "bigtool --help", exitCode: 0, expandHint: hint });
    expect(r.text).toContain("--flag-399 ");
    expect(r.text).not.toContain("--flag-400 ");
    expect(r.text).toContain("--flag-899 ");
    expect(r.folds).toHaveLength(1);
  });

  test("-h for human-readable sizes is no help: a long sort -h is compacted as sort's answer, not kept as a help screen's first 400 lines", () => {
    const sizes = Array.from({ length: 800 }, (_, k) => `${(k % 9) + 1}.${k % 10}M\t./cache/part-${k}`).join("\n");
    const r = compactOutput(sizes, { command: "sort -h sizes.txt", exitCode: 0, expandHint: hint });
    expect(r.folds.length).toBeGreaterThan(0);
    expect(r.text.split("\n").length).toBeLessThan(400);
  });
});

describe("a page fetched with curl", () => {
  test("comes back whole, metrics, HTML or headers and body, with no findings", () => {
    for (const command of ["curl -s http://127.0.0.1:8124/metrics", "curl -fsSL http://127.0.0.1:8124/metrics | head -100", "wget -qO- http://127.0.0.1:8124/metrics"]) {
      const r = compactOutput(metrics, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(metrics);
      expect(r.analysis).toMatchObject({ kind: "listing", errors: [], status: "success" });
    }
    const page = ["HTTP/1.1 200 OK", "Content-Type: text/html", "", "<ul>", ...Array.from({ length: 40 }, (_, k) => `  <li class="${k % 4 ? "ok" : "error"}">service ${k}: ${k % 4 ? "up" : "500 errors in the last hour"}</li>`), "</ul>"].join("\n");
    expect(compactOutput(page, { command: "curl -si http://127.0.0.1:8124/", exitCode: 0, expandHint: hint }).text).toBe(page);
  });

  test("curl's own complaint is its error", () => {
    const a = analyzeOutput("curl: (7) Failed to connect to 127.0.0.1 port 8124 after 0 ms: Couldn't connect to server", { command: "curl -s http://127.0.0.1:8124/metrics", exitCode: 7 });
    expect(a.counts.errors).toBe(1);
    expect(a.status).toBe("failure");
  });

  test("a fetch that tells how it went (-v, -I, -o, -w) is read as curl's run", () => {
    const raw = ["*   Trying 127.0.0.1:8095...", "* Connected to 127.0.0.1 (127.0.0.1) port 8095", "> GET /api/orders HTTP/1.1", "< HTTP/1.0 500 Internal Server Error", "<", '{"error": "database is locked"}'].join("\n");
    expect(analyzeOutput(raw, { command: "curl -v http://127.0.0.1:8095/api/orders", exitCode: 0 }).kind).not.toBe("listing");
  });
});
