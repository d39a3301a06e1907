import { describe, expect, test } from "bun:test";
import { redactBytes, redactionEnabled, redactText } from "../../server/security/redact.ts";

// Each sample is a made-up secret of a well-known shape, as a tool might print it.
const samples: Record<string, string> = {
  "aws-access-key": "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
  "aws-secret-key": "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "github-token": "token: ghp_0123456789abcdefghijABCDEFGHIJ012345",
  "gitlab-token": "GITLAB_TOKEN=glpat-abcdefghij0123456789",
  "slack-token": "SLACK=xoxb-1234567890-abcdefghijkl",
  "api-key": "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx0123",
  jwt: "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  "private-key": "-----BEGIN RSA PRIVATE KEY-----\r\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\r\n-----END RSA PRIVATE KEY-----",
  password: "git clone https://alice:hunter2secret@example.com/repo.git",
};

describe("redaction of stored output", () => {
  for (const [kind, line] of Object.entries(samples)) {
    test(`a ${kind} is replaced`, () => {
      const r = redactText(line);
      expect(r.count).toBeGreaterThan(0);
      expect(r.text).toContain("[redacted:");
    });
  }

  test("the non-secret parts of a URL stay readable", () => {
    expect(redactText(samples.password!).text).toBe(
      "git clone https://alice:[redacted:password]@example.com/repo.git",
    );
  });

  test("ordinary output passes through byte for byte, escapes and UTF-8 included", () => {
    const bytes = new TextEncoder().encode("\x1b[32m✓ 12 passed\x1b[0m https://example.com/x sk-short\r\n");
    expect(redactBytes(bytes)).toBe(bytes);
  });

  test("redaction keeps the bytes around the secret", () => {
    const out = new TextDecoder().decode(redactBytes(new TextEncoder().encode("é AKIAIOSFODNN7EXAMPLE é")));
    expect(out).toBe("é [redacted:aws-access-key] é");
  });

  test("it is on by default and AI_SESSION_REDACT=0 turns it off", () => {
    expect(redactionEnabled({})).toBe(true);
    expect(redactionEnabled({ AI_SESSION_REDACT: "0" })).toBe(false);
  });
});
