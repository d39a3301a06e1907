// Every table of ai-session. Each concern keeps its tables in db/schema/<concern>.ts; list it here.
export * from "./schema/core.ts";
export * from "./schema/audit.ts";
export * from "./schema/persist.ts";
