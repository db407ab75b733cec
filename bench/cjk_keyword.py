"""Keyword search in scripts written without spaces: how each way of cutting them finds XQuAD's
gold paragraph (issue 23). Prints a Markdown table.

Each language's half (bench/_xquad.py) is indexed as one chunk per paragraph through the real
SQLite index, and each question searched through the engine's Searcher: keyword search alone
(``Searcher.keyword``), or with ``--hybrid MODEL`` also the whole first stage and fusion
(``Searcher.search``, no reranker). gold@k: the question's paragraph among the first k.

Candidates (the index's gram column and the query's terms for a run of Chinese, Japanese,
Thai..., swapped in for the run; the word index and English stay as they are):

- today:     no gram index, the query's words as \\w+ runs (before issue 23)
- bigram:    overlapping character pairs (store/grams.py: what the index ships)
- uni+bi:    single characters and pairs
- trigram:   overlapping character triples (a run shorter than three is one term; FTS5's
             ``trigram`` tokenizer matches the same triples)
- bi-cp:     pairs of code points (a Thai vowel or tone mark counted as a character)
- dict:      dictionary words (jieba's search mode for Chinese, PyThaiNLP's newmm for Thai;
             both only where installed: pip install jieba pythainlp)

    python bench/cjk_keyword.py [--langs zh,th,en,de] [--half tune] [--hybrid bge-small-en] [--data DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _xquad

from sourcewise.core.factory import build_engine
from sourcewise.core.retrieve import keyword
from sourcewise.core.retrieve.search import Searcher
from sourcewise.core.settings import Settings
from sourcewise.core.store import content, fts, grams
from sourcewise.core.store.rows import BlobInfo, ChunkRecord
from sourcewise.core.text.stopwords import STOPWORDS
from sourcewise.core.types import SearchFilters

RunCut = Callable[[str], list[str]]
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Candidate:
    name: str
    cut: RunCut | None  # a run of a spaceless script -> its terms; None: today's index


def _union(*cuts: RunCut) -> RunCut:
    return lambda run: [t for cut in cuts for t in cut(run)]


def _code_points(n: int) -> RunCut:
    def cut(run: str) -> list[str]:
        return [run] if len(run) <= n else [run[i : i + n] for i in range(len(run) - n + 1)]

    return cut


def _dictionary() -> RunCut | None:
    """Dictionary words for Han and Thai runs (pairs for any other), when both are installed."""
    try:
        import jieba
        from pythainlp.tokenize import word_tokenize
    except ImportError:
        return None
    jieba.setLogLevel(60)

    def cut(run: str) -> list[str]:
        if re.match("[\u0e00-\u0e7f]", run):
            words = word_tokenize(run, engine="newmm")
        elif re.search("[\u3400-\u9fff]", run):
            words = jieba.lcut_for_search(run)
        else:
            return grams.run_grams(run)
        return [w for w in (w.strip() for w in words) if w]

    return cut


def candidates() -> list[Candidate]:
    found = [
        Candidate("today", None),
        Candidate("bigram", grams.run_grams),
        Candidate("uni+bi", _union(lambda r: grams.run_grams(r, 1), grams.run_grams)),
        Candidate("trigram", lambda r: grams.run_grams(r, 3)),
        Candidate("bi-cp", _code_points(2)),
    ]
    words = _dictionary()
    if words is not None:
        found.append(Candidate("dict", words))
    return found


def _today_terms(query: str) -> list[str]:
    """query_terms before issue 23: \\w+ runs, a Chinese sentence being one 'word'."""
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(query)))
    content_words = [w for w in words if w not in STOPWORDS]
    return content_words or words


def _terms(cut: RunCut) -> Callable[[str], list[str]]:
    def terms(query: str) -> list[str]:
        found: list[str] = []
        for text, spaceless in grams.segments(query):
            found.extend(cut(text) if spaceless else _WORD.findall(text))
        words = list(dict.fromkeys(w.lower() for w in found))
        content_words = [w for w in words if w not in STOPWORDS]
        return content_words or words

    return terms


@contextmanager
def swapped(candidate: Candidate) -> Iterator[None]:
    """The index writes, and the keyword search reads, the candidate's terms."""
    with ExitStack() as stack:
        if candidate.cut is None:
            stack.enter_context(mock.patch.object(content, "chunk_grams", lambda t, h="": ""))
            stack.enter_context(mock.patch.object(keyword, "query_terms", _today_terms))
            stack.enter_context(mock.patch.object(fts, "is_gram", lambda t: False))
        elif candidate.cut is not grams.run_grams:  # the shipped index needs nothing swapped
            cut = candidate.cut

            def index_terms(text: str, heading: str = "") -> str:
                parts = grams.segments(f"{heading}\n{text}")
                return " ".join(t for part, spaceless in parts if spaceless for t in cut(part))

            stack.enter_context(mock.patch.object(content, "chunk_grams", index_terms))
            stack.enter_context(mock.patch.object(keyword, "query_terms", _terms(cut)))
        yield


# A sentence ends at its stop (and the spaces after it); Thai ends one with two spaces (one
# space ends a phrase).
_SENTENCE = re.compile(r"[^。！？!?.]+(?:[。！？!?.]+|$)\s*")
_THAI_SENTENCE = re.compile(r".+?(?:\s{2,}|$)")

