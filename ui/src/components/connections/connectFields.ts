// What the connect dialog asks for and sends, as plain functions (tested without a DOM).
// The core decides which inputs a pattern collects (`connect_inputs`, from
// `AuthPattern::connection_fields`): the declared `fields` and `account_fields`, plus the OAuth
// client credentials it always asks for. The core re-checks everything and its message wins.
import type { AuthPattern, AuthType, FieldSpec, PatternInputs } from "../../bindings";

/** A field is secret when it says so, or when it does not say and is a password input. */
export function isSecret(spec: FieldSpec): boolean {
  return spec.secret ?? spec.input_type === "password";
}

export const isOAuth = (t: AuthType) =>
  t === "oauth2_authorization_code" || t === "oauth2_client_credentials";

/** The inputs a connection of this pattern collects, as the core listed them (`connectInputs`). */
export function patternInputs(pattern: AuthPattern, listed: PatternInputs[]): FieldSpec[] {
  const all = listed.find((l) => l.auth_type === pattern.type)?.inputs ?? [];
  // A browser login carries non-secret fields and the client secret only (OAuthLoginRequest).
  if (pattern.type === "oauth2_authorization_code") {
    return all.filter((f) => !isSecret(f) || f.field_name === "client_secret");
  }
  return all;
}

/** The label a person reads for a field. */
export const fieldLabel = (spec: FieldSpec) => spec.label.trim() || spec.field_name;

/** A pattern's name in the picker. */
export function patternLabel(pattern: AuthPattern, labels: Record<AuthType, string>): string {
  return pattern.display_name.trim() || labels[pattern.type];
}

export type FieldValues = Record<string, string>;

/** Single-line values are trimmed; multi-line text and secrets are sent exactly as typed. */
function cleaned(spec: FieldSpec, value: string): string {
  return isSecret(spec) || spec.input_type === "textarea" ? value : value.trim();
}

/** The required inputs left empty, by label. */
export function missingRequired(specs: FieldSpec[], values: FieldValues): string[] {
  return specs
    .filter((f) => f.required && (values[f.field_name] ?? "").trim() === "")
    .map(fieldLabel);
}

/** The non-secret and the secret values to send: only the pattern's inputs, empty ones left out. */
export function splitValues(
  specs: FieldSpec[],
  values: FieldValues,
): { fields: Record<string, string>; secrets: Record<string, string> } {
  const fields: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const spec of specs) {
    const value = cleaned(spec, values[spec.field_name] ?? "");
    if (value.trim() === "") continue;
    (isSecret(spec) ? secrets : fields)[spec.field_name] = value;
  }
  return { fields, secrets };
}

