"""Call-metadata sidecars: `<recording>.json` beside the audio, or a path given explicitly."""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Any, TypeVar, overload

from pydantic import ValidationError

from callqa.domain.errors import MetadataError, read_input, validation_problems
from callqa.domain.records import CallMetadata

_PurePathT = TypeVar("_PurePathT", bound=PurePath)


def parse_metadata(data: Any, source: str | Path = "<metadata>") -> CallMetadata:
    """Validate a metadata mapping; the error names every bad field and what it should be."""
    if not isinstance(data, dict):
        raise MetadataError(
            source,
            f"call metadata must be a JSON object, got {type(data).__name__}",
            'write an object such as {"call_id": "c-1", "agent_id": "a01"}',
        )
    try:
        return CallMetadata.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, as_fields=True, with_input=True)
        raise MetadataError(
            source, f"invalid call metadata: {problems}",
            "correct the named fields (docs/transcript-format.md, 'Call metadata sidecar', "
            "gives the form of each)",
        ) from exc


def metadata_warnings(metadata: CallMetadata) -> list[str]:
    """Unknown fields one edit away from a known one (`agentid`, `call_typ`): kept as extra
    fields, as every unknown field is, but most likely a misspelling the user wants to hear
    about."""
    from rapidfuzz.distance import Levenshtein

    known = list(CallMetadata.model_fields)
    warnings = []
    for name in metadata.model_extra or {}:
        close = [field for field in known
                 if Levenshtein.distance(name.lower(), field) <= 1]
        if close:
            warnings.append(f"unknown field {name!r} (did you mean {close[0]!r}?) is kept as "
                            "an extra field")
    return warnings


def load_metadata(path: str | Path) -> CallMetadata:
    """Read and validate a JSON metadata sidecar."""
    path = Path(path)
    return metadata_from_json(read_input(path, "metadata file", MetadataError), path)


def metadata_from_json(raw: bytes, source: str | Path) -> CallMetadata:
    """Validate a sidecar's bytes, read from disk or from an archive (`source` names it).

    UTF-8 (with or without a byte-order mark) and CRLF line ends are read; any other
    encoding is refused rather than guessed, so that names are never stored garbled."""
    fix = "write the sidecar as one JSON object, saved as UTF-8"
    if not raw.strip():
        raise MetadataError(source, "the metadata file is empty", fix)
    try:
        data = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise MetadataError(source, f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                            fix) from exc
    except json.JSONDecodeError as exc:
        raise MetadataError(
            source, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", fix
        ) from exc
    except RecursionError as exc:
        raise MetadataError(source, "not call metadata (JSON nested thousands of levels deep)",
                            fix) from exc
    return parse_metadata(data, source)


@overload
def sidecar_path(audio_path: str | Path) -> Path: ...
@overload
def sidecar_path(audio_path: _PurePathT) -> _PurePathT: ...
def sidecar_path(audio_path: str | PurePath) -> PurePath:
    """`calls/x.wav` -> `calls/x.json`, the convention for metadata beside a recording.

    A pure path (a key in a remote archive, as `PurePosixPath`) gives one of its own kind.
    """
    path = audio_path if isinstance(audio_path, PurePath) else Path(audio_path)
    return path.with_suffix(".json")
