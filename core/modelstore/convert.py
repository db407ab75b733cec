"""A runtime made once at install time from a verified model folder: EmbeddingGemma as INT8 ONNX.

EmbeddingGemma through sentence-transformers (torch, F32) embeds at 0.04x (English) to 0.17x
(12 languages) bge-small-en's chunks/s on 2 cores; its INT8 ONNX export at 0.29x to 0.76x,
for XQuAD gold@1 0.958 and SciFact nDCG@10 0.918 vs F32's 0.956 and 0.923
(bench/embedder_speed.py, bench/languages_embed.py). No published INT8 file has a hash we could
check, so the conversion runs here, from the folder whose sha256 the install just verified, and
the sha256 of what it produced is recorded beside it (``conversion.json``): ``models verify``
re-hashes the file against that record, and the factory uses the file only when the record
names the manifest's version of the folder and the file has the recorded size.

Layout: ``<models>/<target>`` (the verified folder) and ``<models>/<target>.onnx-int8/``
holding ``model.onnx`` and ``conversion.json``. A failed or cancelled conversion leaves nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sourcewise.core.errors import Cancelled
from sourcewise.core.modelstore import hashing
from sourcewise.core.modelstore.install import swap_into_place
from sourcewise.core.modelstore.manifest import ModelSpec
from sourcewise.core.modelstore.verify import Status, VerifyResult
from sourcewise.core.progress import CancelToken, Progress, ProgressCallback

SUFFIX = ".onnx-int8"
MODEL_FILE = "model.onnx"
RECORD_FILE = "conversion.json"
STEPS = ("export", "quantize", "hash")

Outcome = Literal["converted", "present", "failed", "none"]


@dataclass(frozen=True)
class ConvertResult:
    """``none``: the model has no converted runtime; ``failed``: ``message`` says why and how
    to retry (the model itself stays installed and runs on its own runtime)."""

    outcome: Outcome
    path: Path | None = None
    seconds: float | None = None
    message: str = ""


def converted_dir(spec: ModelSpec, folder: Path) -> Path:
    """Where ``spec``'s converted runtime lives, beside its folder in the models dir ``folder``."""
    return folder / f"{spec.target}{SUFFIX}"


