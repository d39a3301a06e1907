import { describe, expect, test } from "bun:test";
import { MarkerFilter } from "../../server/session/marker-filter.ts";
import { Scrollback } from "../../server/session/scrollback.ts";
import { Screen } from "../../server/session/screen.ts";
import { parseExportListing } from "../../server/session/shell-env.ts";
import { keyBytes } from "../../server/session/keys.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe("marker filter", () => {
  test("removes this session's marks and reports where they stood", () => {
    const f = new MarkerFilter("n1");
    const r = f.push(enc("out\x1b]133;C;aid=n1\x07hello\r\n\x1b]133;D;7;aid=n1\x07$ "));
    expect(dec(r.data)).toBe("outhello\r\n$ ");
    expect(r.marks).toEqual([
      { kind: "C", status: undefined, at: 3 },
      { kind: "D", status: 7, at: 10 },
    ]);
  });

  test("reassembles a mark split across reads, one byte at a time", () => {
    const f = new MarkerFilter("abc");
    const input = "x\x1b]133;D;130;aid=abc\x1b\\y";
    let out = "";
    const marks = [];
    for (const ch of input) {
      const r = f.push(enc(ch));
      out += dec(r.data);
      marks.push(...r.marks);
    }
    expect(out).toBe("xy");
    expect(marks.map((m) => [m.kind, m.status])).toEqual([["D", 130]]);
  });

  test("passes through marks of other shells and other escape sequences", () => {
    const f = new MarkerFilter("mine");
    const text = "\x1b]133;D;0;aid=theirs\x07\x1b[31mred\x1b[0m\x1b]0;title\x07";
    const r = f.push(enc(text));
    expect(dec(r.data)).toBe(text);
    expect(r.marks).toEqual([]);
  });
});

describe("scrollback", () => {
  test("keeps absolute offsets and says how many bytes fell off", () => {
    const sb = new Scrollback(10);
    sb.append(enc("aaaaa"));
    sb.append(enc("bbbbb"));
    sb.append(enc("ccccc"));
    expect(sb.end).toBe(15);
    expect(sb.start).toBe(5);
    const r = sb.read(0);
    expect(r.dropped).toBe(5);
    expect(r.start).toBe(5);
    expect(dec(r.data)).toBe("bbbbbccccc");
    expect(dec(sb.read(12).data)).toBe("ccc");
    expect(sb.read(12).offset).toBe(15);
  });

  test("a single chunk larger than the cap keeps its tail", () => {
    const sb = new Scrollback(4);
    sb.append(enc("0123456789"));
    expect(dec(sb.read().data)).toBe("6789");
    expect(sb.read(0).dropped).toBe(6);
  });

  test("after many thousands of small pieces every read is the same bytes the stream carried", () => {
    const cap = 5000;
    const sb = new Scrollback(cap);
    let stream = "";
    for (let i = 0; i < 20_000; i++) {
      const piece = `${i % 97}:${"x".repeat(i % 7)}\n`;
      sb.append(enc(piece));
      stream += piece;
    }
    expect(sb.end).toBe(stream.length);
    expect(stream.length - sb.start).toBeGreaterThanOrEqual(cap); // at least the newest cap bytes, whole pieces
    expect(stream.length - sb.start).toBeLessThan(cap + 20);
    for (const from of [0, sb.start, sb.start + 1, sb.end - 1234, sb.end - 1, sb.end]) {
      const r = sb.read(from);
      expect(dec(r.data)).toBe(stream.slice(Math.max(from, sb.start)));
      expect(r.dropped).toBe(Math.max(0, sb.start - from));
    }
    expect(dec(sb.read(sb.end - 300, sb.end - 100).data)).toBe(stream.slice(sb.end - 300, sb.end - 100));
  });
});

describe("screen", () => {
  test("after a flood nobody looked at, the screen shows its end, and a switch to the alternate screen is kept", async () => {
    const screen = new Screen(80, 5);
    screen.write(enc("\x1b[?1049h")); // a full-screen program starts, then floods
    for (let i = 0; i < 300_000; i++) screen.write(enc(`flood line ${i}\r\n`));
    screen.write(enc("the end"));
    const shot = await screen.capture();
    expect(shot.alternate).toBe(true);
    expect(shot.text.split("\n").at(-1)).toBe("the end");
    expect(shot.text).toContain("flood line 299999");
    screen.dispose();
  }, 60_000);
});

describe("shell environment listing", () => {
  test("parses bash's declare -x with escapes and newlines", () => {
    const env = parseExportListing('declare -x A="1"\ndeclare -x B="say \\"hi\\" \\$HOME"\ndeclare -x C="two\nlines"\ndeclare -x EMPTY=""\ndeclare -x NOVALUE\n');
    expect(env).toEqual({ A: "1", B: 'say "hi" $HOME', C: "two\nlines", EMPTY: "" });
  });
  test("parses sh's and zsh's export form", () => {
    expect(parseExportListing("export X='it'\\''s'\nexport Y=plain\n")).toEqual({ X: "it's", Y: "plain" });
  });
});

describe("key names", () => {
  test("tmux-style names map to terminal bytes", () => {
    expect(keyBytes("C-c")).toBe("\x03");
    expect(keyBytes("Enter")).toBe("\r");
    expect(keyBytes("Up")).toBe("\x1b[A");
    expect(keyBytes("M-x")).toBe("\x1bx");
    expect(() => keyBytes("Hyper-Q")).toThrow(/unknown key/);
  });
});
