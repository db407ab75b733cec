"""The answers part of the facade: a cited answer to a question, a document read whole,
feedback on an answer, and the answer log that feedback lands in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourcewise.core.engine.library import Library
from sourcewise.core.engine.parts import Parts
from sourcewise.core.progress import CancelToken, ProgressCallback
from sourcewise.core.types import Answer, ChatTurn, Citation, DocumentDigest, SearchFilters

if TYPE_CHECKING:
    from sourcewise.core.answer.pipeline import AnswerPipeline
    from sourcewise.core.llm.base import ChatModel
    from sourcewise.core.settings import Settings
    from sourcewise.core.types import SearchFn

TokenCallback = Callable[[str], None]


class Answers:
    """Answering over the library (``engine.answers``)."""

    def __init__(self, parts: Parts, library: Library) -> None:
        self._parts = parts
        self._library = library

    def ask(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        history: Sequence[ChatTurn] = (),
        on_token: TokenCallback | None = None,
        on_sources: Callable[[list[Citation]], None] | None = None,
        cancel: CancelToken | None = None,
        max_tokens: int | None = None,
        mode: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> Answer:
        """Retrieve, then stream a cited answer (or abstain when the evidence is too weak).

        The question is routed to an answer mode (:mod:`sourcewise.core.answer.modes`):
        summaries, list-every and comparison questions with a document to read (the scope
        ``filters.documents``/``folder``, or one the question names) read whole documents
        (``answer.mode == "document"``, with ``progress`` per section); ``mode`` ("auto",
        "passages", "document") overrides ``reading.mode``. ``max_tokens`` shortens this
        answer below ``llm.max_tokens`` (never beyond it: the context budget is planned for
        that); a whole-document answer is cut there, and one capped below a section's note
        answers from the best passages of its documents instead of reading them whole.
        ``answer.usage`` counts the model's tokens. The answer is logged
        (``answer.log_id``); the pipeline is :meth:`pipeline`'s, as eval's is (which passes
        the model it measures and the plain search: nothing is logged).
        """
        from sourcewise.core.answer.pipeline import nothing_indexed
        from sourcewise.core.monitor.log import Recording

        p = self._parts
        model = p.require_chat_model()
        if p.store.is_empty():
            return nothing_indexed(question, on_token)
        recording = Recording(p.answer_log, self._library.search)  # sees the retrieval scores
        pipeline = self.pipeline(search=recording.search)
        answer = pipeline.ask(question, filters=filters, history=history, on_token=on_token,
                              on_sources=on_sources, cancel=cancel, max_tokens=max_tokens,
                              mode=mode, progress=progress)  # fmt: skip
        answer.log_id = recording.finish(answer, model.name, pipeline.adapter)
        return answer

    def pipeline(
        self,
        model: ChatModel | None = None,
        *,
        settings: Settings | None = None,
        search: SearchFn | None = None,
    ) -> AnswerPipeline:
        """The pipeline :meth:`ask` answers with, built from this engine's parts: the one
        construction every answering caller uses. ``sourcewise eval`` passes the model it
        measures and the settings that model was made from (another adapter), and the plain
        search: nothing is logged."""
        from sourcewise.core.answer.pipeline import AnswerPipeline

        p = self._parts
        return AnswerPipeline(settings or p.settings, model or p.require_chat_model(),
                              search or self._library.search, p.reranker, p.store,
                              p.models)  # fmt: skip

    def summarize(
        self,
        path: Path,
        question: str = "",
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> DocumentDigest:
        """Read one indexed document whole: a cited summary per section and of the whole (or,
        with ``question``, every item answering it). A cancel returns what was read so far,
        ``cancelled`` set."""
        whole = self.pipeline().documents()
        target = str(Path(path).expanduser().resolve())
        return whole.read([target], question, progress=progress, cancel=cancel)[0]

    def feedback(self, log_id: int, rating: int, comment: str = "") -> None:
        """Thumbs up (+1) or down (-1) on the answer whose ``Answer.log_id`` is ``log_id``."""
        self._parts.answer_log.rate(log_id, rating, comment)

    def log(self, since: float | None = None) -> list[tuple[Any, ...]]:
        """The answer log's rows since ``since`` (for ``sourcewise report``): (id, created,
        question, answer, abstained, top_score, ttft_ms, total_ms, model, adapter, rating,
        comment), oldest first."""
        return self._parts.answer_log.rows(since)

    def latest_eval_report(self) -> Path | None:
        """The Markdown report of the latest ``sourcewise eval`` run, or None."""
        from sourcewise.core.paths import latest_markdown

        return latest_markdown(self._parts.settings.home)
