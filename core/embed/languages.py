"""Which languages a library is written in, guessed cheaply, and the embedder hint it earns.

The default embedder (bge-small-en) reads English; on German, Chinese or Arabic text its
retrieval falls apart (bench/languages_embed.py). ``status`` samples a few hundred chunks,
guesses each one's language from its script and, for Latin script, from its commonest
function words, and proposes a multilingual embedder when most of the text is not English.
A guess, not a classifier: it only has to tell "mostly English" from "mostly not".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sourcewise.core.text.language import NAMES

if TYPE_CHECKING:
    from sourcewise.core.modelstore.manifest import ModelSpec

SAMPLE = 200  # chunks read for a guess: enough for a share to 5-10 points, quick on any store
MOSTLY = 0.5  # the non-English share above which the hint is given
UNDETERMINED = "und"  # no letters, or Latin text with none of the listed function words


# The two catalog reads the sample needs, as any library store has them (store.protocol.Store):
# spelt out here because the store sits above the embedders and checks their model.
class _ChunkReads(Protocol):
    def chunk_count(self) -> int: ...
    def chunks_after(self, last_id: int, limit: int) -> Sequence[tuple[int, str, str, int]]: ...


class _Library(Protocol):
    @property
    def catalog(self) -> _ChunkReads: ...


# The commonest short words of each Latin-script language, none shared with English.
_FUNCTION_WORDS = {
    "en": "the of and to in is that for it with as was on are be by this which from or have",
    "de": "der die und das ist nicht den von zu mit sich des auf für im dem eine ein auch wird",
    "fr": "le la les et des est une pour dans qui que sur pas du au avec ce sont par",
    "es": "el los las y del que en es por una para con se su al lo como más fue",
    "it": "il di che è la per una sono della nel con gli del le non si alla",
    "pt": "o os de que é do da em um uma para com não no na se dos ao",
    "nl": "de het een van en is niet dat op te zijn voor met ook aan wordt",
    "ro": "și în cu pe care este la din un o nu sunt mai fost pentru",
    "tr": "ve bir bu da de için ile olarak çok daha olan gibi ama en",
    "vi": "và của là có các được trong cho không những với này một người",
    "pl": "i w się nie na jest z do że to jak o po co przez",
    "sv": "och att det som är för av på med inte till den en har",
}  # fmt: skip
_WORDS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Unicode name prefixes of scripts that name their language well enough.
_SCRIPTS = (
    ("CJK", "zh"), ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("HANGUL", "ko"), ("ARABIC", "ar"),
    ("CYRILLIC", "ru"), ("GREEK", "el"), ("DEVANAGARI", "hi"), ("THAI", "th"), ("HEBREW", "he"),
    ("LATIN", "latin"),
)  # fmt: skip


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPTS:
        if name.startswith(prefix):
            return script
    return None


def guess_language(text: str) -> str:
    """An ISO 639-1 code for ``text``'s main language, or ``und`` when there is no telling."""
    scripts = Counter(s for ch in text if ch.isalpha() and (s := _script(ch)))
    if not scripts:
        return UNDETERMINED
    if scripts["ja"] and scripts["ja"] * 10 >= scripts["zh"]:  # kana among the kanji
        return "ja"
    script, _ = scripts.most_common(1)[0]
    if script != "latin":
        return script
    words = Counter(w.lower() for w in _WORD.findall(text))
    scores = {lang: sum(words[w] for w in vocab) for lang, vocab in _WORDS.items()}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] else UNDETERMINED


@dataclass(frozen=True)
class LanguageMix:
    """Shares of the sampled text (by characters) per language, largest first."""

    shares: dict[str, float]
    sampled: int  # chunks read

    @property
    def non_english(self) -> float:
        """The share of text in a known language other than English."""
        return sum(v for k, v in self.shares.items() if k not in ("en", UNDETERMINED))

    def main_languages(self, limit: int = 2) -> list[str]:
        """The largest non-English languages' names, each with at least a tenth of the text."""
        found = [k for k, v in self.shares.items() if k not in ("en", UNDETERMINED) and v >= 0.1]
        return [NAMES.get(k, k) for k in found[:limit]]


def language_mix(texts: Iterable[str]) -> LanguageMix:
    sizes: Counter[str] = Counter()
    count = 0
    for text in texts:
        count += 1
        sizes[guess_language(text)] += len(text)
    total = sum(sizes.values())
    shares = {k: v / total for k, v in sizes.most_common()} if total else {}
    return LanguageMix(shares, count)


def sample_texts(store: _Library, limit: int = SAMPLE) -> list[str]:
    """About ``limit`` chunk texts spread over the whole library: runs of five consecutive
    chunks at even steps of chunk id (ids grow as files are indexed, so steps cross files).
    Ids freed by re-indexing leave gaps, so the walk goes on to the last id and then keeps
    every n-th run: still spread evenly, at most a few hundred tiny queries."""
    total = store.catalog.chunk_count()
    run = 5
    step = max(run, total // max(1, limit // run))
    runs: list[list[str]] = []
    last = 0
    while rows := store.catalog.chunks_after(last, run):
        runs.append([row[1] for row in rows])
        last = rows[-1][0] + step - run
    keep = max(1, -(-len(runs) * run // limit))  # ceil: every keep-th run fits the limit
    return [text for texts in runs[::keep] for text in texts][:limit]


def embedder_hint(mix: LanguageMix, embed_model: str, models: Sequence[ModelSpec]) -> str | None:
    """A one-line proposal of a multilingual embedder, or None (mostly English, or the
    library already uses one)."""
    multilingual = [m for m in models if m.role == "embed" and m.multilingual]
    if mix.non_english < MOSTLY or not multilingual:
        return None
    if any(m.name == embed_model for m in multilingual):
        return None
    name = multilingual[0].name
    langs = "/".join(mix.main_languages()) or "not English"
    return (
        f"This library is mostly {langs} ({mix.non_english:.0%} of the text is not English) and "
        f"its embedder, {embed_model}, reads English: `sourcewise models install {name}`, then "
        f'set embed.model = "{name}" in settings.toml (or --set embed.model={name}) and run '
        f"`sourcewise index` again to re-embed."
    )
