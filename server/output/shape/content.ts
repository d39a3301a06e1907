/**
 * Commands that print files as they are: `cat`, `tac`, `nl`, `bat`, `head`, `tail` (not following),
 * `sed -n` of a range, `less`/`more` without a terminal. What they print is a file's text the agent
 * asked to read, not a tool's report: it is no run of a tool, finds nothing, and stays whole. A log
 * (`*.log`, `*.out`, a file under `log/` or `logs/`) is a program's output like any other: read as
 * the run it records (`cat build.log` as the build's), and compacted; so is a file that holds a
 * terminal's escape sequences (a recorded session, a tool's coloured output saved to a file).
 *
 * Commands that search or list files print answers the same way: `grep -rn`, `rg`, `git grep`,
 * `find`, `ls`, `tree` (and a pipeline that only sorts, cuts, counts or pages what they found). Each
 * line is something the agent asked for, a match or a path, and no tool's finding, however many of
 * them say `error` or `throw`: an answer of a screenful or so stays whole (compact.ts), a longer one
 * is compacted as a listing. So do help screens and fetched pages (documentProgram).
 */
import { programCommand } from "../types.ts";

const PRINTER = /^(cat|tac|nl|bat|batcat|head|tail|less|more)(?:\s|$)|^(sed)\s+(?:-[^n\s]\S*\s+)*-n\s/;
/** `tail -f`, `tail -F`, `tail --follow`: a program's output as it comes, a log. */
const FOLLOWING = /\s(?:-\w*[fF]\w*|--follow\S*)(?:\s|$)/;
/** An argument that names a log: `app.log`, `run.out`, `build.log.1`, `logs/worker.txt`. */
const LOG_ARGUMENT = /(?:^|\s)(?:\S*\/)?[\w.-]+\.(?:log|out|err)(?:\.\d+)?(?=\s|$)|(?:^|[\s/])logs?\/\S/;

/** Programs that search files and print what they found, the first stage of an answer. */
const SEARCHER = /^(?:(grep|egrep|fgrep|rg|ag|ack)|(git)\s+(?:--no-pager\s+|-C\s+\S+\s+)*(?:grep|ls-files))(?:\s|$)/;
/**
 * Programs that list files, the first stage of an answer (`ls -la`, `find . -name '*.ts'`), and those
 * that list the machine's state: processes (ps, pstree, `top -b`), sizes and space (du, df, free),
 * devices and CPUs (lsblk, lscpu, lspci, lsusb), sockets (ss, netstat, lsof), load (vmstat, iostat,
 * mpstat, uptime), addresses and routes (ip).
 */
const LISTER = /^(find|fd|fdfind|ls|tree|locate|du|df|free|ps|pstree|lscpu|lsblk|lspci|lsusb|lsof|ss|netstat|vmstat|iostat|mpstat|uptime|ip|top(?=\s(?:[^|]*\s)?-\w*b))(?:\s|$)/;
/**
 * Programs that reshape text and print the result, reading files or what an earlier stage printed:
 * columns cut out or aligned (cut, column, paste, join, comm), lines sorted and counted (sort, uniq),
 * characters or fields rewritten (tr, sed, rev, expand), rows filtered and summed by a one-line program
 * (awk, `perl -lane '…'`), CSV tools (csvkit, Miller, xsv, qsv). What they print is data the agent asked
 * to see, the first stage of an answer when they read files (`cut -d, -f1,4 orders.csv`, `awk '$4 > 100'
 * data.tsv | sort`), a passing stage after a search or a listing (`grep -rn X src | awk -F: '{print $1}'`).
 */
