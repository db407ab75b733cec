"""BM25 keyword search on PostgreSQL: the same ranking function as SQLite's FTS5 ``bm25()``.

PostgreSQL's own ``ts_rank`` has no inverse document frequency and no length normalisation:
on SciFact's train queries, keyword search alone scored nDCG@10 0.565 with it against 0.701 for
FTS5's BM25, and the hybrid pipeline lost 0.035 on the test queries (docs/benchmarks.md). So
BM25 is computed here from what the GIN index gives cheaply:

- **df**: the rows matching each term, all fetched through the GIN index (the
  term-selection policy in ``retrieve/keyword.py`` keeps them within
  ``keyword_postings_budget`` and has already dropped words without a lexeme);
- **tf**: recovered exactly from ``ts_rank`` of the one-term query with all four weights 1 and
  no normalisation, which is ``H2(tf) / H2(inf)`` with ``H2(n) = 1 + 1/4 + ... + 1/n^2``
  (PostgreSQL's ``calc_rank_or``; ``tests/store`` checks the inversion on a live server).
  Reading positions with ``unnest(tsv)`` instead took 8x longer;
- **dl**: the chunk's token count, relative to the library's mean (refreshed once a minute:
  a full count on a million rows costs more than the query).
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sourcewise.core.store.grams import is_gram

K1 = 1.2  # FTS5's bm25() constants
B = 0.75
STATS_TTL_S = 60.0
_MAX_TF = 256  # a tsvector keeps at most 256 positions per lexeme


def _rank_table() -> list[float]:
    """``ts_rank`` of a one-term query for tf = 1, 2, ..., increasing."""
    partial, out = 0.0, []
    for n in range(1, _MAX_TF + 1):
        partial += 1.0 / (n * n)
        out.append(partial / 1.64493406685)  # the constant calc_rank_or divides by
    return out


_RANKS = _rank_table()


def term_frequency(rank: float) -> int:
    """The tf whose one-term ``ts_rank`` is nearest ``rank`` (exact: the steps are far wider
    than float4's precision up to the 256 positions a tsvector keeps)."""
    i = bisect.bisect_left(_RANKS, rank)
    if i >= len(_RANKS):
        return _MAX_TF
    if i > 0 and rank - _RANKS[i - 1] < _RANKS[i] - rank:
        return i
    return i + 1


def bm25(tf: int, df: int, n_docs: int, length: float, mean_length: float) -> float:
    idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
    norm = 1.0 - B + B * (length / mean_length if mean_length > 0 else 1.0)
    return idf * tf * (K1 + 1.0) / (tf + K1 * norm)


@dataclass(frozen=True)
class Side:
    """One of the two keyword indexes of ``chunks``: its tsvector column, the configuration
    that reads a term for it, and a chunk's length in its terms."""

    column: str
    config: str
    length: str


# The word index (English stemming) and the gram index of the scripts written without spaces
# (store/grams.py), which only the chunks holding such a script are part of, as in FTS5.
WORDS = Side("tsv", "english", "tokens")
GRAMS = Side("gram_tsv", "simple", "gram_count")


def _matches(side: Side) -> str:
    """Each term's matching chunks through the GIN index, with the term's one-term ts_rank:
    rows per term, so a chunk is ranked only for the terms it holds (one OR query instead
    ranked every matching chunk for every term: 38 ms a query on SciFact against 22 ms)."""
    return (
        f"SELECT t.i, ch.id, ch.{side.length}, ts_rank('{{1,1,1,1}}', ch.{side.column}, t.q, 0) "
        f"FROM (SELECT i, plainto_tsquery('{side.config}', w) AS q "
        f"FROM unnest(%s::text[]) WITH ORDINALITY AS u(w, i)) t "
        f"JOIN chunks ch ON ch.{side.column} @@ t.q"
    )


def _use_the_gin_index(conn: Any) -> None:
    """The chosen terms' rows are found through the GIN index, never by reading the table
    (they are the rarer words, within the postings budget): without fresh statistics the
    planner chose a sequential scan per term. Applies to this transaction only."""
    conn.execute("SET LOCAL enable_seqscan = off")


@dataclass
class _Stats:
    read_at: float
    rows: int  # chunks in the index
    mean_length: float
    common: dict[str, float]  # the commonest lexemes and the share of rows holding each


class PgKeywords:
    """The ``keywords`` side of the PostgreSQL store (store protocol ``KeywordIndex``)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._stats: dict[Side, _Stats] = {}

    def top(self, words: Sequence[str], n: int, allowed: Sequence[int] | None) -> dict[int, float]:
        if not words or n <= 0 or (allowed is not None and not len(allowed)):
            return {}
        keep = None if allowed is None else {int(i) for i in allowed}
        scores: dict[int, float] = {}
        for side in (WORDS, GRAMS):
            terms = [w for w in words if is_gram(w) == (side is GRAMS)]
            if terms:
                for cid, s in self._scores(side, terms, keep).items():
                    scores[cid] = scores.get(cid, 0.0) + s
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        return dict(best)

    def _scores(self, side: Side, terms: list[str], keep: set[int] | None) -> dict[int, float]:
        """BM25 of every chunk holding any of ``terms`` (among ``keep``) in one index."""
        with self.conn.transaction():
            _use_the_gin_index(self.conn)
            rows = self.conn.execute(_matches(side), [terms]).fetchall()
        if not rows:
            return {}
        stats = self._library_stats(side)
        df: dict[int, int] = {}
        for term, *_ in rows:
            df[term] = df.get(term, 0) + 1
        # Frequencies over the whole library, as FTS5's are, even when a filter narrows the
        # rows that may be returned.
        scores: dict[int, float] = {}
        for term, chunk_id, length, rank in rows:
            cid = int(chunk_id)
            if keep is not None and cid not in keep:
                continue
            tf = term_frequency(float(rank))
            s = bm25(tf, df[term], max(stats.rows, df[term]), float(length), stats.mean_length)
            scores[cid] = scores.get(cid, 0.0) + s
        return scores

    def rows_matching(self, word: str, cap: int) -> int | None:
        """Rows holding ``word``, counted to ``cap``; ``cap`` without counting when the
        planner's statistics say the word is in far more rows (its GIN bitmap took 300 ms at
        1M chunks, and such a word is dropped anyway); through the index otherwise, so a rare
        word never costs a table scan. None for a word with no lexeme (a stopword)."""
        side = GRAMS if is_gram(word) else WORDS
        (lexemes,) = self.conn.execute(
            f"SELECT ARRAY(SELECT lexeme FROM unnest(to_tsvector('{side.config}', %s)))", [word]
        ).fetchone()
        if not lexemes:
            return None
        stats = self._library_stats(side)
        if min(stats.common.get(str(x), 0.0) for x in lexemes) * stats.rows > 2 * cap:
            return int(cap)
        with self.conn.transaction():
            _use_the_gin_index(self.conn)
            (count,) = self.conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM chunks WHERE {side.column} @@ "
                f"plainto_tsquery('{side.config}', %s) LIMIT %s) x",
                [word, int(cap)],
            ).fetchone()
        return int(count)

    def _library_stats(self, side: Side) -> _Stats:
        """The index's chunks, their mean length and commonest lexemes (from the planner's
        statistics: none until the table is first analysed), read at most once a minute: a
        full count on a million rows costs more than the query."""
        now = time.monotonic()
        held = self._stats.get(side)
        if held is not None and now - held.read_at <= STATS_TTL_S:
            return held
        # Only the chunks holding grams are in the gram index (a chunk has words whenever
        # it has text).
        where = f" WHERE {side.length} > 0" if side is GRAMS else ""
        row = self.conn.execute(
            f"SELECT count(*), avg({side.length}) FROM chunks{where}"
        ).fetchone()
        found = self.conn.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'chunks' AND attname = %s",
            [side.column],
        ).fetchone()
        elems, freqs = found or (None, None)
        # The frequencies array ends with three summary values, which zip leaves out.
        common = dict(zip(elems or [], [float(f) for f in freqs or []], strict=False))
        stats = _Stats(now, int(row[0] or 0), float(row[1] or 0.0), common)
        self._stats[side] = stats
        return stats
