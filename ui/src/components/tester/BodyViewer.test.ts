// The body viewer on its own: search through the core, stepping between matches, the two views
// and JSON colouring, with the IPC module mocked.
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../../lib/ipc";
import BodyViewer from "./BodyViewer.svelte";
import { pagedBody } from "./test-fixtures";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  bodyPage: vi.fn(),
  bodySearch: vi.fn(),
  saveBody: vi.fn(),
}));

const mocked = vi.mocked(ipc);
const INFO = { is_text: true, has_pretty: true, raw_lines: 1, pretty_lines: 1_000_000, too_large: false };

beforeEach(() => {
  vi.clearAllMocks();
  mocked.bodyPage.mockImplementation(pagedBody(1_000_000));
  mocked.bodySearch.mockImplementation(async (_id, mode, query) => ({
    mode,
    query,
    lines: [3, 700_000],
    total: 2,
  }));
});

const drawnLines = () => screen.getAllByTestId("body-line").map((l) => Number(l.dataset.line));
const currentLine = () => document.querySelector<HTMLElement>(".line.current")?.dataset.line;

describe("search", () => {
  it("counts matches and steps to them with Enter and Shift+Enter", async () => {
    const user = userEvent.setup();
    render(BodyViewer, { requestId: "r1", info: INFO, size: 1234 });
    await waitFor(() => expect(screen.getAllByTestId("body-line")[0]).toHaveTextContent('"n": 0'));

    const search = screen.getByTestId("body-search");
    await user.type(search, "ITEM 70");
    expect(await screen.findByTestId("body-search-count")).toHaveTextContent("2 matches");
    expect(mocked.bodySearch).toHaveBeenLastCalledWith("r1", "pretty", "ITEM 70");

    await user.keyboard("{Enter}");
    expect(screen.getByTestId("body-search-position")).toHaveTextContent("1 of 2");
    expect(currentLine()).toBe("3");

    await user.keyboard("{Enter}");
    await waitFor(() => expect(drawnLines()).toContain(700_000));
    expect(currentLine()).toBe("700000");
    expect(screen.getByTestId("body-search-position")).toHaveTextContent("2 of 2");
    expect(mocked.bodyPage).toHaveBeenCalledWith("r1", "pretty", expect.any(Number), 200);
    expect(drawnLines().length).toBeLessThan(60);
    // The match inside the line is marked, case ignored like the core does.
    await waitFor(() =>
      expect(document.querySelector(".line.current .mark")).toHaveTextContent("item 70"),
    );

    await user.keyboard("{Shift>}{Enter}{/Shift}");
    await waitFor(() => expect(drawnLines()).toContain(3));
    expect(currentLine()).toBe("3");
  });

  it("says when the core listed only the first matches", async () => {
    mocked.bodySearch.mockResolvedValue({ mode: "pretty", query: "n", lines: [1, 2, 3], total: 25_000 });
    const user = userEvent.setup();
    render(BodyViewer, { requestId: "r1", info: INFO, size: 1234 });
    await user.type(screen.getByTestId("body-search"), "n");
    expect(await screen.findByTestId("body-search-count")).toHaveTextContent(
      "25,000 matches (first 3 listed)",
    );
  });
});

describe("views", () => {
  it("switches between pretty and raw and colours JSON", async () => {
    const user = userEvent.setup();
    render(BodyViewer, {
      requestId: "r2",
      info: { ...INFO, raw_lines: 2, pretty_lines: 5 },
      size: 30,
    });
    expect(screen.getByTestId("body-mode-pretty")).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(screen.getAllByTestId("body-line")).toHaveLength(5));
    const key = document.querySelector(".tok-key");
    expect(key).toHaveTextContent('"n"');
    expect(document.querySelector(".tok-number")).toHaveTextContent("0");

    await user.click(screen.getByTestId("body-mode-raw"));
    expect(screen.getByTestId("body-mode-raw")).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(mocked.bodyPage).toHaveBeenCalledWith("r2", "raw", 0, 200));
    expect(screen.getAllByTestId("body-line")).toHaveLength(2);
  });

  it("offers no pretty view for a body that is not JSON and saves it as text", async () => {
    mocked.saveBody.mockResolvedValue(null);
    const user = userEvent.setup();
    render(BodyViewer, {
      requestId: "r3",
      info: { is_text: true, has_pretty: false, raw_lines: 3, pretty_lines: 3, too_large: false },
      size: 30,
    });
    expect(screen.queryByTestId("body-mode-pretty")).toBeNull();
    expect(screen.getByTestId("body-mode-raw")).toHaveAttribute("aria-pressed", "true");
    await user.click(screen.getByTestId("save-body"));
    // The core opens the save dialog (and names the file); the page sends no path.
    expect(mocked.saveBody).toHaveBeenCalledWith("r3");
    expect(screen.queryByTestId("save-result")).toBeNull();
  });

  it("does not display a binary body", () => {
    render(BodyViewer, {
      requestId: "r4",
      info: { is_text: false, has_pretty: false, raw_lines: 0, pretty_lines: 0, too_large: false },
      size: 2048,
    });
    expect(screen.getByTestId("body-not-shown")).toHaveTextContent("This body (2.0 KB) is not text");
    expect(screen.getByTestId("save-body")).toBeInTheDocument();
    expect(mocked.bodyPage).not.toHaveBeenCalled();
  });
});