const TRANSFORMER = /^(?:awk|gawk|mawk|nawk|cut|column|paste|join|comm|sort|uniq|tr|sed|rev|expand|unexpand|fold|fmt|perl\s+(?:-\w+\s+)*-\w*[lanpe]\w*|csv(?:cut|grep|sort|look|stat|join|stack|json|sql|format)|mlr|xsv|qsv)(?:\s|$)/;
/** Later stages that pass an answer on, sorted, cut, reshaped, filtered, counted or paged (`| sort | head -20`, `| xargs wc -l`, `| awk '{print $2}'`). */
const ANSWER_STAGE = new RegExp(`^(?:xargs\\s+(?:-\\S+\\s+)*)?(?:wc|grep|egrep|fgrep|rg|ls|cat|head|tail|nl|less|more)(?:\\s|$)|${TRANSFORMER.source}`);
/** A first stage that only makes the input (`cat x |`, `echo … |`): what follows filters that input, it searches no files. */
const INPUT_FIRST = /^\s*(?:\w+=\S*\s+)*(?:printf|echo|cat|yes|seq)\b[^|]*\|(?!\|)/;

/** A file as it was at a revision: `git show HEAD~2:src/app.py`. */
const FILE_AT_REVISION = /^(git)\s+(?:--no-pager\s+)?show\s+[^\s:-][^\s:]*:\S+(?:\s|$)/;
/** A file's lines annotated with the change that last touched each: `git blame -L 40,70 a.ts`, `hg annotate`, `svn blame`. */
const ANNOTATED_FILE = /^(?:git|hg|svn)\s+(?:--no-pager\s+)?(?:blame|annotate|praise)(?:\s|$)/;

/** The program printing files, when the command is one that prints files as they are (a log or not). */
export function filePrinter(command: string | undefined): string | null {
  if (!command) return null;
  const program = programCommand(command);
  const m = PRINTER.exec(program) ?? FILE_AT_REVISION.exec(program);
  if (!m) return null;
  const stages = pipelineStages(program);
  // every later stage must be a printer too, passing the text on (`cat a.py | head -50`, `cat -n a.py | sed -n '30,40p'`)
  if (!stages || stages.slice(1).some((s) => !PRINTER.test(s))) return null;
  return m[1] ?? m[2]!;
}

/**
 * The stages of a pipeline (`grep -rn 'a|b' src | sort` is two), split at `|` outside quotes and
 * parentheses (`join a <(cut -f2 b | sort)` is one); null when the command is more than one pipeline
 * (`&&`, `||`, `;` outside quotes and parentheses).
 */
function pipelineStages(command: string): string[] | null {
  const stages: string[] = [];
  let quote = "";
  let start = 0;
  let depth = 0;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (depth > 0) continue;
    else if (c === ";" || (c === "&" && command[i + 1] === "&") || (c === "|" && command[i + 1] === "|")) return null;
    else if (c === "|") {
      stages.push(command.slice(start, i).trim());
      start = i + 1;
    }
  }
  stages.push(command.slice(start).trim());
  return stages;
}

/** Is the command a pipeline of more than one stage (`cat a b | head`), whose exit status is its last stage's? */
export function isPipeline(command: string): boolean {
  return (pipelineStages(command)?.length ?? 1) > 1;
}

/** Does the command print files that are no log (source, configuration, documents)? Their text stays whole. */
export function printsFileText(command: string | undefined): boolean {
  const printer = filePrinter(command);
  if (!printer) return false;
  const program = programCommand(command!);
  return !LOG_ARGUMENT.test(program) && !(printer === "tail" && FOLLOWING.test(program));
}

/**
 * The program whose answer the command prints, when it searches or lists files and every later stage
 * passes what it found on: `grep` for `grep -rn X src | head -40`, `find` for `find . -name '*.py' |
 * xargs wc -l | sort -n`, `git` for `git grep -n X`. A search over another program's output (`npm
 * test | grep FAIL`, `cat build.log | grep error`) is no answer: it reads as that program's run.
 */
