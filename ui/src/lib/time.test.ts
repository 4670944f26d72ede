import { describe, expect, it } from "vitest";
import { relativeTime } from "./time";

describe("relativeTime", () => {
  const now = new Date("2026-01-10T12:00:00Z");

  it("says Never without a timestamp", () => {
    expect(relativeTime(undefined, now)).toBe("Never");
  });

  it("uses the largest whole unit", () => {
    expect(relativeTime("2026-01-10T11:59:30Z", now)).toBe("just now");
    expect(relativeTime("2026-01-10T11:55:00Z", now)).toMatch(/5 minutes ago/);
    expect(relativeTime("2026-01-07T12:00:00Z", now)).toMatch(/3 days ago/);
  });

  it("shows an unparsable value as is", () => {
    expect(relativeTime("yesterday-ish", now)).toBe("yesterday-ish");
  });
});