def read_record(spec: ModelSpec, folder: Path) -> dict[str, Any] | None:
    """The conversion record of ``spec`` in ``folder`` when it is readable and was made from
    the manifest's folder (same sha256), else None."""
    try:
        record = json.loads((converted_dir(spec, folder) / RECORD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("source_sha256") != spec.sha256:
        return None
    if not isinstance(record.get("sha256"), str) or not isinstance(record.get("size_bytes"), int):
        return None
    return record


def usable_model(spec: ModelSpec, folder: Path) -> Path | None:
    """The converted model file when present with its recorded size (cheap, like the store's
    presence check; ``models verify`` re-hashes), else None."""
    record = read_record(spec, folder)
    path = converted_dir(spec, folder) / MODEL_FILE
    try:
        if record is not None and path.stat().st_size == record["size_bytes"]:
            return path
    except OSError:
        return None
    return None


def verify_converted(
    spec: ModelSpec, folder: Path, cancel: CancelToken | None = None
) -> VerifyResult | None:
    """Re-hash the converted file against its record; None when there is none to check."""
    where = converted_dir(spec, folder)
    if spec.convert is None or not where.exists():
        return None
    name = f"{spec.name}{SUFFIX}"
    record = read_record(spec, folder)
    path = where / MODEL_FILE
    if record is None or not path.is_file():
        return VerifyResult(name, "mismatch", where, "(a conversion record)", "")
    actual = hashing.file_sha256(path, cancel=cancel)
    status: Status = "ok" if actual == record["sha256"] else "mismatch"
    return VerifyResult(name, status, where, record["sha256"], actual, path.stat().st_size)


def convert_model(
    spec: ModelSpec,
    folder: Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ConvertResult:
    """Make ``spec``'s converted runtime from its installed folder in ``folder`` unless a
    matching one is there. Never raises but on cancel: a failed conversion is an outcome
    (the model still runs on its own runtime, only slower)."""
    if spec.convert is None:
        return ConvertResult("none")
    out = converted_dir(spec, folder)
    if usable_model(spec, folder) is not None:
        return ConvertResult("present", out)
    report = progress or (lambda _: None)
    token = cancel or CancelToken()
    started = time.monotonic()
    try:
        _build(spec, folder, out, report, token)
    except Cancelled:
        raise
    except Exception as err:  # noqa: BLE001 - torch's exporter and onnx raise many kinds; the install stands
        return ConvertResult("failed", message=_failure(spec, err))
    return ConvertResult("converted", out, time.monotonic() - started)


def _failure(spec: ModelSpec, err: Exception) -> str:
    detail = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
    return (
        f"{spec.name}: the INT8 ONNX conversion failed ({type(err).__name__}: {detail}); it runs "
        f"through sentence-transformers (F32) instead, 5-8x slower at indexing. Retry with "
        f"`sourcewise models install {spec.name}`"
    )


def _build(
    spec: ModelSpec, folder: Path, out: Path, report: ProgressCallback, token: CancelToken
) -> None:
    source = folder / spec.target
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder))
    try:
        started = time.monotonic()
        model = tmp / MODEL_FILE
        export_int8(source, model, tmp, lambda step: _step(spec, step, report, token))
        _step(spec, "hash", report, token)
        record = {
            "source": spec.target,
            "source_sha256": spec.sha256,
            "format": "onnx-int8",
            "sha256": hashing.file_sha256(model, cancel=token),
            "size_bytes": model.stat().st_size,
            "seconds": round(time.monotonic() - started, 1),
            "versions": _versions(),
        }
        (tmp / RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
        tmp.chmod(0o755)  # mkdtemp creates it private
        swap_into_place(tmp, out)
        report(Progress("convert", len(STEPS), len(STEPS), f"{spec.name}: converted"))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _step(spec: ModelSpec, step: str, report: ProgressCallback, token: CancelToken) -> None:
    token.check()
    # The whole message says what is happening: the app shows it as it comes.
    message = f"{spec.name}: converting to INT8 ONNX, {step}"
    report(Progress("convert", STEPS.index(step), len(STEPS), message))


def _versions() -> dict[str, str]:
    """The tools' versions, in the record: another torch or onnxruntime exports other bytes."""
    from importlib import metadata

    found = {}
    for package in ("torch", "transformers", "sentence-transformers", "onnx", "onnxruntime"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "?"
    return found


def export_int8(source: Path, model: Path, workdir: Path, step: Any = None) -> None:
    """Export the sentence-transformers folder ``source`` (EmbeddingGemma: Gemma3 encoder, mean
    pooling, two dense layers, normalise) to ONNX, then quantise its weights to INT8 into
    ``model``. The F32 graph (1.2 GB) is written in ``workdir`` and deleted at once.

    The graph takes ``input_ids`` and ``attention_mask`` and returns the normalised vector.
    transformers' mask builder (vmap) does not trace, so the model is handed a ready 4-D
    padding mask for both layer kinds: attention is bidirectional, and a sliding layer (window
    512: it attends |q - kv| < 512) sees every position of a text of at most 512 tokens, so for
    such texts both masks are the padding mask. The embedder never feeds more (gemma_onnx.py).
    """
    from sentence_transformers import SentenceTransformer

    tell = step or (lambda _: None)
    tell("export")
    st = SentenceTransformer(str(source), device="cpu", local_files_only=True).eval()
    st.requires_grad_(False)
    with warnings.catch_warnings(), _quiet_quantizer():
        # The tracer warns of Python-level branches on shapes: the ready masks take them all
        # the same way for any batch, and the user could do nothing about it anyway.
        warnings.simplefilter("ignore")
        _export(st, model, workdir, tell)


def _export(st: Any, model: Path, workdir: Path, tell: Any) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Wrap(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # Submodules, so their weights are exported as weights (initializers), not as
            # traced constants (which the tracer refuses for tensors that require grad).
            self.hf: Any = st[0].auto_model
            self.dense2: Any = st[2].linear
            self.dense3: Any = st[3].linear

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            b, s = input_ids.shape
            m4 = attention_mask[:, None, None, :].bool().expand(b, 1, s, s)
            masks = {"full_attention": m4, "sliding_attention": m4}
            hidden = self.hf(input_ids=input_ids, attention_mask=masks).last_hidden_state
            w = attention_mask[..., None].to(hidden.dtype)
            pooled = (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)
            e = self.dense3(self.dense2(pooled))
            return e / e.norm(dim=-1, keepdim=True).clamp(min=1e-12)

    f32 = workdir / "model-f32.onnx"
    example = st.tokenizer(["hello world, this is a test", "short"], padding=True,
                           return_tensors="pt")  # fmt: skip
    axes = {"input_ids": {0: "b", 1: "s"}, "attention_mask": {0: "b", 1: "s"}}
    try:
        with torch.no_grad():
            torch.onnx.export(Wrap().eval(), (example["input_ids"], example["attention_mask"]),
                              str(f32), input_names=["input_ids", "attention_mask"],
                              output_names=["sentence_embedding"], dynamic_axes=axes,
                              opset_version=17, dynamo=False)  # fmt: skip
        tell("quantize")
        # One scale per output channel, not per tensor: on 24 XQuAD paragraphs cosine to the
        # F32 vectors 0.971 instead of 0.956, XQuAD gold@1 0.958 vs 0.954, at the same speed.
        quantize_dynamic(str(f32), str(model), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        f32.unlink(missing_ok=True)
        for extra in workdir.glob("*.data"):  # external weights, when an exporter writes them
            extra.unlink(missing_ok=True)


@contextlib.contextmanager
def _quiet_quantizer() -> Iterator[None]:
    """Drop onnxruntime's advice to pre-process the graph (logged on the root logger at each
    quantisation): the measured speed and quality are those of the graph as exported."""

    def keep(record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()

    root = logging.getLogger()
    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)
