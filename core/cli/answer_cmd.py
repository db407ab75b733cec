"""``ask`` (one cited answer) and ``chat`` (a terminal conversation kept in the chat store)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from sourcewise.core.cli.context import CliState, cancel_on_ctrl_c, emit_json, state
from sourcewise.core.cli.search_cmd import filter_options
from sourcewise.core.cli.summarize_cmd import reading_progress, summarize
from sourcewise.core.engine import Engine
from sourcewise.core.errors import Cancelled, SourcewiseError
from sourcewise.core.filter_options import build_filters
from sourcewise.core.progress import CancelToken
from sourcewise.core.rendering.export import conversation_markdown
from sourcewise.core.rendering.render import answer_json, source_lines
from sourcewise.core.types import READING_MODES, Answer, AskOptions, SearchFilters

_HELP = (
    "Commands: /new starts a new conversation, /export FILE saves it as Markdown, "
    "/up or /down [COMMENT] rates the last answer, /quit leaves."
)


class _Stream:
    """Writes the answer as it streams, and keeps what it wrote."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def __call__(self, piece: str) -> None:
        self.pieces.append(piece)
        sys.stdout.write(piece)
        sys.stdout.flush()


_MARKER = re.compile(r"\[\d+\]")


def _show_corrected(streamed: _Stream, answer: Answer) -> None:
    """The answer once more when it changed after it streamed. Each marker is checked as it
    streams (`answer/cited_stream.py`); what is decided only on the whole answer still differs:
    a marker added to a sentence the model left uncited, "[2][3]" whose first number the
    stream had already moved, a scale said twice ("1,200 million million") said once, a
    table's scale carried into a bare figure."""
    said = "".join(streamed.pieces)
    if answer.abstained or not said:
        return  # a decline is shown as it streamed, with its reason
    if _words(said) != _words(answer.answer):
        click.echo(f"(corrected: {answer.answer})")
    elif _MARKER.findall(said) != _MARKER.findall(answer.answer):
        click.echo(f"(citations corrected: {answer.answer})")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _MARKER.sub(" ", text))


def _engine(st: CliState, adapter: str | None) -> Engine:
    if adapter:
        st.settings.llm.adapter = adapter  # before the engine (and its model) is built
    return st.engine()


def _print_sources(answer: Answer) -> None:
    lines = source_lines(answer)
    if lines:
        click.echo("\n" + "\n".join(lines))


@click.command("ask")
@click.argument("question")
@filter_options
@click.option("--adapter", help="LoRA adapter: a name under <models>/adapters or a .gguf path.")
@click.option("--mode", type=click.Choice(READING_MODES), default=None,
              help="Answer from the top passages, or read whole documents (summaries, "
                   "'list every ...'); default: reading.mode (auto).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object when done.")
@click.pass_context
def ask(ctx: click.Context, /, question: str, collections: tuple[str, ...], folder: Path | None,
        path_glob: str | None, file_types: tuple[str, ...], since: str | None,
        documents: tuple[Path, ...], adapter: str | None, mode: str | None,
        as_json: bool, **source: Any) -> None:  # fmt: skip
    """Answer QUESTION from the indexed documents, with numbered sources."""
    engine = _engine(state(ctx), adapter)
    filters = build_filters(collections, folder, path_glob, file_types, since, documents, **source)
    streamed = _Stream()
    with cancel_on_ctrl_c("reading") as cancel:
        options = AskOptions(filters=filters, mode=mode, on_token=None if as_json else streamed,
                             progress=None if as_json else reading_progress, cancel=cancel)  # fmt: skip
        answer = engine.answers.ask(question, options)
    if as_json:
        emit_json(answer_json(answer))
        return
    click.echo()
    _show_corrected(streamed, answer)
    _print_sources(answer)
    if answer.mode == "document":
        click.echo(f"({answer.reason})", err=True)  # what was read whole, and why
    if answer.log_id is not None:
        click.echo(f"(answer {answer.log_id}: rate it with `sourcewise feedback "
                   f"{answer.log_id} up` or `down`)", err=True)  # fmt: skip


