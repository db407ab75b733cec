"""The decline said in the question's language (rule 4 of the answer prompt says it in
English; asked in German or Chinese, the 1.5B model answered in English or quoted the
passage). The language itself is read by :mod:`sourcewise.core.text.language`."""

from __future__ import annotations

from sourcewise.core.text.language import question_language

__all__ = ["NOT_COVERED", "not_covered", "passage_says", "question_language"]

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


def not_covered(language: str | None) -> str | None:
    """The decline sentence in ``language``; None where English (or unknown) is meant."""
    return NOT_COVERED.get(language or "")


# What opens a quoted passage that stands in for a reply the model could not give.
PASSAGE_SAYS = {
    "German": "Die passendste Stelle lautet:",
    "Spanish": "El pasaje más pertinente dice:",
    "French": "Le passage le plus pertinent dit :",
    "Italian": "Il passo più pertinente dice:",
    "Portuguese": "O trecho mais pertinente diz:",
    "Dutch": "De best passende passage zegt:",
    "Chinese": "最相关的段落写道：",
    "Japanese": "最も関連する箇所の記載：",
    "Korean": "가장 관련 있는 구절:",
    "Russian": "Наиболее подходящий фрагмент гласит:",
    "Arabic": "يقول المقطع الأكثر صلة:",
    "Hindi": "सबसे प्रासंगिक अंश कहता है:",
    "Greek": "Το πιο σχετικό απόσπασμα λέει:",
    "Turkish": "En uygun pasaj şöyle diyor:",
    "Vietnamese": "Đoạn phù hợp nhất viết:",
    "Romanian": "Pasajul cel mai potrivit spune:",
    "Thai": "ข้อความที่ตรงที่สุดระบุว่า:",
}


def passage_says(language: str | None) -> str:
    """The opening of a quoted passage in ``language`` (English where unknown)."""
    return PASSAGE_SAYS.get(language or "", "The best-matching passage says:")
