import { defineCommand } from "citty";
import { platform } from "../../server/platform/index.ts";
import { globalArgs, runCommand, write } from "./_shared.ts";

/** Reads FILE, or stdin for "-" or no FILE, as bytes. */
export async function readInput(file: string | undefined): Promise<Uint8Array> {
  if (!file || file === "-") return platform.readStdin();
  const { AppError } = await import("../../server/errors.ts");
  const { readFile } = await import("node:fs/promises");
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    throw new AppError("not_found", `no file named "${file}" (pass a path, or - to read stdin)`);
  }
}

export default defineCommand({
  meta: { name: "compact", description: "Compact raw terminal output from FILE or stdin (no server needed)" },
  args: {
    ...globalArgs,
    file: { type: "positional", required: false, description: "file of raw output, or - for stdin" },
    encoding: { type: "string", default: "o200k_base", description: "tokenizer: o200k_base or cl100k_base" },
    lossless: { type: "boolean", description: "only the stages that lose nothing" },
    command: { type: "string", description: "the command that produced the output (helps recognise the tool)" },
    "exit-code": { type: "string", description: "its exit code (a non-zero code is never reported as success)" },
    cols: { type: "string", description: "terminal width the output was produced at" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const { parseEncoding } = await import("../../server/tokens/tokens.ts");
      const encoding = parseEncoding(args.encoding as string | undefined);
      const raw = await readInput(args.file as string | undefined);
      const exitCode = args["exit-code"] === undefined ? undefined : Number(args["exit-code"]);
      const options = {
        mode: args.lossless ? ("lossless" as const) : ("compact" as const),
        command: args.command as string | undefined,
        exitCode: Number.isFinite(exitCode) ? exitCode : undefined,
        cols: args.cols ? Number(args.cols) : undefined,
        encoding,
      };
      if (args.json) {
        const { compactReport } = await import("../../server/work/report.ts");
        const { text, tokens, analysis } = compactReport(raw, options);
        write(`${JSON.stringify({ text, tokens, analysis })}\n`);
        return;
      }
      const { compactOutput } = await import("../../server/output/compact.ts");
      const { text } = compactOutput(raw, options);
      write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
    }),
});