@click.command("chat")
@filter_options
@click.option("--adapter", help="LoRA adapter: a name under <models>/adapters or a .gguf path.")
@click.option("--resume", "resume", type=int, help="Continue the conversation with this id.")
@click.pass_context
def chat(ctx: click.Context, /, collections: tuple[str, ...], folder: Path | None,
         path_glob: str | None, file_types: tuple[str, ...], since: str | None,
         documents: tuple[Path, ...], adapter: str | None, resume: int | None,
         **source: Any) -> None:  # fmt: skip
    """Talk with your documents in the terminal; follow-up questions use the conversation."""
    engine = _engine(state(ctx), adapter)
    filters = build_filters(collections, folder, path_glob, file_types, since, documents, **source)
    conversation = resume
    if resume is not None:
        engine.conversations.get(resume)  # fail early on an unknown id
    click.echo(f"Sourcewise chat. {_HELP} Ctrl-D exits.")
    last: Answer | None = None  # what /up and /down rate, by its answer-log id
    while True:
        try:
            line = input("\nyou> ").strip()
        except EOFError:
            click.echo()
            return
        except KeyboardInterrupt:
            click.echo()
            continue
        if not line:
            continue
        if line.startswith("/"):
            if line in ("/quit", "/exit", "/q"):
                return
            if line.split(" ", 1)[0] in ("/up", "/down"):
                _rate(engine, last, line)
                continue
            conversation = _command(line, engine, conversation)
            continue
        conversation, answer = _turn(engine, conversation, line, filters)
        last = answer or last


def _rate(engine: Engine, answer: Answer | None, line: str) -> None:
    name, _, comment = line.partition(" ")
    if answer is None or answer.log_id is None:
        click.echo("no answer to rate yet")
        return
    try:
        engine.answers.feedback(
            rating=1 if name == "/up" else -1, comment=comment.strip(), log_id=answer.log_id
        )
    except SourcewiseError as err:
        click.echo(f"error: {err}")
    else:
        click.echo(f"(rated answer {answer.log_id} {name[1:]})")


def _command(line: str, engine: Engine, conversation: int | None) -> int | None:
    name, _, arg = line.partition(" ")
    if name == "/new":
        click.echo("(new conversation)")
        return None
    if name == "/export":
        if conversation is None:
            click.echo("nothing to export yet")
        elif not arg.strip():
            click.echo("usage: /export FILE")
        else:
            target = Path(arg.strip()).expanduser()
            try:
                markdown = conversation_markdown(engine.conversations.get(conversation))
                target.write_text(markdown, encoding="utf-8")
            except OSError as err:
                click.echo(f"error: cannot write {target}: {err}")
            else:
                click.echo(f"saved {target}")
        return conversation
    click.echo(f"unknown command {name}. {_HELP}")
    return conversation


def _turn(
    engine: Engine, conversation: int | None, question: str, filters: SearchFilters
) -> tuple[int | None, Answer | None]:
    """Ask within ``conversation`` (a new one when None): the conversation the question was
    stored in, and the answer (None when stopped or failed)."""
    stored: list[int] = []
    cancel = CancelToken()
    sys.stdout.write("\n")
    streamed = _Stream()
    try:
        options = AskOptions(filters=filters, on_token=streamed, progress=reading_progress,
                             cancel=cancel)  # fmt: skip
        turn = engine.conversations.ask(conversation, question, options, on_stored=stored.append)
    except (KeyboardInterrupt, Cancelled):
        cancel.cancel()
        click.echo("\n(stopped)")
        return (stored[0] if stored else conversation), None
    except SourcewiseError as err:
        click.echo(f"\nerror: {err}")
        return (stored[0] if stored else conversation), None
    click.echo()
    _show_corrected(streamed, turn.answer)
    _print_sources(turn.answer)
    return turn.conversation_id, turn.answer


COMMANDS = [ask, chat, summarize]
