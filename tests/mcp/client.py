"""Drives `patchbay mcp` with the official MCP Python SDK, the way an agent host does.

Usage: client.py PATCHBAY_BINARY CALLS_JSON
CALLS_JSON is a list of [tool_name, arguments]. The server gets this process's environment
(PATCHBAY_DATA_DIR, PATCHBAY_VAULT_PASSPHRASE). Prints the whole transcript as one JSON object
on stdout: the server's info, its tools, and each call's result as the SDK parsed it.
"""

import asyncio
import json
import os
import sys

from mcp import Client, StdioServerParameters


async def main() -> None:
    patchbay, calls = sys.argv[1], json.loads(sys.argv[2])
    server = StdioServerParameters(command=patchbay, args=["mcp"], env=dict(os.environ))
    transcript = {"calls": []}
    async with Client(server) as client:
        tools = await client.list_tools()
        transcript["tools"] = [t.model_dump(mode="json") for t in tools.tools]
        for name, arguments in calls:
            result = await client.call_tool(name, arguments)
            transcript["calls"].append({"tool": name, "result": result.model_dump(mode="json")})
    print(json.dumps(transcript))


asyncio.run(main())
