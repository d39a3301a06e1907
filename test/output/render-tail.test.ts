import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { renderOutput } from "../../server/output/render.ts";
import { lastRawLines, renderLastLines } from "../../server/output/render-tail.ts";

/** What `read --lines N` showed before: the whole text rendered, then its last N lines. */
const wholeThenLast = (text: string, n: number, cols = 80) => renderOutput(text, { cols }).split("\n").slice(-n).join("\n");

const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join("\r\n");

describe("the last lines of output, rendering only its end", () => {
  const cases: Record<string, string> = {
    "a flood of plain lines": `${lines(20_000, (i) => `line ${i} of the flood`)}\r\n\x1b[?2004h$ `,
    "progress bars redrawn with \\r": lines(3_000, (i) => `step ${i}\r[${"#".repeat(i % 40)}] ${i % 100}%\r\x1b[Kdone ${i}`),
    "a multi-line progress block redrawn with cursor-up": `${lines(2_000, (i) => `log ${i}`)}\r\n${Array.from({ length: 50 }, (_, k) => `a ${k}%\r\nb ${k}%\r\nc ${k}%\r\n\x1b[3A`).join("")}\x1b[3Bafter`,
    "lines wider than the terminal": lines(2_000, (i) => `${i} ${"x".repeat(200)}`),
    "a full-screen program that began long before the end": `${lines(500, (i) => `before ${i}`)}\r\n\x1b[?1049h${lines(3_000, (i) => `\x1b[H\x1b[2Jscreen ${i}`)}\x1b[?1049l\r\n${lines(5, (i) => `after ${i}`)}`,
    "a full-screen program still running at the end": `${lines(500, (i) => `before ${i}`)}\r\n\x1b[?1049h${lines(3_000, (i) => `\x1b[H\x1b[2Jtop ${i}`)}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    test(`${name}: the same lines as rendering it all`, () => {
      for (const n of [1, 10, 50, 400]) expect(renderLastLines(text, n, { cols: 80 })).toBe(wholeThenLast(text, n));
    });
  }

  test("every fixture of real tool output: the same last 10 and 100 lines as rendering it all", () => {
    const dir = join(import.meta.dir, "../fixtures/output");
    for (const f of readdirSync(dir).filter((x) => x.endsWith(".txt"))) {
      const text = readFileSync(join(dir, f), "utf8");
      for (const n of [10, 100]) expect([f, renderLastLines(text, n, { cols: 120 })]).toEqual([f, wholeThenLast(text, n, 120)]);
    }
  });

  test("raw: the last lines as they were printed", () => {
    const text = lines(1_000, (i) => `\x1b[31mred ${i}\x1b[0m`);
    expect(lastRawLines(text, 3)).toBe(text.split("\n").slice(-3).join("\n"));
  });
});
