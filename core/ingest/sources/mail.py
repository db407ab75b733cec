"""One email message as documents: the message (headers and its own words, not the replies it
quotes) and each attachment a reader can index (PDF, DOCX, ...), which knows its message.

Standard library only (``email``). A message that cannot be read is one failed item with a
reason; it never stops the archive it came from.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from sourcewise.core.errors import ParseError
from sourcewise.core.ingest.card import SOURCE_META
from sourcewise.core.ingest.document import Block, ParsedDocument
from sourcewise.core.ingest.parsers import is_supported, parse_file
from sourcewise.core.store import source_meta

# "On Tue, 5 Mar 2024 at 10:02, Alice <a@x.org> wrote:" and its French and German forms.
_ATTRIBUTION = re.compile(
    r"^\s*(?:On\b.{0,300}\bwrote|Le\b.{0,300}\ba écrit|Am\b.{0,300}\bschrieb.{0,80})\s*:\s*$",
    re.S,
)
# Where a top-posted reply's quoted history starts (Outlook and friends).
_HISTORY = re.compile(r"^\s*-{2,}\s*Original Message\s*-{2,}\s*$|^_{8,}\s*$", re.I)
_OUTLOOK_HEADER = re.compile(r"^\s*From:\s.+$")
_OUTLOOK_NEXT = re.compile(r"^\s*(?:Sent|Date):\s.+$")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
_BLOCKQUOTE = re.compile(r"<(/?)blockquote\b[^>]*>", re.I)
_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|/h\d)\b[^>]*>", re.I)
_UNSAFE = re.compile(r"[^\w.@+-]+")


@dataclass
class MailItem:
    """A message or one of its attachments, ready to index (or failed, with why)."""

    path: Path  # the message's path (an .eml file, or inside its mbox) or the attachment's
    sha256: str
    size: int
    doc: ParsedDocument | None = None
    failure: tuple[str, str] | None = None  # (FailureKind, message)
    meta: source_meta.Meta = field(default_factory=dict)  # per document: an attachment's message

    @property
    def file_type(self) -> str:
        return self.path.suffix.lower().lstrip(".") or "eml"


def read_message(
    raw: bytes, path: Path, *, ocr: bool, max_bytes: int, attachments: bool = True
) -> list[MailItem]:
    """The message at ``path`` and (unless not wanted) its attachments, as items (the message
    first)."""
    sha = hashlib.sha256(raw).hexdigest()
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        meta = headers(msg)
        doc = _message_document(msg, meta)
    except Exception as err:  # noqa: BLE001 - the email package raises many kinds on bad input
        return [MailItem(path, sha, len(raw), failure=("corrupt", f"unreadable message: {err}"))]
    items = [MailItem(path, sha, len(raw), doc=doc)]
    for name, payload in _attachments(msg) if attachments else []:
        items.append(_attachment(path, name, payload, meta, ocr=ocr, max_bytes=max_bytes))
    return items


def message_id(raw: bytes) -> str:
    """The Message-ID as a file name (what keeps a message's path stable in its archive)."""
    try:
        value = email.message_from_bytes(raw[:65536], policy=email.policy.compat32)["message-id"]
    except Exception:  # noqa: BLE001 - a broken header block has no usable id
        return ""
    return _UNSAFE.sub("_", str(value or "").strip().strip("<>"))[:150].strip("._")


def headers(msg: Message) -> source_meta.Meta:
    """Subject, sender, recipients and date (ISO, UTC) as source metadata, with the citation
    ("Alice Smith, 2024-03-05, “Budget”")."""
    subject = " ".join(str(msg.get("subject") or "").split())
    sender = _addresses(msg, "from")
    recipients = _addresses(msg, "to") + _addresses(msg, "cc")
    date = _date(msg)
    who = _display_names(sender) or "unknown sender"
    cite = ", ".join(p for p in (who, date[:10], f"“{subject or '(no subject)'}”") if p)
    meta = {"title": [subject or "(no subject)"], "subject": [subject], "sender": sender,
            "recipient": recipients, "date": [date], "cite": [cite]}  # fmt: skip
    return source_meta.clean(meta)


def _addresses(msg: Message, header: str) -> list[str]:
    values = [str(v) for v in msg.get_all(header, [])]
    out = []
    for raw_name, addr in getaddresses(values):
        name = " ".join(raw_name.split())
        out.append(f"{name} <{addr}>" if name and addr else name or addr)
    return [a for a in out if a]


def _display_names(addresses: list[str]) -> str:
    names = [re.sub(r"\s*<[^>]*>", "", a).strip() or a.strip("<>") for a in addresses]
    return ", ".join(names)


def _date(msg: Message) -> str:
    try:
        when = parsedate_to_datetime(str(msg.get("date") or ""))
    except (TypeError, ValueError, IndexError):
        return ""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M")


def _message_document(msg: Message, meta: source_meta.Meta) -> ParsedDocument:
    """Heading (the subject), one line of headers (so a passage search by sender or date finds
    the message too), then the message's own paragraphs."""
    subject = meta["title"][0]
    line = "; ".join(f"{label}: {', '.join(meta[key])}" for key, label in
                     (("sender", "From"), ("recipient", "To"), ("date", "Date")) if meta.get(key))  # fmt: skip
    blocks = [Block(subject, "heading", level=1)]
    if line:
        blocks.append(Block(line))
    body = without_quotes(_body_text(msg))
    blocks += [Block(p) for p in re.split(r"\n\s*\n", body) if p.strip()]
    return ParsedDocument(blocks=blocks, file_type="eml", title=subject,
                          author=_display_names(meta.get("sender", [])) or None,
                          metadata={SOURCE_META: source_meta.encode(meta)})  # fmt: skip


def _body_text(msg: Message) -> str:
    """The plain-text body, else the HTML body as text."""
    part: Message | None
    if isinstance(msg, EmailMessage):
        part = msg.get_body(preferencelist=("plain", "html"))
    else:
        part = msg if msg.get_content_maintype() == "text" else None
    if part is None:
        return ""
    text = _decoded(part)
    if part.get_content_subtype() == "html":  # quoted messages are <blockquote>s there
        text = html.unescape(_TAG.sub("", _BREAK.sub("\n", _without_blockquotes(text))))
    return text.replace("\r\n", "\n")


def _without_blockquotes(markup: str) -> str:
    """HTML outside <blockquote> elements, nested ones included; a reply written between two
    quotes (inline answers) is kept."""
    kept, depth, last = [], 0, 0
    for tag in _BLOCKQUOTE.finditer(markup):
        if depth == 0:
            kept.append(markup[last : tag.start()])
        depth = max(0, depth - 1) if tag.group(1) else depth + 1
        last = tag.end()
    if depth == 0:
        kept.append(markup[last:])
    return "".join(kept)


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", errors="replace")


def without_quotes(text: str) -> str:
    """The message's own words: quoted lines ("> ..."), the "On ... wrote:" line that
    introduces them and a top-posted reply's quoted history are left out, because the quoted
    message is (or was) indexed as itself."""
    lines = text.split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _HISTORY.match(line) or _outlook_history(lines, i):
            break
        pair = f"{line} {lines[i + 1]}" if i + 1 < len(lines) else line
        if _ATTRIBUTION.match(line):
            i += 1
            continue
        if _ATTRIBUTION.match(pair) and _quoted_next(lines, i + 2):
            i += 2  # the attribution wrapped over two lines
            continue
        if not line.lstrip().startswith(">"):
            kept.append(line)
        i += 1
    return "\n".join(kept).strip()


def _outlook_history(lines: list[str], i: int) -> bool:
    return bool(
        _OUTLOOK_HEADER.match(lines[i]) and i + 1 < len(lines) and _OUTLOOK_NEXT.match(lines[i + 1])
    )


def _quoted_next(lines: list[str], i: int) -> bool:
    rest = [line for line in lines[i : i + 3] if line.strip()]
    return bool(rest) and rest[0].lstrip().startswith(">")


def _attachments(msg: Message) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each attachment with a name; inline text parts are the body."""
    if not isinstance(msg, EmailMessage) or not msg.is_multipart():
        return []
    out = []
    for part in msg.iter_attachments():
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if name and isinstance(payload, bytes) and payload:
            out.append((Path(name.replace("\\", "/")).name, payload))
    return out


def _attachment(
    message: Path, name: str, payload: bytes, meta: source_meta.Meta, *, ocr: bool, max_bytes: int
) -> MailItem:
    path = message / (_UNSAFE.sub("_", name).strip("._") or "attachment")
    item = MailItem(path, hashlib.sha256(payload).hexdigest(), len(payload))
    subject = meta.get("subject", [""])[0] or "(no subject)"
    who = _display_names(meta.get("sender", [])) or "unknown sender"
    date = meta.get("date", [""])[0][:10]
    cite = f"“{name}”, attached to {who}, {date}, “{subject}”".replace(", , ", ", ")
    item.meta = {"message": [str(message)], "sender": meta.get("sender", []),
                 "date": meta.get("date", []), "subject": [subject], "cite": [cite]}  # fmt: skip
    if not is_supported(path) or path.suffix.lower() in (".eml", ".mbox"):
        item.failure = ("unsupported", f"{path.suffix or 'this'} attachments are not indexed")
        return item
    item.doc, item.failure = _parse_payload(path.suffix, payload, ocr=ocr, max_bytes=max_bytes)
    return item


def _parse_payload(
    suffix: str, payload: bytes, *, ocr: bool, max_bytes: int
) -> tuple[ParsedDocument | None, tuple[str, str] | None]:
    """Parsed by the format's own parser, from a temporary file (parsers read paths)."""
    with tempfile.TemporaryDirectory(prefix="sourcewise-mail-") as folder:
        tmp = Path(folder) / f"attachment{suffix.lower()}"
        tmp.write_bytes(payload)
        try:
            return parse_file(tmp, ocr=ocr, max_bytes=max_bytes), None
        except ParseError as err:
            return None, (err.kind, str(err))
        except Exception as err:  # noqa: BLE001 - a parser's bug must not stop the archive
            return None, ("corrupt", f"the attachment could not be read: {err}")
