/**
 * Commands that print files as they are: `cat`, `tac`, `nl`, `bat`, `head`, `tail` (not following),
 * `sed -n` of a range, `less`/`more` without a terminal. What they print is a file's text the agent
 * asked to read, not a tool's report: it is no run of a tool, finds nothing, and stays whole. A log
 * (`*.log`, `*.out`, a file under `log/` or `logs/`) is a program's output like any other: read as
 * the run it records (`cat build.log` as the build's), and compacted; so is a file that holds a
 * terminal's escape sequences (a recorded session, a tool's coloured output saved to a file).
 */
import { programCommand } from "../types.ts";

const PRINTER = /^(cat|tac|nl|bat|batcat|head|tail|less|more)(?:\s|$)|^(sed)\s+(?:-[^n\s]\S*\s+)*-n\s/;
/** `tail -f`, `tail -F`, `tail --follow`: a program's output as it comes, a log. */
const FOLLOWING = /\s(?:-\w*[fF]\w*|--follow\S*)(?:\s|$)/;
/** An argument that names a log: `app.log`, `run.out`, `build.log.1`, `logs/worker.txt`. */
const LOG_ARGUMENT = /(?:^|\s)(?:\S*\/)?[\w.-]+\.(?:log|out|err)(?:\.\d+)?(?=\s|$)|(?:^|[\s/])logs?\/\S/;

/** The program printing files, when the command is one that prints files as they are (a log or not). */
export function filePrinter(command: string | undefined): string | null {
  if (!command) return null;
  const program = programCommand(command);
  const m = PRINTER.exec(program);
  if (!m) return null;
  const stages = program.split(/\s*\|(?!\|)\s*/);
  // every later stage must be a printer too, passing the text on (`cat a.py | head -50`, `cat -n a.py | sed -n '30,40p'`)
  if (stages.slice(1).some((s) => !PRINTER.test(s)) || /&&|\|\||;/.test(program)) return null;
  return m[1] ?? m[2]!;
}

/** Does the command print files that are no log (source, configuration, documents)? Their text stays whole. */
export function printsFileText(command: string | undefined): boolean {
  const printer = filePrinter(command);
  if (!printer) return false;
  const program = programCommand(command!);
  return !LOG_ARGUMENT.test(program) && !(printer === "tail" && FOLLOWING.test(program));
}

/** The printer's own complaint about a file (`cat: a.py: No such file or directory`, `head: cannot open 'b' for reading: …`). */
export const PRINTER_COMPLAINT = /^(?:cat|tac|nl|bat|head|tail|sed|less|more): .*(?:No such file or directory|Permission denied|Is a directory|cannot open|can't read)/;

/** Does raw output hold a terminal's escape sequences (CSI: ESC and `[`)? A file's text has none. */
function hasEscapes(raw: Uint8Array | string): boolean {
  if (typeof raw === "string") return raw.includes("\x1b[");
  for (let i = raw.indexOf(0x1b); i !== -1 && i < raw.length - 1; i = raw.indexOf(0x1b, i + 1)) if (raw[i + 1] === 0x5b) return true;
  return false;
}

/** Is this raw output a file's text the command printed as it is (printsFileText, and no recorded terminal output)? */
export function isFileText(command: string | undefined, raw: Uint8Array | string): boolean {
  return printsFileText(command) && !hasEscapes(raw);
}
