"""``mcp``: the Model Context Protocol server on stdin and stdout."""

from __future__ import annotations

import logging
import sys

import click

from sourcewise.core.cli.context import state


@click.command("mcp")
@click.option("--adapter", help="LoRA adapter: a name under <models>/adapters or a .gguf path.")
@click.pass_context
def mcp(ctx: click.Context, adapter: str | None) -> None:
    """Serve the library to an MCP client over stdio (tools: search, ask, list_documents,
    get_passage; resources: the library and each document). The client starts this command;
    stdout carries only protocol messages, logs go to stderr."""
    import anyio

    from sourcewise.core.mcp.server import serve_stdio  # the SDK loads only for this command

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="sourcewise mcp: %(levelname)s %(name)s: %(message)s")  # fmt: skip
    st = state(ctx)
    if adapter:
        st.settings.llm.adapter = adapter  # before the engine (and its model) is built
    engine = st.engine()  # models load on first use: a client that only searches never waits
    click.echo("sourcewise MCP server on stdio (the client closing stdin stops it)", err=True)
    anyio.run(serve_stdio, engine)


COMMANDS = [mcp]
