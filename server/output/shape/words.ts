/**
 * The words that tell what a line is about, whatever the tool: how bad (error, warning), whether it
 * is an identifier-like code (E0308, TS2322, CS1002, F401, SC2086, [-Wunused], (errcheck)), and the
 * words of progress and passing tests that make up the bulk of a green run.
 */

export type Severity = "error" | "warning" | "note";

/**
 * Error words standing as words (not inside a name such as `errors.go`, `ErrorBoundary`,
 * `test_failure_mode`): the line reports a problem.
 */
const ERROR_WORD_LIST =
  /(?<![\w./\\-])(?:errors?|ERRORS?|Errors?|fatal|FATAL|Fatal|fail(?:s|ed|ing|ures?)?|FAIL(?:S|ED|ING|URES?)?|Fail(?:s|ed|ing|ures?)?|panic(?:ked|s)?|PANIC|exceptions?|Exceptions?|EXCEPTION|[A-Z]\w*(?:Error|Exception|Failure|Fault)|crash(?:ed|es)?|abort(?:ed|ing)?|Abort(?:ed)?|ABORT(?:ED)?|Segmentation fault|core dumped|Killed|denied|DENIED|refused|[Rr]efusing|not found|No such file|[Cc]annot|[Cc]an't|[Cc]ould not|[Cc]ouldn't|[Uu]nable|[Ii]nvalid|[Mm]issing|[Uu]ndefined|[Uu]nresolved|[Cc]onflicts?|CONFLICT|[Rr]ejected|timed out|[Tt]imeout|TIMEOUT|[Vv]iolations?|[Bb]roken|[Uu]nexpected|[Ii]ncompatible|[Ii]llegal|[Mm]ismatch(?:ed)?|Dubious|UNMET|[Nn]ot (?:ok|allowed|permitted|supported|implemented|defined|a (?:function|constructor|valid))|errno)(?![\w/\\-]|\.\w)|(?<=[\w$]\.)[A-Z][\w$]*(?:Error|Exception)(?=:)|[✗✖✘×✕❌💥🔴]|(?::|\.\.\.)\s+(?:NO|no)\b(?![\w-])|^\W{0,3}\s*(?:Issue|ISSUE|Problem|Finding|Vulnerability|Defect):/u;
/**
 * The system's error names, as a failed call prints them (`Error: ENOENT: no such file or directory`,
 * `listen EADDRINUSE: address already in use`, `npm error code ERESOLVE`): errno(3)'s names, node's
 * `ENOTFOUND` and npm's own codes. Only these: an upper-case word that starts with E (`EAST`, `ENABLED`,
 * `EVENTS`, a table's heading) names no error.
 */
export const ERRNO_NAME =
  "E(?:2BIG|ACCES|ADDRINUSE|ADDRNOTAVAIL|AFNOSUPPORT|AGAIN|ALREADY|BADE|BADF|BADFD|BADMSG|BADR|BADRQC|BADSLT|BUSY|CANCELED|CHILD|CHRNG|COMM|CONNABORTED|CONNREFUSED|CONNRESET|DEADLK|DEADLOCK|DESTADDRREQ|DOM|DQUOT|EXIST|FAULT|FBIG|HOSTDOWN|HOSTUNREACH|HWPOISON|IDRM|ILSEQ|INPROGRESS|INTR|INVAL|IO|ISCONN|ISDIR|ISNAM|KEYEXPIRED|KEYREJECTED|KEYREVOKED|LIBACC|LIBBAD|LIBEXEC|LIBMAX|LIBSCN|LOOP|MEDIUMTYPE|MFILE|MLINK|MSGSIZE|MULTIHOP|NAMETOOLONG|NETDOWN|NETRESET|NETUNREACH|NFILE|NOANO|NOBUFS|NODATA|NODEV|NOENT|NOEXEC|NOKEY|NOLCK|NOLINK|NOMEDIUM|NOMEM|NOMSG|NONET|NOPKG|NOPROTOOPT|NOSPC|NOSR|NOSTR|NOSYS|NOTBLK|NOTCONN|NOTDIR|NOTEMPTY|NOTRECOVERABLE|NOTSOCK|NOTSUP|NOTTY|NOTUNIQ|NXIO|OPNOTSUPP|OVERFLOW|OWNERDEAD|PERM|PFNOSUPPORT|PIPE|PROTO|PROTONOSUPPORT|PROTOTYPE|RANGE|REMCHG|REMOTE|REMOTEIO|RESTART|RFKILL|ROFS|SHUTDOWN|SOCKTNOSUPPORT|SPIPE|SRCH|STALE|STRPIPE|TIME|TIMEDOUT|TOOMANYREFS|TXTBSY|UCLEAN|UNATCH|USERS|WOULDBLOCK|XDEV|XFULL" +
  "|NOTFOUND|RESOLVE|LIFECYCLE|INTEGRITY|JSONPARSE|NOAUDIT|USAGE|NOWORKSPACES|NOVERSIONS|TARGET|OVERRIDE|BADPLATFORM|NOTARGET)";
