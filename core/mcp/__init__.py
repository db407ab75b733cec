"""``sourcewise mcp``: the library as Model Context Protocol tools and resources, over stdio,
for any MCP client (desktop assistants, editors, agents)."""
