"""The answers part of the facade: a cited answer to a question, a document read whole,
feedback on an answer (a logged one, or one stored in a conversation), and the answer log
that feedback lands in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.engine.library import Library
from sourcewise.core.engine.parts import Parts
from sourcewise.core.progress import CancelToken, ProgressCallback
from sourcewise.core.types import Answer, AskOptions, DocumentDigest, LoggedAnswer

if TYPE_CHECKING:
    from sourcewise.core.answer.pipeline import AnswerPipeline
    from sourcewise.core.types import SearchFn


class Answers:
    """Answering over the library (``engine.answers``)."""

    def __init__(self, parts: Parts, library: Library) -> None:
        self._parts = parts
        self._library = library

    def ask(self, question: str, options: AskOptions | None = None) -> Answer:
        """Retrieve, then stream a cited answer (or abstain when the evidence is too weak);
        ``options`` (:class:`~sourcewise.core.types.AskOptions`) scope and steer it.

        The question is routed to an answer mode (:mod:`sourcewise.core.answer.modes`):
        summaries, list-every and comparison questions with a document to read (the scope
        ``filters.documents``/``folder``, or one the question names) read whole documents
        (``answer.mode == "document"``, with ``progress`` per section); ``mode`` ("auto",
        "passages", "document") overrides ``reading.mode``. ``max_tokens`` shortens this
        answer below ``llm.max_tokens`` (never beyond it: the context budget is planned for
        that); a whole-document answer is cut there, and one capped below a section's note
        answers from the best passages of its documents instead of reading them whole.
        ``answer.usage`` counts the model's tokens. The answer is logged (``answer.log_id``)
        unless ``record`` is off, as for ``sourcewise eval``: the same pipeline, with the
        plain search.
        """
        from sourcewise.core.answer.pipeline import nothing_indexed
        from sourcewise.core.monitor.log import Recording

        options = options or AskOptions()
        p = self._parts
        model = p.require_chat_model()
        if p.store.is_empty():
            return nothing_indexed(question, options.on_token)
        if not options.record:
            return self._pipeline().ask(question, options)
        recording = Recording(p.answer_log, self._library.search)  # sees the retrieval scores
        pipeline = self._pipeline(recording.search)
        answer = pipeline.ask(question, options)
        answer.log_id = recording.finish(answer, model.name, pipeline.adapter)
        return answer

    def _pipeline(self, search: SearchFn | None = None) -> AnswerPipeline:
        """The pipeline :meth:`ask` answers with, built from this engine's parts: the one
        construction every answering path uses (white-box tests and benches reach it)."""
        from sourcewise.core.answer.pipeline import AnswerPipeline

        p = self._parts
        return AnswerPipeline(p.settings, p.require_chat_model(), search or self._library.search,
                              p.reranker, p.store, p.models)  # fmt: skip

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
        whole = self._pipeline().documents()
        target = str(Path(path).expanduser().resolve())
        return whole.read([target], question, progress=progress, cancel=cancel)[0]

    def feedback(
        self,
        *,
        rating: int,
        comment: str = "",
        log_id: int | None = None,
        message_id: int | None = None,
    ) -> None:
        """Thumbs up (+1) or down (-1) on one answer, named by one of:

        - ``log_id``: its answer-log row (``Answer.log_id``, ``ChatMessage.log_id``);
        - ``message_id``: its message in a conversation (``ConversationTurn.message_id``,
          ``ChatMessage.id``), rated by its answer-log row when it has one, else kept with
          the message (an answer stored before answers carried their log id).

        Rating an answer again replaces its rating."""
        if log_id is not None and message_id is None:
            self._parts.answer_log.rate(log_id, rating, comment)
        elif message_id is not None and log_id is None:
            self._parts.chats.rate(message_id, rating, comment)
        else:
            raise ValueError("feedback() names its answer by one of log_id, message_id")

    def log(self, since: float | None = None) -> list[LoggedAnswer]:
        """The answers given since ``since`` (a timestamp), oldest first, with their ratings:
        what ``sourcewise report`` summarises."""
        return self._parts.answer_log.rows(since)
