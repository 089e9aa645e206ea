"""Short, stable digests of option mappings: the keys under which finished work is stored."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def short_digest(data: Any) -> str:
    """16 hex digits of the sha256 of `data` as canonical JSON (sorted keys; anything JSON
    cannot encode is written with `str`)."""
    canonical = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