const ERROR_WORDS = new RegExp(`${ERROR_WORD_LIST.source}|(?<![\\w./\\\\-])${ERRNO_NAME}(?=[:\\s]|$)`, "u");
const WARNING_WORDS = /(?<![\w./\\-])(?:warn(?:ings?)?|WARN(?:INGS?)?|Warn(?:ings?)?|deprecated|Deprecated|DEPRECATED|deprecation|[Dd]eprecations?)(?![\w/\\-]|\.\w)|[⚠]/;

/** How bad the line says something is, or null when it says nothing of the kind. */
export function severityOf(line: string): Severity | null {
  // the Debian tools' one-letter tag (apt's `E: Unable to locate package x`, lintian's `W: pkg: tag [path]`)
  const tag = line.charCodeAt(1) === 58 ? DEBIAN_TAG.exec(line)?.[1] : undefined;
  if (tag) return tag === "E" ? "error" : "warning";
  // a problem the program says it ignores and goes on past is a warning, unless it labels itself an error
  // (systemd's `a.service:9: Unknown key 'X' in section [Service], ignoring.`, `Failed to parse …, ignoring: on-failur`)
  const ignored = line.includes("ignor") && IGNORED.test(line);
  if (!MAY_HAVE_SEVERITY.test(line)) return ignored ? "warning" : null;
  // the JVM's notice about its own options, printed before any Java tool runs: no finding of the tool's
  if (JVM_NOTICE.test(line)) return null;
  // a race detector's report is an error, though its title says WARNING (Go's `WARNING: DATA RACE`, ThreadSanitizer's)
  if (RACE_REPORT.test(line)) return "error";
  // a warning that labels itself one (`a.c:3: warning: missing braces`, `line 8 - Warning: missing </a>`)
  // is one, whatever words its message holds; an error label comes first where there is one; a
  // note labelled so (GNU's `grammar.y: note: rerun with option …`) is no error, whatever its words
  const label = SEVERITY_LABEL.exec(line);
  if (label) return label[1] === "note" ? "note" : /^w/i.test(label[1]!) ? "warning" : "error";
  if (ignored) return "warning";
  // nor does a field whose count is zero (ApacheBench's `Failed requests:        0`, `Errors found: 0`)
  if (ZERO_FIELD.test(line)) return null;
  // what a line says there is none of does not count (`No syntax errors detected in a.php`, `0 warnings`)
  const said = NEGATED.test(line) ? line.replace(NEGATED_ALL, " ") : line;
  if (ERROR_WORDS.test(said)) return "error";
  if (WARNING_WORDS.test(said)) return "warning";
  return null;
}

