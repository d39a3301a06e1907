/** docker build, maven and gradle, shellcheck. */
import type { Role } from "../roles.ts";
import { commandStarts, issue, numberOf, type OutputError, type Parser, programCommand } from "../types.ts";
import { fedByInput } from "../shape/content.ts";

const BUILDKIT_PLACE = /^((?:\S*\/)?(?:Dockerfile|Containerfile)(?:\.[\w-]+)?|\S+\.(?:Dockerfile|Containerfile)):(\d+)\s*$/;

/** A builder's own lines: BuildKit's steps (`#5 [2/4] RUN …`), the legacy builder's (`Step 2/6 : RUN …`, `Sending build context`). */
const DOCKER_BUILD_LINE = /^(?:#\d+ \[|Step \d+\/\d+ : |Sending build context|DEPRECATED: The legacy builder)/m;

export const docker: Parser = {
  tool: "docker",
  matches: (text, command) => commandStarts(command, "docker", "podman", "docker-compose") || DOCKER_BUILD_LINE.test(text) || /^Cannot connect to the Docker daemon/m.test(text),
  parse(lines, text, command) {
    const errors: OutputError[] = lines
      .filter((l) => /^(?:ERROR|error|Cannot connect to the Docker daemon|#\d+ ERROR:|failed to solve|unable to prepare context)/.test(l) || /level=error/.test(l))
      .map((l) => issue(l, "error", /Dockerfile:(\d+)/.test(l) ? "Dockerfile" : null, numberOf(l, /Dockerfile:(\d+)/) ?? null));
    // BuildKit gives the failing instruction's place on a line of its own above its code frame (`Dockerfile:4`,
    // `docker/api.Dockerfile:12`): the place of the build's error that names none
    const place = lines.map((l) => BUILDKIT_PLACE.exec(l)).filter((m) => m !== null).at(-1);
    const unplaced = errors.findLast((e) => e.file === null);
    if (place && unplaced) {
      unplaced.file = place[1]!;
      unplaced.line = Number(place[2]);
    }
    // a build is `docker build` (buildx, compose build) or a builder's own lines; `docker exec`, `run`, `ps`, `logs` are no build
    const build = /^(?:docker|podman)(?:\s+(?:buildx|compose|builder))?\s+(?:build|bake)(?:\s|$)|^docker-compose\s+build(?:\s|$)/.test(programCommand(command ?? "")) || DOCKER_BUILD_LINE.test(text) || !command;
    return {
      tool: "docker",
      kind: build ? "build" : "other",
      errors,
      tests_failed: [],
      counts: { errors: errors.length },
      verdict: errors.length > 0 ? "failed" : /Successfully built|naming to|writing image/.test(text) ? "passed" : undefined,
      suggestions: /Cannot connect to the Docker daemon/.test(text) ? ["start the Docker daemon (dockerd) or point DOCKER_HOST at one"] : [],
    };
  },
};

/**
 * Maven's closing help, the same after every failed build: the `[Help N]` references and links,
 * the advice to re-run with `-e` or `-X`, surefire's note on dump files, empty `[ERROR]` lines.
 * `Failed to execute goal …` and `Please refer to …/surefire-reports …` say what failed and stay.
 */
const MAVEN_FOOTER =
  /^\[ERROR\] ?(?:$|-> \[Help \d+\]$|\[Help \d+\] https?:\/\/\S+$|To see the full stack trace of the errors, re-run Maven with the -e switch\.$|Re-run Maven using the -X switch to enable full debug logging\.$|For more information about the errors and possible solutions, please read the following articles:$|Please refer to dump files \(if any exist\) .*\.dumpstream\.$)/;

const JAVAC = /^\[(ERROR|WARNING)\] (\/?[\w./-]+\.(?:java|kt|scala)):\[(\d+),(\d+)\] (.+)$/;
const GRADLE = /^(?:e|w): (?:file:\/\/)?(\/?[\w./-]+\.(?:java|kt)):(\d+):(\d+):? (.+)$/;
const JAVAC_PLAIN = /^(\/?[\w./-]+\.java):(\d+): (error|warning): (.+)$/;

export const jvm: Parser = {
  tool: "maven",
  matches: (text, command) => commandStarts(command, "mvn", "./mvnw", "gradle", "./gradlew", "javac") || /^\[INFO\] (?:BUILD|Scanning for projects)|^BUILD (?:SUCCESSFUL|FAILED) in/m.test(text),
  parse(lines, text) {
    const errors: OutputError[] = [];
    for (const line of lines) {
      const m = JAVAC.exec(line);
      if (m) errors.push(issue(m[5]!, m[1] === "ERROR" ? "error" : "warning", m[2]!, m[3]!, m[4]!));
      const g = GRADLE.exec(line) ;
      if (g) errors.push(issue(g[4]!, line.startsWith("e") ? "error" : "warning", g[1]!, g[2]!, g[3]!));
      const p = JAVAC_PLAIN.exec(line);
      if (p) errors.push(issue(p[4]!, p[3] as "error", p[1]!, p[2]!));
    }
    // Surefire's closing list: "[ERROR]   CalcTest.averageOfTwo:9 expected: <2.0> but was: <1.5>"
    const testsFailed: string[] = [];
    for (const line of lines) {
      const f = /^\[(?:ERROR|WARNING)\]\s{2,}([\w$]+(?:\.[\w$]+)*\.\w+):(\d+) (.+)$/.exec(line);
      if (f && !testsFailed.includes(f[1]!)) {
        testsFailed.push(f[1]!);
        const cls = f[1]!.split(".").slice(-2, -1)[0]?.replace(/\$.*$/, "");
        errors.push(issue(`${f[1]}: ${f[3]}`, "error", cls ? `${cls}.java` : null, f[2]!, null, "test"));
      }
      const g = /^([\w.$]+) > (.+) FAILED$/.exec(line.trim()); // gradle
      if (g && !testsFailed.includes(`${g[1]} > ${g[2]}`)) testsFailed.push(`${g[1]} > ${g[2]}`);
    }
    // Gradle: each failed test's first frame in the project (`at com.x.Y.m(Y.java:50)`).
    lines.forEach((line, i) => {
      if (!/^\S.* > .+ FAILED$/.test(line)) return;
      for (let j = i + 1; j < Math.min(lines.length, i + 40) && !/ FAILED$/.test(lines[j]!); j++) {
        const at = /^\s+at ([\w$.]+)\((\w+\.(?:java|kt|scala)):(\d+)\)$/.exec(lines[j]!);
        if (at && !/^(?:java|jdk|sun|org\.junit|org\.gradle|org\.opentest4j)\./.test(at[1]!)) {
          errors.push(issue(line.trim(), "error", at[2]!, at[3]!, null, "test"));
          break;
        }
      }
    });
    const tests = /Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)\s*$/m.exec(text);
    const gradleTests = /^(\d+) tests? completed, (\d+) failed(?:, (\d+) skipped)?/m.exec(text);
    const failures = tests ? Number(tests[2]) : 0;
    const testErrors = tests ? Number(tests[3]) : 0;
    const warnings = errors.filter((e) => e.severity === "warning").length;
    return {
      tool: /gradle|BUILD (?:SUCCESSFUL|FAILED) in/.test(text) ? "gradle" : "maven",
      kind: tests || testsFailed.length ? "test" : "build",
      errors,
      tests_failed: testsFailed,
      counts: gradleTests
        ? { errors: errors.length - warnings, warnings, passed: Number(gradleTests[1]) - Number(gradleTests[2]) - Number(gradleTests[3] ?? 0), failed: Number(gradleTests[2]), skipped: Number(gradleTests[3] ?? 0) }
        : {
            errors: tests ? testErrors : errors.length - warnings,
            warnings,
            passed: tests ? Number(tests[1]) - failures - testErrors - Number(tests[4]) : 0,
            failed: failures,
            skipped: tests ? Number(tests[4]) : 0,
          },
      verdict: /BUILD FAILURE|BUILD FAILED/.test(text) ? "failed" : /BUILD SUCCESS/.test(text) ? "passed" : undefined,
      suggestions: testsFailed.slice(0, 3).map((t) => `run \`mvn test -Dtest=${t.replace(/\.(\w+)$/, "#$1")}\` alone`),
    };
  },
  // Maven's closing help is noise; gradle's `> Task :name` heads the task's output.
  roles(lines, roles) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.startsWith("[ERROR]") && MAVEN_FOOTER.test(lines[i]!)) roles[i] = "noise";
      else if (/^> (?:Task|Configure project) :\S*/.test(lines[i]!) && roles[i] === "plain") roles[i] = "section";
    }
  },
};

