"""The decline said in the question's language, its reason too (rule 4 of the answer prompt
says it in English; asked in German or Chinese, the 1.5B model answered in English or quoted the
passage). The language itself is read by :mod:`sourcewise.core.text.language`."""

from __future__ import annotations

from sourcewise.core.text.language import in_english, question_language

__all__ = [
    "NOT_COVERED",
    "REASONS",
    "in_english",
    "not_covered",
    "nothing_found",
    "passage_says",
    "question_language",
    "reason_in",
]

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


# Why an answer was declined, said after the decline sentence (issue 23, item 4: the whole
# decline in the question's language, not only its opening). Keyed by the English reason, which
# stays the answer's ``reason`` (the desktop shows it under its own English heading).
NO_PASSAGE = "No passage in the indexed documents matches the question."
NOT_CLOSE = "No passage matches the question closely."
NOT_STATED = "The passages found are on the topic but do not state the answer."
MODEL_DECLINED = "The model found no answer in the passages."
REASONS: dict[str, dict[str, str]] = {
    NO_PASSAGE: {
        "German": "Keine Stelle in den indexierten Dokumenten passt zur Frage.",
        "Spanish": "Ningún pasaje de los documentos indexados corresponde a la pregunta.",
        "French": "Aucun passage des documents indexés ne correspond à la question.",
        "Italian": "Nessun passo dei documenti indicizzati corrisponde alla domanda.",
        "Portuguese": "Nenhum trecho dos documentos indexados corresponde à pergunta.",
        "Dutch": "Geen passage in de geïndexeerde documenten past bij de vraag.",
        "Chinese": "已索引的文档中没有与该问题相符的段落。",
        "Japanese": "索引済みの文書に、質問に合う箇所はありません。",
        "Korean": "색인된 문서에 질문과 맞는 구절이 없습니다.",
        "Russian": "Ни один фрагмент проиндексированных документов не соответствует вопросу.",
        "Arabic": "لا يوجد مقطع في المستندات المفهرسة يطابق السؤال.",
        "Hindi": "अनुक्रमित दस्तावेज़ों का कोई अंश प्रश्न से मेल नहीं खाता।",
        "Greek": "Κανένα απόσπασμα των ευρετηριασμένων εγγράφων δεν ταιριάζει με την ερώτηση.",
        "Turkish": "Dizinlenen belgelerde soruyla eşleşen bir pasaj yok.",
        "Vietnamese": "Không có đoạn nào trong các tài liệu đã lập chỉ mục khớp với câu hỏi.",
        "Romanian": "Niciun pasaj din documentele indexate nu se potrivește cu întrebarea.",
        "Thai": "ไม่มีข้อความในเอกสารที่จัดทำดัชนีไว้ที่ตรงกับคำถาม",
    },
    NOT_CLOSE: {
        "German": "Keine Stelle passt genau genug zur Frage.",
        "Spanish": "Ningún pasaje se ajusta lo bastante a la pregunta.",
        "French": "Aucun passage ne correspond assez précisément à la question.",
        "Italian": "Nessun passo corrisponde abbastanza alla domanda.",
        "Portuguese": "Nenhum trecho corresponde o suficiente à pergunta.",
        "Dutch": "Geen passage past goed genoeg bij de vraag.",
        "Chinese": "没有与该问题足够接近的段落。",
        "Japanese": "質問に十分に合う箇所はありません。",
        "Korean": "질문과 충분히 맞는 구절이 없습니다.",
        "Russian": "Ни один фрагмент не соответствует вопросу достаточно близко.",
        "Arabic": "لا يوجد مقطع يطابق السؤال بدقة كافية.",
        "Hindi": "कोई भी अंश प्रश्न से पर्याप्त रूप से मेल नहीं खाता।",
        "Greek": "Κανένα απόσπασμα δεν ταιριάζει αρκετά με την ερώτηση.",
        "Turkish": "Hiçbir pasaj soruyla yeterince yakından eşleşmiyor.",
        "Vietnamese": "Không có đoạn nào khớp đủ sát với câu hỏi.",
        "Romanian": "Niciun pasaj nu se potrivește suficient de bine cu întrebarea.",
        "Thai": "ไม่มีข้อความที่ตรงกับคำถามมากพอ",
    },
    NOT_STATED: {
        "German": "Die gefundenen Stellen behandeln das Thema, nennen die Antwort aber nicht.",
        "Spanish": "Los pasajes encontrados tratan el tema, pero no dan la respuesta.",
        "French": "Les passages trouvés portent sur le sujet mais ne donnent pas la réponse.",
        "Italian": "I passi trovati riguardano l'argomento ma non danno la risposta.",
        "Portuguese": "Os trechos encontrados tratam do tema, mas não dão a resposta.",
        "Dutch": "De gevonden passages gaan over het onderwerp, maar geven het antwoord niet.",
        "Chinese": "找到的段落与主题相关，但没有给出答案。",
        "Japanese": "見つかった箇所は話題に関連していますが、答えは書かれていません。",
        "Korean": "찾은 구절은 주제와 관련이 있지만 답을 제시하지 않습니다.",
        "Russian": "Найденные фрагменты относятся к теме, но не содержат ответа.",
        "Arabic": "المقاطع التي عُثر عليها تتناول الموضوع لكنها لا تذكر الإجابة.",
        "Hindi": "मिले हुए अंश विषय से जुड़े हैं, पर उनमें उत्तर नहीं दिया गया है।",
        "Greek": "Τα αποσπάσματα που βρέθηκαν αφορούν το θέμα, αλλά δεν δίνουν την απάντηση.",
        "Turkish": "Bulunan pasajlar konuyla ilgili, ancak cevabı belirtmiyor.",
        "Vietnamese": "Các đoạn tìm được nói về chủ đề này nhưng không nêu câu trả lời.",
        "Romanian": "Pasajele găsite tratează subiectul, dar nu dau răspunsul.",
        "Thai": "ข้อความที่พบเกี่ยวข้องกับหัวข้อ แต่ไม่ได้ระบุคำตอบ",
    },
    MODEL_DECLINED: {
        "German": "Das Modell fand in den Stellen keine Antwort.",
        "Spanish": "El modelo no encontró la respuesta en los pasajes.",
        "French": "Le modèle n'a pas trouvé de réponse dans les passages.",
        "Italian": "Il modello non ha trovato una risposta nei passi.",
        "Portuguese": "O modelo não encontrou resposta nos trechos.",
        "Dutch": "Het model vond geen antwoord in de passages.",
        "Chinese": "模型在这些段落中没有找到答案。",
        "Japanese": "モデルは箇所の中に答えを見つけられませんでした。",
        "Korean": "모델이 구절에서 답을 찾지 못했습니다.",
        "Russian": "Модель не нашла ответа в этих фрагментах.",
        "Arabic": "لم يجد النموذج إجابة في المقاطع.",
        "Hindi": "मॉडल को अंशों में कोई उत्तर नहीं मिला।",
        "Greek": "Το μοντέλο δεν βρήκε απάντηση στα αποσπάσματα.",
        "Turkish": "Model pasajlarda bir cevap bulamadı.",
        "Vietnamese": "Mô hình không tìm thấy câu trả lời trong các đoạn.",
        "Romanian": "Modelul nu a găsit un răspuns în pasaje.",
        "Thai": "โมเดลไม่พบคำตอบในข้อความเหล่านี้",
    },
}


