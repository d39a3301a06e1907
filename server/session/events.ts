import { EventEmitter } from "node:events";
import type { SessionInfo } from "./session.ts";
import type { CommandRecord, ExecOutcome } from "./command-tracker.ts";

/** What the session layer announces; other concerns (audit, snapshots, bus, WebSockets) listen. */
export interface SessionEventMap {
  "session:created": [info: SessionInfo];
  "session:ended": [info: SessionInfo];
  output: [sessionId: string, bytes: Uint8Array, offset: number];
  "command:start": [sessionId: string, record: CommandRecord];
  "command:end": [sessionId: string, record: CommandRecord, outcome: ExecOutcome];
  input: [sessionId: string, info: { bytes: number; secret: boolean; agent?: string }];
  shutdown: [];
}

export class SessionEvents extends EventEmitter<SessionEventMap> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
}