export const shellcheck: Parser = {
  tool: "shellcheck",
  // its tty format's caret lines, or its gcc format's codes (`a.sh:8:9: note: Use $(...) … [SC2006]`)
  matches: (text, command) => commandStarts(command, "shellcheck") || /\^-+\^? SC\d{4} \(/.test(text) || /^\S+:\d+:\d+: (?:error|warning|note): .* \[SC\d{4}\]\s*$/m.test(text),
  parse(lines) {
    const errors: OutputError[] = [];
    let file: string | null = null;
    let line: number | null = null;
    for (const l of lines) {
      const at = /^In (.+) line (\d+):$/.exec(l);
      if (at) {
        file = at[1]!;
        line = Number(at[2]);
      }
      const m = /\^.* (SC\d{4}) \((error|warning|info|style)\): (.+)$/.exec(l);
      if (m) errors.push(issue(m[3]!, m[2] === "error" ? "error" : m[2] === "warning" ? "warning" : "note", file, line, null, m[1]!));
    }
    const errs = errors.filter((e) => e.severity === "error").length;
    return { tool: "shellcheck", kind: "lint", errors, tests_failed: [], counts: { errors: errs, warnings: errors.length - errs }, verdict: errors.length ? "failed" : undefined };
  },
  // Its tty format puts each finding on a caret line under the echoed source (`  ^-- SC2086 (info): …`).
  // `In FILE line N:` heads the source line it echoes and the caret lines of its findings.
  roles(lines, roles) {
    for (let i = 0; i < lines.length; i++) {
      if (SHELLCHECK_FINDING.test(lines[i]!)) roles[i] = "finding" satisfies Role;
      else if (/^In .+ line \d+:$/.test(lines[i]!)) {
        roles[i] = "section";
        if (i + 1 < lines.length && !SHELLCHECK_FINDING.test(lines[i + 1]!)) roles[i + 1] = "snippet";
      }
    }
  },
  // A caret line's location: its heading's file and line, and the caret's column.
  locate(lines) {
    const out: Array<string | null> = new Array(lines.length).fill(null);
    let at: RegExpExecArray | null = null;
    for (let i = 0; i < lines.length; i++) {
      const heading = /^In (.+) line (\d+):$/.exec(lines[i]!);
      if (heading) at = heading;
      else if (at && SHELLCHECK_FINDING.test(lines[i]!)) out[i] = `${at[1]}:${at[2]}:${lines[i]!.indexOf("^") + 1}`;
    }
    return out;
  },
};

const SHELLCHECK_FINDING = /^ *\^-*\^? SC\d{4} \((?:error|warning|info|style)\): /;

const TREE_SUMMARY = /^\d+ director(?:y|ies), \d+ files?$/;
const LS_TOTAL = /^total \d+(?:\.\d+)?[KMG]?$/;

export const listing: Parser = {
  tool: "listing",
  matches: (text, command) =>
    commandStarts(command, "ls", "tree", "find", "du", "fd", "npm ls", "npm list", "pnpm ls", "pnpm list") ||
    // a search of files; one over another program's output (`cat build.log | grep error`) is that program's run
    (commandStarts(command, "grep", "rg") && !fedByInput(command)) ||
    /^total \d+$|^\d+ directories, \d+ files$/m.test(text),
  parse(lines) {
    const errors = lines.filter((l) => /: (?:Permission denied|No such file or directory)$/.test(l)).map((l) => issue(l, "error"));
    // A listing runs no tests: its lines are entries, not passes, so `passed` stays 0. It is named
    // by its own closing line where it has one: tree's `N directories, N files`, `ls -l`'s `total N`.
    const tool = lines.some((l) => TREE_SUMMARY.test(l)) ? "tree" : lines.some((l) => LS_TOTAL.test(l)) ? "ls" : "listing";
    return { tool, kind: "listing", errors, tests_failed: [], counts: { errors: errors.length } };
  },
};
