"""Rendering: answers, sources and search hits for the terminal and as JSON, conversations
exported to Markdown. Every client (the CLI, the API and MCP servers) renders through it.

The conversations themselves are stored in the index database (``sourcewise.core.store.chats``);
the search filters a client's options ask for are read in ``sourcewise.core.filter_options``.
"""
