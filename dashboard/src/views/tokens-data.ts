import { enc, get } from "../api/client.ts";
import { tokensOf, type CommandRecord, type SessionInfo } from "../api/types.ts";
import { toMs } from "../lib/format.ts";

export interface TokenPoint {
  at: number;
  session: string;
  agent: string;
  command: string;
  commandId: string;
  raw: number;
  compacted: number;
}

/**
 * Each session's points, with the version they were read at (command count and busy/idle): a
 * history is fetched again only when a command started or finished since.
 */
const cache = new Map<string, { version: string; points: TokenPoint[] }>();
const versionOf = (s: SessionInfo) => `${s.commands}:${s.activity}`;

/** Every command with token counts, across all sessions, oldest first (from each session's history). */
export async function loadTokenPoints(): Promise<{ points: TokenPoint[]; sessions: number }> {
  const sessions = await get<SessionInfo[]>("/api/sessions");
  const stale = sessions.filter((s) => cache.get(s.name)?.version !== versionOf(s));
  async function worker() {
    for (let s = stale.shift(); s; s = stale.shift()) {
      const name = s.name;
      let h: CommandRecord[];
      try {
        h = await get(`/api/sessions/${enc(name)}/history`);
      } catch {
        continue; // ended between the two calls
      }
      const points: TokenPoint[] = [];
      for (const c of h) {
        const t = tokensOf(c);
        if (!t) continue;
        points.push({
          at: toMs(c.started_at) ?? 0,
          session: name,
          agent: c.agent ?? s.owner_agent ?? "(no agent)",
          command: c.command,
          commandId: String(c.command_id),
          raw: t.raw,
          compacted: t.compacted,
        });
      }
      cache.set(name, { version: versionOf(s), points });
    }
  }
  await Promise.all([1, 2, 3, 4, 5, 6].map(worker));
  const live = new Set(sessions.map((s) => s.name));
  for (const name of cache.keys()) if (!live.has(name)) cache.delete(name);
  const points = [...cache.values()].flatMap((c) => c.points).sort((a, b) => a.at - b.at);
  return { points, sessions: sessions.length };
}

/** Cumulative raw and compacted tokens over time, for the chart. */
export function cumulative(points: TokenPoint[]): [number[], number[], number[]] {
  const xs: number[] = [];
  const raw: number[] = [];
  const comp: number[] = [];
  let r = 0;
  let c = 0;
  for (const p of points) {
    r += p.raw;
    c += p.compacted;
    const x = p.at / 1000;
    if (xs.length && xs[xs.length - 1] === x) {
      raw[raw.length - 1] = r;
      comp[comp.length - 1] = c;
    } else {
      xs.push(x);
      raw.push(r);
      comp.push(c);
    }
  }
  return [xs, raw, comp];
}

export interface Totals {
  key: string;
  raw: number;
  compacted: number;
  commands: number;
}


export function totalsBy(points: TokenPoint[], key: (p: TokenPoint) => string): Totals[] {
  const m = new Map<string, Totals>();
  for (const p of points) {
    const k = key(p);
    const t = m.get(k) ?? { key: k, raw: 0, compacted: 0, commands: 0 };
    t.raw += p.raw;
    t.compacted += p.compacted;
    t.commands++;
    m.set(k, t);
  }
  return [...m.values()].sort((a, b) => b.raw - a.raw);
}