export function answerProgram(command: string | undefined): string | null {
  if (!command || fedByInput(command)) return null;
  const program = programCommand(command);
  const m = SEARCHER.exec(program) ?? LISTER.exec(program) ?? TRANSFORMED.exec(program);
  if (!m) return null;
  const stages = pipelineStages(program);
  if (!stages || stages.slice(1).some((s) => !ANSWER_STAGE.test(s) && !PRINTER.test(s))) return null;
  // a stage that counts what was found prints the lines (`find … | xargs wc -l` is wc's table)
  const counter = stages.slice(1).some((s) => /^(?:xargs\s+(?:-\S+\s+)*)?wc(?:\s|$)/.test(s));
  return counter ? "wc" : (m[1] ?? m[2]!);
}

/** A reshaping program's name as it is invoked (TRANSFORMER): `awk` for `awk -F, '$4 > 100' a.csv`, `perl` for `perl -lane …`. */
const TRANSFORMED = new RegExp(`^(?=${TRANSFORMER.source})([\\w-]+)`);

/** Does the command's first stage only make the input of the next (`cat build.log | grep error`, `echo … | tool`)? */
export function fedByInput(command: string): boolean {
  return INPUT_FIRST.test(command);
}

/** Does the command print what a search or a listing of files found (answerProgram)? */
export function printsAnswer(command: string | undefined): boolean {
  return answerProgram(command) !== null;
}

/** Asks for help: `--help`, `-help`, `-?` anywhere, or `-h` last after a subcommand (`git commit -h`; `du -h` is no help). */
const HELP_FLAG = /(?:^|\s)(?:--help(?:[=-]\S*)?|-help|-\?)(?=\s|$)|^[\w./-]+(?:\s+[a-z][\w:-]*)+\s+-h$/;
/**
 * A help subcommand or target (`cargo help build`, `go help test`, `make help`), a package manager's
 * run with no script, which lists them, or a documentation reader (`man tar`, `go doc pkg`, `pydoc json`).
 */
const HELP_COMMAND = /^(?:[\w./-]+\s+help(?:\s+[\w:-]+)*|(?:npm|pnpm|yarn|bun)\s+run)$|^(?:man|info|perldoc|ri|pydoc[\d.]*|python[\d.]*\s+-m\s+pydoc|go\s+doc)\s+\S/;
/** A fetch whose document is what it prints: curl or wget writing to the terminal, not telling how it went (`-v`, `-I`). */
const FETCH = /^(?:curl(?![^|]*\s(?:-\w*[vIo]\w*|-O|--verbose|--head|--output|--trace\S*|--write-out|-w)(?:\s|$))|wget\s+(?:-\S+\s+)*-q\S*\s+(?:-\S+\s+)*-O\s*-|wget\s+-qO-)\s/;

/**
 * The program whose document the command prints as it is: a help screen (`tar --help`, `git commit
 * -h`, `cargo help build`, `make help`, `npm run` listing the scripts) or a page it fetched (`curl -s
 * URL`, `wget -qO- URL`), with only printers after it (`node --help | head -40`). Help and fetched
 * pages are documents like a file's text: they stay whole, colours and all, and find nothing.
 */
export function documentProgram(command: string | undefined): string | null {
  if (!command) return null;
  const program = programCommand(command);
  const stages = pipelineStages(program);
  if (!stages || stages.slice(1).some((s) => !PRINTER.test(s) && !ANSWER_STAGE.test(s))) return null;
  const first = stages[0]!;
  const name = /^([\w.-]+)/.exec(first)?.[1] ?? null;
  if (FETCH.test(first)) return name;
  const options = first.split(/\s--(?:\s|$)/)[0]!;
  return HELP_FLAG.test(options) || HELP_COMMAND.test(first) ? name : null;
}

/**
 * Does the command print a file's lines annotated (`git blame`, `hg annotate`)? They stay whole like
 * a file's text, and are read by the version-control tool's rules (a blame is a `vcs` run).
 */
export function annotatesFile(command: string | undefined): boolean {
  if (!command) return false;
  const stages = pipelineStages(programCommand(command));
  return !!stages && ANNOTATED_FILE.test(stages[0]!) && stages.slice(1).every((s) => PRINTER.test(s) || ANSWER_STAGE.test(s));
}

