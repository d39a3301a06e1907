import { z } from "zod";
import { NetPolicySchema } from "../roles/roles.ts";

/** What `create --json`, `list --json` and `status --json` say about a session's sandbox. */
export const SandboxStatementSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("landlock"),
      abi: z.number().describe("the kernel's Landlock ABI version"),
      roles: z.array(z.string()),
      write: z.array(z.string()).describe("directories the shell may change (in every layer when several roles apply)"),
      read: z
        .union([z.literal("all"), z.array(z.string())])
        .describe('readable: "all" (but the hidden paths), or the directories reading is narrowed to'),
      hidden: z.array(z.string()).describe("paths the shell can neither read nor change: the data directory (token, database, other sessions)"),
      net: NetPolicySchema,
      net_enforced: z.literal(false).optional().describe("set when the role limits the network and this kernel's Landlock cannot (ABI < 4)"),
      tmpdir: z.string().describe("the session's private temporary directory, exported as TMPDIR"),
    }),
    z.strictObject({ kind: z.literal("none"), why: z.string() }),
  ])
  .describe("the kernel sandbox the shell runs in (role sessions), or why there is none");
export type SandboxStatement = z.infer<typeof SandboxStatementSchema>;

/**
 * `analysis.sandbox_denied`: set by the session layer, never by the output analysis: the session's
 * kernel sandbox refused something the command tried, and where. (No `.describe()` here: the MCP
 * result schemas carry this shape, and tools/list is paid for in tokens.)
 */
export const SandboxDenialSchema = z.strictObject({
  /** The path refused, when the message names one (a refused signal names none). */
  path: z.string().nullable(),
  /** The line of output that says so, as the tool printed it. */
  message: z.string(),
});
export type SandboxDenial = z.infer<typeof SandboxDenialSchema>;
