import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "../errors.ts";
import { assertJsonDepth } from "../security/json-depth.ts";

/** One sentence out of a zod error: the first problem with its field path. */
export function describeZodError(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return "the request is not valid";
  const where = issue.path.length ? `"${issue.path.join(".")}"` : "the request";
  return `${where}: ${issue.message}`;
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError("invalid", describeZodError(r.error));
  return r.data;
}

/** Reads and validates a JSON body; malformed JSON is an `invalid` error, never a crash. */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown;
  const text = await c.req.text();
  if (text.trim() === "") raw = {};
  else {
    assertJsonDepth(text);
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppError("invalid", "the request body is not valid JSON");
    }
  }
  return parseWith(schema, raw);
}

/** Validates the query string against a schema (values arrive as strings: use z.coerce). */
export function queryOf<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return parseWith(schema, c.req.query());
}
