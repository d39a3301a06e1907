/**
 * What text and keys typed at the shell's prompt make of its command line, so that the policy
 * judges the line the shell will run, not each piece on its own (`rm -rf ` then `/` then Enter).
 * Printable text and keys add to the line, Backspace, C-w, C-u and C-c edit it as readline does,
 * Enter (or a newline) submits it. Keys whose effect depends on the shell's state (Up recalls
 * history, Tab completes, arrows move the cursor) are reported as opaque: the policy cannot know
 * what they make of the line.
 */
export interface TypedLine {
  /** Everything the shell would run or hold after this input, submitted lines first: what the policy checks. */
  check: string;
  /** The unsubmitted rest of the line, carried to the next send. */
  rest: string;
  /** Key names (or "escape sequence", "tab") whose effect on the line cannot be known. */
  opaque: string[];
}

export function typeInto(line: string, input: { text?: string; keys?: string[]; enter?: boolean }): TypedLine {
  const submitted: string[] = [];
  const opaque: string[] = [];
  let cur = line;
  const submit = () => {
    if (cur.trim()) submitted.push(cur);
    cur = "";
  };
  const control = (ch: string): boolean => {
    if (ch === "\r" || ch === "\n") submit();
    else if (ch === "\x7f" || ch === "\b") cur = cur.slice(0, -1);
    else if (ch === "\x15" || ch === "\x03") cur = "";
    else if (ch === "\x17") cur = cur.replace(/\S+\s*$/, "");
    else return false;
    return true;
  };
  for (const ch of input.text ?? "") {
    if (ch >= " " && ch !== "\x7f") cur += ch;
    else if (!control(ch)) opaque.push(ch === "\t" ? "tab" : ch === "\x1b" ? "escape sequence" : `control character ${JSON.stringify(ch)}`);
  }
  for (const key of input.keys ?? []) {
    const k = key.trim();
    if (k === "Enter") submit();
    else if (k === "Space") cur += " ";
    else if (k === "BSpace" || k === "Backspace" || /^C-h$/i.test(k)) cur = cur.slice(0, -1);
    else if (/^C-[uc]$/i.test(k)) cur = "";
    else if (/^C-w$/i.test(k)) cur = cur.replace(/\S+\s*$/, "");
    else if ([...k].length === 1 && k >= " ") cur += k;
    else opaque.push(k);
  }
  if (input.enter) submit();
  return { check: [...submitted, cur].filter((l) => l.trim()).join("\n"), rest: cur, opaque };
}
