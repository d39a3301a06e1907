import { z } from "zod";
import { AppError } from "../../errors.ts";
import { defineTool, enc } from "../tool.ts";
import { sessionArg } from "./shapes.ts";
import sendText from "./send_input.txt" with { type: "text" };
import secretText from "./send_secret.txt" with { type: "text" };

const SentShape = z.looseObject({ session: z.string(), sent: z.boolean() });

export const sendInput = defineTool({
  name: "send_input",
  title: "Type into a session",
  description: sendText,
  tier: "standard",
  input: z.object({
    session: sessionArg,
    text: z.string().max(1_000_000).optional().describe("text to type; long text arrives whole (bracketed paste)"),
    keys: z.array(z.string().min(1).max(32)).max(100).optional().describe('keys pressed after the text, tmux names: "Enter", "C-c", "Up", "Tab", "Escape"'),
    enter: z.boolean().optional().describe("press Enter after the text"),
  }),
  output: SentShape,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(args, env) {
    if (!args.text && !args.keys?.length && !args.enter) throw new AppError("invalid", "give text, keys or enter: there is nothing to send");
    await env.api.request("POST", `/api/sessions/${enc(args.session)}/send`, { text: args.text, keys: args.keys, enter: args.enter });
    const what = [args.text ? `${args.text.length} characters` : "", ...(args.keys ?? []), args.enter ? "Enter" : ""].filter(Boolean).join(" + ");
    return { data: { session: args.session, sent: true }, text: `sent ${what} to "${args.session}" (read_output or screen shows the effect)` };
  },
});

export const sendSecret = defineTool({
  name: "send_secret",
  title: "Type a password into a session",
  description: secretText,
  tier: "standard",
  input: z.object({
    session: sessionArg,
    secret: z.string().min(1).max(10_000).describe("the secret; it is typed but never stored, logged or echoed back"),
    enter: z.boolean().optional().describe("press Enter after it (default true)"),
  }),
  output: SentShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(args, env) {
    await env.api.request("POST", `/api/sessions/${enc(args.session)}/send`, { text: args.secret, secret: true, enter: args.enter ?? true });
    return { data: { session: args.session, sent: true }, text: `sent a secret to "${args.session}" (not stored)` };
  },
});

export const inputTools = [sendInput, sendSecret];