/** Does the command print a document: a help screen or a fetched page (documentProgram)? */
export function printsDocument(command: string | undefined): boolean {
  return documentProgram(command) !== null;
}

/** Does the command print text as it is: a file's (printsFileText), a search's or listing's answer (printsAnswer), a document (printsDocument)? */
export function printsText(command: string | undefined): boolean {
  return printsFileText(command) || printsAnswer(command) || printsDocument(command);
}

/** The program that printed text as it is: the file printer, the program that searched or listed, the one whose document it is. */
export function textPrinter(command: string | undefined): string | null {
  return filePrinter(command) ?? answerProgram(command) ?? documentProgram(command);
}

/**
 * Programs whose output is data the agent asked for: a JSON processor's (jq, yq, gron, `python -m
 * json.tool`), a database client's rows (sqlite3, psql, mysql, redis-cli), the value of an expression
 * (`node -p`), the environment (printenv, and env when it runs nothing: `env FOO=1 make` is make's
 * run), and the query subcommands of build and package tools: `go env|list|version`, `cargo
 * metadata|tree`, `npm config list|get`, `npm view|ls|explain|prefix|root`, `pip list|freeze|show`,
 * `git config --list|--get`.
 */
const DATA_PROGRAM = new RegExp(
  [
    "^(?:jq|yq|gron|python[\\d.]*\\s+-m\\s+json\\.tool|sqlite3|psql|mysql|mariadb|redis-cli|printenv)(?:\\s|$)",
    "^env(?:\\s+-[0iv]+)*$",
    "^(?:node|bun|deno\\s+eval)\\s+(?:-p|--print)(?:\\s|$)",
    "^go\\s+(?:env|list|version)(?:\\s|$)",
    "^cargo\\s+(?:metadata|tree)(?:\\s|$)",
    "^(?:npm|pnpm|yarn)\\s+(?:config\\s+(?:list|ls|get)|view|info|ls|list|ll|la|explain|why|prefix|root)(?:\\s|$)",
    "^(?:pip[\\d.]*|python[\\d.]*\\s+-m\\s+pip)\\s+(?:list|freeze|show|config\\s+list)(?:\\s|$)",
    "^git\\s+(?:--no-pager\\s+)?config\\s+(?:[^|]*\\s)?(?:--list|-l|--get\\S*)(?:\\s|$)",
  ].join("|"),
);
/** A first stage that fetches or prints what a data program reads (`curl -s URL | jq .`, `cat a.json | jq .items`). */
const DATA_SOURCE = /^(?:curl|wget\s+(?:-\S+\s+)*-O\s*-|cat|echo|printf)(?:\s|$)/;

/**
 * Does the command print data (DATA_PROGRAM): a data program, fed by a fetch or a printer or not,
 * whose output only passing stages follow (`jq . a.json | head -60`, `curl -s URL | jq .`, `env | sort`)?
 */
export function printsData(command: string | undefined): boolean {
  if (!command) return false;
  // the command as typed, less its variable assignments (`env` and `python3 -m` are what it runs here, no launchers)
  const stages = pipelineStages(command.trim().replace(/^(?:\w+=\S*\s+)+/, ""));
  if (!stages) return false;
  let last = stages.length - 1;
  while (last > 0 && (ANSWER_STAGE.test(stages[last]!) || PRINTER.test(stages[last]!)) && !DATA_PROGRAM.test(stages[last]!)) last--;
  if (!DATA_PROGRAM.test(stages[last]!)) return false;
  return stages.slice(0, last).every((s) => DATA_SOURCE.test(s) || DATA_PROGRAM.test(s));
}

