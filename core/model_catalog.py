"""The model catalogue: the models a user can choose and install, for the engine's clients
(the desktop app's settings dialog and first-run banner).

The catalogue is what a client sees: the manifest's models as
:class:`~sourcewise.core.types.ModelInfo`, GGUF files found on this machine, installs with
progress. Behind it, :class:`~sourcewise.core.modelstore.store.ModelStore` is the store of
model files on disk (manifest specs, paths, download, verify), which the engine's components
load from; no client reaches it. The catalogue is built from settings alone, so the settings
dialog lists and installs models even when no engine could start.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sourcewise.core.progress import CancelToken, ProgressCallback
from sourcewise.core.settings import Settings
from sourcewise.core.types import FoundModel, ModelInfo

if TYPE_CHECKING:
    from sourcewise.core.modelstore.manifest import ModelSpec
    from sourcewise.core.modelstore.store import ModelStore


class ModelCatalog:
    """The manifest's models, listed, looked for on this machine and installed."""

    def __init__(self, settings: Settings, store: ModelStore | None = None) -> None:
        if store is None:
            from sourcewise.core.modelstore.store import ModelStore

            store = ModelStore(settings)  # no I/O until asked
        self._store = store

    @property
    def models_dir(self) -> Path:
        """Where installs go (and adapters live, under ``adapters/``)."""
        return self._store.models_dir

    def models(self, role: str | None = None) -> list[ModelInfo]:
        """The manifest's models (of one role: chat, embed, rerank), each with whether it is
        installed and where."""
        return [self._info(s) for s in self._store.manifest() if role in (None, s.role)]

    def info(self, name: str) -> ModelInfo:
        """One manifest model; ModelError naming the known ones when ``name`` is not."""
        return self._info(self._store.spec(name))

    def defaults(self) -> list[ModelInfo]:
        """The models installed on first run."""
        return [self._info(s) for s in self._store.defaults()]

    def missing(self, names: Iterable[str]) -> list[ModelInfo]:
        """Those of ``names`` that are manifest models and not installed (a name the
        manifest does not know, such as a test's fake, needs nothing)."""
        known = {s.name: s for s in self._store.manifest()}
        wanted = [known[n] for n in dict.fromkeys(names) if n in known]
        return [self._info(s) for s in wanted if not self._store.is_installed(s.name)]

    def discover(self, home: Path | None = None) -> list[FoundModel]:
        """GGUF files on this machine; with an explicit ``home``, system-wide places are
        skipped. Walks folders: call it off the UI thread."""
        return [FoundModel(path=m.path, source=m.source, name=m.name, model_name=m.model_name,
                           quantization=m.quantization)
                for m in self._store.discover(home=home)]  # fmt: skip

    def install(self, name: str, *, progress: ProgressCallback | None = None,
                cancel: CancelToken | None = None) -> Path:  # fmt: skip
        """Download, assemble and verify one model (a no-op when a valid copy is present)."""
        return self._store.install(name, progress=progress, cancel=cancel)

    def install_many(self, names: Sequence[str], *, progress: ProgressCallback | None = None,
                     cancel: CancelToken | None = None) -> list[Path]:  # fmt: skip
        """Install several models in order, downloading what they share once."""
        return self._store.install_many(names, progress=progress, cancel=cancel)

    def _info(self, spec: ModelSpec) -> ModelInfo:
        return ModelInfo(name=spec.name, display_name=spec.display_name, role=spec.role,
                         size_bytes=spec.size_bytes, installed=self._store.is_installed(spec.name),
                         path=self._store.target(spec.name))  # fmt: skip
