/**
 * The authorisation table: every route of the app × every kind of token × many spellings of its
 * URL, sent byte for byte over real TCP (and real WebSocket handshakes), against a real server.
 * What each request should get is worked out from the route's own declaration (its scope, the
 * session it names, whether it reports on many sessions), never from the code that answers it: a
 * token without the scope is refused, a token held to some sessions or acting as an agent is
 * refused another's session, and no spelling (percent-encoded letters, `.` and `..` segments,
 * doubled or trailing slashes, upper case, encoded slashes) gets further than the plain one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../server/app.ts";
import { routeTable, type DeclaredRoute } from "../../server/routes/access.ts";
import type { Access } from "../../server/access/sessions.ts";
import type { Scope } from "../../server/security/auth.ts";
import { openSocket, rawRequest, rawUpgrade, securityServer, until, type RawAnswer, type SecurityServer } from "./harness.ts";

let s: SecurityServer;
let table: DeclaredRoute[];

type Kind = "none" | "wrong" | "read" | "read+exec" | "session-limited" | "agent-bound" | "admin";
const KINDS: Kind[] = ["none", "wrong", "read", "read+exec", "session-limited", "agent-bound", "admin"];
interface TokenKind {
  secret?: string;
  scopes: Scope[];
  /** the sessions a session-limited token is held to */
  sessions?: string[];
  agent?: string;
}
const tokens = {} as Record<Kind, TokenKind>;

/** A session another agent (qa1) owns, which neither the limited token nor agent qa2 may touch. */
const THEIRS = "other1";
/** A name no session has: every token may name it (the limited token is given it too). */
const GHOST = "ghost";

