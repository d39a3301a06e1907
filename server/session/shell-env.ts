import { readFileSync } from "node:fs";

/**
 * Parses the `export -p` listing the shell integration writes at every prompt (bash's
 * `declare -x K="v"`, zsh's and sh's `export K=v` / `export K='v'`). Returns undefined when the
 * file is missing (no integration, or no prompt yet).
 */
export function readShellEnv(file: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  return parseExportListing(text);
}

export function parseExportListing(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lineEnd = text.indexOf("\n", i);
    const head = /^(?:declare -[a-zA-Z-]+ |export |typeset -x )?([A-Za-z_][A-Za-z0-9_]*)(=?)/.exec(text.slice(i, lineEnd === -1 ? n : lineEnd));
    if (!head) {
      i = lineEnd === -1 ? n : lineEnd + 1;
      continue;
    }
    const name = head[1]!;
    i += head[0].length;
    if (head[2] !== "=") {
      // declared but without a value
      i = lineEnd === -1 ? n : lineEnd + 1;
      continue;
    }
    let value = "";
    while (i < n && text[i] !== "\n") {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === "\\" && i + 1 < n && '"\\$`'.includes(text[i + 1]!)) i++;
          value += text[i++];
        }
        i++;
      } else if (ch === "'") {
        i++;
        while (i < n && text[i] !== "'") value += text[i++];
        i++;
      } else if (ch === "$" && text[i + 1] === "'") {
        i += 2;
        while (i < n && text[i] !== "'") {
          if (text[i] === "\\" && i + 1 < n) {
            const e = text[i + 1]!;
            value += e === "n" ? "\n" : e === "t" ? "\t" : e === "e" ? "\x1b" : e;
            i += 2;
          } else value += text[i++];
        }
        i++;
      } else if (ch === "\\" && i + 1 < n) {
        value += text[i + 1];
        i += 2;
      } else {
        value += ch;
        i++;
      }
    }
    env[name] = value;
    i++;
  }
  return env;
}
