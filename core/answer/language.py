"""The language a question is written in, so the answer and a decline come back in it.

Asked in German or Chinese, the 1.5B model answered in English, or quoted the passage (issue
23). A question is short, so this reads its script first (Han, kana, Hangul, Arabic,
Devanagari, Thai, Cyrillic, Greek) and, for Latin script, counts the function words of each
language; English, or too little to tell, gives None and the prompts stay as they are.
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

# The decline, said in the question's language (rule 4 of the answer prompt says it in English).
NOT_COVERED = {
    "German": "Die Dokumente enthalten dazu keine Angabe.",
    "Spanish": "Los documentos no tratan esto.",
    "French": "Les documents ne traitent pas de cette question.",
    "Italian": "I documenti non trattano questo argomento.",
    "Portuguese": "Os documentos não tratam disso.",
    "Dutch": "De documenten behandelen dit niet.",
    "Chinese": "文档中没有涉及这个问题。",
    "Japanese": "文書にはこの件についての記載がありません。",
    "Korean": "문서에 이에 대한 내용이 없습니다.",
    "Russian": "В документах об этом не говорится.",
    "Arabic": "لا تتناول المستندات هذا الموضوع.",
    "Hindi": "दस्तावेज़ों में इसका उल्लेख नहीं है।",
    "Greek": "Τα έγγραφα δεν καλύπτουν αυτό το θέμα.",
    "Turkish": "Belgeler bu konuyu kapsamıyor.",
    "Vietnamese": "Các tài liệu không đề cập đến điều này.",
    "Romanian": "Documentele nu tratează acest subiect.",
    "Thai": "เอกสารไม่ได้กล่าวถึงเรื่องนี้",
}


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


def not_covered(language: str | None) -> str | None:
    """The decline sentence in ``language``; None where English (or unknown) is meant."""
    return NOT_COVERED.get(language or "")
