import { z } from "zod";
import { ENCODINGS } from "./tokens.ts";

/** What counting tokens answers (POST /api/tokens/count): one count for `text`, counts for `texts`. */
const EncodingSchema = z.enum(ENCODINGS);
const estimated = z.literal(true).optional().describe("part of a count is an estimate (the tokenizer still loading, a run cut, the time budget passed)");
export const TokenCountSchema = z.strictObject({ tokens: z.number(), encoding: EncodingSchema, estimated });
export const TokenCountsSchema = z.strictObject({ counts: z.array(z.number()), encoding: EncodingSchema, estimated });
export type TokenCounts = z.infer<typeof TokenCountsSchema>;
