"""The settings dialog, engine rebuilds, and the first-run model installation offer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sourcewise.core.components import Makers
from sourcewise.core.engine import Engine
from sourcewise.core.engine.parts import Parts
from sourcewise.core.factory import build_engine
from sourcewise.core.model_catalog import ModelCatalog
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.progress import Progress
from sourcewise.core.settings import RetrievalSettings, Settings, load_settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from sourcewise.desktop.main_window import MainWindow
from tests.desktop.helpers import open_settings_dialog, write_text_files
from tests.fakes import fake_settings

pytestmark = pytest.mark.gui


def _fake_engine(settings: Settings) -> Engine:
    return build_engine(settings, embedder=HashEmbedder(), chat_model=EchoChatModel(),
                        reranker=None)  # fmt: skip


class CountingReranker:
    """Scores passages by length and remembers how many each search had."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def warm_up(self) -> None:
        pass

    def score(self, query: str, passages: Sequence[str]) -> np.ndarray:
        self.batches.append(len(passages))
        return np.array([float(len(p)) for p in passages], dtype=np.float32)


def _window_on(qtbot, engine: Engine) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(engine)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.library_refreshed, timeout=10_000):
        win.show()
    return win


def test_the_dialog_saves_a_changed_value_and_the_next_search_uses_it(
    qtbot, tmp_path: Path
) -> None:
    reranker = CountingReranker()
    settings = fake_settings(tmp_path / "home")
    settings.retrieval.rerank_skip_confident = False  # always rerank rerank_candidates
    engine = build_engine(settings, embedder=HashEmbedder(), chat_model=EchoChatModel(),
                          reranker=reranker)  # fmt: skip
    window = _window_on(qtbot, engine)
    try:
        docs = write_text_files(tmp_path / "docs", 30)
        with qtbot.waitSignal(window.indexing_finished, timeout=30_000):
            window.index_paths([docs])
        dialog = open_settings_dialog(qtbot, window, tmp_path)
        # Tooltips and bounds come from the settings schema.
        k_field = RetrievalSettings.model_fields["k"]
        assert dialog.k.toolTip() == k_field.description
        assert (dialog.k.minimum(), dialog.k.maximum()) == (1, 200)
        assert dialog.home.text() == str(engine.settings.home)
        dialog.k.setValue(3)
        dialog.rerank_candidates.setValue(12)
        with qtbot.waitSignal(window.config.applied, timeout=5000) as blocker:
            dialog.accept()
        assert blocker.args[0] == ["retrieval.rerank_candidates"]  # the searcher is rebuilt
        assert window.engine is engine and "settings.toml" in window.statusBar().currentMessage()
        saved = load_settings({"home": engine.settings.home})
        assert (saved.retrieval.k, saved.retrieval.rerank_candidates) == (3, 12)
        hits = engine.library.search("harbour report about the ferry")
        assert len(hits) == 3 and reranker.batches[-1] == 12  # the old searcher kept 5
    finally:
        window.close()
        engine.close()


def test_a_model_or_device_change_rebuilds_those_parts_of_the_engine(qtbot, tmp_path: Path) -> None:
    made: list[Settings] = []

    def make_chat(settings: Settings, _models: ModelStore) -> EchoChatModel:
        made.append(settings)
        return EchoChatModel(settings.llm.context_size)

    settings = fake_settings(tmp_path / "home")
    engine = Engine(Parts(settings, models=ModelStore(settings), embedder=HashEmbedder(),
                    chat_model=EchoChatModel(), reranker=None,
                    makers=Makers(chat_model=make_chat)))  # fmt: skip
    window = _window_on(qtbot, engine)
    try:
        adapters = engine.settings.resolved_models_dir / "adapters"
        adapters.mkdir(parents=True)
        (adapters / "legal-style.gguf").write_bytes(b"GGUF")
        dialog = open_settings_dialog(qtbot, window, tmp_path)
        assert dialog.adapter.findText("legal-style") > 0
        dialog.adapter.setCurrentIndex(dialog.adapter.findText("legal-style"))
        model_file = tmp_path / "my-model.gguf"
        model_file.write_bytes(b"GGUF")
        dialog.select_model_file(model_file)  # what "Browse…" does with the chosen file
        dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
        old_chat, old_embedder = engine._parts.chat_model, engine._parts.embedder
        with qtbot.waitSignal(window.engine_ready, timeout=10_000):
            dialog.accept()
        assert window.engine is engine  # the same engine, its changed parts rebuilt
        assert len(made) == 1 and made[0].llm.path == model_file
        assert (
            engine._parts.chat_model is not old_chat and engine._parts.embedder is old_embedder
        )  # injected
        assert engine.settings.llm.adapter == "legal-style"
        assert (engine.settings.llm.device, engine.settings.embed.device) == ("cpu", "cpu")
        assert window.chat.send_button.isEnabled()
        saved = load_settings({"home": engine.settings.home})
        assert saved.llm.path == model_file and saved.llm.device == "cpu"
    finally:
        window.close()
        engine.close()


