import { serveStdio, StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { boundedLines, MAX_STDIO_MESSAGE } from "./line-guard.ts";
import { createMcpServer, type McpOptions } from "./server.ts";

/**
 * Serves MCP on this process's stdin/stdout, forwarding every tool call to the shared server.
 * stdout carries protocol messages only: anything else a library prints goes to stderr.
 * Resolves when the client closes stdin.
 */
export function serveMcpStdio(opts: McpOptions): Promise<void> {
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
  console.warn = console.error;
  return new Promise((resolve) => {
    const stdin = boundedLines(process.stdin, (line) => void process.stdout.write(line));
    const transport = new StdioServerTransport(stdin, process.stdout, { maxBufferSize: MAX_STDIO_MESSAGE * 2 });
    const handle = serveStdio(() => createMcpServer(opts), {
      transport,
      onerror: (err) => process.stderr.write(`ai-session mcp: ${err.message}\n`),
    });
    stdin.once("end", () => void handle.close().finally(resolve));
    process.stdin.once("close", () => void handle.close().finally(resolve));
  });
}