/**
 * A program that measures, whose numbers are the answer asked for: a benchmark runner or a load
 * generator (hyperfine, ApacheBench, wrk, hey, oha, k6, fio, pgbench …), Python's timeit and profilers
 * (cProfile, pstats), a profiler's report (`node --prof-process`, `go tool pprof`, `perf stat`/`report`,
 * gprof, callgrind_annotate).
 */
const MEASURER =
  /^(?:\S*\/)?(?:hyperfine|ab|wrk2?|oha|hey|bombardier|vegeta|siege|autocannon|h2load|httperf|ghz|k6|fio|sysbench|pgbench|redis-benchmark|benchstat|timeit|cProfile|profile|pstats|pyperf|gprof|callgrind_annotate|cg_annotate)(?:\s|$)|^node\s+(?:\S+\s+)*--prof-process(?:\s|$)|^go\s+tool\s+pprof\s|^perf\s+(?:stat|report|bench)(?:\s|$)/;
/** A word that names a benchmark: `bench`, `-bench=.`, `--benchmark-only`, `bench.py`, `run_benchmarks.sh`, `benchmarks/`. */
const BENCH_WORD = /(?:^|[/_-])-{0,2}bench(?:mark)?(?:s|ing)?(?=[./=:_-]|$)/i;

/**
 * Does the command name a benchmark as its program, its verb or script, or an option: `go test -bench
 * .`, `cargo bench`, `vitest bench`, `npm run bench`, `python bench.py`, `./run_benchmarks.sh`, `pytest
 * --benchmark-only`? (`pip install pytest-benchmark`, `git checkout -b bench-fix` and `cat bench/run.log` name none.)
 */
function namesBenchmark(stage: string): boolean {
  // a file printed (`cat /tmp/bench/build.log`) is read as what it holds, whatever its path says
  if (PRINTER.test(stage)) return false;
  const [program = "", ...rest] = stage.split(/\s+/);
  const verb = rest.filter((w) => !w.startsWith("-")).find((w, k) => k > 0 || w !== "run");
  return BENCH_WORD.test(program) || (verb !== undefined && BENCH_WORD.test(verb)) || rest.some((w) => w.startsWith("-") && BENCH_WORD.test(w));
}

/**
 * Does the command measure (MEASURER, namesBenchmark), every later stage passing its report on
 * (`python -m cProfile -s cumtime a.py | head -30`)? Each of its numbers is what was asked for.
 */
export function measures(command: string | undefined): boolean {
  if (!command) return false;
  const stages = pipelineStages(programCommand(command));
  if (!stages || !(MEASURER.test(stages[0]!) || namesBenchmark(stages[0]!))) return false;
  return stages.slice(1).every((s) => ANSWER_STAGE.test(s) || PRINTER.test(s));
}

/** A setting as an environment or a configuration dump prints it: `GOPROXY="https://…"`, `core.bare=false`, `audit = false`. */
const SETTING_LINE = /^(?:file:\S+\s+)?[A-Za-z_][\w.:/-]*\s?=\s?\S?|^[;#]/;

/**
 * A test runner asked to list its tests, not to run them: `pytest --collect-only` (`--co`), `cargo
 * test -- --list`, `cargo nextest list`, `go test -list REGEX`, `jest --listTests`, `vitest list`,
 * `playwright test --list`, `dotnet test --list-tests`, `mocha --dry-run`.
 */
const TEST_LISTING = new RegExp(
  [
    "^(?:python[\\d.]*\\s+-m\\s+)?pytest\\b(?:[^|]*\\s)?(?:--collect-only|--co)(?:\\s|$)",
    "^cargo\\s+test\\b[^|]*\\s--\\s(?:[^|]*\\s)?--list(?:\\s|$)",
    "^cargo\\s+nextest\\s+list(?:\\s|$)",
    "^go\\s+test\\b(?:[^|]*\\s)?-list[\\s=]",
    "^(?:jest|vitest)\\b(?:[^|]*\\s)?--listTests(?:\\s|$)",
    "^vitest\\s+list(?:\\s|$)",
    "^playwright\\s+test\\b(?:[^|]*\\s)?--list(?:\\s|$)",
    "^dotnet\\s+test\\b(?:[^|]*\\s)?--list-tests(?:\\s|$)",
    "^mocha\\b(?:[^|]*\\s)?--dry-run(?:\\s|$)",
  ].join("|"),
);

/** Does the command ask a test runner to list its tests (TEST_LISTING)? Nothing runs: no test passes or fails. */
export function listsTests(command: string | undefined): boolean {
  return !!command && TEST_LISTING.test(programCommand(command));
}

/**
 * Is the text a dump of settings: three lines or more, each a `NAME=value` (an environment, `go env`,
 * `git config --list`, an INI file's keys) or a comment, blank lines aside?
 */
export function isSettingsDump(text: string): boolean {
  let n = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (!SETTING_LINE.test(line)) return false;
    n++;
  }
  return n >= 3;
}

