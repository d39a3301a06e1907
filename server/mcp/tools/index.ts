// Every MCP tool, one file each (its code) beside one .txt (the words the model reads), listed here
// in the order tools/list shows them.
import type { ToolDef } from "../tool.ts";
import exec from "./exec.ts";
import wait from "./wait.ts";
import sendInput from "./send_input.ts";
import sendSecret from "./send_secret.ts";
import readOutput from "./read_output.ts";
import screen from "./screen.ts";
import createSession from "./create_session.ts";
import listSessions from "./list_sessions.ts";
import killSession from "./kill_session.ts";
import history from "./history.ts";
import analyzeOutput from "./analyze_output.ts";
import getContext from "./get_context.ts";
import snapshot from "./snapshot.ts";
import restore from "./restore.ts";
import registerAgent from "./register_agent.ts";
import listAgents from "./list_agents.ts";
import sendMessage from "./send_message.ts";
import readInbox from "./read_inbox.ts";
import addTask from "./add_task.ts";
import listTasks from "./list_tasks.ts";
import claimTask from "./claim_task.ts";
import updateTask from "./update_task.ts";
import shareKnowledge from "./share_knowledge.ts";
import getKnowledge from "./get_knowledge.ts";
import recordDecision from "./record_decision.ts";

export const sessionTools: ToolDef[] = [exec, wait, sendInput, sendSecret, readOutput, screen, createSession, listSessions, killSession, history, analyzeOutput, getContext, snapshot, restore];
export const teamTools: ToolDef[] = [registerAgent, listAgents, sendMessage, readInbox, addTask, listTasks, claimTask, updateTask, shareKnowledge, getKnowledge, recordDecision];
