/** Rules that came from corpus group g38 (captured before them), checked on output written in the tools' formats. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

describe("a problem the program ignores and goes on past", () => {
  const raw = [
    "/etc/systemd/system/backup.timer:4: Unknown key 'OnCalender' in section [Timer], ignoring.",
    "/etc/systemd/system/backup.service:7: Failed to parse boolean value, ignoring: maybe",
    "backup.timer: Timer unit lacks value setting. Refusing.",
  ].join("\n");
  const a = analyzeOutput(raw, { command: "systemd-analyze verify /etc/systemd/system/backup.timer", exitCode: 1 });

  test("is a warning at its place; the refusal is the error", () => {
    expect(a.counts.warnings).toBe(2);
    expect(a.counts.errors).toBe(1);
    expect(a.errors.filter((e) => e.severity === "warning").map((e) => e.line)).toEqual([4, 7]);
  });

  test("a line that labels itself an error stays one, though it says it ignores something", () => {
    const b = analyzeOutput("conf/app.ini:3: error: unknown section [cache], ignoring", { command: "appcheck conf/app.ini", exitCode: 1 });
    expect(b.errors.map((e) => e.severity)).toEqual(["error"]);
  });

  test("a run told to verify or validate is a check; Maven's verify phase is not", () => {
    expect(a.kind).toBe("lint");
    expect(analyzeOutput("Error: a.pkr.hcl:3: unsupported argument", { command: "packer validate .", exitCode: 1, rules: "generic" }).kind).toBe("lint");
    expect(analyzeOutput("[ERROR] src/main/java/A.java:[3,1] cannot find symbol", { command: "mvn verify", exitCode: 1, rules: "generic" }).kind).not.toBe("lint");
  });
});

describe("a YAML parser's marks", () => {
  test("place the one error told above them, at the last mark (where it failed)", () => {
    const raw = ["yaml.scanner.ScannerError: while scanning a simple key", '  in "deploy/app.yaml", line 7, column 1', "could not find expected ':'", '  in "deploy/app.yaml", line 9, column 3'].join("\n");
    const a = analyzeOutput(raw, { command: "python3 render.py deploy/app.yaml", exitCode: 1 });
    expect(a.counts.errors).toBe(1);
    expect(a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}:${e.column}`)).toEqual(["deploy/app.yaml:9:3"]);
  });
});

describe("dpkg's report of a package it could not configure", () => {
  const raw = [
    "Unpacking metrics-agent (2.1.0) ...",
    "dpkg: dependency problems prevent configuration of metrics-agent:",
    " metrics-agent depends on libprom-client (>= 0.9); however:",
    "  Package libprom-client is not installed.",
    "",
    "dpkg: error processing package metrics-agent (--install):",
    " dependency problems - leaving unconfigured",
    "Errors were encountered while processing:",
    " metrics-agent",
  ].join("\n");

  test("is dpkg's, one error per package it failed on", () => {
    const a = analyzeOutput(raw, { command: "sudo dpkg -i metrics-agent_2.1.0_amd64.deb", exitCode: 1 });
    expect(a.tool).toBe("dpkg");
    expect(a.counts.errors).toBe(1);
    expect(a.kind).toBe("install");
  });

  test("a package tool's install option makes an install without its rules", () => {
    expect(analyzeOutput(raw, { command: "dpkg -i metrics-agent_2.1.0_amd64.deb", exitCode: 1, rules: "generic" }).kind).toBe("install");
    expect(analyzeOutput("error: Failed dependencies:", { command: "rpm -Uvh agent.rpm", exitCode: 1, rules: "generic" }).kind).toBe("install");
  });
});

describe("pip failing in a package's own setup", () => {
  const raw = [
    "Processing /src/billing",
    "  Preparing metadata (pyproject.toml) ... error",
    "  error: subprocess-exited-with-error",
    "  ",
    "  × Preparing metadata (pyproject.toml) did not run successfully.",
    "  │ exit code: 1",
    "  ╰─> [6 lines of output]",
    "      Traceback (most recent call last):",
    '        File "/usr/lib/python3/dist-packages/setuptools/build_meta.py", line 335, in run_setup',
    "          exec(code, locals())",
    '        File "<string>", line 4, in <module>',
    "      KeyError: 'BILLING_VERSION'",
    "      [end of output]",
    "  ",
    "  note: This error originates from a subprocess, and is likely not a problem with pip.",
    "error: metadata-generation-failed",
  ].join("\n");

  test("is pip's from its report alone, and an install, not a crash, without pip's rules", () => {
    expect(analyzeOutput(raw).tool).toBe("pip");
    expect(analyzeOutput(raw, { command: "pip install /src/billing", exitCode: 1, rules: "generic" }).kind).toBe("install");
  });
});

describe("what a failed run was working on", () => {
  const frames = Array.from({ length: 24 }, (_, k) => `        File "/usr/lib/python3/dist-packages/pkg/m${k}.py", line ${k + 10}, in f${k}`);

  test("the progress line right above its first error stays", () => {
    const raw = ["Looking in links: /opt/wheels", "Processing /src/billing", "  Preparing metadata (pyproject.toml) ... error", "  error: subprocess-exited-with-error", "      Traceback (most recent call last):", ...frames, "      KeyError: 'BILLING_VERSION'"].join("\n");
    const out = compactOutput(raw, { command: "pip install /src/billing", exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("Processing /src/billing");
    expect(out).not.toContain("Looking in links: /opt/wheels");
  });

  test("a test that passed before the failing one folds as before", () => {
    const passes = Array.from({ length: 30 }, (_, k) => `test tests::case_${k} ... ok`);
    const raw = ["running 31 tests", ...passes, "test tests::rounding ... FAILED", "", "failures:", "    tests::rounding", "", "test result: FAILED. 30 passed; 1 failed; 0 ignored"].join("\n");
    const out = compactOutput(raw, { command: "cargo test", exitCode: 101, expandHint: hint }).text;
    expect(out).not.toContain("test tests::case_29 ... ok");
  });
});

describe("gcov's summary", () => {
  test("is gcov's, from the output alone", () => {
    const raw = ["File 'lib/parse.c'", "Lines executed:64.00% of 25", "Creating 'parse.c.gcov'", "", "Lines executed:64.00% of 25"].join("\n");
    expect(analyzeOutput(raw).tool).toBe("gcov");
  });
});
