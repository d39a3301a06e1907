/** Every tool recogniser, most specific first; `generic` is the fallback. */
import type { Parser } from "../types.ts";
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

export const parsers: Parser[] = [
  jest, vitest, bunTest, nodeTest, mocha, pytest, unittest, rust, tsc, eslint, biome, go, jvm, shellcheck,
  jsInstall, pip, apt, docker, git, cmake, make, cfamily, pythonTraceback, nodeError, listing,
];

/** The recogniser for this output: by the command when one is given, else by the text itself. */
export function pickParser(text: string, command: string): Parser {
  if (command.trim()) {
    const byCommand = parsers.find((p) => p.matches("", command));
    if (byCommand) return byCommand;
  }
  return parsers.find((p) => p.matches(text, "")) ?? generic;
}

export { generic };
