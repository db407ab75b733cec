"""The one typed settings schema, layered: defaults -> TOML file -> SOURCEWISE_* env -> CLI flags.

Each field carries a description (shown by ``sourcewise config`` and the settings dialog), and
those a running engine applies by rebuilding a component say which (``rebuild``, see
:mod:`sourcewise.core.components`); the others are read on every call.
Nested groups are set from the environment with a double underscore, e.g.
``SOURCEWISE_LLM__MODEL=qwen2.5-coder-1.5b``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import tomli_w
from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from sourcewise.core import paths
from sourcewise.core.errors import ConfigError

# The groups live in setting_groups.py; they are re-exported here, where callers look.
from sourcewise.core.setting_groups import (
    REBUILD_KEY,
    AnswerSettings,
    Component,
    DesktopSettings,
    Device,
    EmbedSettings,
    IndexSettings,
    LLMSettings,
    ReadingSettings,
    RetrievalSettings,
    StoreSettings,
    _rebuilds,
)

__all__ = [
    "REBUILD_KEY",
    "AnswerSettings",
    "Component",
    "DesktopSettings",
    "Device",
    "EmbedSettings",
    "IndexSettings",
    "LLMSettings",
    "ReadingSettings",
    "RetrievalSettings",
    "Settings",
    "StoreSettings",
    "changed_fields",
    "describe_fields",
    "environment_fields",
    "leaf_fields",
    "load_settings",
    "rebuild_fields",
    "save_settings",
    "settings_file",
    "value_of",
]


class Settings(BaseSettings):
    """All of Sourcewise's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="SOURCEWISE_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    home: Path = Field(
        default_factory=paths.default_home,
        description="Data directory: index, chats, settings, models cache.",
        json_schema_extra=_rebuilds("models"),  # everything lives under it
    )
    models_dir: Path | None = Field(
        None,
        description="Model files: when set, the only folder searched and where installs go; "
        "unset: <home>/models (installs), then the installation's models/ folder.",
        json_schema_extra=_rebuilds("models"),
    )
    discover_dirs: list[Path] = Field(
        default_factory=list,
        description="Extra folders searched for GGUF files.",
        json_schema_extra=_rebuilds("models"),
    )
    embed: EmbedSettings = Field(default_factory=EmbedSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    reading: ReadingSettings = Field(default_factory=ReadingSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    desktop: DesktopSettings = Field(default_factory=DesktopSettings)

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.home / "models"

    @property
    def db_path(self) -> Path:
        return self.home / "index.db"

    @property
    def personal_db_path(self) -> Path:
        """Answers and chats of a team library's user (store.backend = 'postgres'): one
        person's, kept on this machine rather than shared."""
        return self.home / "personal.db"

    @property
    def vectors_dir(self) -> Path:
        return self.home / "vectors"

    @property
    def llm_state_dir(self) -> Path:
        """Saved KV states of the chat model's fixed prompt prefix (safe to delete)."""
        return self.home / "cache" / "llm-state"

    @property
    def digest_cache_dir(self) -> Path:
        """Section notes of whole-document reading, by content and prompt (safe to delete)."""
        return self.home / "cache" / "digests"

    def latest_eval_report(self) -> Path | None:
        """The Markdown report of the latest ``sourcewise eval`` run in this data folder, or
        None (read from the pointer the run leaves: ``paths.latest_markdown``)."""
        return paths.latest_markdown(self.home)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: CLI flags (init) > environment > TOML file > defaults.
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_active_config_file())
        return (init_settings, env_settings, toml)


_config_override: Path | None = None


def _active_config_file() -> Path:
    return _config_override or settings_file()


def settings_file(home: Path | None = None) -> Path:
    """The settings TOML :func:`load_settings` reads for ``home`` (else for ``SOURCEWISE_HOME``,
    else the platform's config folder), which is where the app saves its settings too."""
    return paths.config_file(home or paths.env_home())


def load_settings(
    overrides: dict[str, Any] | None = None, config_file: Path | None = None
) -> Settings:
    """Build settings from every layer; ``overrides`` are CLI flags (nested dicts allowed)."""
    global _config_override
    overrides = dict(overrides or {})
    home = overrides.get("home")
    if config_file is None and home is not None:
        config_file = paths.config_file(Path(home))
    _config_override = config_file
    try:
        _check_toml(_active_config_file())
        return Settings(**overrides)
    except ValidationError as err:
        raise ConfigError(_describe(err)) from err
    finally:
        _config_override = None


def _check_toml(path: Path) -> None:
    if not path.exists():
        return
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"settings file {path} is not valid TOML: {err}") from err


