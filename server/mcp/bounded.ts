import type { ToolEnv } from "./tool.ts";

/** Every 2 s, or more often when calls are bounded tighter, so a bounded wait always reports. */
const progressEveryMs = (waitCapS: number) => Math.max(250, Math.min(2_000, (waitCapS * 1000) / 4));

/**
 * A call that waits at most the client-safe cap (about 25 s), sending `notifications/progress`
 * meanwhile when the client asked for them. The command itself is never bounded by it: it goes on
 * running in its session and a later `wait` picks it up.
 */
export async function boundedCall<T>(env: ToolEnv, askedS: number | undefined, label: string, call: (waitMs: number) => Promise<T>): Promise<T> {
  const waitS = Math.min(askedS ?? env.waitCapS, env.waitCapS);
  const started = Date.now();
  const timer = setInterval(() => {
    const s = Math.round((Date.now() - started) / 100) / 10;
    void env.progress(s, waitS, `${label}: still running after ${s}s`);
  }, progressEveryMs(env.waitCapS));
  try {
    return await call(Math.round(waitS * 1000));
  } finally {
    clearInterval(timer);
  }
}
