/** Package installs: npm, yarn, pnpm, bun install/add, pip. */
import { commandStarts, issue, numberOf, type OutputError, type Parser } from "../types.ts";

function installErrors(lines: string[]): OutputError[] {
  const errors: OutputError[] = [];
  for (const line of lines) {
    const npm = /^npm (?:ERR!|error) code (\S+)/.exec(line);
    if (npm) {
      const detail = lines.find((l) => /^npm (?:ERR!|error) (?!code )\S/.test(l) && !/complete log/.test(l)) ?? line;
      errors.push(issue(detail.replace(/^npm (?:ERR!|error) /, ""), "error", null, null, null, npm[1]!));
      continue;
    }
    const e = /^(?:ERROR|error|ERR_PNPM_\w+|error:?)\b:? (.+)$/.exec(line);
    if (e && !/^npm error /.test(line)) errors.push(issue(line, "error", null, null, null, /^(ERR_PNPM_\w+)/.exec(line)?.[1] ?? null));
  }
  return errors;
}

/** Install commands for modules the output says are missing (JavaScript and Python). */
function missingModules(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/Cannot find (?:module|package) '([^'./][^']*)'/g)) {
    const name = m[1]!.startsWith("@") ? m[1]!.split("/").slice(0, 2).join("/") : m[1]!.split("/")[0]!;
    out.add(`\`npm install ${name}\` the missing module`);
  }
  for (const m of text.matchAll(/No module named '([\w.]+)'/g)) out.add(`\`pip install ${m[1]!.split(".")[0]}\` (or the package that provides it): the missing module`);
  return [...out];
}

export const jsInstall: Parser = {
  tool: "npm",
  matches: (text, command) =>
    /^(?:npm|yarn|pnpm|bun) (?:i|install|add|ci|update|remove)\b/.test(command.trim()) ||
    /^(?:added \d+ packages?|npm (?:error|ERR!) code|yarn (?:add|install) v\d|Packages: [+-]\d+|bun (?:add|install) v\d)/m.test(text),
  parse(lines, text) {
    const tool = /^yarn (?:add|install) v|^yarn\b/m.test(text) ? "yarn" : /Packages: [+-]\d+|pnpm v\d|ERR_PNPM/.test(text) ? "pnpm" : /^bun (?:add|install) v/m.test(text) ? "bun install" : "npm";
    const errors = installErrors(lines);
    const installed = numberOf(text, /added (\d+) packages?/) ?? numberOf(text, /Saved (\d+) new dependenc/) ?? numberOf(text, /(\d+) packages? installed/) ?? numberOf(text, /added (\d+), done/) ?? 0;
    const warnings = lines.filter((l) => /^(?:npm warn|warning|WARN)\b/i.test(l)).length;
    return {
      tool,
      kind: "install",
      errors,
      tests_failed: [],
      counts: { passed: installed, errors: errors.length, warnings },
      verdict: errors.length > 0 ? "failed" : installed > 0 || /^(?:Done in|up to date)/m.test(text) ? "passed" : undefined,
      suggestions: [
        ...(/ETARGET|notarget/.test(text) ? ["check the available versions with `npm view PACKAGE versions`"] : []),
        ...missingModules(text),
      ],
    };
  },
};

export const pip: Parser = {
  tool: "pip",
  // pip's own lines: what it fetches and installs, and its report of a package's build that failed
  // (`error: subprocess-exited-with-error`, `note: This error originates from a subprocess, and is likely not a problem with pip.`)
  matches: (text, command) => /\bpip3? install\b|-m pip\b/.test(command) || /^(?:Successfully installed|Collecting \S+|Looking in (?:indexes|links):|\s*error: subprocess-exited-with-error$)/m.test(text),
  parse(lines, text) {
    const errors = lines.filter((l) => /^ERROR: /.test(l)).map((l) => issue(l.replace(/^ERROR: /, ""), "error"));
    const installed = /^Successfully installed (.+)$/m.exec(text)?.[1]?.split(/\s+/).length ?? 0;
    return {
      tool: "pip",
      kind: "install",
      errors,
      tests_failed: [],
      counts: { passed: installed, errors: errors.length, warnings: lines.filter((l) => l.startsWith("WARNING: ")).length },
      verdict: errors.length > 0 ? "failed" : installed > 0 ? "passed" : undefined,
      suggestions: /No matching distribution|Could not find a version/.test(text) ? ["check the package name and the versions the index offers"] : [],
    };
  },
};

export const apt: Parser = {
  tool: "apt",
  matches: (text, command) => /^(?:sudo )?(?:apt|apt-get|dpkg)\b/.test(command.trim()) || /^Reading package lists\.\.\./m.test(text),
  parse(lines, text, command) {
    // apt's `E: …` lines, and dpkg's one line per package it failed on (`dpkg: error processing package x (--install):`,
    // under the reason it gave, `dpkg: dependency problems prevent configuration of x:`)
    const errors = lines.filter((l) => /^E: |^dpkg: error processing /.test(l)).map((l) => issue(l.replace(/^(?:E|dpkg): /, ""), "error"));
    const installed = numberOf(text, /(\d+) newly installed/) ?? 0;
    const upgraded = numberOf(text, /(\d+) upgraded/) ?? 0;
    const missing = [...text.matchAll(/Unable to locate package (\S+)/g)].map((m) => m[1]!);
    return {
      tool: commandStarts(command ?? "", "dpkg") ? "dpkg" : "apt",
      kind: "install",
      errors,
      tests_failed: [],
      counts: { passed: installed + upgraded, errors: errors.length, warnings: lines.filter((l) => /^W: /.test(l)).length },
      verdict: errors.length > 0 ? "failed" : /^\d+ upgraded, \d+ newly installed/m.test(text) ? "passed" : undefined,
      suggestions: missing.length ? [`run \`apt-get update\`, then \`apt-cache search ${missing[0]}\` for the right package name`] : [],
    };
  },
};

export { missingModules };
