from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from callqa.domain.errors import ModelError
from callqa.pipeline.model_files import BUNDLED_MODEL_SHA256, bundled_model, resolve_model


def test_bundled_model_found_and_verified() -> None:
    source = bundled_model()
    model_bin = Path(source.location) / "model.bin"
    assert source.sha256 == BUNDLED_MODEL_SHA256
    assert hashlib.sha256(model_bin.read_bytes()).hexdigest() == BUNDLED_MODEL_SHA256
    assert resolve_model("bundled:tiny.en") == source


def _fake_model_dir(tmp_path: Path, content: bytes) -> Path:
    directory = tmp_path / "model"
    directory.mkdir()
    (directory / "model.bin").write_bytes(content)
    (directory / "config.json").write_text("{}")
    return directory


def test_checksum_mismatch_is_refused(tmp_path: Path) -> None:
    directory = _fake_model_dir(tmp_path, b"not the weights")
    with pytest.raises(ModelError, match="does not match"):
        resolve_model(str(directory), BUNDLED_MODEL_SHA256)


def test_local_directory_with_matching_checksum(tmp_path: Path) -> None:
    directory = _fake_model_dir(tmp_path, b"weights")
    source = resolve_model(str(directory), hashlib.sha256(b"weights").hexdigest())
    assert source.location == str(directory) and source.sha256 is not None


def test_directory_without_model_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"missing model\.bin, config\.json"):
        resolve_model(str(tmp_path))


def test_model_name_is_passed_through() -> None:
    source = resolve_model("large-v3")
    assert (source.id, source.location, source.sha256) == ("large-v3", "large-v3", None)


def test_checksum_for_a_name_is_refused() -> None:
    with pytest.raises(ModelError, match="is a name"):
        resolve_model("large-v3", BUNDLED_MODEL_SHA256)
