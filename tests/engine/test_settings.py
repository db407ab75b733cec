from pathlib import Path

import pytest

from sourcewise.core.errors import ConfigError
from sourcewise.core.settings import Settings, describe_fields, load_settings, save_settings


def test_defaults_point_at_sourcewise_home(
    _isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCEWISE_MODELS_DIR", raising=False)
    s = load_settings()
    assert s.home == _isolated_home
    assert s.resolved_models_dir == _isolated_home / "models"
    assert s.db_path == _isolated_home / "index.db"


def test_layers_file_then_env_then_flags(
    _isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (_isolated_home / "settings.toml").write_text(
        "[llm]\nthreads = 3\ncontext_size = 2048\n[retrieval]\nk = 5\n", encoding="utf-8"
    )
    s = load_settings()
    assert (s.llm.threads, s.llm.context_size, s.retrieval.k) == (3, 2048, 5)
    monkeypatch.setenv("SOURCEWISE_LLM__THREADS", "4")
    s = load_settings()
    assert (s.llm.threads, s.llm.context_size) == (4, 2048)  # env beats file, file keeps the rest
    s = load_settings({"llm": {"threads": 1}})
    assert (s.llm.threads, s.llm.context_size) == (1, 2048)  # flags beat env


def test_data_dir_flag_isolates_everything(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "settings.toml").write_text("[retrieval]\nk = 11\n", encoding="utf-8")
    s = load_settings({"home": other})
    assert s.home == other and s.retrieval.k == 11
    assert s.db_path.parent == other


def test_bad_value_is_a_clear_config_error() -> None:
    with pytest.raises(ConfigError, match=r"retrieval\.k"):
        load_settings({"retrieval": {"k": 0}})


def test_broken_toml_is_a_clear_config_error(_isolated_home: Path) -> None:
    (_isolated_home / "settings.toml").write_text("[llm\nthreads=", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


def test_unknown_setting_rejected() -> None:
    with pytest.raises(ConfigError, match="nonsense"):
        load_settings({"nonsense": 1})


def test_save_round_trip(_isolated_home: Path) -> None:
    s = load_settings({"llm": {"threads": 2}, "embed": {"model": "all-minilm-l6-v2"}})
    path = save_settings(s)
    assert path == _isolated_home / "settings.toml"
    again = load_settings()
    assert again.llm.threads == 2 and again.embed.model == "all-minilm-l6-v2"
    assert "home" not in path.read_text(encoding="utf-8")


def test_every_field_is_described() -> None:
    rows = describe_fields(Settings)
    assert len(rows) > 25
    missing = [name for name, _d, desc in rows if not desc]
    assert missing == []


def test_saving_keeps_values_from_the_environment_out_of_the_file(
    _isolated_home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (_isolated_home / "settings.toml").write_text("[llm]\nthreads = 3\n", encoding="utf-8")
    monkeypatch.setenv("SOURCEWISE_MODELS_DIR", str(tmp_path / "env-models"))
    monkeypatch.setenv("SOURCEWISE_LLM__THREADS", "4")
    s = load_settings()
    assert s.models_dir == tmp_path / "env-models" and s.llm.threads == 4
    s.retrieval.k = 5
    path = save_settings(s)
    text = path.read_text(encoding="utf-8")
    assert "env-models" not in text and "models_dir" not in text
    monkeypatch.delenv("SOURCEWISE_MODELS_DIR")
    monkeypatch.delenv("SOURCEWISE_LLM__THREADS")
    again = load_settings()
    assert again.models_dir is None and again.llm.threads == 3  # the file's own value kept
    assert again.retrieval.k == 5
    monkeypatch.setenv("SOURCEWISE_LLM__THREADS", "4")
    s = load_settings()
    s.llm.threads = 6  # changed on purpose while the environment sets it: written
    save_settings(s, changed=["llm.threads"])
    monkeypatch.delenv("SOURCEWISE_LLM__THREADS")
    assert load_settings().llm.threads == 6
