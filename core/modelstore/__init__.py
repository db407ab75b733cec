"""Model files: the manifest, installing from PyPI wheels, verifying, and finding local GGUFs."""

from sourcewise.core.modelstore.discover import DiscoveredModel
from sourcewise.core.modelstore.gguf import GGUFInfo, read_gguf
from sourcewise.core.modelstore.manifest import Assembly, ModelSpec, Source, load_manifest
from sourcewise.core.modelstore.store import ModelStore
from sourcewise.core.modelstore.verify import VerifyResult

__all__ = [
    "Assembly",
    "DiscoveredModel",
    "GGUFInfo",
    "ModelSpec",
    "ModelStore",
    "Source",
    "VerifyResult",
    "load_manifest",
    "read_gguf",
]
