/**
 * Just enough shell parsing for policy checks: a command line becomes its simple commands (split at
 * ; && || | & and newlines, with $(...) and `...` taken out as commands of their own), each a list
 * of words with quotes removed, plus the targets of > and >> redirections.
 */
export interface SimpleCommand {
  text: string;
  words: string[];
  redirects: string[];
}

export function splitCommands(line: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  const pending: string[] = [line];
  while (pending.length) splitOne(pending.shift()!, out, pending);
  return out.filter((c) => c.words.length > 0 || c.redirects.length > 0);
}

function splitOne(line: string, out: SimpleCommand[], pending: string[]): void {
  let words: string[] = [];
  let redirects: string[] = [];
  let word = "";
  let inWord = false;
  let start = 0;
  let redirectNext = false;

  const endWord = () => {
    if (!inWord) return;
    if (redirectNext) redirects.push(word);
    else words.push(word);
    redirectNext = false;
    word = "";
    inWord = false;
  };
  const endCommand = (end: number) => {
    endWord();
    out.push({ text: line.slice(start, end).trim().replace(/\s+/g, " "), words, redirects });
    words = [];
    redirects = [];
  };

  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      const end = j < 0 ? line.length : j;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === "\\") j++;
        else if (line[j] === "$" && line[j + 1] === "(") {
          const close = matchParen(line, j + 1);
          pending.push(line.slice(j + 2, close));
          j = close;
        }
        j++;
      }
      word += line.slice(i + 1, Math.min(j, line.length)).replace(/\\(.)/g, "$1");
      inWord = true;
      i = j;
    } else if (c === "\\") {
      word += line[i + 1] ?? "";
      inWord = true;
      i++;
    } else if (c === "$" && line[i + 1] === "(") {
      const close = matchParen(line, i + 1);
      pending.push(line.slice(i + 2, close));
      word += "$(...)";
      inWord = true;
      i = close;
    } else if (c === "`") {
      const j = line.indexOf("`", i + 1);
      const end = j < 0 ? line.length : j;
      pending.push(line.slice(i + 1, end));
      word += "$(...)";
      inWord = true;
      i = end;
    } else if (c === ";" || c === "\n" || c === "|" || c === "&") {
      if (c === "&" && line[i + 1] === ">") {
        // &> file: a redirection, not a separator
        endWord();
        redirectNext = true;
        i += line[i + 2] === ">" ? 2 : 1;
        continue;
      }
      endCommand(i);
      if ((c === "|" || c === "&") && line[i + 1] === c) i++;
      start = i + 1;
    } else if (c === ">" || c === "<") {
      const fdOnly = /^\d$/.test(word);
      if (fdOnly) (word = ""), (inWord = false);
      else endWord();
      if (line[i + 1] === ">") i++;
      if (line[i + 1] === "&") {
        i++; // >&2: a descriptor, not a file
        while (/\d|-/.test(line[i + 1] ?? "")) i++;
        continue;
      }
      if (c === ">") redirectNext = true;
      else redirectNext = false;
    } else if (c === " " || c === "\t") {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand(line.length);
}

function matchParen(line: string, open: number): number {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    if (line[i] === "(") depth++;
    else if (line[i] === ")" && --depth === 0) return i;
  }
  return line.length;
}

/** The program of a simple command, past `env`, variable assignments, `command`, `exec`, `nohup`, `time`. */
export function programWords(words: string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else if (w === "env" || w === "command" || w === "exec" || w === "nohup" || w === "time" || w === "builtin") i++;
    else break;
  }
  return words.slice(i);
}
