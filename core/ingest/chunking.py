"""Structure-aware chunking: headings and pages bound chunks, paragraphs are kept whole.

Sizes are counted in the embedder's own tokens. Blocks are packed into chunks up to the target
size; a heading always starts a new chunk, a page change starts one unless the chunk so far is a
tiny fragment; a block larger than the target is split at sentence (then word) boundaries; a
chunk cut for size repeats the tail of its predecessor (overlap). Every chunk keeps its heading
path, pages and character span in the document's extracted text (blocks joined by blank lines).

A table is a chunk of its own (kind "table"): the stacked headings and the short lines just
above it (its caption: "The following table shows net sales by category … (dollars in
millions):", the column dates) join it when they fit, so the rows are found by what the caption
says of them. A big table is split between rows, and every piece after the first starts with the
table's header lines again, so that chunk's text is that prefix followed by its span.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.store.rows import ChunkRecord
from sourcewise.core.text.scale import scale_of
from sourcewise.core.text.sentences import ends_sentence, sentences
from sourcewise.core.text.table_rule import rule_index

TokenCounter = Callable[[str], int]
SEPARATOR = "\n\n"
_SCALE_LOOK = 400  # characters of a caption, or of a table's first lines, searched for a scale


@dataclass(frozen=True)
class Piece:
    """A span of the extracted text small enough to pack: a block or part of one."""

    start: int
    end: int
    tokens: int
    page: int | None
    page_label: str | None
    heading: str
    is_heading: bool = False  # the piece is a heading line itself
    kind: str = "text"  # "table" for a table block or a row range of one
    prefix: str = ""  # a table's caption and header lines, repeated before a later row range
    lead: bool = False  # a short line just above a table (its caption): it opens the table's chunk


@dataclass
class _Open:
    pieces: list[Piece] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return sum(p.tokens for p in self.pieces)


def document_text(doc: ParsedDocument) -> tuple[str, list[int]]:
    """The extracted text chunks' spans refer to, and each block's start offset in it."""
    starts: list[int] = []
    pos = 0
    for block in doc.blocks:
        starts.append(pos)
        pos += len(block.text) + len(SEPARATOR)
    return SEPARATOR.join(b.text for b in doc.blocks), starts


class Chunker:
    def __init__(
        self,
        count_tokens: TokenCounter,
        target: int,
        overlap: int,
        minimum: int,
        table_target: int | None = None,
    ) -> None:
        self.count = count_tokens
        self.target = target
        # Tables are cut less often than prose: a statement's rows belong together, and search
        # shows one hit per page, so a second piece of the same table was rarely seen.
        self.table_target = max(target, table_target or target)
        self.overlap = min(overlap, target // 2)
        self.minimum = minimum

    def chunk(self, doc: ParsedDocument) -> tuple[str, list[ChunkRecord]]:
        text, starts = document_text(doc)
        chunks: list[ChunkRecord] = []
        current = _Open()
        for group in self._pieces(doc.blocks, starts, text):
            for piece in group:
                limit = self.table_target if piece.kind == "table" or piece.lead else self.target
                if self._must_break(current, piece):
                    self._flush(current, text, chunks)
                    current = _Open()
                elif current.pieces and current.tokens + piece.tokens > limit:
                    self._flush(current, text, chunks)
                    tail = self._overlap_tail(current, text) if piece.kind == "text" else []
                    current = _Open(tail)
                current.pieces.append(piece)
        self._flush(current, text, chunks)
        return text, chunks

    # -- pieces ----------------------------------------------------------------------------------
    def _pieces(self, blocks: list[Block], starts: list[int], text: str) -> list[list[Piece]]:
        path: list[str] = []
        groups: list[list[Piece]] = []
        caption = ""  # the short blocks just above a table: where its scale is stated
        above: list[tuple[int, int]] = []  # their groups and lengths: they open the table's chunk
        for block, start in zip(blocks, starts, strict=True):
            if not block.text.strip():
                continue
            if block.kind == "heading":
                level = max(1, block.level or 1)
                path = [*path[: level - 1], block.text.strip()]
            heading = " > ".join(path)
            if block.kind == "table":
                # The heading says the table's scale, for a row range without the caption too.
                scale = scale_of(caption + "\n" + block.text[:_SCALE_LOOK])
                heading = f"{heading} ({scale})".lstrip() if scale else heading
                for i, _ in above:
                    groups[i] = [replace(p, lead=True) for p in groups[i]]
            short = len(block.text) <= _SCALE_LOOK and block.kind not in ("heading", "table")
            caption = (caption + "\n" + block.text)[-_SCALE_LOOK:] if short else ""
            # The caption: the short blocks right above, together within _SCALE_LOOK, that are
            # not sentences of prose ("…(dollars in millions):", "Three Months Ended", "July 1,").
            above = [*above, (len(groups), len(block.text))] if _caption_line(block, short) else []
            while sum(n for _, n in above) > _SCALE_LOOK:
                above.pop(0)
            pieces = self._split_block(block, start, heading)
            if block.kind == "heading":
                pieces = [replace(p, is_heading=True) for p in pieces]
            groups.append(pieces)
        return groups

    def _split_block(self, block: Block, start: int, heading: str) -> list[Piece]:
        tokens = self.count(block.text)
        kind = "table" if block.kind == "table" else "text"
        if tokens <= (self.table_target if kind == "table" else self.target):
            return [Piece(start, start + len(block.text), tokens, block.page, block.page_label,
                          heading, kind=kind)]  # fmt: skip
        if kind == "table" and (rows := self._table_rows(block, start, heading)):
            return rows
        # Sentences, each counted once, grouped greedily into pieces of at most the target.
        pieces: list[Piece] = []
        group: list[tuple[int, int, int]] = []
        for span in self._spans(block.text):
            if group and sum(n for _, _, n in group) + span[2] > self.target:
                pieces.append(self._piece(group, start, block, heading))
                group = []
            group.append(span)
        if group:
            pieces.append(self._piece(group, start, block, heading))
        return pieces

    def _table_rows(self, block: Block, start: int, heading: str) -> list[Piece]:
        """Row ranges of a Markdown table, each within the target with the header repeated;
        [] when the block is not a Markdown table (then it splits like prose)."""
        lines = block.text.split("\n")
        rule = rule_index(lines)
        if rule is None or rule + 1 >= len(lines):
            return []
        prefix = "\n".join(lines[: rule + 1]) + "\n"
        budget = max(1, self.table_target - self.count(prefix))
        ranges: list[tuple[int, int]] = []  # offsets in block.text
        first, pos, size = 0, len(prefix), 0  # the first range holds the header itself
        for line in lines[rule + 1 :]:
            n = self.count(line)
            if size and size + n > budget:
                ranges.append((first, pos - 1))
                first, size = pos, 0
            pos += len(line) + 1
            size += n
        ranges.append((first, pos - 1))
        pieces = []
        for i, (s, e) in enumerate(ranges):
            repeat = prefix if i else ""
            pieces.append(Piece(start + s, start + e, self.count(repeat + block.text[s:e]),
                                block.page, block.page_label, heading, kind="table",
                                prefix=repeat))  # fmt: skip
        return pieces

    @staticmethod
    def _piece(group: list[tuple[int, int, int]], start: int, block: Block, heading: str) -> Piece:
        tokens = sum(n for _, _, n in group)
        return Piece(start + group[0][0], start + group[-1][1], tokens, block.page,
                     block.page_label, heading)  # fmt: skip

    def _spans(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, tokens) of each sentence (or clause, cut after ; and :); one still over
        the target is cut into word windows."""
        spans: list[tuple[int, int, int]] = []
        for s in sentences(text, clauses=True):
            spans.extend(self._word_windows(text, s.start, s.end))
        return spans

    def _word_windows(self, text: str, start: int, end: int) -> list[tuple[int, int, int]]:
        n = self.count(text[start:end])
        if n <= self.target:
            return [(start, end, n)]
        words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
        # ~0.75 words per token is typical for WordPiece on English prose; stay under the target.
        step = max(1, int(self.target * 0.6))
        windows = [(words[i][0], words[min(i + step, len(words)) - 1][1])
                   for i in range(0, len(words), step)]  # fmt: skip
        return [(s, e, self.count(text[s:e])) for s, e in windows]

    # -- packing ---------------------------------------------------------------------------------
    def _must_break(self, current: _Open, piece: Piece) -> bool:
        if not current.pieces:
            return False
        last = current.pieces[-1]
        if all(p.is_heading for p in current.pieces):
            return False  # "1. Results" straight before "1.1 Sales": keep the headings together
        if piece.lead:
            return not last.lead  # a caption starts the table's chunk
        if piece.kind == "table" and last.lead and not piece.prefix:
            return False  # the table's first rows, after its caption
        if "table" in (piece.kind, last.kind):
            return True  # a table (or a row range of one) is a chunk of its own
        if piece.heading != last.heading:
            return True  # a new section (heading) always starts a new chunk
        return piece.page != last.page and current.tokens >= self.minimum

    def _overlap_tail(self, done: _Open, text: str) -> list[Piece]:
        if self.overlap <= 0:
            return []
        last = done.pieces[-1]
        if last.kind == "table":
            return []
        spans = self._spans(text[last.start : last.end])
        tail: list[Piece] = []
        budget = self.overlap
        for s, e, n in reversed(spans):
            if n > budget:
                break
            budget -= n
            tail.insert(0, Piece(last.start + s, last.start + e, n, last.page, last.page_label,
                                 last.heading))  # fmt: skip
        return tail

    def _flush(self, current: _Open, text: str, out: list[ChunkRecord]) -> None:
        if not current.pieces:
            return
        kind = "table" if any(p.kind == "table" for p in current.pieces) else "text"
        if out and current.tokens < self.minimum and self._mergeable(out[-1], current, kind):
            prev = out.pop()
            start, end = prev.start, current.pieces[-1].end
            pages = [p for p in (prev.page_start, prev.page_end) if p is not None]
            pages += [p.page for p in current.pieces if p.page is not None]
            out.append(self._record(text, start, end, prev.heading, pages, prev.page_label))
            return
        first = current.pieces[0]
        body = next((p for p in current.pieces if not p.is_heading and not p.lead
                     and (p.kind == kind)), current.pieces[-1])  # fmt: skip
        pages = [p.page for p in current.pieces if p.page is not None]
        # The heading path of the chunk's content, i.e. the deepest of stacked headings.
        out.append(self._record(text, first.start, current.pieces[-1].end, body.heading, pages,
                                first.page_label, kind, first.prefix))  # fmt: skip

    def _mergeable(self, prev: ChunkRecord, current: _Open, kind: str) -> bool:
        if "table" in (prev.kind, kind):
            return False  # a table stays a chunk of its own, however small
        return prev.heading == current.pieces[0].heading and prev.tokens + current.tokens <= int(
            self.target * 1.5
        )

    def _record(
        self,
        text: str,
        start: int,
        end: int,
        heading: str,
        pages: list[int],
        label: str | None,
        kind: str = "text",
        prefix: str = "",
    ) -> ChunkRecord:
        body = prefix + text[start:end]
        return ChunkRecord(
            text=body,
            heading=heading,
            page_start=min(pages) if pages else None,
            page_end=max(pages) if pages else None,
            page_label=label,
            start=start,
            end=end,
            tokens=self.count(body),
            kind=kind,
        )


def _caption_line(block: Block, short: bool) -> bool:
    text = block.text.rstrip()
    return short and (text.endswith(":") or not ends_sentence(text))


def embedding_text(chunk: ChunkRecord) -> str:
    """What gets embedded: the heading path gives a chunk its context (it is not in ``text``)."""
    return f"{chunk.heading}\n{chunk.text}" if chunk.heading else chunk.text
