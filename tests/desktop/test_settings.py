"""The settings dialog, engine rebuilds, and the first-run model installation offer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sourcewise.core.embed.hashing import HashEmbedder
from sourcewise.core.engine import Engine
from sourcewise.core.factory import build_engine
from sourcewise.core.llm.echo import EchoChatModel
from sourcewise.core.progress import Progress
from sourcewise.core.settings import RetrievalSettings, Settings, load_settings
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.model_setup import missing_models
from sourcewise.desktop.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui


def _fake_engine(settings: Settings) -> Engine:
    return build_engine(settings, embedder=HashEmbedder(), chat_model=EchoChatModel(),
                        reranker=None)  # fmt: skip


def _open_dialog(qtbot, window: MainWindow, tmp_path: Path) -> SettingsDialog:  # type: ignore[no-untyped-def]
    window.config.discover_home = tmp_path / "nobody"  # no GGUF hunting in the real home
    with qtbot.waitSignal(window.config.dialog_opened, timeout=10_000) as blocker:
        window.config.open_dialog()
    dialog = blocker.args[0]
    assert isinstance(dialog, SettingsDialog)
    return dialog


def test_the_dialog_saves_a_changed_value_and_applies_it_without_a_restart(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path
) -> None:
    dialog = _open_dialog(qtbot, window, tmp_path)
    # Tooltips and bounds come from the settings schema.
    k_field = RetrievalSettings.model_fields["k"]
    assert dialog.k.toolTip() == k_field.description
    assert (dialog.k.minimum(), dialog.k.maximum()) == (1, 200)
    assert dialog.home.text() == str(engine.settings.home)
    dialog.k.setValue(5)
    dialog.rerank_candidates.setValue(12)
    with qtbot.waitSignal(window.config.applied, timeout=5000) as blocker:
        dialog.accept()
    assert blocker.args[0] == []  # nothing that needs a new engine
    assert window.engine is engine
    assert engine.settings.retrieval.k == 5
    saved = load_settings({"home": engine.settings.home})
    assert (saved.retrieval.k, saved.retrieval.rerank_candidates) == (5, 12)
    assert "settings.toml" in window.statusBar().currentMessage()


def test_a_model_or_device_change_rebuilds_the_engine(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path
) -> None:
    adapters = engine.settings.resolved_models_dir / "adapters"
    adapters.mkdir(parents=True)
    (adapters / "legal-style.gguf").write_bytes(b"GGUF")
    window.config.factory = _fake_engine
    dialog = _open_dialog(qtbot, window, tmp_path)
    assert dialog.adapter.findText("legal-style") > 0
    dialog.adapter.setCurrentIndex(dialog.adapter.findText("legal-style"))
    model_file = tmp_path / "my-model.gguf"
    model_file.write_bytes(b"GGUF")
    dialog.select_model_file(model_file)  # what "Browse…" does with the chosen file
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    with qtbot.waitSignal(window.engine_ready, timeout=10_000):
        dialog.accept()
    new = window.engine
    assert new is not None and new is not engine
    assert new.settings.llm.path == model_file
    assert new.settings.llm.adapter == "legal-style"
    assert (new.settings.llm.device, new.settings.embed.device) == ("cpu", "cpu")
    assert window.chat.send_button.isEnabled()
    saved = load_settings({"home": engine.settings.home})
    assert saved.llm.path == model_file and saved.llm.device == "cpu"


def test_missing_models_are_offered_and_installed_in_the_background(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    home = tmp_path / "fresh"

    class NamedEmbedder(HashEmbedder):
        @property
        def name(self) -> str:
            return "bge-small-en"  # a manifest model, not installed in this models dir

    settings = Settings(home=home, models_dir=home / "models", index={"parse_mode": "thread"})
    fresh = build_engine(settings, embedder=NamedEmbedder(), chat_model=EchoChatModel(),
                         reranker=None)  # fmt: skip
    try:
        assert [s.name for s in missing_models(fresh)] == ["bge-small-en"]
        calls: list[str] = []

        def install_defaults(**kwargs: Any) -> list[Path]:
            calls.append("install")
            kwargs["progress"](Progress("download", 1, 2, "bge-small-en"))
            return []

        monkeypatch.setattr(fresh.models, "install_defaults", install_defaults)
        banner = window.banner
        banner.check(fresh)
        assert banner.isVisible() and "not installed" in banner.label.text()
        with qtbot.waitSignal(banner.installed, timeout=10_000):
            banner.install_button.click()
        assert calls == ["install"] and not banner.isVisible()
    finally:
        fresh.close()
    assert missing_models(window.engine) == []  # type: ignore[arg-type]  # fakes need nothing
