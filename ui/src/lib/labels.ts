// Words shown for the core's enum values. Keyed by the generated union types, so a new variant
// in Rust is a type error here until it gets a label.
import type { AuthType, ConnectionStatus } from "../bindings";

export const AUTH_LABELS: Record<AuthType, string> = {
  none: "No auth",
  api_key: "API key",
  bearer: "Bearer token",
  basic: "Basic",
  custom_headers: "Custom headers",
  hmac: "HMAC",
  oauth2_authorization_code: "OAuth 2 code",
  oauth2_client_credentials: "OAuth 2 client",
};

export type Tone = "neutral" | "ok" | "warn" | "bad";

export const STATUS: Record<ConnectionStatus, { label: string; tone: Tone }> = {
  untested: { label: "Untested", tone: "neutral" },
  ok: { label: "OK", tone: "ok" },
  failing: { label: "Failing", tone: "bad" },
  needs_reauthorization: { label: "Needs re-authorization", tone: "warn" },
  paused: { label: "Paused", tone: "warn" },
};

/** "1 connection", "3 connections", "No connections". */
export function plural(count: number, word: string): string {
  if (count === 0) return `No ${word}s`;
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
