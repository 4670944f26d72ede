// The test request tool with the IPC module mocked: what a person sees of the masked preview,
// a sent request, its response and history, and what the window asks the core for.
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { TesterRequest, TesterResult } from "../../bindings";
import * as ipc from "../../lib/ipc";
import { CONNECTIONS } from "../../test/fixtures";
import Tester from "./Tester.svelte";
import { ACME_TYPE, historyEntry, hop, pagedBody, previewOf, testerResult } from "./test-fixtures";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  getType: vi.fn(),
  history: vi.fn(),
  previewRequest: vi.fn(),
  curlRequest: vi.fn(),
  sendRequest: vi.fn(),
  cancelRequest: vi.fn(),
  bodyPage: vi.fn(),
  bodySearch: vi.fn(),
  saveBody: vi.fn(),
}));

const mocked = vi.mocked(ipc);
const lastPreviewed = (): TesterRequest => mocked.previewRequest.mock.calls.at(-1)![0];

beforeEach(() => {
  vi.clearAllMocks();
  mocked.getType.mockResolvedValue(ACME_TYPE);
  mocked.history.mockResolvedValue([]);
  mocked.previewRequest.mockImplementation(async (r) => previewOf(r));
  mocked.sendRequest.mockImplementation(async (id) => testerResult(id));
  mocked.cancelRequest.mockResolvedValue(true);
  mocked.bodyPage.mockImplementation(pagedBody(1_000_000));
});

function renderTester(initialConnection?: string) {
  const user = userEvent.setup();
  render(Tester, { connections: CONNECTIONS, initialConnection });
  return user;
}

describe("request editor and preview", () => {
  it("shows the request as the core will send it, secrets masked", async () => {
    const user = renderTester();
    expect(await screen.findByTestId("preview-url")).toHaveTextContent(
      "GET https://acme.example/api/v1?api_key=••••1234",
    );
    expect(mocked.getType).toHaveBeenCalledWith("acme");
    expect(mocked.history).toHaveBeenCalledWith("Acme prod");

    await user.type(screen.getByTestId("tester-path"), "/invoices");
    await user.click(screen.getByTestId("add-header"));
    await user.type(screen.getByTestId("header-name"), "X-Trace");
    await user.type(screen.getByTestId("header-value"), "on");
    await user.click(screen.getByTestId("add-query"));
    await user.type(screen.getByTestId("query-name"), "limit");
    await user.type(screen.getByTestId("query-value"), "5");

    await waitFor(() =>
      expect(screen.getByTestId("preview-url")).toHaveTextContent(
        "https://acme.example/api/v1/invoices?api_key=••••1234&limit=5",
      ),
    );
    const headers = within(screen.getByTestId("preview-headers")).getAllByTestId("preview-header");
    expect(headers.map((h) => h.textContent)).toEqual([
      "x-api-key: ••••1234",
      "user-agent: patchbay/0.1",
      "X-Trace: on",
    ]);
    expect(lastPreviewed()).toEqual({
      connection: "Acme prod",
      method: "GET",
      path: "/invoices",
      query: [{ name: "limit", value: "5" }],
      headers: [{ name: "X-Trace", value: "on" }],
      body: { kind: "none" },
      vars: {},
    });
    // Debounced: typing did not preview once per key.
    expect(mocked.previewRequest.mock.calls.length).toBeLessThan(8);
  });

  it("shows the core's refusal, e.g. for a paused connection", async () => {
    mocked.previewRequest.mockRejectedValue({
      message: "connection 'Initech staging' is paused until you approve its new host",
      problems: [],
      dependents: [],
    });
    const user = renderTester();
    await user.selectOptions(screen.getByTestId("tester-connection"), "Initech staging");
    expect(await screen.findByTestId("preview-error")).toHaveTextContent("is paused");
    expect(mocked.getType).toHaveBeenLastCalledWith("initech-agent");
    expect(mocked.history).toHaveBeenLastCalledWith("Initech staging");
  });

  it("fills the request from a saved action and sends its parameters as vars", async () => {
    const user = renderTester();
    const picker = screen.getByTestId("tester-action");
    await waitFor(() => expect(within(picker).getByText("Create invoice")).toBeInTheDocument());
    await user.selectOptions(picker, "create_invoice");

    expect(screen.getByTestId("tester-method")).toHaveValue("POST");
    expect(screen.getByTestId("tester-path")).toHaveValue("/customers/{{customer_id}}/invoices");
    expect(screen.getByTestId("query-name")).toHaveValue("notify");
    expect(screen.getByTestId("header-value")).toHaveValue("tester");
    expect(screen.getByTestId("body-kind")).toHaveValue("template");
    expect(screen.getByTestId("body-editor")).toHaveValue('{"amount": {{amount}}}');

    await user.type(screen.getByTestId("param-customer_id"), "42");
    await user.type(screen.getByTestId("param-amount"), "10");
    await waitFor(() =>
      expect(lastPreviewed()).toMatchObject({
        action: "create_invoice",
        vars: { customer_id: "42", amount: "10" },
        body: { kind: "template", content_type: "application/json", text: '{"amount": {{amount}}}' },
      }),
    );
  });

  it("checks a JSON body as it is typed and says where it breaks", async () => {
    const user = renderTester();
    await user.selectOptions(screen.getByTestId("body-kind"), "json");
    const editor = screen.getByTestId("body-editor");
    await user.click(editor);
    await user.paste('{\n  "name": "Ada",\n  "age": }');
    expect(screen.getByTestId("body-error")).toHaveTextContent(
      "Invalid JSON at line 3, column 10: expected a value",
    );
    await user.clear(editor);
    await user.paste('{"name": "Ada"}');
    expect(screen.queryByTestId("body-error")).toBeNull();
    await waitFor(() => expect(lastPreviewed().body).toEqual({ kind: "json", text: '{"name": "Ada"}' }));
  });

  it("copies the masked curl line and shows it", async () => {
    mocked.curlRequest.mockResolvedValue("curl -H 'x-api-key: ••••1234' https://acme.example/api/v1");
    const user = renderTester();
    await user.click(screen.getByTestId("copy-curl"));
    expect(await screen.findByTestId("curl-text")).toHaveTextContent("curl -H 'x-api-key: ••••1234'");
    expect(mocked.curlRequest).toHaveBeenCalledWith(expect.objectContaining({ connection: "Acme prod" }));
    expect(await navigator.clipboard.readText()).toBe(
      "curl -H 'x-api-key: ••••1234' https://acme.example/api/v1",
    );
  });
});

