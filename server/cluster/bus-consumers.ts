import { AckPolicy, DeliverPolicy, type ConsumerConfig, type ConsumerInfo, type JetStreamManager } from "@nats-io/jetstream";
import { settled, type Names } from "./connection.ts";

/** Messages a node's consumer may hold unacknowledged: acknowledgements come a tick after delivery, a burst must not wait for them. */
export const MAX_ACK_PENDING = 20_000;
const ACK_WAIT_NS = 30 * 1e9;

/**
 * A node's two durable consumers of the bus stream: `node-NODE` reads what is addressed to this
 * node's agents (bus.to.NODE) and `fan-NODE` the topic messages and broadcasts of every node
 * (bus.fan.>, this node's own among them, dropped by origin), so a node never reads the direct
 * messages of other nodes. Both are kept if they exist. A node whose consumer still reads the
 * whole stream (made before the split) has it narrowed to its own subject, and its fan consumer
 * starts right after what that one had acknowledged: nothing sent while it was down is skipped.
 */
export async function busConsumers(jsm: JetStreamManager, n: Names, self: string): Promise<string[]> {
  const direct = n.durable(self);
  const fan = n.fanDurable(self);
  const base = { ack_policy: AckPolicy.Explicit, ack_wait: ACK_WAIT_NS, max_ack_pending: MAX_ACK_PENDING } satisfies Partial<ConsumerConfig>;
  let fanStart: number | undefined;
  await settled(async () => {
    const old = await infoOf(jsm, n.stream, direct);
    if (!old) {
      // a new node starts with what is sent from now on, not the stream's past
      await jsm.consumers.add(n.stream, { ...base, durable_name: direct, deliver_policy: DeliverPolicy.New, filter_subject: n.busTo(self) });
      return;
    }
    if (old.config.filter_subject !== n.busTo(self)) fanStart = old.ack_floor.stream_seq + 1;
    if (old.config.filter_subject !== n.busTo(self) || old.config.max_ack_pending !== MAX_ACK_PENDING) {
      await jsm.consumers.update(n.stream, direct, { filter_subject: n.busTo(self), max_ack_pending: MAX_ACK_PENDING });
    }
  });
  await settled(async () => {
    const had = await infoOf(jsm, n.stream, fan);
    if (had) return;
    const from = fanStart !== undefined ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fanStart } : { deliver_policy: DeliverPolicy.New };
    await jsm.consumers.add(n.stream, { ...base, durable_name: fan, filter_subject: n.busFanAll, ...from });
  });
  return [direct, fan];
}

/** The consumer's info, or undefined when there is none (any other failure is thrown). */
async function infoOf(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, name);
  } catch (err) {
    if (/consumer not found/i.test((err as Error).message ?? "")) return undefined;
    throw err;
  }
}
