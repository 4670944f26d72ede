import { describe, expect, it } from "vitest";
import { TYPES } from "../test/fixtures";
import { filterTypes } from "./search";

const slugsFor = (query: string) => filterTypes(TYPES, query).map((t) => t.slug);

describe("filterTypes", () => {
  it("returns everything for an empty or blank query", () => {
    expect(slugsFor("")).toHaveLength(3);
    expect(slugsFor("   ")).toHaveLength(3);
  });

  it("matches name, slug, description, base URL and auth labels, case-insensitively", () => {
    expect(slugsFor("acme BILLING")).toEqual(["acme"]);
    expect(slugsFor("globex-crm")).toEqual(["globex-crm"]);
    expect(slugsFor("partner")).toEqual(["globex-crm"]);
    expect(slugsFor("mcp.initech")).toEqual(["initech-agent"]);
    expect(slugsFor("api key")).toEqual(["acme"]);
    expect(slugsFor("oauth")).toEqual(["globex-crm"]);
    expect(slugsFor("imported")).toEqual(["globex-crm"]);
  });

  it("needs every term to match", () => {
    expect(slugsFor("bearer internal")).toEqual(["initech-agent"]);
    expect(slugsFor("bearer zzz")).toEqual([]);
  });
});
