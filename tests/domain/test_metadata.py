from __future__ import annotations

import json
from pathlib import Path

import pytest

from callqa.domain.errors import MetadataError
from callqa.domain.metadata import load_metadata, sidecar_path
from callqa.domain.records import ChannelLayout

GOOD = {
    "call_id": "c-0042", "agent_id": "a01", "agent_name": "Maria Lopez",
    "customer_id": "c105", "customer_name": "Sarah Johnson", "call_type": "billing",
    "started_at": "2026-11-02T09:15:00+00:00", "direction": "inbound", "language": "en",
    "channel_layout": "agent_left", "crm_case": "CASE-7",
}


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "call.json"
    path.write_text(json.dumps(data))
    return path


def test_valid_sidecar_keeps_unknown_fields(tmp_path: Path) -> None:
    metadata = load_metadata(_write(tmp_path, GOOD))
    assert metadata.channel_layout == ChannelLayout.AGENT_LEFT
    assert metadata.started_at is not None and metadata.started_at.utcoffset() is not None
    assert metadata.model_extra == {"crm_case": "CASE-7"}
    assert json.loads(metadata.model_dump_json())["crm_case"] == "CASE-7"


def test_all_fields_optional(tmp_path: Path) -> None:
    assert load_metadata(_write(tmp_path, {})).call_id is None


@pytest.mark.parametrize(("field", "value"), [
    ("channel_layout", "agent_middle"),
    ("started_at", "yesterday"),
    ("started_at", "2026-11-02T09:15:00"),
    ("direction", "sideways"),
    ("language", "English"),
    ("call_type", "Billing Questions!"),
    ("call_id", ""),
])
def test_invalid_field_is_named(tmp_path: Path, field: str, value: str) -> None:
    path = _write(tmp_path, {**GOOD, field: value})
    with pytest.raises(MetadataError) as caught:
        load_metadata(path)
    assert f"field '{field}'" in str(caught.value) and str(path) in str(caught.value)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "call.json"
    path.write_text("{call_id: c-1")
    with pytest.raises(MetadataError, match="not valid JSON"):
        load_metadata(path)


def test_not_an_object(tmp_path: Path) -> None:
    with pytest.raises(MetadataError, match="must be a JSON object"):
        load_metadata(_write(tmp_path, ["c-1"]))


def test_missing_sidecar(tmp_path: Path) -> None:
    with pytest.raises(MetadataError, match="cannot read"):
        load_metadata(tmp_path / "none.json")


def test_sidecar_path() -> None:
    assert sidecar_path("calls/x.ulaw.wav") == Path("calls/x.ulaw.json")
