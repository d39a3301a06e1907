import { expect, test } from "bun:test";
import { AgentRegistry } from "../../server/bus/agents.ts";
import { Bus } from "../../server/bus/bus.ts";
import { type BusMessage, frameOf } from "../../server/bus/message.ts";
import { BusStore } from "../../server/bus/store.ts";
import { RoleBook } from "../../server/roles/roles.ts";
import { freshHome } from "./fresh.ts";

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

test("a message this server made (its id unchecked in the frame) and a node's copy (checked) both frame as their JSON", () => {
  const f = freshHome();
  const agents = new AgentRegistry(f.db, new RoleBook(f.home));
  const bus = new Bus(agents, new BusStore(f.db.$client));
  agents.register({ name: "fe", role: "frontend" });
  agents.register({ name: "be", role: "backend" });
  const own = bus.publish({ sender: "fe", to: "be", payload: { n: 1 } });
  expect(frameOf(own)).toBe(JSON.stringify({ kind: "message", message: own }));
  const copy = bus.publish({ sender: "fe", topic: "t", payload: 2, copyOf: 'node "b"' });
  expect(copy.id).toContain('"b"');
  expect(JSON.parse(frameOf(copy)).message.id).toBe(copy.id);
  expect(frameOf(copy)).toBe(JSON.stringify({ kind: "message", message: copy }));
  bus.close();
});