describe("sending", () => {
  it("shows status, size and timing, and only a window of a 1,000,000-line body", async () => {
    const user = renderTester();
    await user.type(screen.getByTestId("tester-path"), "/invoices");
    await user.click(screen.getByTestId("send"));

    const [id, sent] = mocked.sendRequest.mock.calls[0];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toMatchObject({ connection: "Acme prod", method: "GET", path: "/invoices" });

    expect(await screen.findByTestId("response-status")).toHaveTextContent("200 OK");
    expect(screen.getByTestId("response-size")).toHaveTextContent("20.0 MB");
    expect(screen.getByTestId("response-time")).toHaveTextContent("1.34 s");
    expect(screen.getByTestId("timing-connect")).toHaveTextContent("12 ms");
    expect(screen.getByTestId("timing-tls")).toHaveTextContent("30 ms");
    expect(screen.getByTestId("timing-ttfb")).toHaveTextContent("80 ms");
    expect(screen.getByTestId("timing-download")).toHaveTextContent("1.26 s");
    expect(screen.getByTestId("response-headers")).toHaveTextContent("content-type: application/json");
    expect(screen.queryByTestId("redirect-chain")).toBeNull();

    await waitFor(() => expect(screen.getAllByTestId("body-line")[0]).toHaveTextContent('{"n": 0,'));
    expect(mocked.bodyPage).toHaveBeenCalledWith(id, "pretty", 0, expect.any(Number));
    expect(screen.getAllByTestId("body-line").length).toBeLessThan(60);
    expect(screen.getByTestId("body-line-count")).toHaveTextContent("1,000,000 lines");

    // Halfway down: the lines around 500,000 are fetched and drawn, still only a window.
    const scroller = screen.getByTestId("body-scroll");
    scroller.scrollTop = 4_000_000;
    await fireEvent.scroll(scroller);
    await waitFor(() => {
      const shown = screen.getAllByTestId("body-line").map((l) => Number(l.dataset.line));
      expect(Math.min(...shown)).toBeGreaterThan(499_900);
      expect(Math.max(...shown)).toBeLessThan(500_200);
    });
    await waitFor(() => {
      const lines = screen.getAllByTestId("body-line");
      const line = lines.find((l) => l.dataset.line === "500020");
      expect(line).toHaveTextContent('{"n": 500020, "name": "item 500020"},');
    });
    expect(screen.getAllByTestId("body-line").length).toBeLessThan(60);
    const fetched = mocked.bodyPage.mock.calls.reduce((sum, call) => sum + call[3], 0);
    expect(fetched).toBeLessThan(2_000);
    expect(mocked.history).toHaveBeenCalledTimes(2);
  });

  it("sends with Ctrl+Enter and cancels a request in flight", async () => {
    let finish: (r: TesterResult) => void = () => {};
    mocked.sendRequest.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    const user = renderTester();
    await user.click(screen.getByTestId("tester-path"));
    await user.keyboard("{Control>}{Enter}{/Control}");

    expect(mocked.sendRequest).toHaveBeenCalledTimes(1);
    const [id] = mocked.sendRequest.mock.calls[0];
    await user.click(await screen.findByTestId("cancel"));
    expect(mocked.cancelRequest).toHaveBeenCalledWith(id);

    const cancelled = testerResult(id);
    cancelled.outcome.response = undefined;
    cancelled.body = undefined;
    cancelled.outcome.error = { kind: "cancelled", message: "the request was cancelled", hint: "" };
    finish(cancelled);
    expect(await screen.findByTestId("response-error")).toHaveTextContent("Cancelled");
    expect(screen.queryByTestId("cancel")).toBeNull();
  });

  it("shows the core's error when the request cannot be sent", async () => {
    mocked.sendRequest.mockRejectedValue({ message: "missing value for {{customer_id}}", problems: [], dependents: [] });
    const user = renderTester();
    await user.click(screen.getByTestId("send"));
    expect(await screen.findByTestId("send-error")).toHaveTextContent("missing value for {{customer_id}}");
  });

  it("says where a redirect dropped the credentials", async () => {
    mocked.sendRequest.mockImplementation(async (id) => {
      const r = testerResult(id);
      r.outcome.hops = [
        hop({ status: 302, location: "https://cdn.other.example/file" }),
        hop({
          number: 2,
          url: "https://cdn.other.example/file",
          credentials_sent: false,
          credentials_dropped: true,
          dropped: ["header x-api-key"],
        }),
      ];
      return r;
    });
    const user = renderTester();
    await user.click(screen.getByTestId("send"));
    const chain = await screen.findByTestId("redirect-chain");
    expect(within(chain).getAllByTestId("hop")).toHaveLength(2);
    expect(screen.getByTestId("credentials-dropped")).toHaveTextContent(
      "credentials dropped at hop 2 (header x-api-key)",
    );
  });

  it("offers to save a body too large to display", async () => {
    mocked.saveBody.mockResolvedValue({ path: "/tmp/out.json", bytes: 40 * 1024 * 1024 });
    mocked.sendRequest.mockImplementation(async (id) =>
      testerResult(id, { body: { is_text: true, has_pretty: true, raw_lines: 1, pretty_lines: 9, too_large: true } }),
    );
    const user = renderTester();
    await user.click(screen.getByTestId("send"));
    expect(await screen.findByTestId("body-not-shown")).toHaveTextContent("too large to display");
    expect(screen.queryByTestId("body-line")).toBeNull();
    await user.click(screen.getByTestId("save-body"));
    const [id] = mocked.sendRequest.mock.calls[0];
    expect(mocked.saveBody).toHaveBeenCalledWith(id);
    expect(await screen.findByTestId("save-result")).toHaveTextContent("Saved 40.0 MB to /tmp/out.json");
  });
});

describe("history", () => {
  it("lists the connection's requests and loads one into the editor", async () => {
    mocked.history.mockResolvedValue([
      historyEntry(),
      historyEntry({ id: 2, method: "DELETE", status: 404, made_by: "agent", url: "https://acme.example/api/v1/x" }),
    ]);
    const user = renderTester("Acme prod");
    const rows = await screen.findAllByTestId("history-row");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveTextContent("DELETE");
    expect(rows[1]).toHaveTextContent("404");
    expect(rows[1]).toHaveTextContent("agent");
    expect(rows[0]).toHaveTextContent("95 ms");

    await screen.findByTestId("preview-url");
    await user.click(rows[0]);
    expect(screen.getByTestId("tester-method")).toHaveValue("GET");
    expect(screen.getByTestId("tester-path")).toHaveValue("/customers");
    expect(screen.getAllByTestId("query-name").map((i) => (i as HTMLInputElement).value)).toEqual(["limit"]);

    await user.click(rows[1]);
    expect(screen.getByTestId("tester-method")).toHaveValue("DELETE");
    expect(screen.getByTestId("tester-path")).toHaveValue("/x");
  });
});