Unit = tuple[int, int, int]  # (paragraph, start, end) of a chunk


def units(half: _xquad.Split, lang: str, sentences: bool) -> list[tuple[Unit, str]]:
    """The chunks to index: each paragraph whole, or each sentence of it."""
    out: list[tuple[Unit, str]] = []
    for i, (_, text) in enumerate(half.paragraphs):
        if not sentences:
            out.append(((i, 0, len(text)), text))
            continue
        pattern = _THAI_SENTENCE if lang == "th" else _SENTENCE
        out.extend(((i, m.start(), m.end()), m.group().strip()) for m in pattern.finditer(text)
                   if m.group().strip())  # fmt: skip
    return out


def index_half(
    searcher: Searcher, half: _xquad.Split, chunks_of: list[tuple[Unit, str]]
) -> dict[int, Unit]:
    """One file per article, one chunk per unit; chunk id -> its unit."""
    store = searcher.index
    cid = store.content.collection_id("xquad") or 0
    unit_of: dict[int, Unit] = {}
    for article in half.articles:
        mine = [(u, t) for u, t in chunks_of if half.paragraphs[u[0]][0] == article]
        chunks = [ChunkRecord(t, "", None, None, None, u[1], u[2], max(1, len(t.split())))
                  for u, t in mine]  # fmt: skip
        blob = BlobInfo(f"sha-{article}", 1, "md", article, None, None, 1, None)
        vecs = searcher.embedder.embed_documents([c.text for c in chunks])
        path = Path(f"/xquad/{article}.md")
        store.content.commit_new_content(cid, path, (1, 1.0), blob, chunks, vecs)
        (doc,) = store.find_documents([str(path)])
        stored = store.document_passages(doc.document_id)  # in the order committed
        unit_of.update((p.chunk_id, u) for p, (u, _) in zip(stored, mine, strict=True))
    store.save_vectors()
    return unit_of


def gold_rank(ranked: list[int], unit_of: dict[int, Unit], q: _xquad.Question) -> int | None:
    """The 1-based rank of the chunk holding the question's answer, None when not returned."""
    for rank, cid in enumerate(ranked, 1):
        para, start, end = unit_of.get(cid, (-1, 0, 0))
        if para == q.paragraph and start <= q.start < end:
            return rank
    return None


def measure(
    candidate: Candidate, lang: str, half: _xquad.Split, model: str, sentences: bool
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as home, swapped(candidate):
        settings = Settings(home=Path(home), embed={"model": model})
        engine = build_engine(settings, chat_model=None)
        searcher = Searcher(engine.settings, engine._parts.store, engine._parts.embedder, None)
        unit_of = index_half(searcher, half, units(half, lang, sentences))
        ranks: dict[str, list[int | None]] = {"kw": [], "hy": []}
        for q in half.questions:
            kw = searcher.keyword(q.text, 10, None)
            ranks["kw"].append(gold_rank(sorted(kw, key=lambda c: -kw[c]), unit_of, q))
            if model != "hash":
                hits = searcher.search(q.text, 10, SearchFilters())
                ranks["hy"].append(gold_rank([h.chunk_id for h in hits], unit_of, q))
        engine.close()
    out: dict[str, float] = {}
    for kind, found in ranks.items():
        if found:
            out[f"{kind}@1"] = sum(r == 1 for r in found) / len(found)
            out[f"{kind}@5"] = sum(r is not None and r <= 5 for r in found) / len(found)
            out[f"{kind}-mrr"] = sum(1 / r for r in found if r) / len(found)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--langs", default="zh,th,en,de")
    ap.add_argument("--half", choices=("tune", "report"), default="tune")
    ap.add_argument("--hybrid", default="", help="an embedding model: also Searcher.search")
    ap.add_argument("--candidates", default="", help="names to run (default: all)")
    ap.add_argument("--sentences", action="store_true", help="one chunk per sentence")
    ap.add_argument("--data", type=Path, default=_xquad.XQUAD, help="the XQuAD folder")
    args = ap.parse_args(argv)
    model = args.hybrid or "hash"
    names = set(args.candidates.split(",")) if args.candidates else None
    chosen = [c for c in candidates() if names is None or c.name in names]
    cols = ["kw@1", "kw@5", "kw-mrr"] + (["hy@1", "hy@5", "hy-mrr"] if args.hybrid else [])
    unit = "sentence" if args.sentences else "paragraph"
    print(f"XQuAD {args.half} half, one chunk per {unit}; kw = keyword search alone, "
          f"hy = Searcher.search with {model} (no reranker); gold@k, MRR@10.\n")  # fmt: skip
    print("| lang | questions | candidate | " + " | ".join(cols) + " |")
    print("|---|---|---|" + "---|" * len(cols))
    for lang in args.langs.split(","):
        half = _xquad.load(lang, args.half, args.data)
        for cand in chosen:
            row = measure(cand, lang, half, model, args.sentences)
            cells = " | ".join(f"{row[c]:.3f}" for c in cols)
            print(f"| {lang} | {len(half.questions)} | {cand.name} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