def reason_in(reason: str, language: str | None) -> str:
    """``reason`` said in ``language``; as given where English (or unknown) is meant."""
    return REASONS.get(reason, {}).get(language or "", reason)


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


# Said when a document read whole holds nothing that answers a question in that language
# (prompts.NOTHING_FOUND, which the reader compares its notes with, stays English).
NOTHING_FOUND = {
    "German": "Das Dokument enthält nichts, was diese Frage beantwortet.",
    "Spanish": "El documento no dice nada que responda a esto.",
    "French": "Le document ne dit rien qui réponde à cette question.",
    "Italian": "Il documento non dice nulla che risponda a questa domanda.",
    "Portuguese": "O documento não diz nada que responda a isto.",
    "Dutch": "Het document zegt niets dat hierop antwoordt.",
    "Chinese": "该文档中没有能回答这个问题的内容。",
    "Japanese": "この文書には、この質問に答える記載がありません。",
    "Korean": "문서에 이 질문에 답하는 내용이 없습니다.",
    "Russian": "В документе нет ничего, что отвечало бы на этот вопрос.",
    "Arabic": "لا يتضمن المستند ما يجيب عن هذا السؤال.",
    "Hindi": "दस्तावेज़ में ऐसा कुछ नहीं है जो इस प्रश्न का उत्तर दे।",
    "Greek": "Το έγγραφο δεν αναφέρει τίποτα που να απαντά σε αυτό.",
    "Turkish": "Belgede bu soruyu yanıtlayan bir şey yok.",
    "Vietnamese": "Tài liệu không có nội dung nào trả lời câu hỏi này.",
    "Romanian": "Documentul nu spune nimic care să răspundă la această întrebare.",
    "Thai": "เอกสารไม่มีข้อความที่ตอบคำถามนี้",
}


def nothing_found(english: str, language: str | None) -> str:
    """``english`` (the reader's "nothing answers this") said in ``language`` where known."""
    return NOTHING_FOUND.get(language or "", english)
