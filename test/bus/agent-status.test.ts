import { describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { StatusBoard, type SessionPort, type SessionStatus } from "../../server/bus/agent-status.ts";
import { OscScanner, parse7501 } from "../../server/bus/osc-scan.ts";

const enc = new TextEncoder();
const b64 = (s: string) => Buffer.from(s).toString("base64");

function board(quietMs = 30) {
  const ev = new EventEmitter();
  const replies: string[] = [];
  const port: SessionPort = {
    onOutput: (fn) => ev.on("output", fn),
    onEnded: (fn) => ev.on("ended", fn),
    reply: (id, text) => replies.push(`${id}:${text}`),
  };
  const b = new StatusBoard(port, { quietMs });
  const changes: SessionStatus[] = [];
  b.on("change", (s) => changes.push(s));
  const out = (s: string) => ev.emit("output", "s1", enc.encode(s));
  return { b, out, replies, changes };
}

describe("OSC 7501 and OSC 133", () => {
  test("reports parse with base64 messages, across chunk boundaries", () => {
    expect(parse7501(`state=blocked:kind=permission:app=claude:msg=${b64("Allow edit?")}`)).toEqual({
      state: "blocked", kind: "permission", app: "claude", msg: "Allow edit?",
    });
    expect(parse7501("state=sleeping")).toBeUndefined();
    const s = new OscScanner();
    const seq = `hello\x1b]7501;state=working:progress=40:app=cargo\x1b\\world`;
    const events = [...s.feed(enc.encode(seq.slice(0, 12))), ...s.feed(enc.encode(seq.slice(12)))];
    expect(events.filter((e) => e.type === "7501")).toEqual([{ type: "7501", report: { state: "working", progress: 40, app: "cargo" } }]);
    expect(events.filter((e) => e.type === "text").map((e) => (e as { text: string }).text).join("")).toBe("helloworld");
  });

  test("the feature query is answered so the program starts reporting", () => {
    const { out, replies } = board();
    out("\x1b]7501;?\x1b\\\x1b[c");
    out("\x1b]7501;?\x07");
    expect(replies).toEqual(["s1:\x1b]7501;?\x1b\\", "s1:\x1b]7501;?\x07"]);
  });

  test("7501 states win over heuristics, and clear hands back to them", () => {
    const { b, out } = board();
    out(`\x1b]7501;state=blocked:kind=question:msg=${b64("Which branch?")}\x07`);
    expect(b.get("s1")).toMatchObject({ status: "blocked", source: "osc7501", kind: "question", message: "Which branch?" });
    out("lots of output $ ");
    expect(b.get("s1").source).toBe("osc7501");
    out("\x1b]7501;state=clear\x07");
    expect(b.get("s1").source).toBe("heuristic");
  });

  test("OSC 133 marks: C is working, D with an exit code is done or error, A is idle", () => {
    const { b, out } = board();
    out("\x1b]133;C\x07");
    expect(b.get("s1")).toMatchObject({ status: "working", source: "osc133" });
    out("\x1b]133;D;2\x07");
    expect(b.get("s1").status).toBe("error");
    out("\x1b]133;A\x07");
    expect(b.get("s1").status).toBe("idle");
  });
});

describe("prompt heuristics", () => {
  test("idle is never called from one sample", async () => {
    const { b, out, changes } = board(40);
    out("building...\nuser@host:~/app$ ");
    expect(b.get("s1").status).toBe("working");
    await Bun.sleep(60); // one quiet sample
    expect(b.get("s1").status).toBe("working");
    await Bun.sleep(60); // the second agrees
    expect(b.get("s1")).toMatchObject({ status: "idle", source: "heuristic" });
    expect(changes.map((c) => c.status)).toEqual(["working", "idle"]);
  });

  test("a question on the last line is blocked; output in between resets the count", async () => {
    const { b, out } = board(40);
    out("Overwrite config? [y/N] ");
    await Bun.sleep(60);
    out("\rOverwrite config? [y/N] ");
    await Bun.sleep(60);
    expect(b.get("s1").status).toBe("working");
    await Bun.sleep(60);
    expect(b.get("s1")).toMatchObject({ status: "blocked", kind: "question" });
  });
});
