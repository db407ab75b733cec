"""Re-hash installed models against the manifest: ``ok``, ``missing`` or ``mismatch``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sourcewise.core.modelstore import hashing
from sourcewise.core.modelstore.manifest import ModelSpec
from sourcewise.core.progress import CancelToken

Status = Literal["ok", "missing", "mismatch"]


@dataclass(frozen=True)
class VerifyResult:
    """One model's check. ``actual`` is None when the model is missing."""

    name: str
    status: Status
    path: Path
    expected: str
    actual: str | None = None
    size_bytes: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def verify_one(
    spec: ModelSpec, models_dir: Path, cancel: CancelToken | None = None
) -> VerifyResult:
    """Hash ``spec``'s installed file or folder and compare with the manifest."""
    path = models_dir / spec.target
    if not path.exists():
        return VerifyResult(spec.name, "missing", path, spec.sha256)
    if path.is_dir() != spec.is_folder:  # a file where a folder belongs, or the reverse
        return VerifyResult(spec.name, "mismatch", path, spec.sha256, "")
    actual = hashing.path_sha256(path, cancel=cancel)
    size = hashing.tree_size(path) if path.is_dir() else path.stat().st_size
    status: Status = "ok" if actual == spec.sha256 else "mismatch"
    return VerifyResult(spec.name, status, path, spec.sha256, actual, size)
