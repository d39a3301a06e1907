/** Rules that came from corpus group g27 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";

const places = (a: ReturnType<typeof analyzeOutput>) => a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`);

describe("bash's syntax error and the source line it quotes", () => {
  test("are one error at that line", () => {
    const raw = ["deploy.sh: line 22: syntax error near unexpected token `else'", "deploy.sh: line 22: `  else'"].join("\n");
    const a = analyzeOutput(raw, { command: "bash -n deploy.sh", exitCode: 2 });
    expect(a.counts.errors).toBe(1);
    expect(places(a)).toEqual(["deploy.sh:22"]);
  });

  test("two errors at two lines stay two", () => {
    const raw = ["deploy.sh: line 4: cd: /srv/app: No such file or directory", "deploy.sh: line 9: ./run: Permission denied"].join("\n");
    expect(analyzeOutput(raw, { command: "./deploy.sh", exitCode: 126 }).counts.errors).toBe(2);
  });
});

describe("a failed run in which nothing reads as an error", () => {
  // Perl's warn and die print the same `MESSAGE at FILE line N.`: the last one, before a non-zero exit, is the die
  const perl = ['Argument "abc" isn\'t numeric in addition (+) at calc.pl line 7.', "total: 3", "no such user 'bob' at lib/Users.pm line 31."].join("\n");

  test("what it said last, at a place, is why it stopped; what came before stays a warning", () => {
    const a = analyzeOutput(perl, { command: "perl calc.pl", exitCode: 2 });
    expect(places(a)).toEqual(["lib/Users.pm:31"]);
    expect(a.counts.errors).toBe(1);
    expect(a.counts.warnings).toBe(1);
  });

  test("the same words in a run that succeeded, or a last line that calls itself a warning, are no error", () => {
    expect(analyzeOutput(perl, { command: "perl calc.pl", exitCode: 0 }).counts.errors).toBe(0);
    const tidy = ["line 3 column 1 - Warning: <img> lacks \"alt\" attribute", "line 9 column 5 - Warning: trimming empty <p>"].join("\n");
    expect(analyzeOutput(tidy, { command: "tidy -q -e index.html", exitCode: 1 }).counts.errors).toBe(0);
  });

  test("a JSON decoder's place is in the file the command names", () => {
    const a = analyzeOutput("Expecting property name enclosed in double quotes: line 2 column 3 (char 4)", { command: "python3 -m json.tool config.json", exitCode: 1 });
    expect(places(a)).toEqual(["config.json:2"]);
  });
});

describe("a race detector's report", () => {
  test("is an error placed at its first frame in the project, though its title says WARNING", () => {
    const raw = [
      "==================",
      "WARNING: ThreadSanitizer: data race (pid=4242)",
      "  Write of size 4 at 0x7b0400000010 by thread T2:",
      "    #0 worker /src/pool/pool.c:41 (app+0x12ab)",
      "    #1 <null> <null> (libtsan.so.2+0x3c6e9)",
      "",
      "  Previous read of size 4 at 0x7b0400000010 by main thread:",
      "    #0 main /src/pool/main.c:17 (app+0x1322)",
      "",
      "SUMMARY: ThreadSanitizer: data race /src/pool/pool.c:41 in worker",
      "==================",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "./app", exitCode: 66, rules: "generic" });
    expect(places(a)[0]).toBe("/src/pool/pool.c:41");
  });
});

describe("tools named by their output alone", () => {
  test("Perl's warn and die, and OpenSSL's error stack", () => {
    expect(analyzeOutput("Can't locate object method \"save\" via package \"Cart\" at lib/Shop.pm line 88, <STDIN> line 2.").tool).toBe("perl");
    expect(analyzeOutput(["unable to load Private Key", "80ABCDEF01000000:error:1E08010C:DECODER routines:OSSL_DECODER_from_bio:unsupported:crypto/encode_decode/decoder_lib.c:102:No supported data to decode."].join("\n")).tool).toBe("openssl");
    // Test::More's diagnostics under prove are TAP's, not a Perl program's own words
    expect(analyzeOutput("#   Failed test 'totals'\n#   at t/cart.t line 14.").tool).not.toBe("perl");
  });
});
