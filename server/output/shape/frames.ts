/**
 * Stack frames, whatever the language, and whether each is in the project's own code or in a
 * library, the runtime or the standard library. Frames in the project's files are where to look;
 * the others fold (the first frame of a trace stays, it says where the error was raised).
 */

export type FrameKind = "project" | "library";

/**
 * One line of a stack trace: JavaScript `at fn (path:1:2)`, vitest `❯ path:1:2`, Python
 * `File "p", line 3, in f`, JVM/.NET `at pkg.Cls.m(File.java:12)` / `at Ns.C.M() in p:line 3`,
 * Go `\t/path/x.go:12 +0x1d` under `pkg.fn(...)`, Rust `  3: sym` / `at path:1:2`, Ruby
 * `from p:3:in 'm'` / `# ./spec/x_spec.rb:12:in 'block'`, PHP `#0 /p.php(12): fn()`, gdb
 * `#1 0x… in fn () at p.c:3`, valgrind `==1==    at 0x…: fn (p.c:3)`, ASan `#0 0x… in fn p.c:3:5`,
 * Elixir `(app 0.1.0) lib/x.ex:3: M.f/1`, Haskell `called at p.hs:3:5 in main:M`, `... 12 more`.
 */
const FRAME = new RegExp(
  [
    String.raw`^\s+at (?:async |new )?[^\s(]+(?: \[as [^\]]+\])? ?\(.*\)(?: \[0x[0-9a-f]+\])?(?: in \S+(?::line \d+|:\d+))?(?: \{)?\s*$`, // JS (the error's fields may follow in braces), JVM, .NET, Mono
    String.raw`^\s+at (?:async )?(?:file:\/\/)?\S+:\d+(?::\d+)?\)?$|^\s+at <anonymous>$`, // JS without a name, Rust's `at path:1:2`
    String.raw`^\s*❯ \S+:\d+:\d+`, // vitest
    String.raw`^\s*File "[^"]+", line \d+`, // Python
    String.raw`^\s*(?:from |# )\S+:\d+:in |^\s+\S+\.rb:\d+:in [\x60'‘]`, // Ruby, RSpec
    String.raw`^\s+\d+: \S`, // Rust backtrace
    String.raw`^\s+\S+\.go:\d+(?: \+0x[0-9a-f]+)?$`, // Go (the tab before the path is rendered as spaces)
    String.raw`^#\d+ (?:\S+\(\d+\): |\[internal function\]|\{main\})`, // PHP
    String.raw`^#\d+\s+(?:0x[0-9a-f]+ in )?\S+ \(.*\)(?: at \S+:\d+| from \S+)?$`, // gdb
    String.raw`^(?:==\d+==)?\s+(?:at|by) 0x[0-9A-Fa-f]+: `, // valgrind
    String.raw`^\s+#\d+ 0x[0-9a-f]+ (?:in |\()`, // sanitizers
    String.raw`^\s+#\d+ \S+ \S+ \([\w.+-]+\+0x[0-9a-f]+\)$`, // ThreadSanitizer: `#0 worker /src/a.c:41 (app+0x12ab)`, `#1 <null> <null> (libtsan.so.2+0x3c)`
    String.raw`^\s+\(\w[\w.-]* [\d.]+[\w.-]*\) \S+:\d+: `, // Elixir
    String.raw`^\s+\S+, called at \S+:\d+:\d+ in `, // Haskell
    String.raw`^\s+\.\.\. \d+ (?:more|common frames omitted)$`, // JVM
  ].join("|"),
);
/** The line above a Go frame's path line: `main.(*Cart).Total(0xc000…)`, `created by main.main in goroutine 1`. */
const GO_FUNC = /^(?:created by )?[\w./-]*[\w)]\.[\w.$*()[\]]+\((?:[^()]*)\)(?: in goroutine \d+)?$|^created by [\w./-]+/;
/** Libraries, runtimes and standard libraries: where a fix never is. */
const LIBRARY_PATH =
  /node_modules|node:|\binternal\/|\(<anonymous>\)|at <anonymous>$|<frozen |site-packages|dist-packages|\/lib\/python\d|\/usr\/(?:lib|local|share|include)\/|\/rustc\/|\.cargo\/registry|\.rustup\/|\/go\/pkg\/mod\/|\bGOROOT\b|\/vendor\/|\/gems\/|\/rubygems|\/lib\/ruby\/|\/\.rbenv\/|\/\.pyenv\/|\/\.nvm\/|\/jdk[\w.-]*\/|\/usr\/lib\/jvm|\bnative\)|Native Method|Unknown Source|\/opt\/[\w.-]+\/lib\/|\bbootstrap\b|^\s*\.\.\. \d+ /;
