"""Plain-text formatting of engine results for labels and tooltips (no Qt)."""

from __future__ import annotations

from pathlib import Path

from sourcewise.core.progress import Progress
from sourcewise.core.types import DocumentInfo, IndexReport


def duration(seconds: float | None) -> str:
    """``0:07``, ``12:05``, ``1:02:03``; an em dash when unknown."""
    if seconds is None:
        return "—"
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_text(p: Progress) -> str:
    if p.stage == "scanning" or p.files_total is None:
        return f"Scanning… {p.message}".strip()
    parts = [f"{p.files_done}/{p.files_total} files", f"{p.chunks} chunks"]
    if p.rate > 0:
        parts.append(f"{p.rate:.1f} files/s")
    if p.eta_s is not None and p.files_done < (p.files_total or 0):
        parts.append(f"ETA {duration(p.eta_s)}")
    return "Indexing: " + " · ".join(parts)


def report_text(report: IndexReport) -> str:
    if report.cancelled:
        head = f"Indexing cancelled after {report.files_indexed} new file(s)"
    else:
        head = f"Indexed {report.files_indexed} new file(s)"
    parts = [f"{report.chunks} chunks"]
    if report.files_unchanged:
        parts.append(f"{report.files_unchanged} unchanged")
    if report.files_deduplicated:
        parts.append(f"{report.files_deduplicated} duplicate(s)")
    if report.files_removed:
        parts.append(f"{report.files_removed} removed")
    if report.files_failed:
        parts.append(f"{report.files_failed} failed")
    return f"{head} in {report.seconds:.1f} s ({', '.join(parts)})"


def document_status(doc: DocumentInfo) -> str:
    """A short status for the library's column: indexed, pending, or failed."""
    if doc.status in ("indexed", "pending"):
        return doc.status
    return "failed"


def document_details(doc: DocumentInfo) -> str:
    if doc.status == "indexed":
        pages = f" · {doc.pages} pages" if doc.pages else ""
        return f"indexed · {doc.chunks} chunks{pages}"
    if doc.status == "pending":
        return "pending: waiting to be indexed"
    return f"failed ({doc.status.replace('_', ' ')})"


def document_tooltip(doc: DocumentInfo) -> str:
    lines = [doc.path, f"{doc.file_type.upper()} · {size(doc.size)} · {document_details(doc)}"]
    if doc.title:
        lines.insert(0, doc.title)
    if doc.error:
        lines.append(f"Reason: {doc.error}")
    return "\n".join(lines)


def size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def source_label(n: int, path: str, page: int | None, strength: str) -> str:
    """``strength`` is the hit's labelled match strength (strong / partial / weak / unrated):
    raw cross-encoder logits mean nothing to a reader."""
    where = f" — p. {page}" if page else ""
    return f"[{n}] {Path(path).name}{where} · {strength} match"
