/** Milliseconds since the epoch, from an ISO string, seconds or milliseconds. */
export function toMs(t: string | number | null | undefined): number | undefined {
  if (t == null || t === "") return undefined;
  if (typeof t === "number") return t < 1e12 ? t * 1000 : t;
  const n = Number(t);
  if (Number.isFinite(n)) return toMs(n);
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

export function age(t: string | number | null | undefined, now = Date.now()): string {
  const ms = toMs(t);
  if (ms === undefined) return "—";
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d`;
}

export function clock(t: string | number | null | undefined): string {
  const ms = toMs(t);
  return ms === undefined ? "—" : new Date(ms).toLocaleTimeString([], { hour12: false });
}

export function duration(ms: number | null | undefined): string {
  if (ms == null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}

export function int(n: number | null | undefined): string {
  return n == null ? "—" : Math.round(n).toLocaleString("en");
}

export function pct(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : "—";
}

export function bytes(n: number | null | undefined): string {
  if (n == null) return "—";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Raw terminal bytes as text with the invisible made visible in caret notation: ESC as ^[, a lone CR as ^M. */
export function visibleControls(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => (c === "\x7f" ? "^?" : "^" + String.fromCharCode(c.charCodeAt(0) + 64)));
}

/** The change from raw to compacted tokens, honestly signed: "−90%" saved, "+4%" when compaction grew it. */
export function change(raw: number, compacted: number): string {
  if (!raw) return "—";
  const p = Math.round((100 * (compacted - raw)) / raw);
  return p === 0 ? "±0%" : p < 0 ? `−${-p}%` : `+${p}%`;
}