def test_saving_the_dialog_keeps_the_environment_out_of_the_settings_file(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path, monkeypatch
) -> None:
    env_models = tmp_path / "env-models"
    monkeypatch.setenv("SOURCEWISE_MODELS_DIR", str(env_models))
    loaded = load_settings({"home": engine.settings.home})
    assert loaded.models_dir == env_models
    window.config.settings = loaded  # as the app loads them at start
    dialog = open_settings_dialog(qtbot, window, tmp_path)
    dialog.k.setValue(4)
    with qtbot.waitSignal(window.config.applied, timeout=5000):
        dialog.accept()
    text = (engine.settings.home / "settings.toml").read_text(encoding="utf-8")
    assert "models_dir" not in text and "k = 4" in text


def test_the_dialog_lists_models_not_installed_and_installs_one_with_progress(
    qtbot, window: MainWindow, engine: Engine, tmp_path: Path, monkeypatch
) -> None:
    calls: list[str] = []

    def install(store: ModelStore, name: str, **kwargs: Any) -> Path:
        calls.append(name)
        kwargs["progress"](Progress("download", 1, 2, name))
        return store.models_dir / f"{name}.gguf"

    monkeypatch.setattr(ModelStore, "install", install)  # the catalogue's store installs
    dialog = open_settings_dialog(qtbot, window, tmp_path)
    labels = [dialog.chat_model.itemText(i) for i in range(dialog.chat_model.count())]
    wanted = next(i for i, t in enumerate(labels) if t.startswith("Qwen2.5-Coder 1.5B"))
    assert "not installed" in labels[wanted]  # listed, though nothing is installed here
    dialog.chat_model.setCurrentIndex(wanted)
    assert dialog.install_button.isVisible() and "download" in dialog.install_note.text()
    dialog.install_button.click()
    assert not dialog.save_button.isEnabled() and not dialog.chat_model.isEnabled()
    qtbot.waitUntil(lambda: dialog.install is None, timeout=10_000)
    assert dialog.install_bar.value() == 500  # the progress reached the bar (1 of 2)
    assert calls == ["qwen2.5-coder-1.5b"] and dialog.save_button.isEnabled()
    assert "not installed" not in dialog.chat_model.currentText()
    assert not dialog.install_button.isVisible()
    with qtbot.waitSignal(window.config.applied, timeout=5000):
        dialog.accept()
    assert load_settings({"home": engine.settings.home}).llm.model == "qwen2.5-coder-1.5b"


def test_the_status_bar_does_not_say_ready_while_indexing(qtbot, tmp_path: Path) -> None:
    seen: list[tuple[bool, str]] = []
    window = MainWindow(engine_factory=_fake_engine, settings=fake_settings(tmp_path / "home"))
    qtbot.addWidget(window)
    try:
        window.index_paths([write_text_files(tmp_path / "docs", 5)])  # waits for the engine
        window.engine_ready.connect(lambda: seen.append(
            (window.indexer.running, window.statusBar().currentMessage())))  # fmt: skip
        with qtbot.waitSignal(window.indexing_finished, timeout=30_000):
            window.show()
        assert seen and seen[0][0] and seen[0][1] != "Ready"
        assert "Indexing" in seen[0][1]
    finally:
        window.close()


def test_missing_models_are_offered_and_installed_in_the_background(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    home = tmp_path / "fresh"

    class NamedEmbedder(HashEmbedder):
        @property
        def name(self) -> str:
            return "bge-small-en"  # a manifest model, not installed in this models dir

    class NamedChat(EchoChatModel):
        @property
        def name(self) -> str:
            return "gemma3-270m-base"  # chosen in settings, not one of the defaults

    settings = Settings(home=home, models_dir=home / "models", index={"parse_mode": "thread"},
                        llm={"model": "gemma3-270m-base"})  # fmt: skip
    fresh = build_engine(settings, embedder=NamedEmbedder(), chat_model=NamedChat(),
                         reranker=None)  # fmt: skip
    try:
        missing = [s.name for s in fresh.models.in_use().missing]
        assert missing == ["bge-small-en", "gemma3-270m-base"]
        calls: list[list[str]] = []

        def install_many(_store: ModelStore, names: list[str], **kwargs: Any) -> list[Path]:
            calls.append(list(names))
            kwargs["progress"](Progress("download", 1, 2, "bge-small-en"))
            return []

        monkeypatch.setattr(ModelStore, "install_many", install_many)
        banner = window.banner
        banner.check(fresh)
        assert banner.isVisible() and "not installed" in banner.label.text()
        with qtbot.waitSignal(banner.installed, timeout=10_000):
            banner.install_button.click()
        defaults = [s.name for s in ModelCatalog(fresh.settings).defaults()]
        assert calls == [[*defaults, "gemma3-270m-base"]] and not banner.isVisible()
    finally:
        fresh.close()
    assert window.engine is not None
    assert window.engine.models.in_use().missing == []  # fakes need none
