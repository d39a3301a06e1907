/**
 * Every tool recogniser, most specific first; `generic` is the fallback. Each belongs to the tool
 * families it knows (a capture's `family`), so that a family's rules can be left out to see how
 * compaction does on a tool it was never tuned on.
 */
import { type Parser, programCommand } from "../types.ts";
import { cfamily, cmake, make } from "./cfamily.ts";
import { generic } from "./generic.ts";
import { git } from "./git.ts";
import { go } from "./go.ts";
import { apt, jsInstall, pip } from "./install.ts";
import { biome, eslint } from "./jslint.ts";
import { bunTest, jest, mocha, nodeError, nodeTest, vitest } from "./jstest.ts";
import { docker, jvm, listing, shellcheck } from "./misc.ts";
import { pytest, pythonTraceback, unittest } from "./python.ts";
import { rust } from "./rust.ts";
import { tsc } from "./typescript.ts";
import { toolByShape } from "./named-by-shape.ts";

export const parsers: Parser[] = [
  jest, vitest, bunTest, nodeTest, mocha, pytest, unittest, rust, tsc, eslint, biome, go, jvm, shellcheck,
  jsInstall, pip, apt, docker, git, cmake, make, cfamily, pythonTraceback, nodeError, listing,
];

/** The tool families each recogniser's rules are for. */
const FAMILIES = new Map<Parser, string[]>([
  [jest, ["jest"]], [vitest, ["vitest"]], [bunTest, ["bun"]], [nodeTest, ["node"]], [mocha, ["mocha"]],
  [pytest, ["pytest"]], [unittest, ["unittest"]], [rust, ["rust", "cargo", "rustc"]], [tsc, ["tsc", "vue-tsc"]],
  [eslint, ["eslint"]], [biome, ["biome"]], [go, ["go"]], [jvm, ["maven", "mvn", "gradle", "javac"]],
  [shellcheck, ["shellcheck"]], [jsInstall, ["npm", "yarn", "pnpm", "bun"]], [pip, ["pip"]], [apt, ["apt"]],
  [docker, ["docker"]], [git, ["git"]], [cmake, ["cmake"]], [make, ["make"]], [cfamily, ["gcc", "clang", "g++", "c++", "cc"]],
  [pythonTraceback, ["python"]], [nodeError, ["node", "tsx", "ts-node", "deno"]], [listing, ["ls", "tree", "grep", "rg", "fd", "find", "du", "npm"]],
]);

/**
 * Which tool rules apply: all of them (the default), none (`generic`: shapes alone), or all but
 * those of some families (`{ without: ["pytest"] }`).
 */
export type RuleSelection = "all" | "generic" | { without: readonly string[] };

export function familiesOf(parser: Parser): string[] {
  return FAMILIES.get(parser) ?? [parser.tool];
}

function enabled(rules: RuleSelection): Parser[] {
  if (rules === "all") return parsers;
  if (rules === "generic") return [];
  return parsers.filter((p) => !familiesOf(p).some((f) => rules.without.includes(f)));
}

/** Programs that only run others (a shell, a script, a task runner): their output says which tool ran. */
const LAUNCHERS = /^(?:sh|bash|zsh|dash|fish|npm|pnpm|yarn|bun|deno|just|task|make|gmake|ninja|nx|turbo|lerna|tox|nox|invoke|for|while|until|if|case|time|xargs|watch|timeout|cat|tac|less|more|head|tail|tee|zcat|bat|\(|\{|.*\/.*|.*\.(?:sh|bash|py|rb|pl|js|mjs|ts))$/;

export interface Pick {
  parser: Parser;
  /** The program the command names, when it is no launcher (or, with no command to say, the one the output names: named-by-shape.ts). */
  program?: string;
  /** How it was picked: by the command line, by the output's own text, or neither (the generic reading). */
  by: "command" | "text" | "none";
}

/**
 * The recogniser for this output: by the command when one is given; by the text itself when there
 * is none or when the command only launches others (a script, a shell, a task runner). A command
 * that names a program no recogniser knows gets the generic reading, not a guess from the text.
 */
export function pickParser(text: string, command: string, rules: RuleSelection = "all"): Pick {
  const candidates = enabled(rules);
  if (command.trim()) {
    const byCommand = candidates.find((p) => p.matches("", command));
    if (byCommand) return { parser: byCommand, by: "command" };
    const program = programCommand(command).split(/\s+/)[0] ?? "";
    // `python -m app.cli`: a module of the project is a program like a script is.
    const module = /(?:^|\s)python[\d.]*\s+-m\s+\w+\.[\w.]+/.test(command);
    if (program && !LAUNCHERS.test(program) && !module) return { parser: generic, by: "none", program };
  }
  const byText = candidates.find((p) => p.matches(text, ""));
  if (byText) return { parser: byText, by: "text" };
  const named = toolByShape(text);
  return named ? { parser: generic, by: "text", program: named } : { parser: generic, by: "none" };
}

export { generic };
