import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AppError } from "../../server/errors.ts";
import { coreHarness } from "./harness.ts";

let h: ReturnType<typeof coreHarness>;
beforeAll(() => {
  h = coreHarness();
});
afterAll(() => h.close());

async function refusal(create: Promise<unknown>): Promise<AppError> {
  const err = await create.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("a database that will not take a new session's row", () => {
  test("a refused insert is said as such, and no shell is started (not taken for a row that already exists)", async () => {
    h.db.$client.exec("CREATE TRIGGER refuse_rows BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'rows refused by the test trigger'); END");
    try {
      const err = await refusal(h.sessions.create({ name: "refused", shell: "/bin/bash", cwd: "/" }));
      expect(err.code).toBe("unavailable");
      expect(err.message).toBe('the session "refused" could not be recorded in the database (rows refused by the test trigger), so no shell was started');
      expect(h.sessions.list().map((s) => s.name)).toEqual([]);
    } finally {
      h.db.$client.exec("DROP TRIGGER refuse_rows");
    }
    // the name stays free once the database takes rows again
    const s = await h.sessions.create({ name: "refused", shell: "/bin/bash", cwd: "/" });
    expect(h.sessions.rowByName("refused")?.id).toBe(s.id);
    await h.sessions.kill("refused");
  });

  test("a read-only database gives one sentence with the cause, not an internal error", async () => {
    h.db.$client.exec("PRAGMA query_only = ON");
    try {
      const err = await refusal(h.sessions.create({ name: "readonly", shell: "/bin/bash", cwd: "/" }));
      expect(err.code).toBe("unavailable");
      expect(err.message).toMatch(/^the session "readonly" could not be recorded in the database \(.*readonly database\), so no shell was started$/);
      expect(h.sessions.has("readonly")).toBe(false);
    } finally {
      h.db.$client.exec("PRAGMA query_only = OFF");
    }
  });
});
