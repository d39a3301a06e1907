import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { parseJsonWithLines } from "./json-lines.ts";

/**
 * A role's policy. Command patterns are globs over one simple command (`*` matches anything,
 * whole command), or a regular expression written `re:...`. An empty allow list allows every
 * command the deny list does not name. Directories may use $WORKSPACE (the agent's workspace),
 * $HOME and $TMPDIR.
 */
export interface Role {
  name: string;
  description: string;
  allow: string[];
  deny: string[];
  dirs: string[];
  /** Sessions the agent may touch besides its own and shared ones: none more, its role's, or all. */
  sessions: "own" | "role" | "all";
  /**
   * What the kernel sandbox of the role's sessions lets through: directories readable (null: all
   * but the data directory; a list narrows reading to it and the system directories programs need)
   * and TCP (any, none, or connect and bind on the listed ports only; Landlock ABI 4 and later).
   */
  read: string[] | null;
  net: NetPolicy;
  builtin: boolean;
}

export type NetPolicy = "any" | "none" | { ports: number[] };

/** Denied for every built-in role: commands that wreck a machine or escalate privileges. */
const DANGEROUS = [
  "sudo *",
  "su",
  "su *",
  "doas *",
  "re:^mkfs(\\.\\w+)?\\b",
  "re:^dd\\b.*\\bof=/dev/",
  "shutdown*",
  "reboot*",
  "halt*",
  "poweroff*",
  "re::\\(\\)\\s*\\{", // fork bomb
  "re:^(curl|wget)\\b.*\\|\\s*(sudo\\s+)?(ba|z|da)?sh\\b",
  "re:^chmod\\s+(-\\w+\\s+)*777\\s+/\\S*$",
];

const WORK_DIRS = ["$WORKSPACE", "$TMPDIR"];

export const BUILTIN_ROLES: Record<string, Role> = {
  frontend: {
    name: "frontend",
    description: "UI work: package scripts, bundlers, browsers; no databases, containers or infrastructure",
    allow: [],
    deny: [...DANGEROUS, "psql*", "mysql*", "mongo*", "redis-cli*", "docker *", "kubectl *", "terraform *", "ssh *", "npm publish*"],
    dirs: WORK_DIRS,
    sessions: "own",
    read: null,
    net: "any",
    builtin: true,
  },
  backend: {
    name: "backend",
    description: "Services and data: builds, tests, databases; no infrastructure changes",
    allow: [],
    deny: [...DANGEROUS, "kubectl *", "terraform *", "npm publish*"],
    dirs: WORK_DIRS,
    sessions: "own",
    read: null,
    net: "any",
    builtin: true,
  },
  devops: {
    name: "devops",
    description: "Infrastructure and deployment: containers, clusters, CI; may look into every session",
    allow: [],
    deny: DANGEROUS,
    dirs: [...WORK_DIRS, "$HOME"],
    sessions: "all",
    read: null,
    net: "any",
    builtin: true,
  },
  qa: {
    name: "qa",
    description: "Tests and checks: runs test suites and reads code; never pushes, publishes or deploys",
    allow: [],
    deny: [...DANGEROUS, "git push*", "npm publish*", "docker push*", "kubectl *", "terraform *"],
    dirs: WORK_DIRS,
    sessions: "own",
    read: null,
    net: "any",
    builtin: true,
  },
};

const roleFileSchema = z.object({
  roles: z.record(
    z.string().regex(/^[a-z][a-z0-9_-]*$/, "a role name is lower-case letters, digits, - and _"),
    z
      .object({
        extends: z.string().optional(),
        description: z.string().optional(),
        allow: z.array(z.string().min(1)).optional(),
        deny: z.array(z.string().min(1)).optional(),
        dirs: z.array(z.string().min(1)).optional(),
        sessions: z.enum(["own", "role", "all"]).optional(),
        read: z.array(z.string().min(1)).optional(),
        net: z
          .union([
            z.enum(["any", "none"]),
            z.strictObject({ ports: z.array(z.number().int().min(1).max(65535)).min(1, "list at least one port, or say \"none\"") }),
          ], { error: 'net is "any", "none" or {"ports": [443, ...]}' })
          .optional(),
      })
      .strict(),
  ),
});

/** Checks that every `re:` pattern compiles, so a bad one is reported where it is written. */
function patternProblem(p: string): string | null {
  if (!p.startsWith("re:")) return null;
  try {
    new RegExp(p.slice(3));
    return null;
  } catch (err) {
    return `the regular expression ${JSON.stringify(p)} does not compile (${(err as Error).message})`;
  }
}

