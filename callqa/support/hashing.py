"""Digests: of files (recordings, model weights, transcripts) and short, stable ones of option
mappings (the keys under which finished work is stored)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, BinaryIO


def short_digest(data: Any) -> str:
    """16 hex digits of the sha256 of `data` as canonical JSON (sorted keys; anything JSON
    cannot encode is written with `str`)."""
    canonical = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def stream_sha256(handle: BinaryIO) -> str:
    """The sha256 of what is left to read in `handle` (a file, or an fsspec file), by 1 MiB."""
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes."""
    with path.open("rb") as handle:
        return stream_sha256(handle)
