"""`callqa.import/1` validation: every fault refused with its field or utterance and the fix."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from callqa.domain.imports import (
    IMPORT_SCHEMA,
    ImportedTranscript,
    import_problems,
    is_import,
    parse_transcript_document,
    schema_of,
)
from callqa.domain.records import Transcript

GREETING = {"speaker": "S1", "start": 0.4, "end": 3.9, "text": "Thank you for calling."}
REPLY = {"speaker": "S2", "start": 4.2, "end": 6.5, "text": "Hi, I was charged twice."}


def problems(**fields: Any) -> str:
    document = {"schema": "callqa.import/1", "language": "en", **fields}
    with pytest.raises(ValidationError) as caught:
        parse_transcript_document(json.dumps(document))
    assert schema_of(caught.value) == IMPORT_SCHEMA
    return import_problems(caught.value)


@pytest.mark.parametrize(("fields", "message"), [
    ({"utterances": [GREETING, {**REPLY, "start": 6.5, "end": 4.1}]},
     "utterances.1: end 4.1 is before start 6.5: correct the times"),
    ({"utterances": [GREETING, {**REPLY, "text": " "}]},
     "utterances.1.text: the text is empty: give what was said, or drop the utterance"),
    ({"utterances": [{**GREETING, "role": "operator"}]},
     "utterances.0.role: unknown role 'operator': give 'agent' or 'customer'"),
    ({"utterances": [{**GREETING, "role": "unknown"}]}, "unknown role 'unknown'"),
    ({"utterances": [{"text": "Hello?"}]}, "utterances.0: neither role nor speaker"),
    ({"utterances": [{**GREETING, "end": None}]},
     "utterances.0: start without end: give both, or neither (a chat)"),
    ({"utterances": [GREETING, {"speaker": "S2", "text": "hi"}]},
     "utterances: utterance 1 has no start and end but utterance 0 has"),
    ({"utterances": [REPLY, GREETING]},
     "utterances: utterance 1 starts at 0.4 s, before utterance 0 (4.2 s): order the "
     "utterances by start"),
    ({"utterances": []}, "utterances: no utterances: give at least one"),
    ({"speakers": {"S3": "agent"}, "utterances": [GREETING]},
     "speakers: 'S3' speaks no utterance (the utterances' speakers are 'S1'): correct the "
     "speaker id"),
    ({"speakers": {"S1": "boss"}, "utterances": [GREETING]},
     "speakers: speaker 'S1' has unknown role 'boss'"),
    ({"speakers": {"S1": "agent"}, "utterances": [{**GREETING, "role": "customer"}]},
     "utterance 0: speaker 'S1' has role 'customer' but speakers maps it to 'agent'"),
    ({"duration": 5.0, "utterances": [GREETING, REPLY]},
     "utterance 1 ends at 6.5 s, after the duration 5 s: correct the duration"),
    ({"utterances": [GREETING], "metrics": {"talk_shar": 0.5}},
     "metrics.talk_shar: Extra inputs are not permitted"),
    ({"utterances": [GREETING], "metrics": {"non_talk_share": 1.5}},
     "metrics.non_talk_share: Input should be less than or equal to 1"),
    ({"utterences": [GREETING]},
     "utterances: Field required; utterences: Extra inputs are not permitted"),
    ({"schema": "callqa.import/2", "utterances": [GREETING]},
     "schema: Input should be 'callqa.import/1'"),
])
def test_faults_are_named_with_their_fix(fields: dict[str, Any], message: str) -> None:
    assert message in problems(**fields)


def test_the_two_shapes_are_told_apart_by_schema() -> None:
    assert is_import(json.dumps({"schema": "callqa.import/1"}))
    assert is_import(b'{"schema": "callqa.import/9"}')
    for other in (b'{"schema": "callqa.transcript/1"}', b"[1]", b"not json", b"[" * 5000):
        assert not is_import(other)
    with pytest.raises(ValidationError) as caught:
        parse_transcript_document(b'{"schema": "othervendor/2"}')
    assert schema_of(caught.value) == "callqa.transcript/1"
    assert caught.value.title == Transcript.__name__


def test_a_chat_needs_no_times_and_a_speaker_needs_no_role() -> None:
    chat = ImportedTranscript.model_validate({
        "schema": "callqa.import/1", "language": "zh",
        "utterances": [{"role": "agent", "text": "您好"}, {"speaker": "c", "text": "你好"}]})
    assert not chat.timed and chat.utterances[1].role is None
