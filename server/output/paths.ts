/**
 * Lossless path factoring: a long directory prefix that recurs through the output is written once
 * in a legend line (`$A = /home/me/project/src/`) and `$A` stands for it in the lines.
 */

const ABSOLUTE_DIR = /(?:file:\/\/)?\/(?:[\w@.+-]+\/){2,}/g;
const MIN_PREFIX = 20;
const MIN_USES = 4;
const NAMES = ["$A", "$B", "$C", "$D"];

export interface FactoredPaths {
  lines: string[];
  legend: string[];
}

export function factorPaths(lines: string[]): FactoredPaths {
  if (lines.some((l) => l.includes("$A"))) return { lines, legend: [] }; // the text already uses our names
  const counts = new Map<string, number>();
  for (const line of lines) {
    ABSOLUTE_DIR.lastIndex = 0;
    for (let m = ABSOLUTE_DIR.exec(line); m; m = ABSOLUTE_DIR.exec(line)) {
      const dir = m[0].replace(/^file:\/\//, "");
      if (dir.length >= MIN_PREFIX) counts.set(dir, (counts.get(dir) ?? 0) + 1);
    }
  }
  const chosen = [...counts.entries()]
    .filter(([, n]) => n >= MIN_USES)
    .sort((a, b) => (b[1] - 1) * b[0].length - (a[1] - 1) * a[0].length)
    .slice(0, NAMES.length)
    .map(([dir]) => dir)
    .sort((a, b) => b.length - a.length); // longest first, so a deeper prefix wins over its parent
  if (chosen.length === 0) return { lines, legend: [] };
  const legend = chosen.map((dir, i) => `${NAMES[i]} = ${dir}`);
  const out = lines.map((line) => {
    let l = line;
    chosen.forEach((dir, i) => {
      if (l.includes(dir)) l = l.split(dir).join(`${NAMES[i]}/`);
    });
    return l;
  });
  return { lines: out, legend };
}

/** Undoes factorPaths (for tests and for readers that want the original text). */
export function expandPaths(lines: string[], legend: string[]): string[] {
  const pairs = legend.map((l) => {
    const [name, dir] = l.split(" = ") as [string, string];
    return [`${name}/`, dir] as const;
  });
  return lines.map((line) => pairs.reduce((l, [name, dir]) => l.split(name).join(dir), line));
}
