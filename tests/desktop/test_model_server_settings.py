"""The settings dialog's chat model server section: choosing ``llm.backend = "openai"``, its
address, model and key variable (saved; the key never), and "Test connection" off the UI
thread, against a fake server on loopback and against a closed local port (no network)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sourcewise.core.factory import check_model_server
from sourcewise.core.settings import Settings, load_settings
from sourcewise.core.types import ModelServerCheck
from sourcewise.desktop.main_window import MainWindow
from sourcewise.desktop.model_server import ModelServerSection
from tests.desktop.helpers import open_settings_dialog
from tests.fakes import fake_settings
from tests.llm.openai_fakes import FakeOpenAIServer, free_port

pytestmark = pytest.mark.gui

KEY_VARIABLE = "SOURCEWISE_TEST_SERVER_KEY"


def _choose_server(section: ModelServerSection, url: str, model: str = "",
                   key_env: str = "") -> None:  # fmt: skip
    section.backend.setCurrentIndex(section.backend.findData("openai"))
    section.url.setText(url)
    section.api_model.setText(model)
    section.key_env.setText(key_env)


def _test(qtbot, section: ModelServerSection) -> ModelServerCheck:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(section.checked, timeout=20_000) as blocker:
        section.test_button.click()
        assert not section.test_button.isEnabled()  # until the answer is back
        assert section.result.text() == "Connecting…"  # the UI thread is not blocked
    qtbot.waitUntil(section.test_button.isEnabled, timeout=5000)
    check = blocker.args[0]
    assert isinstance(check, ModelServerCheck)
    return check


def _section(qtbot, tmp_path: Path, check=check_model_server) -> ModelServerSection:  # type: ignore[no-untyped-def]
    section = ModelServerSection(fake_settings(tmp_path / "home"), check=check)
    qtbot.addWidget(section)
    return section


def test_an_unreachable_server_is_reported_clearly(qtbot, tmp_path: Path) -> None:
    threads: list[threading.Thread] = []

    def check(settings: Settings) -> ModelServerCheck:
        threads.append(threading.current_thread())
        return check_model_server(settings)

    section = _section(qtbot, tmp_path, check)
    assert not section.url.isEnabled() and not section.test_button.isEnabled()  # built in
    closed = f"http://127.0.0.1:{free_port()}/v1"  # bound, then closed: nothing listens
    _choose_server(section, closed)
    assert section.url.isEnabled()
    result = _test(qtbot, section)
    assert not result.ok and result.models == ()
    assert threads and threads[0] is not threading.main_thread()
    text = section.result.text()
    assert text.startswith("✗ Could not reach the model server: is it running")
    assert f"cannot reach the model server at {closed}: connection refused" in text


def test_a_server_lists_its_models_and_gets_the_key_from_the_named_variable(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, "sk-from-env-789")
    section = _section(qtbot, tmp_path)
    with FakeOpenAIServer(models=("llama3.2:latest", "qwen2.5")) as server:
        _choose_server(section, server.url, "llama3.2", KEY_VARIABLE)
        assert f"{KEY_VARIABLE}, which is set here" in section.key_note.text()
        assert "sk-from-env-789" not in section.key_note.text()
        result = _test(qtbot, section)
        assert {h.get("Authorization") for h in server.headers} == {"Bearer sk-from-env-789"}
        assert result.ok and result.models == ("llama3.2:latest", "qwen2.5")
        assert section.result.text() == (
            "✓ Connected: the server has 2 models; answers will use “llama3.2:latest”.\n"
            "Models: llama3.2:latest, qwen2.5"
        )
        section.api_model.setText("mistral")
        result = _test(qtbot, section)
        assert not result.ok and result.models == ("llama3.2:latest", "qwen2.5")
        assert section.result.text().startswith("✗ The server has no model “mistral”")


def test_the_dialog_saves_the_server_settings_but_never_the_key(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VARIABLE, "sk-never-saved")
    dialog = open_settings_dialog(qtbot, window, tmp_path)
    assert dialog.chat_model.isEnabled()
    closed = f"http://127.0.0.1:{free_port()}/v1"
    _choose_server(dialog.model_server, "ftp://not-a-server", "llama3.2", KEY_VARIABLE)
    assert not dialog.chat_model.isEnabled()  # the server's model answers, not a GGUF here
    dialog.accept()  # refused: the address is not one
    assert dialog.isVisible() and dialog.model_server.result.text().startswith("✗ llm.base_url")
    dialog.model_server.url.setText(closed)
    with qtbot.waitSignal(window.config.applied, timeout=10_000) as blocker:
        dialog.accept()
    assert set(blocker.args[0]) == {"llm.backend", "llm.base_url", "llm.api_model",
                                    "llm.api_key_env"}  # fmt: skip
    home = window.config.settings.home  # type: ignore[union-attr]
    saved = load_settings({"home": home}).llm
    assert (saved.backend, saved.base_url, saved.api_model, saved.api_key_env) == (
        "openai", closed, "llama3.2", KEY_VARIABLE)  # fmt: skip
    assert "sk-never-saved" not in (home / "settings.toml").read_text()
    assert saved.resolved_api_key() == "sk-never-saved"  # read from the variable when used
