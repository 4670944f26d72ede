// The connect form's rules: which inputs a pattern collects, what is secret, what is sent.
import { describe, expect, it } from "vitest";
import type { AuthPattern, FieldSpec } from "../../bindings";
import { isSecret, patternInputs, splitValues } from "./connectFields";

const spec = (over: Partial<FieldSpec> & Pick<FieldSpec, "field_name">): FieldSpec => ({
  label: "",
  input_type: "text",
  hint: "",
  required: false,
  ...over,
});

const pattern = (over: Partial<AuthPattern> & Pick<AuthPattern, "type">): AuthPattern => ({
  display_name: "",
  description: "",
  fields: [],
  account_fields: [],
  headers: [],
  auth_field_mutations: [],
  is_mcp: false,
  ...over,
});

describe("connect fields", () => {
  it("treats password inputs as secret unless the spec says otherwise", () => {
    expect(isSecret(spec({ field_name: "k", input_type: "password" }))).toBe(true);
    expect(isSecret(spec({ field_name: "k", input_type: "password", secret: false }))).toBe(false);
    expect(isSecret(spec({ field_name: "k", input_type: "text", secret: true }))).toBe(true);
    expect(isSecret(spec({ field_name: "k", input_type: "text" }))).toBe(false);
  });

  it("shows the inputs the core listed, and no other secret for a browser login", () => {
    const listed = [
      {
        auth_type: "oauth2_authorization_code" as const,
        inputs: [
          spec({ field_name: "tenant", required: true }),
          spec({ field_name: "signing_key", input_type: "password", secret: true }),
          spec({ field_name: "client_id", required: true, secret: false }),
          spec({ field_name: "client_secret", input_type: "password", secret: true }),
        ],
      },
    ];
    const code = patternInputs(pattern({ type: "oauth2_authorization_code" }), listed);
    expect(code.map((f) => f.field_name)).toEqual(["tenant", "client_id", "client_secret"]);
    expect(patternInputs(pattern({ type: "bearer" }), listed)).toEqual([]);
  });

  it("sends non-empty values, trimmed unless secret", () => {
    const specs = [
      spec({ field_name: "domain" }),
      spec({ field_name: "region" }),
      spec({ field_name: "api_key", input_type: "password" }),
    ];
    expect(splitValues(specs, { domain: " a.example ", region: "", api_key: " k ", other: "x" })).toEqual({
      fields: { domain: "a.example" },
      secrets: { api_key: " k " },
    });
  });
});