/** A field and its count, zero: `Failed requests:        0`, `Non-2xx responses: 0`, `errors = 0`. */
const ZERO_FIELD = /^\s*[A-Za-z][\w ().'/-]{0,60}?\s*[:=]\s*0(?:\.0+)?\s*%?\s*$/;

/** The one-letter severity tag Debian's tools start a line with: `E: `, `W: `. */
const DEBIAN_TAG = /^([EW]): \S/;
/** `…, ignoring.`, `…, ignoring: value`, `…; ignored`: what the program set aside and went on past. */
const IGNORED = /[,;]\s*ignor(?:ing|ed)(?:[.:]|\s*$)/;

/** The title of a race detector's report: Go's `WARNING: DATA RACE`, `WARNING: ThreadSanitizer: data race (pid=12)`. */
const RACE_REPORT = /^\s*WARNING: (?:DATA RACE\s*$|ThreadSanitizer: data race\b)/;

/** `OpenJDK 64-Bit Server VM warning: Options -Xverify:none … were deprecated`, `Java HotSpot(TM) 64-Bit Server VM warning: …`. */
const JVM_NOTICE = /^\s*(?:OpenJDK|Java HotSpot\(TM\)) (?:64-Bit )?(?:Server|Client) VM warning:/;

/** Problems a line says there are none of: `no errors`, `No syntax errors`, `0 warnings`, `without failures`. */
const NEGATED_PHRASE = String.raw`(?<![\w-])(?:[Nn]o|NO|0|[Zz]ero|[Ww]ithout)\s+(?:[a-z][\w-]*\s+)?(?:errors?|ERRORS?|failures?|problems?|issues?|warnings?|WARNINGS?)(?![\w-])`;
const NEGATED = new RegExp(NEGATED_PHRASE);
const NEGATED_ALL = new RegExp(NEGATED_PHRASE, "g");

/** The first severity label of a line: the word alone, then a colon (or its code in brackets, then a colon). */
const SEVERITY_LABEL = /(?:^|[\s:\]-])(warning|Warning|WARNING|error|Error|ERROR|fatal error|Fatal error|FATAL|note)(?:\[[\w-]+\])?:(?:\s|$)/;
/** Does the line label its own severity (`a.y: warning: …`, `error[E0308]: …`, `note: …`)? */
export const hasSeverityLabel = (line: string): boolean => SEVERITY_LABEL.test(line);

/**
 * The quick test before the word lists: a fragment that every error or warning word holds, or a
 * symbol or an `EXXXX` code. Most lines hold none.
 */
const MAY_HAVE_SEVERITY =
  /[Ee]rr|ERR|[Ff]ail|FAIL|[Ff]atal|FATAL|[Pp]anic|PANIC|[Ee]xcept|EXCEPT|Fault|[Cc]rash|[Aa]bort|ABORT|Segm|dump|Kill|[Dd]enied|DENIED|refused|[Nn]ot |No such|[Cc]an|[Cc]ould|[Uu]nable|[Ii]nvalid|[Mm]issing|[Uu]ndefined|[Uu]nresolved|[Cc]onflict|CONFLICT|[Rr]eject|[Tt]ime|TIMEOUT|[Vv]iolation|[Bb]roken|[Uu]nexpected|[Ii]ncompatible|[Ii]llegal|[Mm]ismatch|Dubious|UNMET|E[A-Z]{3}|[Ww]arn|WARN|[Dd]eprecat|DEPRECATED|Issue|ISSUE|Problem|Finding|Vulnerab|Defect|NO\b|\bno\b|[✗✖✘×✕❌💥🔴⚠]/u;

/**
 * Identifier-like codes of diagnostics: `E0308`, `TS2322`, `CS1002`, `F401`, `SC2086`, `PLR0913`,
 * `C0114`, `[-Wunused-variable]`, `(errcheck)` or `(missing-module-docstring)` ending a line,
 * `[E501]`, rule paths such as `Style/StringLiterals`, `lint/style/useConst`, `no-unused-vars`.
 */
