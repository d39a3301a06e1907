// Every table of ai-session. Each concern keeps its tables in db/schema/<concern>.ts; list it here.
export * from "./schema/core.ts";
export * from "./schema/audit.ts";
export * from "./schema/persist.ts";
export * from "./schema/tokens.ts";
export * from "./schema/bus.ts";
export * from "./schema/trace.ts";
export * from "./schema/context.ts";
