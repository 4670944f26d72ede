// The import/export words that are computed: summary lines, file names, default save names.
import { describe, expect, it } from "vitest";
import type { ImportAction, ImportReport } from "../../bindings";
import { fileName, planSummary, resultSummary } from "./labels";

function report(actions: ImportAction[]): ImportReport {
  return {
    source: "x.json",
    format: "bundle",
    dry_run: false,
    notes: [],
    items: actions.map((action, i) => ({
      slug: `t${i}`,
      display_name: `T${i}`,
      action,
      stored_as: `t${i}`,
      changed_fields: [],
      field_diffs: [],
      paused_connections: [],
      required_secrets: [],
    })),
  };
}

describe("labels", () => {
  it("summarises what an import did and will do, without zeros", () => {
    const r = report(["unchanged", "create", "replace", "create"]);
    expect(resultSummary(r)).toBe("2 created, 1 replaced, 1 unchanged");
    expect(planSummary(r)).toBe("4 types: 2 new · 1 to replace · 1 unchanged");
    expect(resultSummary(report([]))).toBe("Nothing in the file");
    expect(planSummary(report(["conflict"]))).toBe("1 type: 1 in conflict");
  });

  it("takes the file name from either kind of path", () => {
    expect(fileName("/home/ada/team.patchbay.json")).toBe("team.patchbay.json");
    expect(fileName("C:\\Users\\ada\\team.json")).toBe("team.json");
    expect(fileName("plain.json")).toBe("plain.json");
  });
});
