// The MCP panel with IPC mocked: it lists the server's tools, calls one with the typed JSON
// arguments, shows the masked exchange, and shows how far it got when a step fails.
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { McpProbe } from "../../bindings";
import * as ipc from "../../lib/ipc";
import McpPanel from "./McpPanel.svelte";

vi.mock("../../lib/ipc", async (original) => ({
  ...(await original<typeof import("../../lib/ipc")>()),
  mcpProbe: vi.fn(),
}));
const mocked = vi.mocked(ipc);

const exchange = (method: string, response: string) => ({
  method,
  request: `{"method": "${method}"}`,
  status: 200,
  response,
});

const LISTED: McpProbe = {
  exchanges: [exchange("initialize", "{}"), exchange("tools/list", '{"tools": []}')],
  tools: [
    { name: "echo", description: "Echoes" },
    { name: "get-sum", description: "Adds" },
  ],
};

beforeEach(() => mocked.mcpProbe.mockReset());

describe("MCP panel", () => {
  it("lists tools, then calls the chosen one with the JSON arguments", async () => {
    const user = userEvent.setup();
    mocked.mcpProbe.mockResolvedValueOnce(LISTED).mockResolvedValueOnce({
      ...LISTED,
      exchanges: [...LISTED.exchanges, exchange("tools/call", '{"content": "Echo: hi"}')],
    });
    render(McpPanel, { connection: "everything" });
    await user.click(screen.getByTestId("mcp-list"));
    expect(mocked.mcpProbe).toHaveBeenCalledWith("everything", undefined);
    expect(await screen.findAllByTestId("mcp-exchange")).toHaveLength(2);

    const argsBox = screen.getByTestId("mcp-args");
    await user.clear(argsBox);
    await user.type(argsBox, '{{"message": "hi"}');
    await user.click(screen.getByTestId("mcp-call"));
    expect(mocked.mcpProbe).toHaveBeenLastCalledWith("everything", {
      tool: "echo",
      arguments: { message: "hi" },
    });
    expect(await screen.findByText(/Echo: hi/)).toBeInTheDocument();
  });

  it("refuses arguments that are not a JSON object", async () => {
    const user = userEvent.setup();
    mocked.mcpProbe.mockResolvedValue(LISTED);
    render(McpPanel, { connection: "everything" });
    await user.click(screen.getByTestId("mcp-list"));
    const argsBox = await screen.findByTestId("mcp-args");
    await user.clear(argsBox);
    await user.type(argsBox, "[[1]");
    expect(screen.getByTestId("mcp-args-error")).toHaveTextContent("JSON object");
    expect(screen.getByTestId("mcp-call")).toBeDisabled();
  });

  it("shows the exchange up to the step that failed", async () => {
    const user = userEvent.setup();
    mocked.mcpProbe.mockResolvedValue({
      exchanges: [{ ...exchange("initialize", '{"error":"invalid_token"}'), status: 401 }],
      tools: [],
      error: "initialize: the MCP server answered HTTP 401 Unauthorized",
    });
    render(McpPanel, { connection: "everything" });
    await user.click(screen.getByTestId("mcp-list"));
    expect(await screen.findByTestId("mcp-error")).toHaveTextContent("401");
    expect(screen.getByTestId("mcp-exchange")).toHaveTextContent("← 401");
  });
});