def _describe(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "settings"
    return f"invalid setting {where}: {first['msg']} ({err.error_count()} problem(s))"


def save_settings(
    settings: Settings, path: Path | None = None, *, changed: Iterable[str] = ()
) -> Path:
    """Write the values that differ from the defaults to the settings TOML, atomically.

    ``path`` defaults to the file :func:`load_settings` reads when no flag is given. A value
    the ``SOURCEWISE_*`` environment sets is not written (the file keeps its own value for
    it), unless its dotted name is in ``changed``: the user set it on purpose.
    """
    target = path or _active_config_file()
    data = settings.model_dump(mode="json", exclude_defaults=True, exclude_none=True)
    _reveal_secrets(settings, data)
    if target.parent == settings.home:
        data.pop("home", None)  # a file inside the home must not pin it
    _keep_environment_out(data, target, set(changed))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    os.replace(tmp, target)
    return target


def _reveal_secrets(settings: Settings, data: dict[str, Any]) -> None:
    """The file keeps a secret's value: a JSON dump masks it (as ``sourcewise config`` shows)."""
    for dotted, info in leaf_fields():
        value = value_of(settings, dotted)
        if isinstance(value, SecretStr) and not info.exclude:  # excluded ones are never saved
            *groups, name = dotted.split(".")
            here = data
            for group in groups:
                here = here.setdefault(group, {})
            here[name] = value.get_secret_value()


def describe_fields(
    model: type[BaseModel] = Settings, prefix: str = ""
) -> list[tuple[str, str, str]]:
    """(dotted name, default, description) of every setting, for help screens and docs."""
    rows: list[tuple[str, str, str]] = []
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows.extend(describe_fields(ann, f"{prefix}{name}."))
            continue
        default = "" if info.default_factory else repr(info.default)
        rows.append((f"{prefix}{name}", default, info.description or ""))
    return rows


def _keep_environment_out(data: dict[str, Any], target: Path, changed: set[str]) -> None:
    """Replace, in ``data``, each value that came from the environment by the file's own."""
    try:
        on_file = tomllib.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        on_file = {}
    for dotted in environment_fields() - changed:
        *groups, name = dotted.split(".")
        here, there = data, on_file
        for group in groups:
            here, there = _group(here, group), _group(there, group)
        here.pop(name, None)
        if name in there:
            here[name] = there[name]
    for group in [k for k, v in data.items() if v == {}]:
        del data[group]


def _group(values: dict[str, Any], name: str) -> dict[str, Any]:
    group = values.get(name)
    return group if isinstance(group, dict) else {}


def environment_fields() -> set[str]:
    """Dotted names of the settings the ``SOURCEWISE_*`` environment sets now."""
    return set(_flatten(EnvSettingsSource(Settings)()))


def _flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def leaf_fields(
    model: type[BaseModel] = Settings, prefix: str = ""
) -> Iterator[tuple[str, FieldInfo]]:
    """(dotted name, field) of every setting, groups expanded."""
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            yield from leaf_fields(ann, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", info


def rebuild_fields() -> dict[str, Component]:
    """Every setting a running engine applies by rebuilding a component, and which one."""
    out: dict[str, Component] = {}
    for dotted, info in leaf_fields():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get(REBUILD_KEY):
            out[dotted] = cast(Component, extra[REBUILD_KEY])
    return out


def value_of(settings: BaseModel, dotted: str) -> Any:
    value: Any = settings
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def changed_fields(old: Settings, new: Settings) -> list[str]:
    """Dotted names of the settings whose values differ."""
    return [d for d, _info in leaf_fields() if value_of(old, d) != value_of(new, d)]
