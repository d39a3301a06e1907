/**
 * A small JSON reader that remembers on which line each value starts, so a config-file mistake
 * found later (by a schema) can still be reported by line. Strict JSON, no comments.
 */
export interface JsonWithLines {
  value: unknown;
  lineOf(path: string[]): number | undefined;
  syntaxError?: { line: number; message: string };
}

class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseJsonWithLines(text: string): JsonWithLines {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(line, what);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === "\n") line++;
      else if (c !== " " && c !== "\t" && c !== "\r") break;
      i++;
    }
  };
  const near = () => (i >= text.length ? "the end of the file" : JSON.stringify(text.slice(i, i + 12)));

  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\n") fail("a string is not closed before the end of the line");
      i += text[i] === "\\" ? 2 : 1;
    }
    if (i >= text.length) fail("a string is not closed");
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };

  const value = (path: string[]): unknown => {
    ws();
    lines.set(path.join("\u0000"), line);
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") return i++, obj;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a quoted key, found ${near()}`);
        const key = str();
        ws();
        if (text[i] !== ":") fail(`expected ":" after the key "${key}", found ${near()}`);
        i++;
        obj[key] = value([...path, key]);
        ws();
        if (text[i] === ",") {
          i++;
          ws();
          if (text[i] === "}") fail("a comma before } is not allowed in JSON");
          continue;
        }
        if (text[i] === "}") return i++, obj;
        fail(`expected "," or "}" but found ${near()}`);
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === "]") return i++, arr;
      for (;;) {
        arr.push(value([...path, String(arr.length)]));
        ws();
        if (text[i] === ",") {
          i++;
          ws();
          if (text[i] === "]") fail("a comma before ] is not allowed in JSON");
          continue;
        }
        if (text[i] === "]") return i++, arr;
        fail(`expected "," or "]" but found ${near()}`);
      }
    }
    if (c === '"') return str();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail(`expected a value, found ${near()}`);
    i += m![0].length;
    return JSON.parse(m![0]);
  };

  try {
    const v = value([]);
    ws();
    if (i < text.length) fail(`unexpected ${near()} after the end of the JSON document`);
    return { value: v, lineOf: (p) => lines.get(p.join("\u0000")) };
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { value: undefined, lineOf: () => undefined, syntaxError: { line: err.line, message: err.message } };
    throw err;
  }
}