beforeAll(async () => {
  s = await securityServer("ais-authz-");
  table = routeTable(createApp(s.server.rt));
  for (const [name, role] of [["qa1", "qa"], ["qa2", "qa"]]) expect((await s.call("POST", "/api/agents", { name, role })).status).toBe(201);
  const shell = { shell: "/bin/bash", cwd: s.shellHome, env: { HOME: s.shellHome } };
  expect((await s.call("POST", "/api/sessions", { name: "own1", ...shell })).status).toBe(201);
  expect((await s.call("POST", "/api/sessions", { name: THEIRS, agent: "qa1", ...shell })).status).toBe(201);
  const spec: Record<Exclude<Kind, "none" | "wrong">, Omit<TokenKind, "secret">> = {
    read: { scopes: ["read"] },
    "read+exec": { scopes: ["read", "exec"] },
    "session-limited": { scopes: ["read", "exec"], sessions: ["own1", GHOST] },
    "agent-bound": { scopes: ["read", "exec"], agent: "qa2" },
    admin: { scopes: ["admin"] },
  };
  tokens.none = { scopes: [] };
  tokens.wrong = { secret: "ais_thisisnotatokenofthisserveratall0000000", scopes: [] };
  for (const [kind, t] of Object.entries(spec)) tokens[kind as Kind] = { ...t, secret: s.token(kind.replace("+", "-"), t) };
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

// ---- what the declaration says ---------------------------------------------------------------

type Expected = { status: 401 } | { status: 403; why: RegExp } | { allowed: true };

const has = (t: TokenKind, scope: Scope) => t.scopes.includes("admin") || t.scopes.includes(scope);

/** Whether the token may use a session by name (the fixtures: THEIRS belongs to agent qa1). */
function refusalFor(t: TokenKind, session: string): RegExp | null {
  if (t.sessions && !t.sessions.includes(session)) return new RegExp(`not allowed to use the session "${session}"`);
  if (t.agent && session === THEIRS) return new RegExp(`may not (touch|see) session "${session}"`);
  return null;
}

/** What a request should get, from the route's declaration and the session the request names. */
function expected(access: Access, kind: Kind, named: string | undefined): Expected {
  if (access.scope === "public") return { allowed: true };
  const t = tokens[kind];
  if (kind === "none" || kind === "wrong") return { status: 401 };
  if (!has(t, access.scope)) return { status: 403, why: new RegExp(`lacks the ${access.scope} scope`) };
  if (access.session) {
    if (named !== undefined) {
      const why = refusalFor(t, named);
      if (why) return { status: 403, why };
    } else if ("required" in access.session && access.session.required === "limited" && t.sessions) {
      return { status: 403, why: /is limited to some sessions/ };
    }
  }
  if (access.across === "feed" && t.sessions) return { status: 403, why: /limited to some sessions and cannot follow/ };
  return { allowed: true };
}

/** Refusals that only the authorisation layer gives (a handler's own 403s say other things). */
const ACCESS_REFUSAL = /lacks the \w+ scope|not allowed to use the session|may not (touch|see) session|is limited to some sessions/;

/** `routed`: the request must reach the route (a WebSocket route answers a plain GET "no route"). */
function check(what: string, got: RawAnswer, want: Expected, routed = false): void {
  const message = safeJson(got.body)?.error?.message ?? "";
  const seen = `${what} → ${got.status} ${message}`;
  if ("allowed" in want) {
    // past the check: whatever the handler answers, it is not a refusal of this token
    expect([seen, got.status !== 401 && got.status < 500 && !(got.status === 403 && ACCESS_REFUSAL.test(message))]).toEqual([seen, true]);
    if (routed) expect([seen, got.status === 404 && message.startsWith("no route for")]).toEqual([seen, false]);
  } else if (want.status === 401) {
    expect([seen, got.status]).toEqual([seen, 401]);
  } else {
    expect([seen, got.status, want.why.test(message)]).toEqual([seen, 403, true]);
  }
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---- the requests ----------------------------------------------------------------------------

interface Probe {
  /** the path with its parameters filled, as segments: literal ones can be respelled */
  segments: Array<{ text: string; literal: boolean }>;
  query: string;
  body?: string;
  /** the session this request names, if any */
  named?: string;
}

const PROBE_FIELDS = { __probe: 1 }; // an unknown field: every body schema that acts refuses it

/** The requests tried on a route: its session named as someone else's, as a free name, or not at all. */
function probes(route: DeclaredRoute): Probe[] {
  const a = route.access!;
  const fill = (session: string) =>
    route.path
      .split("/")
      .filter(Boolean)
      .map((part) => {
        if (!part.startsWith(":")) return { text: part === "*" ? "" : part, literal: true };
        const name = part.slice(1).replace(/\{.*$/, "");
        const value = a.session && "param" in a.session && a.session.param === name ? session : name === "key" ? "probe/key" : name === "id" ? "999999" : GHOST;
        return { text: value, literal: false };
      });
  const body = (extra: Record<string, unknown> = {}) => (route.method === "GET" ? undefined : JSON.stringify({ ...PROBE_FIELDS, ...extra }));
  const session = a.session;
  if (!session) return [{ segments: fill(GHOST), query: "", body: body() }];
  if ("param" in session) return [THEIRS, GHOST].map((n) => ({ segments: fill(n), query: "", body: body(), named: n }));
  if ("query" in session) {
    return [undefined, THEIRS, GHOST].map((n) => ({ segments: fill(GHOST), query: n ? `?${session.query}=${n}` : "", body: body(), named: n }));
  }
  return [undefined, THEIRS, GHOST].map((n) => ({ segments: fill(GHOST), query: "", body: body(n ? { [session.body]: n } : {}), named: n }));
}

const enc = (ch: string) => `%${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
const encLetters = (text: string, every: boolean) => (every ? text.replace(/[A-Za-z]/g, enc) : text.replace(/[A-Za-z]/, enc));

/**
 * Spellings of a path. `same`: the router reads them as the plain path (so the plain path's answer
 * is due); `other`: not the route at all (the router finds nothing, or the dashboard's page).
 */
function spellings(p: Probe): Array<{ name: string; path: string; same: boolean }> {
  const join = (segs: string[]) => `/${segs.join("/")}`;
  const plain = p.segments.map((x) => x.text);
  const out = [{ name: "plain", path: join(plain), same: true }];
  if (plain.length === 1 && plain[0] === "") return out; // the dashboard's "/"
  const lit = (f: (t: string, i: number) => string) => join(p.segments.map((x, i) => (x.literal ? f(x.text, i) : x.text)));
  out.push({ name: "one letter of each literal part %-encoded", path: lit((t) => encLetters(t, false)), same: true });
  out.push({ name: "every letter %-encoded", path: lit((t) => encLetters(t, true)), same: true });
  if (p.segments.some((x) => !x.literal && /[a-z]/.test(x.text))) {
    out.push({ name: "the parameters %-encoded", path: join(p.segments.map((x) => (x.literal ? x.text : encLetters(x.text, true)))), same: true });
  }
  const [first, ...rest] = plain;
  out.push({ name: "upper case", path: join([first!.toUpperCase(), ...rest]), same: false });
  out.push({ name: "a trailing slash", path: `${join(plain)}/`, same: false });
  if (!rest.length) return out;
  out.push({ name: "a . segment", path: join([first!, ".", ...rest]), same: true });
  out.push({ name: "a .. segment", path: join([first!, "zz", "..", ...rest]), same: true });
  out.push({ name: "%2e segments", path: join([first!, "zz", "%2e%2e", "%2e", ...rest]), same: true });
  out.push({ name: "a doubled slash", path: join([first!, "", ...rest]), same: false });
  out.push({ name: "upper case inside", path: join([first!, rest[0]!.toUpperCase(), ...rest.slice(1)]), same: false });
  out.push({ name: "an encoded slash", path: `/${first}%2F${rest.join("/")}`, same: false });
  return out;
}

function headersFor(kind: Kind, body?: string): Record<string, string> {
  const h: Record<string, string> = {};
  const t = tokens[kind];
  if (t.secret) h.Authorization = `Bearer ${t.secret}`;
  if (body !== undefined) h["Content-Type"] = "application/json";
  return h;
}

/** A route whose handler acts on what it is given: never sent where the declaration lets it through. */
const destructive = (route: DeclaredRoute, named: string | undefined) => route.method === "DELETE" && named === THEIRS;

describe("the authorisation table", () => {
  test("every route × every token × every spelling gets what its declaration says", async () => {
    let sent = 0;
    for (const route of table) {
      const method = route.method === "ALL" ? "POST" : route.method;
      for (const probe of probes(route)) {
        for (const kind of KINDS) {
          const want = expected(route.access!, kind, probe.named);
          if ("allowed" in want && destructive(route, probe.named)) continue;
          for (const sp of spellings(probe)) {
            const what = `${kind} token: ${method} ${sp.path}${probe.query} (${sp.name})`;
            const got = await rawRequest(s.port, method, sp.path + probe.query, headersFor(kind, probe.body), probe.body);
            sent++;
            if (sp.same) check(what, got, want, !route.path.endsWith("/stream"));
            else checkOther(what, got, want, method, sp.path);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(5000);
    // nothing a refused request asked for happened: the other agent's session is still there
    expect((await s.call("GET", `/api/sessions/${THEIRS}`)).status).toBe(200);
  }, 600_000);

  test("a WebSocket upgrade is checked like the route it is: every token, plain and %-encoded", async () => {
    const sockets = table.filter((r) => r.access?.frames || r.path.endsWith("/stream"));
    expect(sockets.map((r) => r.path).sort()).toEqual(["/api/bus/stream", "/api/metrics/stream", "/api/sessions/:name/stream"]);
    for (const route of sockets) {
      for (const probe of probes(route)) {
        for (const kind of KINDS) {
          const want = expected(route.access!, kind, probe.named);
          for (const sp of spellings(probe).filter((x) => x.same)) {
            const got = await rawUpgrade(s.port, sp.path + probe.query, headersFor(kind));
            const what = `${kind} token: upgrade ${sp.path}${probe.query} (${sp.name})`;
            if ("allowed" in want) expect([what, got.status]).toEqual([what, 101]);
            else check(what, got, want);
          }
        }
      }
    }
  }, 120_000);
});

/**
 * A spelling that is not the route: refused the same way when the plain path is refused, or never
 * routed (404 "no route", or the dashboard's page for a GET outside /api), never the route's data.
 */
function checkOther(what: string, got: RawAnswer, want: Expected, method: string, path: string): void {
  const message: string = safeJson(got.body)?.error?.message ?? "";
  const seen = `${what} → ${got.status} ${message}`;
  const unrouted = (got.status === 404 && message.startsWith("no route for")) || (method === "GET" && got.status === 200 && (got.headers["content-type"] ?? "").startsWith("text/html"));
  if ("allowed" in want) {
    expect([seen, got.status < 500]).toEqual([seen, true]);
    return;
  }
  const refused = want.status === 401 ? got.status === 401 : got.status === 403 && (want as { why: RegExp }).why.test(message);
  // a token that fails authentication is refused on any /api path before routing
  const apiPath = /^\/(api|mcp)(\/|%2f|$)/i.test(decodeURIComponent(path)) && /^\/(api|mcp)/.test(decodeURIComponent(path));
  if (want.status === 401 && apiPath) expect([seen, got.status]).toEqual([seen, 401]);
  else expect([seen, refused || unrouted]).toEqual([seen, true]);
}

describe("the audit log reads the path as the router does", () => {
  test("an exec sent under a %-encoded path is recorded as the exec it is", async () => {
    const r = await rawRequest(s.port, "POST", "/%61pi/%73essions/own1/exec", headersFor("admin", "{}"), JSON.stringify({ command: "true" }));
    expect(r.status).toBe(200);
    const audit = (await s.call("GET", "/api/audit?action=exec")).json as Array<{ action: string; target: string; actor_name: string }>;
    expect(audit.some((e) => e.action === "exec" && e.target === "own1" && e.actor_name === "admin")).toBe(true);
  });
});

describe("every WebSocket operation is checked against the token's scopes, like its HTTP twin", () => {
  const wsBase = () => `ws://127.0.0.1:${s.port}`;
  const auth = (kind: Kind) => ({ authorization: `Bearer ${tokens[kind].secret}` });
  const opened: Kind[] = ["read", "read+exec", "session-limited", "agent-bound", "admin"];

  test("the terminal: input and resize need what send and resize need", async () => {
    const frames = table.find((r) => r.path === "/api/sessions/:name/stream")!.access!.frames!;
    for (const kind of opened) {
      const sock = await openSocket(`${wsBase()}/api/sessions/own1/stream`, auth(kind), (f) => f.type === "hello");
      for (const [op, frame] of [["input", { type: "input", data: "" }], ["resize", { type: "resize", cols: 200, rows: 50 }]] as const) {
        const before = sock.frames.length;
        sock.ws.send(JSON.stringify(frame));
        sock.ws.send(JSON.stringify({ type: "sentinel" })); // answered "unknown message type" after the frame before it
        await until("the sentinel's answer", () => sock.frames.slice(before).some((f) => f.type === "error" && /sentinel/.test(f.message)));
        const refusal = sock.frames.slice(before).find((f) => f.type === "error" && /lacks the \w+ scope/.test(f.message));
        const want = has(tokens[kind], frames[op]!);
        expect([kind, op, refusal === undefined]).toEqual([kind, op, want]);
        if (!want) expect(refusal.message).toContain(`lacks the ${frames[op]} scope`);
        // its HTTP twin answers the same token the same way
        const twin = await s.call("POST", `/api/sessions/own1/${op === "input" ? "send" : "resize"}`, op === "input" ? { text: "" , enter: false, keys: [] } : { cols: 200, rows: 50 }, { token: tokens[kind].secret! });
        expect([kind, op, twin.status === 403 && /lacks the \w+ scope/.test(twin.json?.error?.message ?? "")]).toEqual([kind, op, !want]);
      }
      sock.ws.close();
    }
  }, 120_000);

  test("the bus: publish and ack need exec, as over HTTP; subscribe and ping need read", async () => {
    const frames = table.find((r) => r.path === "/api/bus/stream")!.access!.frames!;
    for (const kind of opened) {
      const query = kind === "agent-bound" ? "?agent=qa2" : "";
      const sock = await openSocket(`${wsBase()}/api/bus/stream${query}`, auth(kind), (f) => f.kind === "ready" || f.kind === "error");
      let ref = 0;
      for (const [op, frame] of [
        ["publish", { op: "publish", to: "qa1", payload: `from ${kind}` }],
        ["ack", { op: "ack", up_to: 0 }],
        ["subscribe", { op: "subscribe", topic: "t" }],
        ["unsubscribe", { op: "unsubscribe", topic: "t" }],
        ["ping", { op: "ping" }],
      ] as const) {
        const mine = ++ref;
        sock.ws.send(JSON.stringify({ ...frame, ref: mine }));
        const answer = await until(`the answer to ${op}`, () => sock.frames.find((f) => f.ref === mine));
        const refused = answer.kind === "error" && /lacks the \w+ scope/.test(answer.message);
        const want = has(tokens[kind], frames[op]!);
        expect([kind, op, refused]).toEqual([kind, op, !want]);
      }
      // the HTTP twin of publish says the same
      const twin = await s.call("POST", "/api/bus/messages", { to: "qa1", payload: "over http" }, { token: tokens[kind].secret! });
      expect([kind, twin.status === 403]).toEqual([kind, !has(tokens[kind], frames.publish!)]);
      sock.ws.close();
    }
  }, 120_000);
});