/** Frames named by module, without a path: the JVM's, .NET's, Rust's, Go's and Elixir's own libraries. */
const LIBRARY_SYMBOL =
  /^\s*(?:at |\d+: |#\d+ |\(\w)\s*(?:(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|org\.junit|junit|org\.apache|org\.gradle|org\.opentest4j|org\.testng|org\.codehaus|org\.springframework|worker\.org\.gradle|System|Microsoft|NUnit|Xunit|std|core|alloc|test|tokio|futures|__rust|_start|__libc|runtime|testing|reflect|sync|elixir|ex_unit|stdlib|kernel|erlang|mix|iex)[.:/ ]|<[^>]*\bas (?:core|std)::)/;
/** Rust's and the C runtime's entry frames: `__rust_begin_short_backtrace`, `__libc_start_main`, `_start`. */
const RUNTIME_ENTRY = /\b(?:__rust_\w+|__libc_start\w*|_start|lang_start\w*|rust_begin_unwind|__GI_\w+|__pthread_\w+|start_thread|clone3?)\b/;

export function isFrame(line: string): boolean {
  return FRAME.test(line);
}

/** A Go frame's function line (the line above its `\tpath.go:N +0x…` line). */
export function isGoFunctionLine(line: string, next: string | undefined): boolean {
  return next !== undefined && /^\s+\S+\.go:\d+/.test(next) && GO_FUNC.test(line.trim());
}

/** A native frame's function (valgrind's `at 0x10967D: kv_remove (hashmap.c:88)`, gdb's and ASan's `#2 0x5555 in main (…)`). */
const NATIVE_FRAME_FUNCTION = /^\s*(?:at|by) 0x[0-9A-Fa-f]+: (\w+)\b|^\s*#\d+\s+(?:0x[0-9A-Fa-f]+ in )?(\w+) \(/;
/** The C standard library's functions a program calls into (its frames under them are the library's). */
const C_STANDARD_FUNCTION = /^(?:v?[fs]?n?printf|puts|fputs|putchar|fputc|v?[fs]?scanf|fgets|fread|fwrite|fopen|fclose|fflush|malloc|calloc|realloc|free|mem(?:cpy|move|set|cmp|chr)|str(?:len|n?cpy|n?cat|n?cmp|dup|chr|rchr|str|tok|tol|toul|tod)|ato[il]|qsort|bsearch|exit|abort|raise|getenv|setlocale)$/;
/**
 * A native frame in the C library: its function a name the C standard reserves for the
 * implementation (`__vfprintf_internal`, `_itoa_word`, `_IO_file_write`), or a standard function.
 */
function inCLibrary(line: string): boolean {
  const m = NATIVE_FRAME_FUNCTION.exec(line);
  const fn = m?.[1] ?? m?.[2];
  return fn !== undefined && (/^_[A-Z_a-z]/.test(fn) || C_STANDARD_FUNCTION.test(fn));
}

/**
 * Is a frame in a library or the runtime? `cwd` (the directory the command ran in) marks the
 * project: an absolute path under it is the project's unless it is a dependency folder.
 */
export function frameKind(line: string, cwd?: string): FrameKind {
  if (LIBRARY_PATH.test(line)) {
    if (cwd && cwd.length > 1 && line.includes(cwd) && !/node_modules|site-packages|dist-packages|\/vendor\/|\.cargo|\/gems\//.test(line)) return "project";
    return "library";
  }
  if (LIBRARY_SYMBOL.test(line) || RUNTIME_ENTRY.test(line)) return "library";
  if (inCLibrary(line)) return "library";
  return "project";
}
