/**
 * A latency histogram with log-spaced buckets (each 5% wider than the last, from 1 µs to about
 * 30 minutes): constant memory, O(1) record, percentiles accurate to about 2.5%.
 */
const GROWTH = 1.05;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 440;

export interface Summary {
  count: number;
  mean_ms: number;
  min_ms: number;
  max_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  count = 0;
  errors = 0;
  private sum = 0;
  private min = Infinity;
  private max = 0;

  record(ms: number, failed = false): void {
    const us = ms * 1000;
    const i = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(us) / LOG_GROWTH));
    this.counts[i]!++;
    this.count++;
    if (failed) this.errors++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** The value below which `q` (0..1) of the samples fall, in ms. */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= target) {
        // the bucket's upper bound, clamped to what was really seen
        const upperMs = i === 0 ? 0.001 : GROWTH ** i / 1000;
        return Math.min(Math.max(upperMs, this.min), this.max);
      }
    }
    return this.max;
  }

  summary(): Summary {
    const r = (x: number) => Math.round(x * 1000) / 1000;
    return {
      count: this.count,
      mean_ms: r(this.count ? this.sum / this.count : 0),
      min_ms: r(this.count ? this.min : 0),
      max_ms: r(this.max),
      p50_ms: r(this.percentile(0.5)),
      p95_ms: r(this.percentile(0.95)),
      p99_ms: r(this.percentile(0.99)),
      errors: this.errors,
    };
  }
}
