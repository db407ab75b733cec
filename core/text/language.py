"""The language a question is written in: its script first (Han, kana, Hangul, Arabic,
Devanagari, Thai, Cyrillic, Greek), then, for Latin script, a character n-gram model of the
Latin-script languages (py3langid's). English, or too little to tell, gives None.

The answer is written (and a decline said) in the question's language (core/answer), and the
English cross-encoder reads only Latin-script queries (core/retrieve): on XQuAD's tune half it
ranked Chinese, Hindi and Thai passages no better than the fused first stage, and worse for
Chinese (bench/languages.py).
"""

from __future__ import annotations

import functools
import re
from typing import Any

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
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


# Languages by ISO 639-1 code, as prompts and status name them.
NAMES = {
    "en": "English", "de": "German", "es": "Spanish", "fr": "French", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "tr": "Turkish", "vi": "Vietnamese", "ro": "Romanian",
    "pl": "Polish", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "cs": "Czech",
    "fi": "Finnish", "hu": "Hungarian", "id": "Indonesian", "zh": "Chinese", "ja": "Japanese",
    "ko": "Korean", "ar": "Arabic", "ru": "Russian", "el": "Greek", "hi": "Hindi", "th": "Thai",
    "he": "Hebrew",
}  # fmt: skip

# Latin-script languages the model chooses among. Counting function words told 160 of XQuAD's
# 183 German tune-half questions from English ("Was hat Iqbal in England und Deutschland
# studiert?" holds "was" and "in", English words too), 122 Turkish and 118 Romanian; the model,
# restricted to these, 181, 181 and 182, and called none of 2,395 English questions (SQuAD 2.0,
# the 10-Q questions, the mixed folder's) another language.
_LATIN = ("en", "de", "es", "fr", "it", "pt", "nl", "tr", "vi", "ro", "pl", "sv", "da", "no",
          "cs", "fi", "hu", "id")  # fmt: skip
_SURE = 0.5  # the model's probability (over the languages above) below which it is unsure
_MIN_WORDS = 2  # "iPhone" or "Marconi" is no language


def question_language(text: str) -> str | None:
    """The question's language by name ("German"), or None for English or when unsure."""
    script = _script(text)
    if script is not None:
        return script
    code = _latin_language(text)
    return None if code in (None, "en") else NAMES[code]


def _latin_language(text: str) -> str | None:
    """The ISO 639-1 code of a Latin-script text's language, or None when unsure."""
    if len(_TOKEN.findall(text)) < _MIN_WORDS:
        return None
    code, probability = _identifier().classify(text)
    return str(code) if probability >= _SURE else None


@functools.cache
def _identifier() -> Any:
    """The n-gram model, loaded once (half a second: it is stored compressed)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(list(_LATIN))
    return model


def warm_up() -> None:
    """Load the model ahead of the first question (the engine's warm-up calls this)."""
    _identifier()


def in_english(text: str) -> bool:
    """Whether ``text`` (an answer) is English prose: Latin script, two words or more, and
    English to the model. Over sentences of XQuAD's tune-half articles it called all 173
    English ones English and none of 907 German, Spanish, Turkish, Romanian or Vietnamese ones
    (counting function words: 169, and 7); "Guglielmo Marconi" is no language."""
    return latin_script(text) and _latin_language(text) == "en"


def latin_script(text: str) -> bool:
    """Whether ``text`` is written in none of the non-Latin scripts above."""
    return _script(text) is None


# Alphabets spell a word in about as many letters as Latin does, so a few of their letters in
# a Latin-script question name a thing, not the language: "What is fully understood about γδ
# T cells?" (SQuAD) was read as Greek, answered "in Greek" and kept from the cross-encoder.
# Han, kana, Hangul and Thai count from one character: "What does 暗証番号 mean?" asks about
# the one word the English cross-encoder cannot read.
_ALPHABETS = frozenset({"Arabic", "Hindi", "Russian", "Greek"})
_ALPHABET_SHARE = 0.3  # of the text's words ("Τι έκανε το Tesla Electric Light …;": 3 of 7)


def _script(text: str) -> str | None:
    """The first non-Latin script of :data:`_SCRIPTS` that ``text`` is written in, if any."""
    for name, script in _SCRIPTS:
        if not script.search(text):
            continue
        if name not in _ALPHABETS or _share(script, text) >= _ALPHABET_SHARE:
            return name
    return None


def _share(script: re.Pattern[str], text: str) -> float:
    """The share of ``text``'s words that hold a letter of ``script``."""
    words = _TOKEN.findall(text)
    return sum(bool(script.search(w)) for w in words) / max(1, len(words))


# Words that ask for something (who, what, when …), by language: a question holding one wants a
# fact, which a yes/no question ("Does the policy allow remote work?") does not.
_ASKING_WORDS = (
    "what who whom whose when where which why how "  # English
    "was wer wen wem wessen wann wo woher wohin welche welcher welches welchen welchem warum "
    "wie wieso weshalb "  # German
    "qué quién quiénes cuándo dónde cuál cuáles cómo cuánto cuántos cuánta cuántas "  # Spanish
    "quoi qui quand où quel quelle quels quelles comment combien pourquoi "  # French
    "cosa chi dove quale quali come quanto quanti perché "  # Italian
    "quem onde qual quais quantos quantas porquê "  # Portuguese
    "wat wie wanneer waar welke welk hoe waarom hoeveel "  # Dutch
    "что кто когда где какой какая какое какие каких какую как сколько почему чей откуда куда "
    "чего кого кому чем "  # Russian
    "ما ماذا من متى أين كيف كم لماذا أي "  # Arabic
    "क्या कौन कब कहाँ कहां कैसे कितना कितने कितनी क्यों किस किसने "  # Hindi
    "τι ποιος ποια ποιο ποιοι ποιες πότε πού πώς πόσο πόσα πόσες γιατί "  # Greek
    "ne kim nerede hangi nasıl kaç neden "  # Turkish
    "gì ai đâu nào sao "  # Vietnamese
    "ce cine când unde care cum cât câți câte "  # Romanian
)
_ASKING = frozenset(_ASKING_WORDS.split())
# Scripts written without spaces: the asking word is found inside the run.
_ASKING_IN_RUN = re.compile(r"什么|什麼|谁|誰|哪|何|几|幾|多少|怎么|怎樣|如何|为什么|いつ|どこ|どの|どう|"
                            r"いくら|なぜ|무엇|누가|언제|어디|어떤|얼마|왜|อะไร|ใคร|เมื่อไร|ที่ไหน|อย่างไร|เท่าไร|ทำไม")  # fmt: skip


def asks_for_something(question: str) -> bool:
    """Whether ``question`` asks who, what, when, where, which, how or why, in any of the
    languages above, rather than only for yes or no."""
    if _ASKING_IN_RUN.search(question):
        return True
    return any(w.lower() in _ASKING for w in _TOKEN.findall(question))
