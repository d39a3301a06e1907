import { AppError } from "../../server/errors.ts";
import { platform } from "../../server/platform/index.ts";
import { defineCommand, agentOf, globalArgs, printJson, runCommand } from "./_shared.ts";

export default defineCommand({
  meta: { name: "send", description: "Type into a session (tmux send-keys)" },
  args: {
    ...globalArgs,
    name: { type: "positional", required: true, description: "session name" },
    text: { type: "positional", required: false, description: "text to type (long text arrives whole, as a paste)" },
    enter: { type: "boolean", description: "press Enter after the text" },
    keys: { type: "string", description: "keys to press after the text, comma-separated: C-c,Enter,Up,Tab,..." },
    secret: { type: "boolean", description: "read the text from stdin; it is never stored, logged or shown" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      let text = args.text === undefined ? undefined : String(args.text);
      if (args.secret) {
        if (text !== undefined) throw new AppError("invalid", "--secret reads the text from stdin; do not put it on the command line");
        text = new TextDecoder().decode(await platform.readStdin()).replace(/\r?\n$/, "");
        if (!text) throw new AppError("invalid", "--secret read nothing from stdin");
      }
      const keys = args.keys ? String(args.keys).split(",").map((k) => k.trim()).filter(Boolean) : undefined;
      if (text === undefined && !keys?.length && !args.enter) throw new AppError("invalid", "send needs TEXT, --keys or --enter");
      const { connect } = await import("../client/index.ts");
      const c = await connect({ home: args.home, agent: agentOf(args) });
      // A secret is pressed with Enter: a password prompt wants both.
      const r = await c.send(String(args.name), { text, keys, enter: Boolean(args.enter || args.secret), secret: Boolean(args.secret) });
      if (args.json) printJson(r);
    }),
});
