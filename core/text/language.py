"""The language a question is written in: its script first (Han, kana, Hangul, Arabic,
Devanagari, Thai, Cyrillic, Greek), then, for Latin script, the function words of each
language. A question is short, so English, or too little to tell, gives None.

The answer is written (and a decline said) in the question's language (core/answer), and the
English cross-encoder reads only Latin-script queries (core/retrieve): on XQuAD's tune half it
ranked Chinese, Hindi and Thai passages no better than the fused first stage, and worse for
Chinese (bench/languages.py).
"""

from __future__ import annotations

import re

_SCRIPTS = (
    ("Japanese", re.compile(r"[\u3040-\u30ff]")),  # kana: before Han, which Japanese also uses
    ("Korean", re.compile(r"[\uac00-\ud7af]")),
    ("Chinese", re.compile(r"[\u4e00-\u9fff]")),
    ("Arabic", re.compile(r"[\u0600-\u06ff]")),
    ("Hindi", re.compile(r"[\u0900-\u097f]")),
    ("Thai", re.compile(r"[\u0e00-\u0e7f]")),
    ("Russian", re.compile(r"[\u0400-\u04ff]")),
    ("Greek", re.compile(r"[\u0370-\u03ff]")),
)
_FUNCTION_WORDS = {
    "English": "the a an of to in is are was were what who when where which how does do did",
    "German": "der die das den dem des ist sind war wer wie wann wo was welche welcher welches "
    "und nicht ein eine einen für mit auf bis muss man sich",
    "Spanish": "el la los las de del que qué es son fue quién cuándo dónde cómo cuál cuántos "
    "por para una un se en con",
    "French": "le la les des du est sont était qui quand où comment quel quelle que une un "
    "pour avec dans",
    "Italian": "il lo la gli le di del che è sono chi quando dove come quale quanto una per con",
    "Portuguese": "o a os as do da dos das que é são foi quem quando onde como qual quantos "
    "uma um para com em",
    "Dutch": "de het een van is zijn was wie wanneer waar hoe welke wat en niet voor met",
    "Turkish": "ve bir bu ne kim nerede nasıl hangi kaç mı mi mu mü için ile",
    "Vietnamese": "của là và có những được trong cho không ai gì nào đâu bao nhiêu",
    "Romanian": "și este sunt care cine unde când cum ce cât din pentru cu pe în",
}
_WORDS = {lang: set(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


def question_language(text: str) -> str | None:
    """The question's language by name ("German"), or None for English or when unsure."""
    for name, script in _SCRIPTS:
        if script.search(text):
            return name
    words = [w.lower() for w in _TOKEN.findall(text)]
    counts = {lang: sum(w in vocab for w in words) for lang, vocab in _WORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    if best == "English" or counts[best] == 0 or counts[best] <= counts["English"]:
        return None
    return best


def latin_script(text: str) -> bool:
    """Whether ``text`` is written in none of the non-Latin scripts above."""
    return not any(script.search(text) for _, script in _SCRIPTS)
