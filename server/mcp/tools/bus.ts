import type { ToolDef } from "../tool.ts";

/** Agent, bus, task, shared-knowledge and decision tools (wired as those routes land). */
export const busTools: ToolDef[] = [];
