import type { Access } from "../access/sessions.ts";
import type { Runtime } from "../runtime.ts";
import type { Caller, Transport } from "../security/auth.ts";
import type { AuditNote } from "./audit.ts";

/** What every route handler finds on its Hono context: who calls, over which transport, and the server. */
export type AppEnv = {
  Bindings: { transport: Transport };
  Variables: { caller: Caller; rt: Runtime; auditNote?: AuditNote; access?: Access };
};
