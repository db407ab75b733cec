"""``serve``: the OpenAI-compatible API on a local port."""

from __future__ import annotations

import ipaddress

import click

from sourcewise.core.cli.context import state


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-remote", is_flag=True,
              help="Allow a non-loopback --host. The API has no authentication.")  # fmt: skip
@click.option("--adapter", help="LoRA adapter: a name under <models>/adapters or a .gguf path.")
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, allow_remote: bool, adapter: str | None
) -> None:
    """Serve an OpenAI-compatible chat API (/v1/chat/completions) over your documents."""
    if not allow_remote and not is_loopback(host):
        raise click.UsageError(
            f"refusing to listen on {host}: it is not a loopback address and the API has no "
            "authentication; pass --allow-remote to do it anyway"
        )
    import uvicorn

    from sourcewise.core.server.app import create_app

    st = state(ctx)
    if adapter:
        st.settings.llm.adapter = adapter  # before the engine (and its model) is built
    engine = st.engine()
    click.echo("loading the chat model ...", err=True)
    engine.models.warm_up(chat_only=True)
    click.echo(f"serving on http://{host}:{port}/v1 (Ctrl-C stops)", err=True)
    uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")


COMMANDS = [serve]
