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
