/** The corpus of real terminal output in test/fixtures/output, with the facts each must keep. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Counts, OutputKind, OutputStatus } from "../../server/output/types.ts";

export const FIXTURES = join(import.meta.dir, "..", "fixtures", "output");

export interface Facts {
  command: string;
  cwd: string;
  exit_code: number;
  must_keep: string[];
  expect: {
    tool?: string;
    kind?: OutputKind;
    status?: OutputStatus;
    tests_failed?: string[];
    error_locations?: string[];
    counts?: Partial<Counts>;
  };
}

export interface Fixture {
  name: string;
  raw: Uint8Array;
  facts: Facts;
}

export function loadCorpus(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -".txt".length);
      return {
        name,
        raw: new Uint8Array(readFileSync(join(FIXTURES, f))),
        facts: JSON.parse(readFileSync(join(FIXTURES, `${name}.facts.json`), "utf8")) as Facts,
      };
    });
}

/** The width the corpus was captured at (capture.sh runs `stty cols 120`). */
export const CORPUS_COLS = 120;
