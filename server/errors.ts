/**
 * The one error type of ai-session. Domain code throws it; the CLI maps `code` to an exit code,
 * HTTP to a status, MCP to a tool error. The message is one sentence that names the thing and,
 * where there is one, the way out.
 */
export type ErrorCode =
  | "invalid" // bad input from the caller
  | "not_found"
  | "conflict" // taken name, busy session
  | "denied" // policy or scope refused it
  | "unauthorized" // no or wrong token
  | "timeout"
  | "too_large"
  | "unavailable" // server not running, feature not available here
  | "internal";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const httpStatusOf: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  denied: 403,
  not_found: 404,
  conflict: 409,
  timeout: 408,
  too_large: 413,
  unavailable: 503,
  internal: 500,
};

/** Exit codes for the CLI: 126 for a policy denial (like a shell's "cannot execute"). */
export const exitCodeOf: Record<ErrorCode, number> = {
  invalid: 2,
  unauthorized: 1,
  denied: 126,
  not_found: 1,
  conflict: 1,
  timeout: 124,
  too_large: 1,
  unavailable: 1,
  internal: 1,
};

export function notFound(what: string, name: string, hint?: string): AppError {
  return new AppError("not_found", `no ${what} named "${name}"${hint ? ` (${hint})` : ""}`);
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>(Object.keys(httpStatusOf) as ErrorCode[]);

/** The AppError an `{error:{code,message}}` answer stands for (HTTP clients: the CLI, MCP tools). */
export function errorFromAnswer(status: number, body: unknown): AppError {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof e?.code === "string" && ERROR_CODES.has(e.code) ? (e.code as ErrorCode) : status === 404 ? "not_found" : "internal";
  return new AppError(code, typeof e?.message === "string" ? e.message : `the server answered ${status}`);
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AppError("internal", message);
}
