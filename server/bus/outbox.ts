/**
 * A bounded queue in front of a slow consumer (a WebSocket client that reads slowly or never).
 * `write` returns false when the transport is backed up; messages then wait here, up to
 * `capacity`. Drop policy: past capacity the OLDEST queued message is dropped and counted, and the
 * consumer is told with a `{"kind":"dropped","count":N}` notice once it drains. Memory stays bounded.
 */
export class Outbox {
  private queue: string[] = [];
  private head = 0;
  private unreported = 0;
  droppedTotal = 0;
  sent = 0;

  constructor(
    private write: (text: string) => boolean,
    readonly capacity = 1000,
    private onDrop?: () => void,
  ) {}

  get queued(): number {
    return this.queue.length - this.head;
  }

  offer(text: string): void {
    if (this.queued === 0 && this.unreported === 0 && this.write(text)) {
      this.sent++;
      return;
    }
    this.queue.push(text);
    if (this.queued > this.capacity) {
      this.head++;
      this.unreported++;
      this.droppedTotal++;
      this.onDrop?.();
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Sends what waits, until the transport backs up again. Call it when the transport drains. */
  drain(): void {
    if (this.unreported) {
      if (!this.write(JSON.stringify({ kind: "dropped", count: this.unreported, dropped_total: this.droppedTotal }))) return;
      this.unreported = 0;
    }
    while (this.queued > 0) {
      if (!this.write(this.queue[this.head]!)) return;
      this.head++;
      this.sent++;
    }
    this.queue = [];
    this.head = 0;
  }
}
