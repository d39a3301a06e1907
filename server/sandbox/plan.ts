import { dirname } from "node:path";
import { allowedDirs, isInside } from "../roles/policy.ts";
import type { NetPolicy, Role } from "../roles/roles.ts";
import type { RulesetSpec } from "./landlock.ts";
import { DEVICE_RIGHTS, FS, NET, READ_RIGHTS, WRITE_RIGHTS, fsRightsOf, netRightsOf, scopesOf } from "./rights.ts";
import { expandGrants, realPath, type Grant } from "./rules.ts";

/** Someone the session's shell is held to: a role, and the workspace its $WORKSPACE stands for. */
export interface SandboxStanding {
  role: Role;
  workspace: string | null;
}

/** What `create --json`, `list --json` and `status --json` say about a session's sandbox. */
export type SandboxStatement =
  | {
      kind: "landlock";
      abi: number;
      roles: string[];
      /** Directories the shell may change (in every layer when several roles apply). */
      write: string[];
      /** Readable: "all" (but the hidden paths), or the directories reading is narrowed to. */
      read: "all" | string[];
      /** Paths the shell can neither read nor change: the data directory (token, database, other sessions). */
      hidden: string[];
      net: NetPolicy;
      /** Set when the role limits the network and this kernel's Landlock cannot (ABI < 4). */
      net_enforced?: false;
      /** The session's private temporary directory, exported as TMPDIR. */
      tmpdir: string;
    }
  | { kind: "none"; why: string };

export interface SandboxPlan {
  statement: SandboxStatement;
  /** The rulesets to stack, one per standing; absent when nothing is sandboxed. */
  layers?: RulesetSpec[];
  abi?: number;
  tmpdir?: string;
}

/** Where programs and libraries live: readable even when a role narrows reading. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/proc", "/sys", "/dev", "/run", "/var/lib"];

/** Terminals and harmless devices every shell needs to write to (`> /dev/null`, `/dev/tty`, new PTYs). */
const DEVICES = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx", "/dev/pts"];

export interface PlanInput {
  abi: number;
  standings: SandboxStanding[];
  /** The session's own directory (rc files, the env file rewritten at every prompt) and its TMPDIR. */
  sessionDir: string;
  tmpdir: string;
  home: string;
  /** Paths no layer grants anything in (the data directory, a roles file outside it). */
  hidden: string[];
  /** The shell's own directory stays readable when a role narrows reading. */
  shell: string;
}

/** Turns the standings of a session into stacked Landlock rulesets and a statement of what they allow. */
export function planSandbox(input: PlanInput): SandboxPlan {
  const { abi } = input;
  const handled = fsRightsOf(abi);
  const hidden = input.hidden.map((h) => realPath(h) ?? h);
  // The session's own directory: its files may be rewritten (the env file at every prompt, which
  // the server may replace by a scrubbed copy), not added to or removed; its TMPDIR is the shell's.
  const own: Grant[] = [
    { path: input.sessionDir, rights: READ_RIGHTS | FS.WRITE_FILE | FS.TRUNCATE, own: true },
    { path: input.tmpdir, rights: WRITE_RIGHTS, own: true },
  ];
  const devices: Grant[] = DEVICES.filter((d) => realPath(d) === d).map((path) => ({ path, rights: DEVICE_RIGHTS }));
  const layers: RulesetSpec[] = [];
  const perLayer: Array<{ write: string[]; read: "all" | string[]; net: NetPolicy }> = [];
  for (const { role, workspace } of input.standings) {
    const vars = { workspace, home: input.home, tmp: input.tmpdir };
    const write = unique(allowedDirs(role, vars).map(realPath).filter((d): d is string => !!d && !hidden.some((h) => isInside(d, [h]))));
    const read = role.read
      ? unique([...SYSTEM_DIRS, dirname(input.shell), ...allowedDirs({ ...role, dirs: role.read }, vars)].map(realPath).filter((d): d is string => !!d))
      : ["/"];
    const grants: Grant[] = [
      ...read.map((path) => ({ path, rights: READ_RIGHTS })),
      ...write.map((path) => ({ path, rights: WRITE_RIGHTS })),
      ...devices,
      ...own,
    ];
    const net = netRightsOf(abi) && role.net !== "any" ? netRightsOf(abi) : 0;
    const ports = typeof role.net === "object" && net ? role.net.ports.map((p): [number, number] => [p, NET.BIND_TCP | NET.CONNECT_TCP]) : [];
    layers.push({ fs: handled, net, scoped: scopesOf(abi), paths: expandGrants(grants, hidden, handled), ports });
    perLayer.push({ write, read: role.read ? read : "all", net: role.net });
  }
  const net = strictestNet(perLayer.map((l) => l.net));
  return {
    abi,
    layers,
    tmpdir: input.tmpdir,
    statement: {
      kind: "landlock",
      abi,
      roles: input.standings.map((s) => s.role.name),
      write: [...commonDirs(perLayer.map((l) => l.write)), input.tmpdir],
      read: perLayer.find((l) => l.read !== "all")?.read ?? "all",
      hidden,
      net,
      ...(net !== "any" && netRightsOf(abi) === 0 ? { net_enforced: false as const } : {}),
      tmpdir: input.tmpdir,
    },
  };
}

function unique(dirs: string[]): string[] {
  return [...new Set(dirs)];
}

/** Directories writable in every layer: those of one layer that lie inside a directory of each other layer. */
function commonDirs(layers: string[][]): string[] {
  const all = unique(layers.flat());
  const common = all.filter((d) => layers.every((dirs) => isInside(d, dirs)));
  return common.filter((d) => !common.some((o) => o !== d && isInside(d, [o])));
}

function strictestNet(policies: NetPolicy[]): NetPolicy {
  if (policies.includes("none")) return "none";
  const lists = policies.filter((p): p is { ports: number[] } => typeof p === "object").map((p) => p.ports);
  if (!lists.length) return "any";
  const ports = lists.reduce((a, b) => a.filter((p) => b.includes(p)));
  return ports.length ? { ports } : "none";
}