const CODE =
  /(?<![\w-])[A-Z]{1,5}\d{2,5}(?![\w-])|\[-W[\w=+-]+\]|\((?:[a-z][\w-]*[a-z\d])(?:\/[\w-]+)?\)\s*$|\[[a-z][\w-]*(?:\/[\w-]+)*\]\s*$|(?<![\w/])[A-Z][a-z]+\/[A-Z]\w+(?![\w/])|(?<![\w/])lint\/\w+\/\w+|\s{2}(?:@[\w-]+\/|[a-z][\w-]*\/)?[a-z]+(?:-[a-z]+)*\s*$/;

export function hasCode(line: string): boolean {
  return CODE.test(line);
}

/** The code a diagnostic line carries, or "". */
export function codeOf(line: string): string {
  const m = CODE.exec(line);
  return m ? m[0].trim().replace(/^\(|\)$/g, "") : "";
}

/**
 * A line that says a test passed or that work progressed (downloads, compile steps, percentages),
 * when it says nothing bad: the bulk of a green run.
 */
// automake's test harness writes `PASS: tests/a.sh` for each test that passed
const PASSING = /^(?:RUN|PAUSE|CONT|PASS|SKIP|START|BENCH)\s+\S+$|^PASS: \S+$|^\s*(?:[✓✔√☑✅]|(?:PASS|PASSED|OK)\b(?!:)|ok\b(?!:|\s{2,}\S+\s+\(?[\d.]+m?s)|--- PASS|=== (?:RUN|PAUSE|CONT|NAME)\b|\(pass\))|(?:\.\.\.|:) (?:ok|OK|passed|PASSED)\s*(?:\([\d.]+\s*m?s\))?$|\bPASSED\b/;
const PROGRESS_VERB =
  /^\s*(?:\[[^\]]{1,40}\]\s+|[-*>|]\s+|\(\d+\/\d+\)\s+|\()?(?:Downloading|Downloaded|Fetching|Fetched|Get:\d+|Hit:\d+|Ign:\d+|Resolving|Resolved|Collecting|Installing|Installed|Compiling|Compiled|Building|Built|Linking|Generating|Generated|Processing|Preparing|Unpacking|Setting up|Extracting|Copying|Writing|Wrote|Loading|Loaded|Checking|Scanning|Updating|Updated|Pulling|Pulled|Pushing|Uploading|Waiting|Creating|Created|Starting|Started|Running(?! \x60)|Finished|Using|Reusing|Reading|Selecting previously unselected|Preparing to unpack|Requirement already satisfied|Using cached|Looking in|Receiving objects|Resolving deltas|Counting objects|Compressing objects|Enumerating objects|Total \d+|remote:|Progress|Analyzing|Analysing|Transforming|Bundling|Rendering|Optimizing|Emitting|Packing|Adding|Removing|Syncing|Cloning|Verifying|Validating|Refreshing|Initializing|Configuring|Executing|Invoking|Evaluating|Indexing|Parsing|Mapping|Migrating|Seeding|Testing|Restoring|Determining|Detecting|Looking for|Performing|The [A-Z]\w* compiler identification|Check for working|Detecting \w+ compiler)/;
const PERCENT = /^\s*\[?\s{0,3}\d{1,3}(?:\.\d+)?%\]?(?:\s|$)|\d%\s*\||\[[#=>.\- ]{6,}\]|[█▏▎▍▌▋▊▉▓▒░⣿]{3,}/;

/** Does this line only say that things go well (a pass, a step, a download)? */
export function isChatter(line: string): boolean {
  if (!(PASSING.test(line) || PROGRESS_VERB.test(line) || PERCENT.test(line))) return false;
  return !ERROR_WORDS.test(line) && !/, done\.$/.test(line);
}

/** Does the line say a test passed (for fold markers)? */
export function isPassing(line: string): boolean {
  return PASSING.test(line);
}
