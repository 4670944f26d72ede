import { describe, expect, it } from "vitest";
import { markPlatform, platformOf } from "./platform";

describe("platformOf", () => {
  it("tells the desktop web views apart by their user agents", () => {
    expect(
      platformOf("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)"),
    ).toBe("linux");
    expect(
      platformOf(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
      ),
    ).toBe("macos");
    expect(
      platformOf(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      ),
    ).toBe("windows");
    expect(platformOf("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36")).toBe("other");
    expect(platformOf("")).toBe("other");
  });

  it("marks the root element for the per-platform styles", () => {
    const root = document.createElement("html");
    expect(markPlatform(root, "Mozilla/5.0 (X11; Linux x86_64)")).toBe("linux");
    expect(root.dataset.platform).toBe("linux");
  });
});
