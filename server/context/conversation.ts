/**
 * A conversation history per session: messages with their token counts, a warning when the total
 * approaches the limit, and an extractive summary (no model involved) that replaces the oldest
 * turns with their most informative sentences so a long session stays within budget.
 */
import { AppError } from "../errors.ts";
import type { ConversationStore } from "./conversation-store.ts";
import { cachedTokens } from "../tokens/cache.ts";
import { countTokens, type Encoding } from "../tokens/tokens.ts";

export const ROLES = ["user", "assistant", "system", "tool", "summary"] as const;
export type Role = (typeof ROLES)[number];

export interface Message {
  id: number;
  role: Role;
  content: string;
  tokens: number;
  at: number;
}

export interface ConversationStatus {
  messages: number;
  tokens: number;
  limit: number;
  approaching_limit: boolean;
}

export interface ConversationOptions {
  /** Token budget of the whole history. Default 100,000. */
  limit?: number;
  /** Fraction of the limit at which `approaching_limit` turns true. Default 0.8. */
  threshold?: number;
  encoding?: Encoding;
  /** Where messages are kept (SQLite in the server); in memory only when absent. */
  store?: ConversationStore;
}

/** Sentences that carry facts an agent must not lose score higher. */
const SIGNAL: Array<[RegExp, number]> = [
  [/\b(?:error|fail(?:ed|ure)?|exception|panic|traceback|denied|timeout)\b/i, 3],
  [/[\w./-]+\.\w{1,5}:\d+/, 3],
  [/\b(?:decid(?:ed|e)|agreed|must|should|will|plan|todo|next|because|fixed|root cause|instead)\b/i, 2],
  [/`[^`]+`|\b(?:npm|cargo|git|pytest|go|make|bun|docker)\s+\w+/, 2],
  [/\b\d+(?:\.\d+)?\s*(?:ms|s|%|MB|KB|tokens?)\b|#\d+/, 1],
];

function sentences(text: string): string[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z`"'(])/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export class Conversation {
  private list: Message[] = [];
  private nextId = 1;
  private total = 0;
  readonly limit: number;
  readonly threshold: number;
  readonly encoding: Encoding;

  private readonly store?: ConversationStore;

  constructor(options: ConversationOptions = {}) {
    this.limit = options.limit ?? 100_000;
    this.threshold = options.threshold ?? 0.8;
    this.encoding = options.encoding ?? "o200k_base";
    this.store = options.store;
    if (this.store) {
      this.list = this.store.load();
      this.total = this.list.reduce((n, m) => n + m.tokens, 0);
      this.nextId = (this.list.at(-1)?.id ?? 0) + 1;
    }
  }

  add(role: Role, content: string): Message {
    if (!ROLES.includes(role)) throw new AppError("invalid", `unknown role "${role}" (use ${ROLES.join(", ")})`);
    const fields = { role, content, tokens: countTokens(content, this.encoding), at: Date.now() };
    const message: Message = { id: this.store ? this.store.insert(fields) : this.nextId++, ...fields };
    this.nextId = Math.max(this.nextId, message.id + 1);
    this.list.push(message);
    this.total += message.tokens;
    return message;
  }

  messages(): readonly Message[] {
    return this.list;
  }

  status(): ConversationStatus {
    return {
      messages: this.list.length,
      tokens: this.total,
      limit: this.limit,
      approaching_limit: this.total >= this.limit * this.threshold,
    };
  }

  /**
   * Replaces all but the `keepRecent` newest messages with one summary message made of their most
   * informative sentences, in their original order, within `targetTokens` (default a quarter of
   * what they cost, at least 64). Returns the summary, or null when there is nothing to summarise.
   */
  summarizeOldest(options: { keepRecent?: number; targetTokens?: number } = {}): Message | null {
    const keep = Math.max(0, options.keepRecent ?? 6);
    const old = this.list.slice(0, Math.max(0, this.list.length - keep));
    if (old.length < 2) return null;
    const oldTokens = old.reduce((n, m) => n + m.tokens, 0);
    const target = options.targetTokens ?? Math.max(64, Math.floor(oldTokens / 4));

    const candidates: Array<{ order: number; text: string; score: number; tokens: number }> = [];
    let order = 0;
    for (const m of old) {
      const who = m.role === "summary" ? "earlier" : m.role;
      sentences(m.content).forEach((s, i) => {
        let score = i === 0 ? 1 : 0;
        for (const [re, w] of SIGNAL) if (re.test(s)) score += w;
        const text = `- ${who}: ${s.length > 400 ? `${s.slice(0, 400)}…` : s}`;
        candidates.push({ order: order++, text, score, tokens: cachedTokens(text, this.encoding) + 1 });
      });
    }
    const header = `Summary of ${old.length} earlier messages (${oldTokens} tokens), most informative sentences:`;
    let budget = target - countTokens(header, this.encoding) - 1;
    const chosen = [...candidates]
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .filter((c) => {
        if (c.tokens > budget) return false;
        budget -= c.tokens;
        return true;
      })
      .sort((a, b) => a.order - b.order);
    const content = [header, ...chosen.map((c) => c.text)].join("\n");
    const fields = { role: "summary" as const, content, tokens: countTokens(content, this.encoding), at: Date.now() };
    const lastOld = old[old.length - 1]!.id;
    const summary: Message = { id: this.store ? this.store.replaceUpTo(lastOld, fields) : lastOld, ...fields };
    this.list = [summary, ...this.list.slice(old.length)];
    this.total = this.list.reduce((n, m) => n + m.tokens, 0);
    return summary;
  }

  /** Summarises the oldest turns when the history approaches its limit; returns the summary if it did. */
  keepWithinBudget(keepRecent = 6): Message | null {
    return this.status().approaching_limit ? this.summarizeOldest({ keepRecent }) : null;
  }
}

/** Every session's conversation, created on first use. */
export class Conversations {
  private bySession = new Map<string, Conversation>();
  constructor(
    private readonly options: Omit<ConversationOptions, "store"> = {},
    /** Makes the store of a session's conversation (SQLite in the server). */
    private readonly storeFor?: (sessionId: string) => ConversationStore,
  ) {}

  of(sessionId: string): Conversation {
    let c = this.bySession.get(sessionId);
    if (!c) {
      c = new Conversation({ ...this.options, store: this.storeFor?.(sessionId) });
      this.bySession.set(sessionId, c);
    }
    return c;
  }

  /** The session's conversation if it has one (never creates it). */
  peek(sessionId: string): Conversation | undefined {
    return this.bySession.get(sessionId);
  }

  drop(sessionId: string): void {
    this.bySession.delete(sessionId);
  }
}
