"""The decline said in the question's language (rule 4 of the answer prompt says it in
English; asked in German or Chinese, the 1.5B model answered in English or quoted the
passage). The language itself is read by :mod:`sourcewise.core.text.language`."""

from __future__ import annotations

from sourcewise.core.text.language import question_language

__all__ = ["NOT_COVERED", "not_covered", "question_language"]

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
