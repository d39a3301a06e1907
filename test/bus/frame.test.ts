import { expect, test } from "bun:test";
import { type BusMessage, frameOf } from "../../server/bus/message.ts";

/** The frame a reader gets is exactly JSON.stringify of the message, whatever its names hold. */
test("message frames are the message's JSON, names with quotes, backslashes, controls and non-ASCII included", () => {
  const names = ["alice", 'say "hi"', "back\\slash", "tab\there", "naïve", "emoji 🚀", "line\nbreak", "del\u007f"];
  let seq = 0;
  for (const name of names) {
    const m: BusMessage = { id: `b-${++seq}`, seq, type: "custom", sender: name, payload: { text: name, n: seq }, time: 1_700_000_000_000 + seq, to: name, correlation_id: name };
    expect(JSON.parse(frameOf(m))).toEqual({ kind: "message", message: JSON.parse(JSON.stringify(m)) });
    const t: BusMessage = { id: `b-${++seq}`, seq, type: "progress", sender: name, payload: name, time: 1, topic: "builds.main" };
    expect(frameOf(t)).toBe(JSON.stringify({ kind: "message", message: t }));
  }
});

test("frames stay exact when names come again (remembered as plain) and for ids another server made", () => {
  const names = ["alice", 'say "hi"', "naïve", "alice", 'say "hi"', "naïve"];
  const ids = ["mk1abc-7", 'peer"x-8', "peer\\y-9", "naïve-10", "MK1ABC-11", "plain"];
  names.forEach((name, i) => {
    const m: BusMessage = { id: ids[i]!, seq: i + 7, type: "custom", sender: name, payload: [name], time: 5, to: name };
    expect(frameOf(m)).toBe(JSON.stringify({ kind: "message", message: m }));
  });
});
