"""Asking within a sender, dates or tags from the app: the dialog's scope and its checks."""

from __future__ import annotations

from sourcewise.core.types import SearchFilters
from sourcewise.desktop.filter_dialog import FilterDialog
from sourcewise.desktop.scope import ChatScope


def test_the_fields_become_the_chats_scope(qtbot) -> None:
    dialog = FilterDialog()
    qtbot.addWidget(dialog)
    dialog.sender_edit.setText("alice@example.com")
    dialog.from_edit.setText("2024-03")
    dialog.to_edit.setText("2024")
    dialog.tags_edit.setText("#budget project/alpha")
    dialog.collection_edit.setText("Thesis")
    scope = dialog.scope()
    assert scope is not None
    assert scope.filters == SearchFilters(sender="alice@example.com", date_from="2024-03-01",
                                          date_to="2024-12-31", tags=("budget", "project/alpha"),
                                          fields=(("collection", "Thesis"),))  # fmt: skip
    assert scope.label == ("messages from alice@example.com, dated 2024-03-01 to 2024-12-31, "
                           "tagged #budget #project/alpha, papers in Thesis")  # fmt: skip


def test_empty_fields_mean_the_whole_library_and_a_bad_date_is_refused(qtbot) -> None:
    current = ChatScope("messages from bob", SearchFilters(sender="bob"))
    dialog = FilterDialog(current)
    qtbot.addWidget(dialog)
    assert dialog.sender_edit.text() == "bob"  # opens on the scope in use
    dialog.sender_edit.clear()
    assert dialog.scope() is None
    dialog.from_edit.setText("March 5th")
    dialog.buttons.accepted.emit()
    assert "Not a date" in dialog.error.text() and not dialog.result()