/**
 * Parses a roles file: `{"roles": {"name": {"extends"?, "allow"?, "deny"?, "dirs"?, "sessions"?, "read"?, "net"?}}}`.
 * Any mistake is one `invalid` error naming the file and the line.
 */
export function parseRolesFile(text: string, file: string): Record<string, Role> {
  const bad = (line: number | undefined, what: string) =>
    new AppError("invalid", `${file}${line ? ` line ${line}` : ""}: ${what}`);
  const { value, lineOf, syntaxError } = parseJsonWithLines(text);
  if (syntaxError) throw bad(syntaxError.line, syntaxError.message);
  const parsed = roleFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const keys = issue.code === "unrecognized_keys" ? (issue as { keys?: string[] }).keys : undefined;
    const at = keys?.[0] ? [...path, keys[0]] : path;
    return throwAt(bad, lineOf(at) ?? lineOf(path), `${at.join(".") || "the file"}: ${issue.message}`);
  }
  const out: Record<string, Role> = {};
  for (const [name, def] of Object.entries(parsed.data.roles)) {
    const base = def.extends ? (out[def.extends] ?? BUILTIN_ROLES[def.extends]) : undefined;
    if (def.extends && !base) {
      throw bad(lineOf(["roles", name, "extends"]), `role "${name}" extends "${def.extends}", which is not defined above it nor built in`);
    }
    for (const list of ["allow", "deny"] as const) {
      (def[list] ?? []).forEach((p, i) => {
        const problem = patternProblem(p);
        if (problem) throw bad(lineOf(["roles", name, list, String(i)]), problem);
      });
    }
    out[name] = {
      name,
      description: def.description ?? base?.description ?? `custom role from ${file}`,
      allow: def.allow ?? base?.allow ?? [],
      deny: [...(base?.deny ?? []), ...(def.deny ?? [])],
      dirs: def.dirs ?? base?.dirs ?? WORK_DIRS,
      sessions: def.sessions ?? base?.sessions ?? "own",
      read: def.read ?? base?.read ?? null,
      net: def.net ?? base?.net ?? "any",
      builtin: false,
    };
  }
  return out;
}

function throwAt(bad: (line: number | undefined, what: string) => AppError, line: number | undefined, what: string): never {
  throw bad(line, what);
}

/** The built-in roles plus those of `roles.json` in the data directory (or an explicit file). */
export class RoleBook {
  private roles: Record<string, Role> = { ...BUILTIN_ROLES };
  loadedFrom: string | null = null;

  /** Why roles.json could not be loaded (the server still starts, with the built-in roles). */
  loadError: string | null = null;

  /** The roles file in use: the one given, else $AI_SESSION_ROLES, else roles.json in the data directory. */
  readonly file: string | null;

  /**
   * Loads the roles file when there is one. A file with errors does not stop the server: the
   * built-in roles apply, and `loadError` (shown by `agent roles`, and in "no role named" errors)
   * says which line is wrong.
   */
  constructor(home?: string, file?: string) {
    const named = file ?? process.env.AI_SESSION_ROLES;
    this.file = named ?? (home ? join(home, "roles.json") : null);
    this.optional = !named;
    this.reload();
  }

  /** The data directory's roles.json may be absent; a file named by the caller or the environment may not. */
  private readonly optional: boolean;

  /** Reads the roles file again (after an edit); returns the error, if any. */
  reload(): string | null {
    this.loadError = null;
    if (!this.file || (this.optional && !existsSync(this.file))) return null;
    try {
      this.loadFile(this.file);
    } catch (err) {
      this.roles = { ...BUILTIN_ROLES };
      this.loadedFrom = null;
      this.loadError = (err as Error).message;
      console.error(`roles: ${this.loadError}; only the built-in roles apply`);
    }
    return this.loadError;
  }

  loadFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new AppError("not_found", `cannot read the roles file ${path} (check the path)`);
    }
    this.roles = { ...BUILTIN_ROLES, ...parseRolesFile(text, path) };
    this.loadedFrom = path;
  }

  get(name: string): Role {
    const r = this.roles[name];
    if (!r) {
      const why = this.loadError ? `; roles.json was not loaded: ${this.loadError}` : "; add one in roles.json";
      throw new AppError("invalid", `no role named "${name}" (roles: ${Object.keys(this.roles).join(", ")}${why})`);
    }
    return r;
  }

  has(name: string): boolean {
    return name in this.roles;
  }

  list(): Role[] {
    return Object.values(this.roles);
  }
}
