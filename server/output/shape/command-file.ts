/**
 * A finding that gives its line and no file (HTML Tidy's `line 12 column 9 - Warning: …`, a parser's
 * `Line 3: unexpected token`) is in the one file the command was given, when it was given one.
 */
import { programCommand } from "../types.ts";

/** A place without a file at the start of a finding: `line 12 column 9`, `Line 3, col 4:`, `line 7:`. */
const FILELESS_PLACE = /^\s*(?:[Ll]ine|LINE)\s+(\d+)(?:\s*,?\s*(?:[Cc]ol(?:umn)?|COL(?:UMN)?)\.?\s+(\d+))?\b/;
/** An operand that names a file: a path ending in an extension, no option, no URL. */
const FILE_OPERAND = /^(?:\.{0,2}\/)?(?:[\w@+~.-]+\/)*[\w@+~-][\w@+~.-]*\.[A-Za-z][\w]{0,9}$/;
/** Words that end a command's operands: a pipe, a redirection, a second command. */
const COMMAND_END = /^(?:\||\|\||&&|;|>|>>|2>|2>&1|<)$/;

/** The one file a command names among its operands, or null when it names none or several. */
export function commandFile(command: string): string | null {
  const words = programCommand(command).split(/\s+/).slice(1);
  const files: string[] = [];
  for (const w of words) {
    if (COMMAND_END.test(w)) break;
    if (!w.startsWith("-") && FILE_OPERAND.test(w) && !files.includes(w)) files.push(w);
  }
  return files.length === 1 ? files[0]! : null;
}

/** A JSON decoder's place after its message (Python's json, simplejson): `Expecting value: line 4 column 33 (char 68)`. */
const DECODER_PLACE = /:\s+line (\d+) column (\d+) \(char \d+\)\s*$/;

/** The line and column a finding's message starts with (or a JSON decoder's ends with) when it names no file, or null. */
export function filelessPlace(message: string): { line: number; column: number | null } | null {
  const m = FILELESS_PLACE.exec(message) ?? DECODER_PLACE.exec(message);
  return m ? { line: Number(m[1]), column: m[2] !== undefined ? Number(m[2]) : null } : null;
}