/** A structured logger's record: an object with a level and a message (`{"level":50,"msg":"job failed",…}`). */
function isLogRecord(value: object): boolean {
  const has = (keys: string[]) => keys.some((k) => k in value);
  return has(["level", "lvl", "severity", "levelname", "log.level"]) && has(["msg", "message", "event"]);
}

/**
 * Is the text a JSON document (`{…}` or `[…]`, pretty or on one line) or JSON lines (one object or
 * array a line, not a structured log's records)? What a program prints as JSON is data, whatever
 * printed it (`node -e`, an API's reply).
 */
export function isJsonData(text: string): boolean {
  const t = text.trim();
  if (t === "" || (t[0] !== "{" && t[0] !== "[")) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    // JSON lines: every line an object or an array
    const lines = t.split("\n").filter((l) => l.trim() !== "");
    if (lines.length < 2) return false;
    try {
      let records = 0;
      for (const l of lines) {
        if (!/^\s*[{[]/.test(l)) return false;
        const value: unknown = JSON.parse(l);
        if (typeof value !== "object" || value === null) return false;
        if (isLogRecord(value)) records++;
      }
      // a structured log (pino, bunyan, zap, structlog: a level and a message on each line) is a run's record, not data
      return records * 2 < lines.length;
    } catch {
      return false;
    }
  }
}

/**
 * The printer's own complaint about a file (`cat: a.py: No such file or directory`, `head: cannot
 * open 'b' for reading: …`, `find: 'x': No such file or directory`, `ls: cannot access 'x': …`,
 * `rg: x: No such file or directory (os error 2)`).
 */
export const PRINTER_COMPLAINT = /^(?:cat|tac|nl|bat|head|tail|sed|less|more|grep|egrep|fgrep|rg|ag|ack|find|fd|ls|tree|locate|sort|xargs|wc|du|df|ps|lsof|awk|gawk|mawk|cut|column|paste|join|comm|uniq|tr|bash|sh|zsh|dash): .*(?:No such file or directory|Permission denied|Is a directory|Not a directory|cannot open|can't read|cannot access|command not found|unknown|error)|^curl: \(\d+\) |^wget: /;

/** Does raw output hold a terminal's escape sequences (CSI: ESC and `[`)? A file's text has none. */
function hasEscapes(raw: Uint8Array | string): boolean {
  if (typeof raw === "string") return raw.includes("\x1b[");
  for (let i = raw.indexOf(0x1b); i !== -1 && i < raw.length - 1; i = raw.indexOf(0x1b, i + 1)) if (raw[i + 1] === 0x5b) return true;
  return false;
}

/**
 * Is this raw output text the command printed as it is: a file's (printsFileText, and no recorded
 * terminal output in it) or an answer (printsAnswer, coloured or not: `grep --color`, `rg` on a terminal)?
 */
export function isFileText(command: string | undefined, raw: Uint8Array | string): boolean {
  return (printsFileText(command) && !hasEscapes(raw)) || printsAnswer(command) || printsDocument(command);
}
