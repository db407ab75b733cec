"""Asking within a sender, a date range, tags or a Zotero collection: the source filters of
mail, notes and papers.

The engine filters inside retrieval (``SearchFilters.sender``, ``date_from``/``date_to``,
``tags``, the ``collection`` field), as ``sourcewise ask --sender --after --before --tag
--zotero-collection`` does; here they become the chat's scope, shown above the question box
with its button back to the whole library.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sourcewise.core.types import SearchFilters
from sourcewise.desktop.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)
from sourcewise.desktop.scope import ChatScope

_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")  # 2024, 2024-03 or 2024-03-05


class FilterDialog(QDialog):
    """Sender, from, to, tags and collection; OK is refused while a date is not a date."""

    def __init__(self, current: ChatScope | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ask within…")
        now = current.filters if current is not None else SearchFilters()
        self.sender_edit = _field(now.sender, "a name or address, e.g. alice@example.com")
        self.from_edit = _field(now.date_from, "YYYY-MM-DD (or YYYY-MM, YYYY)")
        self.to_edit = _field(now.date_to, "YYYY-MM-DD (or YYYY-MM, YYYY)")
        self.tags_edit = _field(" ".join(now.tags), "tags separated by spaces, e.g. project/alpha")
        collection = next((v for k, v in now.fields if k == "collection"), None)
        self.collection_edit = _field(collection, "a Zotero collection, e.g. Thesis")
        self.error = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Messages from", self.sender_edit)
        form.addRow("Dated from", self.from_edit)
        form.addRow("Dated up to", self.to_edit)
        form.addRow("Notes tagged", self.tags_edit)
        form.addRow("Papers in", self.collection_edit)
        form.addRow(self.error)
        form.addRow(self.buttons)

    def scope(self) -> ChatScope | None:
        """The scope the fields describe; None when they are all empty (the whole library)."""
        filters = replace(
            SearchFilters(),
            sender=self.sender_edit.text().strip() or None,
            date_from=_day(self.from_edit.text(), first=True),
            date_to=_day(self.to_edit.text(), first=False),
            tags=tuple(t.lstrip("#") for t in self.tags_edit.text().split() if t.lstrip("#")),
            fields=(("collection", c),) if (c := self.collection_edit.text().strip()) else (),
        )
        if filters == SearchFilters():
            return None
        return ChatScope(_label(filters), filters)

    def _accept(self) -> None:
        bad = [w.text() for w in (self.from_edit, self.to_edit) if w.text().strip()
               and not _DATE.match(w.text().strip())]  # fmt: skip
        if bad:
            self.error.setText(f"Not a date: {bad[0]!r}. Write it as YYYY-MM-DD.")
            return
        self.accept()


def _field(value: str | None, hint: str) -> QLineEdit:
    edit = QLineEdit(value or "")
    edit.setPlaceholderText(hint)
    edit.setClearButtonEnabled(True)
    return edit


def _day(text: str, *, first: bool) -> str | None:
    """A whole ISO day: "2024-03" is the 1st of March from, and the 31st (any day up to) to."""
    text = text.strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) == 3:
        return text
    month = parts[1] if len(parts) == 2 else ("01" if first else "12")
    return f"{parts[0]}-{month}-{'01' if first else '31'}"


def _label(filters: SearchFilters) -> str:
    """ "messages from alice, 2024-03-01 to 2024-03-31, tagged #budget" """
    parts = []
    if filters.sender:
        parts.append(f"messages from {filters.sender}")
    if filters.date_from or filters.date_to:
        parts.append(f"dated {filters.date_from or '…'} to {filters.date_to or '…'}")
    if filters.tags:
        parts.append("tagged " + " ".join(f"#{t}" for t in filters.tags))
    parts += [f"papers in {value}" for key, value in filters.fields if key == "collection"]
    return ", ".join(parts)
